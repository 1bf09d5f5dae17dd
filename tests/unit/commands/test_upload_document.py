"""UploadDocument (D31, D56): one visibility check (the visit when one is named, else the
patient), and the staged file is the command's: a refusal leaves nothing behind."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from medisync.application.principal import Principal
from medisync.application.upload_document import UploadDocument
from medisync.domain.document import Document
from medisync.domain.errors import NotFoundError, ValidationError
from tests.support.blobs import staged
from tests.unit.commands.world import World

LABS = b"HbA1c 7.9%\nLDL 3.1 mmol/L\n"


def _upload(world: World, principal: Principal, patient_id: str, appointment_id: str | None = None,
            kind: str = "lab_result") -> str:
    command = UploadDocument(patient_id, kind, "Labs", staged(world.blobs, LABS), "text/plain", appointment_id)
    return world.commands.upload_document(principal, command).id


def test_a_document_of_the_visit_is_kept_with_its_digests_after_one_check(world: World) -> None:
    nurse, doctor = world.member("nurse"), world.member("doctor")
    patient_id = world.patient(nurse)
    appointment_id = world.visit(nurse, doctor, patient_id)
    with world.counting_loads() as loads:
        # The doctor holds the visit; the read model (which says whom a doctor sees) knows
        # nothing yet: the visit alone lets them attach it.
        document: Document = world.app.repository.get(uuid.UUID(_upload(world, doctor, patient_id, appointment_id)))
    assert (document.sha256, document.sha1, document.size_bytes) == (
        hashlib.sha256(LABS).hexdigest(), hashlib.sha1(LABS).hexdigest(), len(LABS))
    assert world.files() == [document.blob_key]
    # the appointment, its patient (erased?), the file index; and the get above
    assert loads["loads"] == 3 + 1


def test_a_document_of_the_patient_is_checked_against_the_patient(world: World) -> None:
    nurse = world.member("nurse")
    patient_id = world.patient(nurse)
    with world.counting_loads() as loads:
        _upload(world, nurse, patient_id)
    assert loads["loads"] == 2  # the patient, the file index
    stranger = world.member("doctor")  # neither registered the patient nor holds a visit
    with pytest.raises(NotFoundError):
        _upload(world, stranger, patient_id)
    assert len(world.files()) == 1


def test_refusals_leave_no_file_and_record_nothing(world: World) -> None:
    nurse, doctor = world.member("nurse"), world.member("doctor")
    patient_id, other = world.patient(nurse), world.patient(nurse)
    foreign_visit = world.visit(nurse, doctor, other)
    outsider = world.member("admin", practice_id=str(uuid.uuid4()))
    before = world.head()
    with pytest.raises(ValidationError):  # another patient's visit
        _upload(world, nurse, patient_id, foreign_visit)
    with pytest.raises(ValidationError):  # a kind we do not keep
        _upload(world, nurse, patient_id, kind="selfie")
    with pytest.raises(NotFoundError):  # another practice
        _upload(world, outsider, patient_id)
    assert world.head() == before and world.files() == []
