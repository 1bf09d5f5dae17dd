"""Application-level errors (besides the domain's)."""

from medisync.domain.errors import DomainError


class AuthenticationError(DomainError):
    """Missing, invalid, expired or revoked credentials (401)."""

    code = "unauthorized"


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
