"""Use cases: practices, users, invitations, login and token refresh."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from eventsourcing.persistence import IntegrityError

from medisync.application.access import require_role
from medisync.application.app import MediSyncApplication
from medisync.application.errors import AuthenticationError
from medisync.application.login_throttle import LoginThrottle
from medisync.application.ports import PasswordHasher, SessionStore, TokenIssuer
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.actor import actor as actor_of
from medisync.domain.errors import ConflictError, NotFoundError, ValidationError
from medisync.domain.indexes import EmailIndex, InvitationIndex
from medisync.domain.practice import Practice
from medisync.domain.user import ROLES, TIERS, User, require_choice

MIN_PASSWORD_LENGTH = 10


class UserView(TypedDict):
    """A user's public fields, as ``GET /auth/me`` shows them (read from the event store)."""

    id: str
    email: str
    full_name: str
    role: str
    tier: str
    practice_id: str
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int


def check_password_policy(password: str) -> None:
    has_letter = any(c.isalpha() for c in password)
    has_other = any(not c.isalpha() for c in password)
    if len(password) < MIN_PASSWORD_LENGTH or not (has_letter and has_other):
        raise ValidationError(
            f"password must be at least {MIN_PASSWORD_LENGTH} characters and mix letters "
            "with digits or symbols", field="password")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class IdentityService:
    def __init__(self, app: MediSyncApplication, hasher: PasswordHasher,
                 tokens: TokenIssuer, sessions: SessionStore,
                 throttle: LoginThrottle | None = None) -> None:
        self.app = app
        self.hasher = hasher
        self.tokens = tokens
        self.sessions = sessions
        self.throttle = throttle
        # An unknown email is verified against this hash, so that it costs what a wrong password
        # does and the answer's timing does not tell which accounts exist (D41).
        self._unknown_user_hash = hasher.hash(secrets.token_urlsafe(24))

    # Registration -------------------------------------------------------------
    def register_practice(self, email: str, password: str, full_name: str,
                          practice_name: str, request_id: str = "") -> CommandResult:
        check_password_policy(password)
        user_id, practice_id = str(uuid.uuid4()), str(uuid.uuid4())
        actor = actor_of(user_id, practice_id, request_id)
        practice = Practice(practice_id=practice_id, name=practice_name.strip(), actor=actor)
        return self._register(user_id, email, password, full_name, practice_id, "admin",
                              "standard", request_id, practice)

    def register_invited(self, email: str, password: str, full_name: str,
                         invitation_token: str, request_id: str = "") -> CommandResult:
        check_password_policy(password)
        invitation = self.app.load(InvitationIndex.create_id(token_digest(invitation_token)),
                                   "invitation", InvitationIndex)
        if normalize_email(email) != invitation.email:
            raise ValidationError("email does not match the invitation", field="email")
        user_id = str(uuid.uuid4())
        invitation.accept(user_id=user_id)
        return self._register(user_id, email, password, full_name, invitation.practice_id,
                              invitation.role, invitation.tier, request_id, invitation)

    def _register(self, user_id: str, email: str, password: str, full_name: str,
                  practice_id: str, role: str, tier: str, request_id: str,
                  *companions: Any) -> CommandResult:
        email = normalize_email(email)
        if self.app.exists(EmailIndex.create_id(email)):
            raise ConflictError("a user with this email already exists", field="email")
        user = User.register(user_id=user_id, practice_id=practice_id, email=email,
                             full_name=full_name.strip(), password_hash=self.hasher.hash(password),
                             role=role, tier=tier,
                             actor=actor_of(user_id, practice_id, request_id))
        index = EmailIndex(email=email, user_id=user_id)
        return CommandResult(user_id, self._commit_unique(user, index, *companions))

    def _commit_unique(self, *aggregates: Any) -> int | None:
        try:
            return self.app.commit(*aggregates)
        except IntegrityError:
            # Another registration claimed the email (or the invitation) first.
            raise ConflictError("a user with this email already exists", field="email") from None

    # Sessions -----------------------------------------------------------------
    def login(self, email: str, password: str, remote: str = "") -> Tokens:
        """Tokens for valid credentials; throttled per account and per IP when configured."""
        if self.throttle is None:
            return self._login(email, password)
        self.throttle.check(email, remote)
        try:
            tokens = self._login(email, password)
        except AuthenticationError:
            self.throttle.record(email, remote, succeeded=False)
            raise
        self.throttle.record(email, remote, succeeded=True)
        return tokens

    def _login(self, email: str, password: str) -> Tokens:
        user = self._user_by_email(email)
        stored = user.password_hash if user is not None else self._unknown_user_hash
        verified = self.hasher.verify(stored, password)  # always one argon2 verification
        if user is None or not verified or not user.active:
            raise AuthenticationError("invalid email or password")
        return self.issue_tokens(str(user.id))

    def refresh(self, refresh_token: str) -> Tokens:
        user_id, rotated = self.sessions.rotate_refresh(refresh_token)
        if not self.app.load(user_id, "user", User).active:
            raise AuthenticationError("user is deactivated")
        access, _ = self.tokens.issue_access(user_id)
        return Tokens(access, rotated, self.tokens.access_ttl_s)

    def logout(self, claims: dict[str, Any], refresh_token: str | None) -> None:
        self.sessions.revoke_access(claims["jti"], float(claims["exp"]))
        if refresh_token:
            self.sessions.revoke_family_of(refresh_token)

    def describe_user(self, user_id: str) -> UserView:
        """The new user from the event store, for when the read model lags."""
        user = self.app.load(user_id, "user", User)
        return {"id": user_id, "email": user.email, "full_name": user.full_name, "role": user.role,
                "tier": user.tier, "practice_id": user.practice_id, "active": user.active,
                "created_at": user.created_on}

    def issue_tokens(self, user_id: str) -> Tokens:
        access, _ = self.tokens.issue_access(user_id)
        refresh = self.sessions.create_refresh(user_id)
        return Tokens(access, refresh, self.tokens.access_ttl_s)

    def _user_by_email(self, email: str) -> User | None:
        try:
            index = self.app.load(EmailIndex.create_id(normalize_email(email)), "user", EmailIndex)
        except NotFoundError:
            return None
        return self.app.load(index.user_id, "user", User)

    # Administration -----------------------------------------------------------
    def invite(self, principal: Principal, email: str, role: str, tier: str) -> tuple[str, int | None]:
        require_role(principal, ("admin",), "invite users")
        require_choice(role, ROLES, "role")
        require_choice(tier, TIERS, "tier")
        token = secrets.token_urlsafe(32)
        invitation = InvitationIndex(token_hash=token_digest(token), practice_id=principal.practice_id,
                                     email=normalize_email(email), role=role, tier=tier,
                                     actor=principal.actor())
        return token, self.app.commit(invitation)

    def change_password(self, principal: Principal, current: str, new: str) -> CommandResult:
        user = self.app.load(principal.user_id, "user", User)
        if not self.hasher.verify(user.password_hash, current):
            raise ValidationError("current password is wrong", field="current_password")
        check_password_policy(new)
        user.change_password(password_hash=self.hasher.hash(new), actor=principal.actor())
        return CommandResult(principal.user_id, self.app.commit(user), created=False)

    def update_user(self, principal: Principal, user_id: str, role: str | None,
                    tier: str | None, active: bool | None) -> CommandResult:
        require_role(principal, ("admin",), "manage users")
        user = self._practice_user(principal, user_id)
        if user_id == principal.user_id and (active is False or (role is not None and role != "admin")):
            # another admin must do it: an admin removing their own rights could leave a practice without one
            raise ConflictError("an admin cannot deactivate or demote their own account; ask another admin")
        if role is not None and role != user.role:
            user.change_role(role=role, actor=principal.actor())
        if tier is not None and tier != user.tier:
            user.change_tier(tier=tier, actor=principal.actor())
        if active is False and user.active:
            user.deactivate(actor=principal.actor())
            self.sessions.revoke_user(user_id)
        return CommandResult(user_id, self.app.commit(user), created=False)

    def _practice_user(self, principal: Principal, user_id: str) -> User:
        user = self.app.load(user_id, "user", User)
        if user.practice_id != principal.practice_id:
            raise NotFoundError("user not found")
        return user
