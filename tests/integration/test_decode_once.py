"""One decoded event, shared by every follower, is left as it was by each (D74).

The shared log decodes a handed notification once per process and gives the
same domain event object to every view. The events are frozen dataclasses, but
their PHI fields are plain dicts (``Demographics``, ``Actor``...), so nothing
but the handlers' conduct keeps one view from changing what the next one sees.
Real Postgres, the real PHI mapper and every real projection on its real view:
each event, once applied by all eight, still equals a deep copy taken before.
"""

from __future__ import annotations

import copy
import uuid

from eventsourcing.persistence import Tracking

from medisync.interface.bootstrap import Container
from medisync.projections import ALL_PROJECTIONS
from tests.support.container import populate


def _write_a_clinic_day(container: Container) -> None:
    admin, patient_id = populate(container)
    email = f"doc-{uuid.uuid4().hex[:8]}@example.test"
    token, _ = container.identity.invite(admin, email, "doctor", "standard")
    doctor_id = container.identity.register_invited(email, "correct-horse-9", "Dr Once", token).id
    booked = container.appointments.schedule(admin, patient_id, doctor_id, "2027-05-03T10:00:00+00:00",
                                             20, "follow_up", "persistent cough")
    container.appointments.reschedule(admin, booked.id, "2027-05-03T11:00:00+00:00", 30)
    container.appointments.check_in(admin, booked.id)
    container.patients.update_demographics(admin, patient_id, {"email": "imelda@example.test"})


def test_no_projection_changes_the_event_it_shares_with_the_others(container: Container) -> None:
    _write_a_clinic_day(container)
    notifications = container.app.recorder.select_notifications(start=0, limit=1000)
    events = [container.app.mapper.to_domain_event(n) for n in notifications]
    before = copy.deepcopy(events)
    projections = [p(view=container.views[p.name], track_ignored_every_s=0.0) for p in ALL_PROJECTIONS]
    taken: set[str] = set()
    for notification, event in zip(notifications, events):
        tracking = Tracking(container.app.name, notification.id)
        for projection in projections:
            if type(event) in projection.handlers:
                taken.add(type(event).__qualname__.split(".")[0])
            projection.process_event(event, tracking)
    assert taken >= {"User", "Patient", "Appointment"}  # the PHI-bearing views all ran
    assert events == before
