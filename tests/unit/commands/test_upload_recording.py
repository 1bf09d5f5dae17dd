"""UploadRecording (D31, D42, D56): the command owns the staged file. Accepted, it becomes
the recording's blob with the digests taken while it was spooled; refused at any step, no
file is left behind and nothing is recorded."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Callable

import pytest

from medisync.application.upload_recording import NoteSignedError, UploadRecording
from medisync.domain.errors import DomainError, ForbiddenError, InvalidTransitionError, NotFoundError, ValidationError
from medisync.domain.recording import Recording
from tests.support.blobs import staged
from tests.unit.commands.world import World

AUDIO = b"RIFF....WAVE" + bytes(range(256)) * 64


def _upload(world: World, principal: object, appointment_id: str, seconds: float = 30.0) -> str:
    command = UploadRecording(appointment_id, staged(world.blobs, AUDIO), "audio/wav", seconds)
    return world.commands.upload_recording(principal, command).id  # type: ignore[arg-type]


def test_an_accepted_upload_keeps_the_file_under_the_digests_taken_while_spooling(world: World) -> None:
    nurse, doctor = world.member("nurse"), world.member("doctor")
    appointment_id = world.visit(nurse, doctor)

    recording: Recording = world.app.repository.get(uuid.UUID(_upload(world, doctor, appointment_id)))

    assert (recording.sha256, recording.sha1, recording.size_bytes) == (
        hashlib.sha256(AUDIO).hexdigest(), hashlib.sha1(AUDIO).hexdigest(), len(AUDIO))
    assert world.files() == [recording.blob_key]  # the staged file became the blob: nothing else
    assert Path(world.blobs.path(recording.blob_key)).read_bytes() == AUDIO


def _cancelled(world: World) -> tuple[object, str]:
    nurse, doctor = world.member("nurse"), world.member("doctor")
    appointment_id = world.visit(nurse, doctor)
    world.appointments.cancel(nurse, appointment_id, "patient called")
    return doctor, appointment_id


def _signed(world: World) -> tuple[object, str]:
    from medisync.application.notes import NoteService

    nurse, doctor = world.member("nurse"), world.member("doctor")
    appointment_id = world.visit(nurse, doctor)
    notes = NoteService(world.app, world.appointments)
    notes.write(doctor, appointment_id, {"subjective": "Thirsty."})
    notes.sign(doctor, appointment_id)
    return doctor, appointment_id


def _another_doctors(world: World) -> tuple[object, str]:
    nurse, doctor = world.member("nurse"), world.member("doctor")
    return world.member("doctor"), world.visit(nurse, doctor)


def _another_practice(world: World) -> tuple[object, str]:
    nurse, doctor = world.member("nurse"), world.member("doctor")
    return world.member("admin", practice_id=str(uuid.uuid4())), world.visit(nurse, doctor)


def _auditor(world: World) -> tuple[object, str]:
    nurse, doctor = world.member("nurse"), world.member("doctor")
    return world.member("auditor"), world.visit(nurse, doctor)


REFUSALS: dict[str, tuple[Callable[[World], tuple[object, str]], type[DomainError]]] = {
    "a cancelled visit": (_cancelled, InvalidTransitionError),
    "a visit whose note is signed": (_signed, NoteSignedError),
    "another doctor's visit": (_another_doctors, NotFoundError),
    "another practice's visit": (_another_practice, NotFoundError),
    "a role that may not upload": (_auditor, ForbiddenError),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_upload_leaves_no_file_and_records_nothing(world: World, case: str) -> None:
    setup, refusal = REFUSALS[case]
    principal, appointment_id = setup(world)
    before, files = world.head(), world.files()
    with pytest.raises(refusal):
        _upload(world, principal, appointment_id)
    assert world.head() == before and world.files() == files == []


def test_audio_under_a_second_is_refused_and_leaves_no_file(world: World) -> None:
    nurse, doctor = world.member("nurse"), world.member("doctor")
    appointment_id = world.visit(nurse, doctor)
    with pytest.raises(ValidationError):
        _upload(world, doctor, appointment_id, seconds=0.5)
    assert world.files() == []


def test_a_save_that_fails_after_the_file_was_stored_removes_it(world: World) -> None:
    nurse, doctor = world.member("nurse"), world.member("doctor")
    appointment_id = world.visit(nurse, doctor)

    def broken(*aggregates: object) -> int | None:
        raise OSError("the event store went away")
    world.app.commit = broken  # type: ignore[method-assign]

    with pytest.raises(OSError):
        _upload(world, doctor, appointment_id)
    assert world.files() == []


def test_an_upload_loads_each_aggregate_it_needs_once(world: World) -> None:
    """The appointment, its patient (is the patient erased?), the note (is it signed?) and the
    patient's file index: 4 loads, also once the note and the index exist (8 before D56)."""
    from medisync.application.notes import NoteService

    nurse, doctor = world.member("nurse"), world.member("doctor")
    appointment_id = world.visit(nurse, doctor)
    _upload(world, doctor, appointment_id)
    NoteService(world.app, world.appointments).write(doctor, appointment_id, {"subjective": "Thirsty."})
    with world.counting_loads() as loads:
        _upload(world, doctor, appointment_id)
    assert loads["loads"] == 4
