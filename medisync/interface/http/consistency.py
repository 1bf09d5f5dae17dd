"""Read-your-writes by consistency token (D52).

A command's answer carries ``X-Consistency-Token``: the notification id of its
last event. A GET that sends the token back waits, bounded, only until the
projection(s) serving that GET have passed it. A command itself waits only for
the projections that handle the events it committed (the others have nothing
to show of it), and the wait holds no thread: in-process followers resolve a
future on the event loop; projectors in other processes are polled through
their tracking tables.
"""

from __future__ import annotations

import asyncio
import time
from functools import lru_cache
from typing import Any, Callable, Iterable, ParamSpec, TypeVar

from aiohttp import web

from medisync.application.app import saved_events
from medisync.interface.http.errors import ApiError
from medisync.projections import ALL_PROJECTIONS

T = TypeVar("T")
P = ParamSpec("P")

TOKEN_HEADER = "X-Consistency-Token"
POLL_S = 0.01

# The projections whose tables each query reads (container.queries key); a
# query not named here waits for every projection (always correct, slower).
SERVED_BY: dict[str, tuple[str, ...]] = {
    "users": ("users",),
    "appointments": ("appointments",),
    "patients": ("patients", "appointments"),  # a doctor sees the patients they have appointments with
}


def collecting(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> tuple[T, tuple[Any, ...]]:
    """Run a command (in its worker thread) and hand back the events it committed."""
    with saved_events() as events:
        result = function(*args, **kwargs)
    return result, tuple(events)


@lru_cache(maxsize=1024)
def _handling(event_type: type) -> tuple[str, ...]:
    return tuple(p.name for p in ALL_PROJECTIONS if event_type in p.handlers)


def handling(event_types: Iterable[type]) -> tuple[str, ...]:
    """The projections that change a view for any of these event classes."""
    return tuple(sorted({name for event_type in event_types for name in _handling(event_type)}))


def served_by(container: Any, function: Any) -> tuple[str, ...]:
    """The projections a query function reads (every projection when not known)."""
    owner = getattr(function, "__self__", None)
    for key, query in container.queries.items():
        if query is owner and key in SERVED_BY:
            return SERVED_BY[key]
    return tuple(container.views)


def requested_token(request: web.Request) -> int | None:
    raw = request.headers.get(TOKEN_HEADER)
    if raw is None or not raw.strip():
        return None
    if not raw.strip().isdigit() or len(raw.strip()) > 18:
        raise ApiError(400, f"{TOKEN_HEADER} must be the token a command answered with (digits)",
                       code="validation_error")
    return int(raw.strip())


async def passed(container: Any, names: tuple[str, ...], notification_id: int | None) -> bool:
    """Wait (bounded) until every named projection has passed the id."""
    if notification_id is None or not names:
        return True
    timeout = container.settings.read_your_writes_timeout_s
    local, remote = container.followed_here(names)
    deadline = time.monotonic() + timeout
    if local and not await container.progress.until(local, notification_id, timeout):
        return False
    if remote and not await _polled(container, remote, notification_id, deadline):
        return False
    container.progress.confirm(names, notification_id)  # what this process's row cache must reflect (D78)
    return True


async def _polled(container: Any, names: tuple[str, ...], notification_id: int, deadline: float) -> bool:
    # Projections in other processes: ask their tracking tables.
    loop = asyncio.get_running_loop()
    views = [container.views[name] for name in names]
    while True:
        done = await loop.run_in_executor(None, _all_tracked, views, container.app.name, notification_id)
        if done:
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL_S)


def _all_tracked(views: list[Any], application: str, notification_id: int) -> bool:
    return all(view.has_tracking_id(application, notification_id) for view in views)
