"""What the composition root's Container answers besides its components: paging,
read-your-writes from a thread, and readiness. Mixed into the Container.

Use cases are not here: each is an application command (D56).
"""

from __future__ import annotations

import time
from typing import Any

from medisync.adapters.postgres.queries import Page


class ContainerOperations:
    def page(self: Any, query: dict[str, Any]) -> Page:
        return Page(query["page"], query["per_page"])

    def appointment_row_cache(self: Any) -> Any:
        """The appointment rows held in memory for the single GET (D78); None when off or not built."""
        return getattr(getattr(self.queries.get("appointments"), "live", None), "cache", None)

    def followed_here(self: Any, names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(the projections this process follows, the others): in-process progress is known
        only for the first; the others run elsewhere, and only their tracking tables know."""
        here = {follower.name for follower in self.followers}
        return tuple(n for n in names if n in here), tuple(n for n in names if n not in here)

    def wait_for_projections(self: Any, notification_id: int) -> bool:
        """Read-your-writes from a thread: wait, bounded, until every projection has passed the id."""
        deadline = time.monotonic() + self.settings.read_your_writes_timeout_s
        local, remote = self.followed_here(tuple(self.views))
        if local and not self.progress.wait(local, notification_id, deadline - time.monotonic()):
            return False
        return not remote or self._poll_tracking(remote, notification_id, deadline)

    def _poll_tracking(self: Any, names: tuple[str, ...], notification_id: int, deadline: float) -> bool:
        # Projections that run in other processes: ask their tracking tables.
        views = [self.views[name] for name in names]
        while True:
            if all(v.has_tracking_id(self.app.name, notification_id) for v in views):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def health(self: Any) -> dict[str, Any]:
        checks: dict[str, Any] = {}
        try:
            self.reads.one(dict, "SELECT 1 AS ok")
            checks["database"] = "ok"
            head = self.app.recorder.max_notification_id() or 0
        except Exception:  # noqa: BLE001 - readiness reports, it does not raise
            return {"status": "unavailable", "database": "unreachable"}
        lags = {name: max(head - position, 0) for name, position in self._positions().items()}
        checks["projection_lag"] = lags
        checks["head_notification_id"] = head
        checks["stalled"] = stalled = self._stalled()
        # Stalled is not unready: the process serves, and every process would report it (D87).
        return {"status": "degraded" if stalled else "ok", **checks}

    def _stalled(self: Any) -> list[dict[str, Any]]:
        """The followers that cannot apply an event, in any process: ids and error classes, no PHI."""
        if self.stalls is None:
            return []
        return [{"follower": s["follower"], "notification_id": s["notification_id"], "error": s["error"],
                 "attempts": s["attempts"], "since": s["since"].isoformat(), "process": s["process"]}
                for s in self.stalls.listing()]

    def _positions(self: Any) -> dict[str, int]:
        local, remote = self.followed_here(tuple(self.views))
        known = self.progress.positions() if local else {}
        positions = {name: known.get(name, 0) for name in local}
        positions.update({name: self.views[name].max_tracking_id(self.app.name) or 0 for name in remote})
        return positions
