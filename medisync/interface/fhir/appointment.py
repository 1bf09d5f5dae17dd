"""Appointment: our visit lifecycle as a FHIR Appointment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from medisync.interface.fhir.codes import APPOINTMENT_TYPES, V2_APPOINTMENT_TYPE, concept
from medisync.interface.fhir.elements import drop_empty, instant, meta, reference
from medisync.interface.fhir.narrative import narrated

STATUS = {"scheduled": "booked", "rescheduled": "booked", "checked_in": "arrived",
          "started": "arrived", "completed": "fulfilled", "cancelled": "cancelled",
          "no_show": "noshow"}


def to_appointment(row: dict[str, Any]) -> dict[str, Any]:
    start = row["start_at"]
    code, display = APPOINTMENT_TYPES.get(row["type"], ("ROUTINE", None))
    return narrated(drop_empty({
        "resourceType": "Appointment", "id": str(row["id"]), "meta": meta(row),
        "status": STATUS[row["status"]],
        "cancelationReason": {"text": row["cancel_reason"]} if row.get("cancel_reason") else None,
        "appointmentType": concept(V2_APPOINTMENT_TYPE, code, display, text=row["type"]),
        "reasonCode": [{"text": row["reason"]}] if row.get("reason") else [],
        "start": instant(start), "end": instant(start + timedelta(minutes=row["duration_minutes"])),
        "minutesDuration": row["duration_minutes"], "created": instant(row.get("created_at")),
        "participant": [
            {"actor": reference("Patient", row["patient_id"]), "required": "required",
             "status": "accepted"},
            {"actor": reference("Practitioner", row["doctor_id"]), "required": "required",
             "status": "accepted"},
        ],
    }))
