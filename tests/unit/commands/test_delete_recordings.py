"""DeleteRecordings (issue 15 finding 7, D56): the visit's recordings are found on the
write side and deleted with their audio; another visit's are untouched."""

from __future__ import annotations

import uuid

import pytest

from medisync.application.delete_recordings import DeleteRecordings
from medisync.application.upload_recording import UploadRecording
from medisync.domain.errors import NotFoundError
from medisync.domain.recording import Recording
from tests.support.blobs import staged
from tests.unit.commands.world import World


def _upload(world: World, principal: object, appointment_id: str) -> Recording:
    command = UploadRecording(appointment_id, staged(world.blobs, uuid.uuid4().bytes * 8), "audio/wav", 30.0)
    recording_id = world.commands.upload_recording(principal, command).id  # type: ignore[arg-type]
    recording: Recording = world.app.repository.get(uuid.UUID(recording_id))
    return recording


def test_the_visits_recordings_and_their_audio_are_deleted_and_no_others(world: World) -> None:
    nurse, doctor = world.member("nurse"), world.member("doctor")
    patient_id = world.patient(nurse)
    visit, other_visit = world.visit(nurse, doctor, patient_id), world.visit(nurse, doctor, patient_id)
    first, second, kept = _upload(world, doctor, visit), _upload(world, doctor, visit), _upload(world, doctor, other_visit)

    result = world.commands.delete_recordings(doctor, DeleteRecordings(visit, "recorded the wrong visit"))

    assert result.id == visit and not result.created and result.notification_id == world.head()
    for recording in (first, second):
        assert world.app.repository.get(recording.id).deleted
    assert world.files() == [kept.blob_key]
    with pytest.raises(NotFoundError):  # nothing left to delete
        world.commands.delete_recordings(doctor, DeleteRecordings(visit, "again"))


def test_a_doctor_who_does_not_hold_the_visit_deletes_nothing(world: World) -> None:
    nurse, doctor = world.member("nurse"), world.member("doctor")
    visit = world.visit(nurse, doctor)
    recording = _upload(world, doctor, visit)
    with pytest.raises(NotFoundError):
        world.commands.delete_recordings(world.member("doctor"), DeleteRecordings(visit, "not mine"))
    assert world.files() == [recording.blob_key]
