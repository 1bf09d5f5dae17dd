"""Fake ports and a worker built by ``bootstrap`` on the in-memory event store (D58).

The fakes stand where the ML models, the blob files and the read models would be; the aggregates,
the repository and the application services are the real ones.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medisync.application.app import MediSyncApplication
from medisync.application.principal import Principal
from medisync.application.retries import Retries
from medisync.domain.patient import Patient
from medisync.domain.recording import Recording
from medisync.domain.user import User
from medisync.interface.bootstrap import WORKER, Container, bootstrap
from medisync.interface.settings import Settings

PRACTICE = str(uuid.uuid4())
# Nothing listens on port 1: a component that reached for the database would fail at once.
UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"
TRANSCRIPT = {"language": "en", "duration_s": 30.0, "text": "Blood pressure is high today.",
              "segments": [{"start": 0.0, "end": 3.0, "speaker": "SPEAKER_00", "role": "doctor",
                            "text": "Blood pressure is high today."}]}


class ModelFailure(RuntimeError):
    """What a broken model raises; its message stands for PHI that must not reach an event."""


@dataclass
class ScriptedTranscriber:
    """Fails the first ``failures`` calls, then returns ``TRANSCRIPT``; ``on_call`` runs first."""

    failures: int = 0
    calls: list[str] = field(default_factory=list)
    on_call: Any = None

    def transcribe(self, audio_path: str) -> dict[str, Any]:
        self.calls.append(audio_path)
        if self.on_call is not None:
            self.on_call()
        if len(self.calls) <= self.failures:
            raise ModelFailure("patient Rosa Diaz, MRN M-1")
        return {**TRANSCRIPT, "segments": list(TRANSCRIPT["segments"])}


@dataclass
class ScriptedGenerator:
    """Fails the first ``failures`` drafts, then drafts a plan from the transcript."""

    failures: int = 0
    calls: int = 0
    name: str = "extractive"

    def generate(self, transcript: dict[str, Any], template: object | None = None) -> dict[str, Any]:
        self.calls += 1
        if self.calls <= self.failures:
            raise ModelFailure("patient Rosa Diaz, MRN M-1")
        return {"subjective": "", "objective": transcript["text"], "assessment": "", "plan": "Recheck.",
                "provenance": {"generator": self.name}}


class NoReadModels:
    """The worker decides from aggregates only: any read-model query fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the worker asked the read models ({name})")


class MemoryBlobs:
    """Blob keys to local paths (the fake transcriber never opens them)."""

    def path(self, blob_key: str) -> str:
        return str(Path("memory") / blob_key)

    def exists(self, blob_key: str) -> bool:
        return True

    def delete(self, blob_key: str) -> None:
        return None


@dataclass
class SteppingClock:
    """Each reading is ``step`` seconds after the last, so a timed transcription takes ``step``."""

    step: float
    now: float = 1000.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@dataclass
class Worker:
    container: Container
    transcriber: ScriptedTranscriber
    generator: ScriptedGenerator
    waits: list[float]

    @property
    def app(self) -> MediSyncApplication:
        assert self.container.app is not None
        return self.container.app

    def recording(self, recording_id: str) -> Recording:
        return self.app.load(recording_id, "recording", Recording)

    def event_names(self, aggregate_id: str) -> list[str]:
        return [type(e).__name__ for e in self.app.repository.event_store.get(uuid.UUID(aggregate_id))]


def worker(tmp_path: Path, transcriber: ScriptedTranscriber, generator: ScriptedGenerator,
           max_attempts: int = 3, clock: SteppingClock | None = None) -> Worker:
    """The ML worker process as ``bootstrap`` builds it, with fakes for every port."""
    waits: list[float] = []
    settings = Settings(data_dir=str(tmp_path), database_url=UNREACHABLE, aggregate_cache_size=0)
    container = bootstrap(
        settings, WORKER, app=MediSyncApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}),
        reads=NoReadModels(), blobs=MemoryBlobs(), transcriber=transcriber,
        generators={"extractive": generator}, retries=Retries(max_attempts, 0.5, waits.append),
        clock=clock or SteppingClock(1.5), dead_letters=None, stalls=None)  # plain tables: no database here
    return Worker(container, transcriber, generator, waits)


def member(app: MediSyncApplication, role: str) -> Principal:
    user_id = str(uuid.uuid4())
    app.save(User.register(user_id=user_id, practice_id=PRACTICE, email=f"{user_id}@x.test", full_name=role,
                           password_hash="h", role=role, tier="standard",
                           actor={"user_id": user_id, "practice_id": PRACTICE, "request_id": ""}))
    return Principal(user_id, PRACTICE, role, "standard")


def uploaded_recording(work: Worker) -> tuple[str, str]:
    """(appointment id, recording id) of a visit whose audio was uploaded and awaits the worker."""
    app, appointments = work.app, work.container.appointments
    assert appointments is not None
    nurse, doctor = member(app, "nurse"), member(app, "doctor")
    patient = Patient(practice_id=PRACTICE, registered_by=nurse.user_id,
                      phi={"mrn": "M-1", "first_name": "Rosa"}, actor=nurse.actor())
    app.save(patient)
    appointment_id = appointments.schedule(nurse, str(patient.id), doctor.user_id, "2027-01-04T09:00:00+00:00",
                                           30, "follow_up", "").id
    recording = Recording(practice_id=PRACTICE, appointment_id=appointment_id, patient_id=str(patient.id),
                          doctor_id=doctor.user_id, blob_key=uuid.uuid4().hex, sha256="0" * 64, size_bytes=12,
                          content_type="audio/wav", duration_s=30.0, actor=doctor.actor())
    app.save(recording)
    return appointment_id, str(recording.id)
