"""A practice on the in-memory event store, with the application commands wired as
``bootstrap`` wires them (D56): real aggregates, repository, services and the real
filesystem blob store under a temporary directory; fakes only for the read models,
password hashing, token signing and sessions."""

from __future__ import annotations

import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from medisync.adapters.blobs import FilesystemBlobStore
from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.commands import Commands
from medisync.application.identity import IdentityService
from medisync.application.patients import PatientService
from medisync.application.principal import Principal
from medisync.application.recordings import RecordingService
from medisync.domain.patient import Patient
from medisync.domain.user import User


class NoReadModelRows:
    """The read models know nothing: every decision must come from the write side."""

    def blob_in_use(self, blob_key: str, except_id: str) -> bool:
        return False

    def recordings_for_appointment(self, appointment_id: str) -> list[dict[str, Any]]:
        return []

    def patient_blobs(self, patient_id: str) -> list[dict[str, Any]]:
        return []

    def doctor_sees_patient(self, practice_id: str, doctor_id: str, patient_id: str) -> bool:
        return False


class PlainHasher:
    def hash(self, password: str) -> str:
        return f"plain:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"plain:{password}"


class NamedTokens:
    access_ttl_s = 900

    def issue_access(self, user_id: str) -> tuple[str, str]:
        return f"access-for-{user_id}", f"jti-{user_id}"


class RecordedSessions:
    def __init__(self) -> None:
        self.families: list[str] = []

    def create_refresh(self, user_id: str) -> str:
        self.families.append(user_id)
        return f"refresh-for-{user_id}"


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.app = MediSyncApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        self.blobs = FilesystemBlobStore(str(tmp_path / "blobs"))
        self.sessions = RecordedSessions()
        rows = NoReadModelRows()
        self.appointments = AppointmentService(self.app)
        self.identity = IdentityService(self.app, PlainHasher(), NamedTokens(), self.sessions)  # type: ignore[arg-type]
        self.commands = Commands.wire(self.app, self.identity, PatientService(self.app, rows), self.appointments,
                                      RecordingService(self.app, rows), self.blobs, rows)
        self.practice_id = str(uuid.uuid4())
        self.slots = 0

    def member(self, role: str, practice_id: str | None = None) -> Principal:
        practice_id = practice_id or self.practice_id
        user_id = str(uuid.uuid4())
        self.app.save(User.register(user_id=user_id, practice_id=practice_id, email=f"{user_id}@x.test",
                                    full_name=role, password_hash="h", role=role, tier="standard",
                                    actor={"user_id": user_id, "practice_id": practice_id, "request_id": ""}))
        return Principal(user_id, practice_id, role, "standard")

    def patient(self, registrar: Principal) -> str:
        patient = Patient(practice_id=registrar.practice_id, registered_by=registrar.user_id,
                          phi={"mrn": f"M-{uuid.uuid4().hex[:6]}", "first_name": "Rosa"}, actor=registrar.actor())
        self.app.save(patient)
        return str(patient.id)

    def visit(self, nurse: Principal, doctor: Principal, patient_id: str | None = None) -> str:
        """An appointment in a slot of its own (a doctor is never double-booked)."""
        self.slots += 1
        return self.appointments.schedule(nurse, patient_id or self.patient(nurse), doctor.user_id,
                                          f"2027-01-{4 + self.slots // 8:02d}T{9 + self.slots % 8:02d}:00:00+00:00",
                                          30, "follow_up", "").id

    def files(self) -> list[str]:
        """Every file of the store: blobs, and ``staging/...`` for spooled uploads."""
        return sorted(name for name, _ in self.blobs.listing())

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    @contextmanager
    def counting_loads(self) -> Iterator[Counter[str]]:
        """Aggregate loads (``repository.get``, which ``exists`` also calls) inside the block."""
        loads: Counter[str] = Counter()
        repository, get = self.app.repository, self.app.repository.get

        def counted(aggregate_id: Any, *args: Any, **kwargs: Any) -> Any:
            loads["loads"] += 1
            return get(aggregate_id, *args, **kwargs)
        repository.get = counted  # type: ignore[method-assign]
        try:
            yield loads
        finally:
            del repository.get
