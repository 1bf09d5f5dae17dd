"""FHIR read throughput against the native JSON read of the same data, in the same run.

One patient gets a chart (appointments with a signed clinician note each);
then, at a fixed concurrency, we measure:

- ``GET /fhir/Patient/{id}`` against ``GET /patients/{id}``: the same query
  and access checks, plus the mapping to FHIR;
- ``GET /fhir/Patient/{id}/$everything`` against the native reads a client
  would need for the same chart (``GET /patients/{id}`` + one
  ``GET /appointments/get/{id}`` + one ``GET /notes/{appointment_id}`` per
  visit), timed as one sequence per iteration.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
import requests

from bench.common import BUDGET, Clinic, Row, closed_loop, get_request, log

VISITS = 3
CONCURRENCY = 8


def fhir_path(clinic: Clinic) -> list[Row]:
    doctor = clinic.doctors[-1]
    headers = clinic.auth(doctor["token"])
    patient_id = clinic.patients[-1]
    visits = _chart(clinic, doctor, patient_id)
    rows = []
    fhir_patient, native_patient = [], []
    fhir_chart, native_chart = [], []
    for _run in range(BUDGET.runs):
        native_patient.append(closed_loop(get_request(lambda w, s: f"{clinic.api}/patients/{patient_id}", headers),
                                          CONCURRENCY).rate)
        fhir_patient.append(closed_loop(get_request(lambda w, s: f"{clinic.api}/fhir/Patient/{patient_id}",
                                                    headers), CONCURRENCY).rate)
        native_chart.append(_sequence_rate([f"{clinic.api}/patients/{patient_id}"]
                                           + [f"{clinic.api}/appointments/get/{v}" for v in visits]
                                           + [f"{clinic.api}/notes/{v}" for v in visits], headers))
        fhir_chart.append(_sequence_rate([f"{clinic.api}/fhir/Patient/{patient_id}/$everything"], headers))
    log(f"fhir patient {fhir_patient} vs native {native_patient}; chart {fhir_chart} vs native {native_chart}")
    rows.append(Row("fhir", f"GET /fhir/Patient/{{id}} c={CONCURRENCY}", "req/s", fhir_patient,
                    "GET /patients/{id}", native_patient, "≥ 80% of native", target_ratio=0.8))
    rows.append(Row("fhir", f"$everything, {VISITS} visits with notes c={CONCURRENCY}", "charts/s", fhir_chart,
                    f"native reads of the same chart ({1 + 2 * VISITS} GETs)", native_chart,
                    note="one Bundle against the native GETs a client would chain"))
    return rows


def _chart(clinic: Clinic, doctor: dict[str, str], patient_id: str) -> list[str]:
    headers = clinic.auth(doctor["token"])
    visits = []
    for index in range(VISITS):
        booked = requests.post(f"{clinic.api}/appointments/add", headers=clinic.auth(clinic.admin_token), timeout=30,
                               json={"patient_id": patient_id, "doctor_id": doctor["id"], "duration_minutes": 30,
                                     "start": f"2031-03-{index + 3:02d}T09:00:00+00:00", "type": "follow_up",
                                     "reason": "blood pressure review"})
        assert booked.status_code == 201, booked.text
        visit = booked.json()["data"]["id"]
        note = {"subjective": "Headaches on and off.", "objective": "BP 138/88, HR 72.",
                "assessment": "Essential hypertension.", "plan": "Continue lisinopril 20 mg daily."}
        assert requests.post(f"{clinic.api}/notes/add/{visit}", json=note, headers=headers, timeout=30).status_code == 201
        assert requests.post(f"{clinic.api}/notes/{visit}/sign", headers=headers, timeout=30).status_code == 200
        visits.append(visit)
    return visits


def _sequence_rate(urls: list[str], headers: dict[str, str]) -> float:
    """Iterations per second of ``urls`` fetched one after another, by CONCURRENCY clients."""
    return asyncio.run(_sequences(urls, headers, BUDGET.seconds))


async def _sequences(urls: list[str], headers: dict[str, str], seconds: float) -> float:
    done = 0
    deadline = time.monotonic() + seconds

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal done
        while time.monotonic() < deadline:
            for url in urls:
                async with session.get(url, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"{url}: {response.status}")
            done += 1

    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(client(session) for _ in range(CONCURRENCY)))
    return done / (time.monotonic() - started)
