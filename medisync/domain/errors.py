"""Domain errors. The interface layer maps each family to an HTTP status."""


class DomainError(Exception):
    """Base class for rule violations raised by aggregates."""

    code = "domain_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidTransitionError(DomainError):
    """A lifecycle transition that the current state refuses (409)."""

    code = "invalid_transition"


class ConflictError(DomainError):
    """Duplicates and overlaps (409)."""

    code = "conflict"


class ValidationError(DomainError):
    """A value the domain refuses (400)."""

    code = "validation_error"


class NotFoundError(DomainError):
    """A referenced entity does not exist, or is not visible to the caller (404)."""

    code = "not_found"


class ForbiddenError(DomainError):
    """The caller's role or tier does not allow the action (403)."""

    code = "forbidden"
