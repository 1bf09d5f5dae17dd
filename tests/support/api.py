"""A thin HTTP client for tests: real requests, envelope-aware helpers."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from tests.support.audio import wav_bytes

PASSWORD = "correct-horse-9"
SOAP = {"subjective": "Headache for 3 days.", "assessment": "Tension headache.", "plan": "Rest."}


@dataclass
class Caller:
    api: str
    token: str | None
    user: dict[str, Any]
    refresh_token: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return requests.request(method, self.api + path, headers=headers, timeout=60, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    @property
    def id(self) -> str:
        return self.user["id"]


def unique_email(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@example.test"


def register_practice(api: str, label: str = "admin") -> Caller:
    body = {"email": unique_email(label), "password": PASSWORD, "full_name": f"{label.title()} Admin",
            "practice_name": f"Practice {uuid.uuid4().hex[:6]}"}
    response = requests.post(f"{api}/auth/register", json=body, timeout=30)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    return Caller(api, data["access_token"], data["user"], data["refresh_token"])


def invite(admin: Caller, role: str, label: str | None = None, tier: str = "standard") -> Caller:
    email = unique_email(label or role)
    response = admin.post("/users/invitations", json={"email": email, "role": role, "tier": tier})
    assert response.status_code == 201, response.text
    token = response.json()["data"]["invitation_token"]
    body = {"email": email, "password": PASSWORD, "full_name": f"{role.title()} {label or ''}".strip(),
            "invitation_token": token}
    registered = requests.post(f"{admin.api}/auth/register", json=body, timeout=30)
    assert registered.status_code == 201, registered.text
    data = registered.json()["data"]
    return Caller(admin.api, data["access_token"], data["user"], data["refresh_token"])


def create_patient(caller: Caller, **overrides: Any) -> dict[str, Any]:
    body = {"mrn": f"MRN-{uuid.uuid4().hex[:8]}", "first_name": "Maria", "last_name": "Alvarez",
            "date_of_birth": "1968-04-12", "sex": "female", "phone": "+1-555-0100", **overrides}
    response = caller.post("/patients", json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def schedule(caller: Caller, patient_id: str, doctor_id: str, start: str = "2027-01-04T09:00:00+00:00",
             minutes: int = 30) -> dict[str, Any]:
    body = {"patient_id": patient_id, "doctor_id": doctor_id, "start": start,
            "duration_minutes": minutes, "type": "follow_up", "reason": "diabetes follow-up"}
    response = caller.post("/appointments/add", json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def upload_recording(caller: Caller, appointment_id: str) -> dict[str, Any]:
    response = caller.post(f"/recordings/{appointment_id}", files={"file": ("v.wav", wav_bytes(), "audio/wav")})
    assert response.status_code == 201, response.text
    return response.json()["data"]


def upload_document(caller: Caller, patient_id: str) -> dict[str, Any]:
    content = b"%PDF-1.4\n" + uuid.uuid4().bytes + b"\n%%EOF\n"
    response = caller.post("/documents", data={"patient_id": patient_id, "kind": "lab_result", "title": "Labs"},
                           files={"file": ("labs.pdf", content, "application/pdf")})
    assert response.status_code == 201, response.text
    return response.json()["data"]


def assert_error(response: requests.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["request_id"], body
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]


def wait_for(caller: Caller, path: str, ready: Any, timeout: float = 300) -> dict[str, Any]:
    """Poll a GET until its data satisfies ``ready`` (background work: the ML worker)."""
    deadline = time.monotonic() + timeout
    response = None
    while time.monotonic() < deadline:
        response = caller.get(path)
        if response.status_code == 200 and ready(response.json()["data"]):
            return response.json()["data"]
        time.sleep(1)
    raise AssertionError(f"{path} did not settle: {response.text[:300] if response is not None else ''}")


def wait_for_transcript(caller: Caller, appointment_id: str, timeout: float = 300) -> dict[str, Any]:
    return wait_for(caller, f"/transcriptions/{appointment_id}",
                    lambda d: d["status"] in ("completed", "failed"), timeout)


class FromAddress(HTTPAdapter):
    """Connect from a chosen loopback address, so each test is its own client IP."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)
