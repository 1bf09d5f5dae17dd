"""Request id, authentication, rate limits and the one error handler."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any, Awaitable, Callable

from aiohttp import hdrs, web
from aiohttp.helpers import parse_mimetype

from medisync.application.errors import AuthenticationError, TokenInvalidError, TooManyAttemptsError
from medisync.application.principal import Principal
from medisync.interface.http.errors import ApiError, to_response
from medisync.interface.http.fhir_io import as_operation_outcome, is_fhir
from medisync.interface.http.consistency import TOKEN_HEADER
from medisync.interface.http.keys import (AUTH_CACHE, CLAIMS, CONSISTENCY_TOKEN, CONTAINER, PRINCIPAL,
                                          RATE_HEADERS, RATE_LIMITER, REQUEST_ID)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
PUBLIC_PATHS = frozenset({"/api/v1/openapi.json"})


def public(handler: Handler) -> Handler:
    """Mark a handler as reachable without a token."""
    handler.is_public = True  # type: ignore[attr-defined]
    return handler


def _request_id(request: web.Request) -> str:
    incoming = request.headers.get("X-Request-ID", "")
    return incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


@web.middleware
async def envelope_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[REQUEST_ID] = _request_id(request)
    try:
        _multipart_boundary(request)
        response = await handler(request)
    except asyncio.CancelledError:
        raise
    except BaseException as error:  # noqa: BLE001 - every failure becomes an envelope
        if isinstance(error, web.HTTPMethodNotAllowed):
            _allow_of_static_path(request, error)
        response = to_response(error, request[REQUEST_ID])
        if is_fhir(request):
            response = as_operation_outcome(response)
    response.headers["X-Request-ID"] = request[REQUEST_ID]
    if CONSISTENCY_TOKEN in request:  # the command's position in the log (D52)
        response.headers[TOKEN_HEADER] = str(request[CONSISTENCY_TOKEN])
    for name, value in request.get(RATE_HEADERS, {}).items():
        response.headers.setdefault(name, value)
    return response


def _multipart_boundary(request: web.Request) -> None:
    """A multipart body without a usable boundary cannot be read: 400, not the parser's ValueError."""
    if request.content_type.startswith("multipart/"):
        boundary = parse_mimetype(request.headers.get(hdrs.CONTENT_TYPE, "")).parameters.get("boundary", "")
        if not 0 < len(boundary) <= 70:
            raise ApiError(400, f"{request.content_type} needs a boundary parameter of 1 to 70 characters",
                           code="bad_request")


def _allow_of_static_path(request: web.Request, error: web.HTTPMethodNotAllowed) -> None:
    """aiohttp's 405 lists the methods of every route whose pattern matches the path, so
    ``/users/invitations`` offered PATCH (of ``/users/{user_id}``) too. A path that names a static
    resource is that resource: its ``Allow`` lists its own methods (RFC 9110 10.2.1; D61)."""
    methods = {route.method for resource in request.app.router.resources()
               if isinstance(resource, web.PlainResource) and resource.raw_match(request.path)
               for route in resource}
    if methods:
        error.headers["Allow"] = ",".join(sorted(methods))


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.match_info.route.resource is None or _is_public(request, handler):
        return await handler(request)
    request[PRINCIPAL] = await _authenticate(request)
    return await handler(request)


@web.middleware
async def rate_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    limiter = request.app[RATE_LIMITER]
    principal: Principal | None = request.get(PRINCIPAL)
    upload = request.method == "POST" and request.content_type == "multipart/form-data"
    try:
        request[RATE_HEADERS] = limiter.hit(principal, request.remote or "unknown", upload)
    except TooManyAttemptsError as refused:
        request[RATE_HEADERS] = getattr(refused, "headers", {})
        raise
    return await handler(request)


def _is_public(request: web.Request, handler: Handler) -> bool:
    return is_public_route(getattr(request.match_info, "handler", handler), request.path)


def is_public_route(handler: Handler, path: str) -> bool:
    """Reachable without a token: what the OpenAPI document's ``security: []`` says too."""
    return bool(getattr(handler, "is_public", False)) or path in PUBLIC_PATHS or not path.startswith("/api/v1")


async def _authenticate(request: web.Request) -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("missing bearer token: send 'Authorization: Bearer <access_token>' "
                                  "with the access_token of POST /auth/login")
    container = request.app[CONTAINER]
    claims = container.tokens.verify_access(token.strip())
    request[CLAIMS] = claims
    cache = request.app.get(AUTH_CACHE)
    user = _cached_user(cache, claims) if cache is not None else None  # no query, no thread (D53)
    if user is None:
        user = await asyncio.get_running_loop().run_in_executor(None, _active_user, container, cache, claims)
    return Principal(str(user["id"]), str(user["practice_id"]), user["role"], user["tier"],
                     request[REQUEST_ID])


def _subject(claims: dict[str, Any]) -> str:
    try:  # a well-signed token with a subject that is no user id names no user
        return str(uuid.UUID(str(claims["sub"])))
    except ValueError:
        raise TokenInvalidError() from None


def _cached_user(cache: Any, claims: dict[str, Any]) -> dict[str, Any] | None:
    """The user from memory when both the row and the revocation set are known; else None."""
    subject = _subject(claims)
    revoked = cache.revoked(claims["jti"])
    if revoked is None:
        return None
    user = cache.user(subject)
    if revoked or (user is not None and not user["active"]):
        raise TokenInvalidError()
    return user


def _active_user(container: Any, cache: Any, claims: dict[str, Any]) -> dict[str, Any]:
    subject = _subject(claims)
    revoked = cache.revoked(claims["jti"]) if cache is not None else None
    if revoked is None:  # the revocation set is not current: ask the table
        bearer = container.reads.bearer(subject, claims["jti"])
        revoked, user = bearer["revoked"], bearer["user"]
    else:
        user = container.reads.get_user(subject)
    if user is not None and cache is not None:
        cache.offer(user)
    if revoked or user is None or not user["active"]:  # one answer: nothing to tell apart
        raise TokenInvalidError()
    return user
