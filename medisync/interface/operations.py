"""Multi-step operations the HTTP layer calls as one (blocking) function.

Each runs in the thread pool. Mixed into the composition root's Container.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Iterator

from medisync.adapters.postgres.queries import Page
from medisync.application.file_intake import StagedFile
from medisync.application.identity import Tokens
from medisync.application.principal import Principal
from medisync.application.results import CommandResult


class ContainerOperations:
    def page(self: Any, query: dict[str, Any]) -> Page:
        return Page(query["page"], query["per_page"])

    def wait_for_projections(self: Any, notification_id: int) -> bool:
        """Read-your-writes: wait, bounded, until every projection has passed the id."""
        timeout = self.settings.read_your_writes_timeout_s
        if self.followers:
            return self.progress.wait(tuple(self.views), notification_id, timeout)
        return self._poll_tracking(notification_id, timeout)

    def _poll_tracking(self: Any, notification_id: int, timeout: float) -> bool:
        # Projections run in other processes: ask their tracking tables.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(v.has_tracking_id(self.app.name, notification_id) for v in self.views.values()):
                return True
            time.sleep(0.01)
        return False

    def register_and_login(self: Any, body: dict[str, Any], request_id: str) -> dict[str, Any]:
        identity = self.identity
        if body.get("invitation_token"):
            result = identity.register_invited(body["email"], body["password"], body["full_name"],
                                               body["invitation_token"], request_id)
        else:
            result = identity.register_practice(body["email"], body["password"], body["full_name"],
                                                body["practice_name"], request_id)
        self.wait_for_projections(result.notification_id)
        user = self.reads.get_user(result.id) or identity.describe_user(result.id)
        return {"user": user, "tokens": identity.issue_tokens(result.id)}

    def login(self: Any, email: str, password: str, remote: str) -> Tokens:
        return self.identity.login(email, password, remote)

    def store_recording(self: Any, principal: Principal, appointment_id: str, upload: Any,
                        audio: Any) -> CommandResult:
        # The service stores the file only once the upload is accepted (D31);
        # a refusal leaves the staged file, which is removed here.
        with _discarding(upload):
            return self.recordings.upload(principal, appointment_id,
                                          StagedFile(upload.path, audio.content_type), audio.duration_s)

    def delete_recordings(self: Any, principal: Principal, appointment_id: str,
                          reason: str) -> CommandResult:
        return self.recordings.delete(principal, appointment_id, reason)

    def store_document(self: Any, principal: Principal, upload: Any, form: dict[str, Any],
                       content_type: str) -> CommandResult:
        with _discarding(upload):
            return self.documents.upload(principal, form["patient_id"], form.get("appointment_id"),
                                         form["kind"], form["title"], StagedFile(upload.path, content_type))

    def regenerate_note(self: Any, principal: Principal, appointment_id: str,
                        generator: str, template: str | None = None) -> CommandResult:
        return self.note_drafting.regenerate(principal, appointment_id, generator, template)

    def health(self: Any) -> dict[str, Any]:
        checks: dict[str, Any] = {}
        try:
            self.reads.one("SELECT 1 AS ok")
            checks["database"] = "ok"
            head = self.app.recorder.max_notification_id() or 0
        except Exception:  # noqa: BLE001 - readiness reports, it does not raise
            return {"status": "unavailable", "database": "unreachable"}
        lags = {name: max(head - position, 0) for name, position in self._positions().items()}
        checks["projection_lag"] = lags
        checks["head_notification_id"] = head
        return {"status": "ok", **checks}

    def _positions(self: Any) -> dict[str, int]:
        if self.followers:
            return {name: self.progress.positions().get(name, 0) for name in self.views}
        return {name: view.max_tracking_id(self.app.name) or 0 for name, view in self.views.items()}


@contextmanager
def _discarding(upload: Any) -> Iterator[None]:
    """Remove the spooled file if the upload is refused (once stored, it is no longer there)."""
    try:
        yield
    except BaseException:
        upload.discard()
        raise
