"""/patients over real HTTP: search, pagination, demographics, history,
insurance, and which patients a doctor may see."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date
from typing import Any

import pytest

from tests.support.api import Caller, assert_error, create_patient, invite, register_practice, schedule
from tests.support.server import ServerProcess


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is True, body
    return body["data"]


def search(caller: Caller, text: str | None = None, **params: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    response = caller.get("/patients", params={**({"search": text} if text is not None else {}), **params})
    data = ok(response)
    return data, response.json()["meta"]["pagination"]


@pytest.fixture
def admin(server: ServerProcess) -> Caller:
    return register_practice(server.api, "patients")


def test_search_by_name_and_mrn_is_case_insensitive_and_nfc(admin: Caller) -> None:
    tag = uuid.uuid4().hex[:6]
    decomposed = unicodedata.normalize("NFD", "José")
    jose = create_patient(admin, first_name=decomposed, last_name=f"Ñúñez{tag}", mrn=f"MRN-{tag}-J")
    assert jose["first_name"] == "José" == unicodedata.normalize("NFC", decomposed)
    maria = create_patient(admin, first_name="Maria", last_name=f"Smith{tag}", mrn=f"MRN-{tag}-M")
    for text in ("josé", "JOSÉ", decomposed.upper(), f"ñúñez{tag}", f"ÑÚÑEZ{tag}", f"mrn-{tag}-j"):
        rows, meta = search(admin, text)
        assert [r["id"] for r in rows] == [jose["id"]], text
        assert meta["total"] == 1
    composed_registered = create_patient(admin, first_name="Zoë", last_name=f"Brontë{tag}")
    rows, _ = search(admin, unicodedata.normalize("NFD", f"zoë brontë{tag}"))
    assert [r["id"] for r in rows] == [composed_registered["id"]]
    rows, _ = search(admin, f"mrn-{tag}")
    assert {r["id"] for r in rows} == {jose["id"], maria["id"]}
    for wildcard in ("%", "_", "\\"):
        assert search(admin, wildcard) == ([], {"page": 1, "per_page": 20, "total": 0, "total_pages": 0})


def test_pagination_meta_and_per_page_limit(admin: Caller) -> None:
    created = [create_patient(admin, last_name=f"Page{i}") for i in range(5)]
    seen: list[str] = []
    for page, size in ((1, 2), (2, 2), (3, 1)):
        rows, meta = search(admin, page=page, per_page=2)
        assert meta == {"page": page, "per_page": 2, "total": 5, "total_pages": 3}
        assert len(rows) == size
        seen += [r["last_name"] for r in rows]
    assert seen == sorted(p["last_name"] for p in created)
    rows, meta = search(admin, page=4, per_page=2)
    assert rows == [] and meta == {"page": 4, "per_page": 2, "total": 5, "total_pages": 3}
    rows, meta = search(admin, per_page=100)
    assert len(rows) == 5 and meta["total_pages"] == 1
    for params, field in (({"per_page": 101}, "per_page"), ({"page": 0}, "page"), ({"per_page": "x"}, "per_page")):
        error = assert_error(admin.get("/patients", params=params), 400, "validation_error")
        assert set(error["details"]["fields"]) == {field}


def test_patch_demographics(admin: Caller) -> None:
    patient = create_patient(admin, first_name="Ana", last_name="Lopez")
    changed = ok(admin.patch(f"/patients/{patient['id']}", json={"last_name": " López ", "phone": "+1-555-0199",
                                                                 "email": "ana@example.test"}))
    assert (changed["first_name"], changed["last_name"], changed["phone"]) == ("Ana", "López", "+1-555-0199")
    assert changed["email"] == "ana@example.test" and changed["mrn"] == patient["mrn"]
    assert changed["version"] == patient["version"] + 1
    assert ok(admin.get(f"/patients/{patient['id']}")) == changed
    for body in ({"mrn": "NEW"}, {"sex": "robot"}, {"date_of_birth": "31/12/1990"}, {"first_name": ""}):
        error = assert_error(admin.patch(f"/patients/{patient['id']}", json=body), 400, "validation_error")
        assert set(error["details"]["fields"]) == set(body)
    assert_error(admin.patch(f"/patients/{uuid.uuid4()}", json={"first_name": "X"}), 404, "not_found")


def test_history_add_list_update_resolve(admin: Caller) -> None:
    patient = create_patient(admin)
    base = f"/patients/{patient['id']}/history"
    asthma = ok(admin.post(base, json={"kind": "condition", "description": "Asthma", "onset_date": "2010-03-01"}), 201)
    assert (asthma["kind"], asthma["status"], asthma["description"], asthma["onset_date"]) == (
        "condition", "active", "Asthma", "2010-03-01")
    penicillin = ok(admin.post(base, json={"kind": "allergy", "description": "Penicillin"}), 201)
    assert [e["id"] for e in ok(admin.get(base))] == [asthma["id"], penicillin["id"]]
    updated = ok(admin.patch(f"{base}/{asthma['id']}", json={"notes": "Mild, seasonal"}))
    assert (updated["notes"], updated["status"], updated["description"]) == ("Mild, seasonal", "active", "Asthma")
    resolved = ok(admin.patch(f"{base}/{asthma['id']}", json={"status": "resolved"}))
    assert (resolved["status"], resolved["resolved_date"]) == ("resolved", date.today().isoformat())
    again = admin.patch(f"{base}/{asthma['id']}", json={"resolved_date": "2024-01-01"})
    assert assert_error(again, 409, "invalid_transition")["message"] == "history entry is already resolved"
    dated = ok(admin.patch(f"{base}/{penicillin['id']}", json={"resolved_date": "2023-05-06"}))
    assert (dated["status"], dated["resolved_date"]) == ("resolved", "2023-05-06")
    assert [e["status"] for e in ok(admin.get(base))] == ["resolved", "resolved"]
    assert_error(admin.patch(f"{base}/{uuid.uuid4()}", json={"notes": "x"}), 404, "not_found")
    bad = assert_error(admin.post(base, json={"kind": "hobby", "description": "x"}), 400, "validation_error")
    assert set(bad["details"]["fields"]) == {"kind"}


def test_history_resolve_with_date_and_status_together(admin: Caller) -> None:
    patient = create_patient(admin)
    base = f"/patients/{patient['id']}/history"
    entry = ok(admin.post(base, json={"kind": "condition", "description": "Flu"}), 201)
    resolved = ok(admin.patch(f"{base}/{entry['id']}", json={"status": "resolved", "resolved_date": "2024-02-03"}))
    assert (resolved["status"], resolved["resolved_date"]) == ("resolved", "2024-02-03")


def test_insurance_add_update_delete_with_primary_demotion(admin: Caller) -> None:
    patient = create_patient(admin)
    base = f"/patients/{patient['id']}/insurance"
    aetna = ok(admin.post(base, json={"payer": "Aetna", "member_id": "A1", "primary": True}), 201)
    assert (aetna["payer"], aetna["member_id"], aetna["primary"]) == ("Aetna", "A1", True)
    blue = ok(admin.post(base, json={"payer": "Blue Cross", "member_id": "B2", "primary": True}), 201)
    assert blue["primary"] is True
    assert ok(admin.patch(f"{base}/{aetna['id']}", json={"plan": "Basic"}))["primary"] is False  # demoted
    cigna = ok(admin.post(base, json={"payer": "Cigna", "member_id": "C3"}), 201)
    assert cigna["primary"] is False

    updated = ok(admin.patch(f"{base}/{aetna['id']}", json={"primary": True, "plan": "Gold"}))
    assert (updated["primary"], updated["plan"], updated["payer"]) == (True, "Gold", "Aetna")
    demoted = ok(admin.patch(f"{base}/{blue['id']}", json={"group_number": "G-7"}))
    assert (demoted["primary"], demoted["group_number"]) == (False, "G-7")
    assert ok(admin.patch(f"{base}/{cigna['id']}", json={"member_id": "C4"}))["primary"] is False
    removed = admin.delete(f"{base}/{blue['id']}")
    assert removed.status_code == 204 and removed.content == b""
    assert_error(admin.delete(f"{base}/{blue['id']}"), 404, "not_found")
    assert_error(admin.patch(f"{base}/{blue['id']}", json={"plan": "x"}), 404, "not_found")
    final = ok(admin.patch(f"{base}/{cigna['id']}", json={"primary": True}))
    assert final["primary"] is True
    assert ok(admin.patch(f"{base}/{aetna['id']}", json={"plan": "Gold+"}))["primary"] is False


def test_doctor_sees_only_patients_they_registered_or_have_appointments_with(admin: Caller) -> None:
    doctor, other = invite(admin, "doctor", "seer"), invite(admin, "doctor", "other")
    own = create_patient(doctor, last_name="Own")
    booked = create_patient(admin, last_name="Booked")
    unrelated = create_patient(admin, last_name="Unrelated")
    schedule(admin, booked["id"], doctor.id)
    rows, meta = search(doctor)
    assert {r["id"] for r in rows} == {own["id"], booked["id"]} and meta["total"] == 2
    assert ok(doctor.get(f"/patients/{booked['id']}"))["last_name"] == "Booked"
    assert ok(doctor.get(f"/patients/{own['id']}"))["registered_by"] == doctor.id
    for response in (doctor.get(f"/patients/{unrelated['id']}"),
                     doctor.patch(f"/patients/{unrelated['id']}", json={"phone": "1"}),
                     doctor.get(f"/patients/{unrelated['id']}/history"),
                     doctor.post(f"/patients/{unrelated['id']}/insurance", json={"payer": "X", "member_id": "1"})):
        assert_error(response, 404, "not_found")
    assert search(doctor, "Unrelated")[0] == []
    assert search(other)[0] == []
    assert_error(other.get(f"/patients/{own['id']}"), 404, "not_found")
    assert {r["id"] for r in search(admin)[0]} >= {own["id"], booked["id"], unrelated["id"]}
