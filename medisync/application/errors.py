"""Application-level errors (besides the domain's)."""

from medisync.domain.errors import DomainError


class AuthenticationError(DomainError):
    """Missing or wrong credentials (401).

    ``bearer_error`` is the RFC 6750 error code of the ``WWW-Authenticate``
    challenge: none when no access token was presented (a missing header, a
    login or refresh that failed), ``invalid_token`` for a refused one (D41).
    """

    code = "unauthorized"
    bearer_error: str | None = None


class TokenExpiredError(AuthenticationError):
    """A genuine access token past its expiry: refresh it (401 ``token_expired``)."""

    code = "token_expired"
    bearer_error = "invalid_token"

    def __init__(self) -> None:
        super().__init__("the access token has expired: get a new one from POST /auth/refresh")


class TokenInvalidError(AuthenticationError):
    """An access token that is not, or no longer, good (malformed, forged, of another type or
    audience, revoked, of a deactivated user): log in again (401 ``token_invalid``)."""

    code = "token_invalid"
    bearer_error = "invalid_token"

    def __init__(self) -> None:
        super().__init__("the access token is not valid: log in again (POST /auth/login)")


class TooManyAttemptsError(DomainError):
    """Login throttled (429)."""

    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after


class UnprocessableError(DomainError):
    """Semantically invalid request, e.g. an idempotency key reused with another body (422)."""

    code = "unprocessable"


class PayloadError(DomainError):
    """An upload whose content is not what it claims (400)."""

    code = "invalid_upload"
