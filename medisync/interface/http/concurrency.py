"""ETag and If-Match: optimistic concurrency over HTTP.

A single resource's ETag is its aggregate version (strong, quoted: ``"7"``).
A command sent with ``If-Match`` runs only if the aggregate, as read from the
event store inside the command, is at one of the listed versions; otherwise
412. ``If-Match: *`` matches any existing resource. The comparison is strong
(RFC 9110 13.1.1): a weak tag ``W/"7"`` never matches.
"""

from __future__ import annotations

import re
from functools import wraps
from typing import Any, Callable, ParamSpec, TypeVar

from aiohttp import web

from medisync.application.preconditions import PreconditionFailedError, expecting
from medisync.interface.http.envelope import success
from medisync.interface.http.errors import ApiError

T = TypeVar("T")
P = ParamSpec("P")
_TAG = re.compile(r'^(W/)?"([^"]*)"$')


def etag(version: Any) -> dict[str, str]:
    """The header for a resource at this aggregate version (none when unknown)."""
    return {"ETag": f'"{int(version)}"'} if version is not None else {}


def expected_versions(request: web.Request) -> frozenset[int] | None:
    """The versions If-Match accepts; None when absent or ``*`` (no precondition)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    versions: set[int] = set()
    for candidate in header.split(","):
        match = _TAG.match(candidate.strip())
        if match and not match.group(1) and match.group(2).isdigit():
            versions.add(int(match.group(2)))
    return frozenset(versions)  # empty: nothing can match, so the command answers 412


def guarded(request: web.Request, aggregate_id: str, function: Callable[P, T]) -> Callable[P, T]:
    """The command, bound to the request's If-Match on ``aggregate_id``.

    The returned callable runs in the worker thread, so the expectation is set
    in that thread's context, around exactly this command.
    """
    versions = expected_versions(request)
    if versions is None:
        return function

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            with expecting(aggregate_id, versions):
                return function(*args, **kwargs)
        except PreconditionFailedError as refused:
            raise ApiError(412, refused.message, details=dict(refused.details)) from None
    return run


def tagged(data: dict[str, Any], status: int = 200, fast: bool = False) -> web.Response:
    """The success envelope for one resource, with its version as the ETag (``fast``: see ``success``)."""
    return success(data, status, headers=etag(data.get("version")), fast=fast)
