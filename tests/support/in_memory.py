"""Members, patients and blob references for application services over the in-memory
(POPO) event store: real aggregates, real repository, no database."""

from __future__ import annotations

import uuid

from medisync.application.app import MediSyncApplication
from medisync.application.principal import Principal
from medisync.domain.patient import Patient
from medisync.domain.user import User

PRACTICE = str(uuid.uuid4())


def member(app: MediSyncApplication, role: str, practice_id: str = PRACTICE) -> Principal:
    user_id = str(uuid.uuid4())
    user = User.register(user_id=user_id, practice_id=practice_id, email=f"{user_id}@x.test",
                         full_name=role, password_hash="h", role=role, tier="standard",
                         actor={"user_id": user_id, "practice_id": practice_id, "request_id": ""})
    app.save(user)
    return Principal(user_id, practice_id, role, "standard")


def patient_of(app: MediSyncApplication, registrar: Principal) -> str:
    patient = Patient(practice_id=registrar.practice_id, registered_by=registrar.user_id,
                      phi={"mrn": "M-1", "first_name": "Rosa"}, actor=registrar.actor())
    app.save(patient)
    return str(patient.id)


class References:
    """No blob stored before D26 is shared in these tests."""

    def blob_in_use(self, blob_key: str, except_id: str) -> bool:
        return False

    def recordings_for_appointment(self, appointment_id: str) -> list[dict[str, object]]:
        return []  # nothing stored before the file index (D31)

    def patient_blobs(self, patient_id: str) -> list[dict[str, object]]:
        return []
