"""What the visit does to its appointment, and which recordings are accepted (issue 18 s1, D42).

A recording starts a visit that has not started; a signed note completes it; a visit whose note is
signed takes no more recordings; a recording under a second is refused. Over the in-memory event
store: real aggregates, real repository, no database.
"""

from __future__ import annotations

import pytest

from medisync.application.upload_recording import MIN_DURATION_S, NoteSignedError
from medisync.domain.errors import InvalidTransitionError, ValidationError
from tests.support.appointment_states import ACTIONS, ACTOR, PATHS, new_appointment
from tests.support.clinic import Clinic


def test_a_recording_starts_the_visit_and_the_signed_note_completes_it(clinic: Clinic) -> None:
    appointment_id = clinic.visit()
    clinic.appointments.check_in(clinic.nurse, appointment_id)
    clinic.upload(appointment_id)
    assert clinic.status(appointment_id) == "started"
    clinic.upload(appointment_id)  # a second part before signing is welcome, and changes nothing
    assert clinic.status(appointment_id) == "started"
    clinic.notes.write(clinic.doctor, appointment_id, {"subjective": "Thirsty.", "plan": "HbA1c."})
    assert clinic.status(appointment_id) == "started"
    clinic.notes.sign(clinic.doctor, appointment_id)
    assert clinic.status(appointment_id) == "completed"
    # an amendment signed again leaves the completed visit as it is
    clinic.notes.write(clinic.doctor, appointment_id, {"free_text": "Addendum: fasting."})
    clinic.notes.sign(clinic.doctor, appointment_id)
    assert clinic.status(appointment_id) == "completed"


def test_a_typed_note_signed_without_a_recording_completes_a_scheduled_visit(clinic: Clinic) -> None:
    appointment_id = clinic.visit()
    clinic.notes.write(clinic.doctor, appointment_id, {"subjective": "Telephone follow-up."})
    clinic.notes.sign(clinic.doctor, appointment_id)
    assert clinic.status(appointment_id) == "completed"


def test_a_visit_whose_note_is_signed_takes_no_more_recordings(clinic: Clinic) -> None:
    appointment_id = clinic.visit()
    clinic.upload(appointment_id)
    clinic.notes.write(clinic.doctor, appointment_id, {"subjective": "Thirsty."})
    clinic.notes.sign(clinic.doctor, appointment_id)
    before, files = clinic.app.recorder.max_notification_id(), clinic.stored_files()
    with pytest.raises(NoteSignedError) as refused:
        clinic.upload(appointment_id)
    assert "POST /notes/add/" in refused.value.message and refused.value.code == "note_signed"
    assert clinic.app.recorder.max_notification_id() == before  # nothing recorded
    assert clinic.stored_files() == files  # and no file kept


def test_a_completed_visit_whose_note_is_not_signed_still_takes_its_recording(clinic: Clinic) -> None:
    appointment_id = clinic.visit()
    clinic.appointments.begin(clinic.doctor, appointment_id)
    clinic.appointments.complete(clinic.doctor, appointment_id)
    clinic.upload(appointment_id)
    assert clinic.status(appointment_id) == "completed"


def test_a_recording_under_the_minimum_duration_is_refused(clinic: Clinic) -> None:
    appointment_id = clinic.visit()
    with pytest.raises(ValidationError) as refused:
        clinic.upload(appointment_id, seconds=0.002)
    assert f"at least {MIN_DURATION_S:g} s" in refused.value.message
    assert clinic.status(appointment_id) == "scheduled"
    clinic.upload(appointment_id, seconds=MIN_DURATION_S)


@pytest.mark.parametrize("state", list(PATHS))
def test_recording_and_signature_move_only_a_visit_that_has_not_ended(state: str) -> None:
    appointment = new_appointment()
    for action in PATHS[state]:
        ACTIONS[action](appointment)
    appointment.visit_recorded(actor=ACTOR)
    assert appointment.status == ("started" if state in ("scheduled", "rescheduled", "checked_in") else state)
    appointment.note_signed(actor=ACTOR)
    assert appointment.status == ("completed" if state not in ("cancelled", "no_show") else state)
    if state in ("cancelled", "no_show"):
        with pytest.raises(InvalidTransitionError):
            appointment.complete(actor=ACTOR)
