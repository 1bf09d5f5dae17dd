"""The composition root: the only place that builds concrete adapters."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.utils import get_topic

from medisync.adapters.blobs import FilesystemBlobStore
from medisync.adapters.crypto.keyring import (MasterKeyWrapper, PostgresPatientKeyring,
                                              load_or_create_master_key)
from medisync.adapters.crypto.phi_mapper import PhiEncryptingMapper
from medisync.adapters.embedded_postgres import start_embedded
from medisync.adapters.jwt_tokens import JoserfcTokenIssuer, load_or_create_key
from medisync.adapters.log_follower import LogFollower, ProjectionProgress
from medisync.adapters.metrics import instrument_application, instrument_jobs
from medisync.adapters.passwords import Argon2PasswordHasher
from medisync.adapters.postgres.audit_wiring import AuditComponents, build_audit
from medisync.adapters.postgres.connection import datastore, eventsourcing_env
from medisync.adapters.postgres.dead_letters import PostgresDeadLetters
from medisync.adapters.postgres.ddl import schema_lock
from medisync.adapters.postgres.idempotency_store import PostgresIdempotencyStore
from medisync.adapters.postgres.login_attempts import PostgresLoginAttempts
from medisync.adapters.postgres.queries import PostgresQueries
from medisync.adapters.postgres.read_model_view import PostgresReadModelView
from medisync.adapters.postgres.sessions import PostgresSessionStore
from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.documents import DocumentService
from medisync.application.erasure import ErasureService
from medisync.application.identity import IdentityService
from medisync.application.login_throttle import LoginThrottle
from medisync.application.note_documents import NoteDocumentService
from medisync.application.note_drafting import NoteDrafting
from medisync.application.note_templates import NoteTemplateService
from medisync.application.notes import NoteService
from medisync.application.patients import PatientService
from medisync.application.queries.appointments import AppointmentQueries
from medisync.application.queries.documents import DocumentQueries
from medisync.application.queries.note_documents import NoteDocumentQueries
from medisync.application.queries.note_templates import NoteTemplateQueries
from medisync.application.queries.notes import NoteQueries
from medisync.application.queries.patient_record import PatientRecordQueries
from medisync.application.queries.patients import PatientQueries
from medisync.application.queries.recordings import RecordingQueries
from medisync.application.queries.users import UserQueries
from medisync.application.recordings import RecordingService
from medisync.application.transcription_jobs import TranscriptionJobs
from medisync.domain.patient import Patient
from medisync.domain.recording import Recording
from medisync.interface.operations import ContainerOperations
from medisync.interface.settings import Settings
from medisync.projections import ALL_PROJECTIONS
from medisync.projections.base import TRACK_IGNORED_EVERY_S

log = logging.getLogger(__name__)


def resolve_database_url(settings: Settings) -> str:
    """The external server when configured, else the embedded one (started if needed)."""
    return settings.database_url or start_embedded(settings.data_dir)


@dataclass
class Container(ContainerOperations):
    settings: Settings
    database_url: str
    app: MediSyncApplication
    reads: PostgresQueries
    views: dict[str, PostgresReadModelView]
    progress: ProjectionProgress
    blobs: FilesystemBlobStore
    tokens: JoserfcTokenIssuer
    sessions: PostgresSessionStore
    identity: IdentityService
    patients: PatientService
    appointments: AppointmentService
    recordings: RecordingService
    notes: NoteService
    documents: DocumentService
    queries: dict[str, Any]
    note_drafting: NoteDrafting
    erasure: ErasureService
    jobs: TranscriptionJobs | None = None
    followers: list[LogFollower] = field(default_factory=list)
    idempotency: PostgresIdempotencyStore | None = None
    login_attempts: PostgresLoginAttempts | None = None
    audit: AuditComponents | None = None
    dead_letters: PostgresDeadLetters | None = None  # events followers could not decode
    note_templates: NoteTemplateService | None = None  # practice templates and defaults (issue 17)
    note_documents: NoteDocumentService | None = None  # patient summaries and letters (issue 17)

    def start_projections(self, names: list[str] | None = None, out_of_process: bool = False) -> None:
        for name, view in self.views.items():
            if names and name not in names:
                continue
            projection = _projection_named(name)(view=view, track_ignored_every_s=0.0 if out_of_process
                                                 else TRACK_IGNORED_EVERY_S)
            follower = LogFollower(
                name, self.app, projection.process_event,
                start_after=lambda v=view: v.max_tracking_id(self.app.name),
                on_progress=self.progress.advance, dead_letters=self.dead_letters)
            follower.start()
            self.followers.append(follower)
        if not names and self.audit is not None:  # the event hash chain follows the whole log too
            self.add_follower(self.audit.follower(self.progress.advance))  # type: ignore[arg-type]

    def add_follower(self, follower: LogFollower) -> None:
        follower.start()
        self.followers.append(follower)

    def close(self) -> None:
        for follower in self.followers:
            follower.stop()
        self.followers.clear()
        self.app.close()
        for store in {id(v.datastore): v.datastore for v in self.views.values()}.values():
            store.close()


def _projection_named(name: str) -> Any:
    return next(p for p in ALL_PROJECTIONS if p.name == name)


def build_container(settings: Settings) -> Container:
    url = resolve_database_url(settings)
    # Processes starting together (API, projector, relay) create the schema one at a time.
    with schema_lock(url):
        return _assemble(settings, url)


def _assemble(settings: Settings, url: str) -> Container:
    views_store = datastore(url, pool_size=2, max_overflow=10)
    keyring = PostgresPatientKeyring(
        views_store, MasterKeyWrapper(load_or_create_master_key(settings.master_key_path)))
    keyring.create_tables()
    app = MediSyncApplication(env=eventsourcing_env(url, settings.db_pool_size, 4 * settings.db_pool_size,
                                                    settings.aggregate_cache_size),
                              mapper_factory=lambda transcoder: phi_mapper(transcoder, keyring))
    instrument_application(app)  # medisync_events_appended_total{type}
    views = {p.name: PostgresReadModelView(views_store, p.name, p.tables) for p in ALL_PROJECTIONS}
    for view in views.values():
        view.create_table()
    sessions = PostgresSessionStore(views_store, settings.refresh_ttl_s)
    sessions.create_tables()
    idempotency, login_attempts = security_stores(views_store, settings)
    reads = PostgresQueries(views_store)
    blobs = FilesystemBlobStore(settings.blob_dir)
    tokens = JoserfcTokenIssuer(load_or_create_key(settings.key_file), settings.jwt_issuer,
                                settings.jwt_audience, settings.access_ttl_s)
    appointments = AppointmentService(app)
    patients = PatientService(app, reads)
    appointment_queries = AppointmentQueries(reads)
    patient_queries = PatientQueries(reads)
    notes = NoteService(app, appointments)
    recordings = RecordingService(app, appointments, blobs, reads, reads)
    generators = build_note_generators(settings)
    templates, composer = note_writing(app)
    erasure = ErasureService(app, patients, keyring, reads, blobs, reads)
    container = Container(
        settings=settings, database_url=url, app=app, reads=reads, views=views,
        progress=ProjectionProgress(), blobs=blobs, tokens=tokens, sessions=sessions,
        identity=IdentityService(app, Argon2PasswordHasher(memory_cost_kib=settings.argon2_memory_kib),
                                 tokens, sessions, LoginThrottle(login_attempts, settings.login_max_failures,
                                                                 settings.login_window_s)),
        patients=patients, appointments=appointments,
        recordings=recordings, notes=notes,
        note_drafting=NoteDrafting(notes, appointments, recordings, generators, templates), erasure=erasure,
        documents=DocumentService(app, patients, appointments, blobs, reads),
        queries={
            "users": UserQueries(reads),
            "patients": patient_queries,
            "appointments": appointment_queries,
            "recordings": RecordingQueries(reads, appointment_queries),
            "notes": NoteQueries(reads, appointment_queries),
            "documents": DocumentQueries(reads, patient_queries),
            "patient_record": PatientRecordQueries(reads, patient_queries, appointment_queries),
            "note_documents": NoteDocumentQueries(reads, appointment_queries, patient_queries),
            "note_templates": NoteTemplateQueries(reads, templates.catalog),
        },
        idempotency=idempotency, login_attempts=login_attempts,
        dead_letters=dead_letter_store(views_store), note_templates=templates,
        note_documents=NoteDocumentService(app, appointments, composer),
    )
    transcriber = build_transcriber(settings) if settings.ml_enabled else None
    if transcriber is not None and "extractive" in generators:
        container.jobs = TranscriptionJobs(
            recordings, notes, blobs, transcriber, generators["extractive"],
            settings.ml_max_attempts, settings.ml_retry_base_s, templates=templates)
        instrument_jobs(container.jobs)  # medisync_ml_jobs_total{outcome}, duration
    container.audit = build_audit(container)  # hash chains, checkpoints, access log, retention
    return container


def phi_mapper(transcoder: Any, keyring: PostgresPatientKeyring) -> PhiEncryptingMapper:
    mapper = PhiEncryptingMapper(transcoder)
    mapper.keyring = keyring
    return mapper


def dead_letter_store(store: Any) -> PostgresDeadLetters:
    dead_letters = PostgresDeadLetters(store)
    dead_letters.create_tables()
    return dead_letters


def security_stores(store: Any, settings: Settings) -> tuple[PostgresIdempotencyStore, PostgresLoginAttempts]:
    """Idempotency keys and login attempts (plain tables in schema ``auth``)."""
    idempotency = PostgresIdempotencyStore(store, settings.idempotency_ttl_s)
    attempts = PostgresLoginAttempts(store)
    for table in (idempotency, attempts):
        table.create_tables()
    return idempotency, attempts


def build_note_generators(settings: Settings) -> dict[str, Any]:
    try:
        from medisync.ml.notes import ExtractiveNoteGenerator
    except ImportError:
        log.warning("note generation disabled: medisync.ml.notes is unavailable")
        return {}
    generators: dict[str, Any] = {"extractive": ExtractiveNoteGenerator()}
    if settings.llm_url:
        from medisync.ml.notes.llm import LlmNoteGenerator

        generators["llm"] = LlmNoteGenerator(settings.llm_url, settings.llm_model, settings.llm_api_key,
                                             scrub_identifiers=settings.llm_scrub_identifiers)
    return generators


def note_writing(app: MediSyncApplication) -> tuple[NoteTemplateService, Any]:
    """Practice templates and the patient-summary/letter composer (the ML package's writing;
    its note templates are already needed by the HTTP schemas, so it is always installed)."""
    from medisync.interface.note_writing import MlNoteDocumentComposer, MlTemplateCatalog

    return NoteTemplateService(app, MlTemplateCatalog()), MlNoteDocumentComposer()


def build_transcriber(settings: Settings) -> Any:
    # The model itself loads on first use, inside the worker thread.
    from medisync.ml.transcription import SpeechTranscriber, missing_dependencies

    missing = missing_dependencies(settings.asr_model)
    if missing:
        log.warning("transcription disabled; missing: %s (make install, or pip install "
                    "'medisync[ml]' and pip install --no-deps resemblyzer==0.1.4)", ", ".join(missing))
        return None

    return SpeechTranscriber(model=settings.asr_model, device=settings.asr_device,
                             compute_type=settings.asr_compute_type, beam_size=settings.asr_beam_size,
                             vad_filter=settings.asr_vad)


def start_background_work(container: Container) -> None:
    """The embedded default: projections and the ML worker in this process."""
    if container.settings.run_projections:
        container.start_projections()
    # With a broker configured, the ML worker is its own process (`medisync worker`).
    in_process_worker = container.settings.run_worker and not container.settings.kafka_bootstrap
    if in_process_worker and container.jobs is not None:
        container.add_follower(ml_worker_follower(container))
    follow_erasures(container)


def follow_erasures(container: Container) -> None:
    """Processes that cache aggregates (the API, the ML worker) forget erased patients."""
    if container.settings.aggregate_cache_size:
        container.add_follower(erasure_evictor(container))


def erasure_evictor(container: Container) -> LogFollower:
    """When any process erases a patient, drop that patient's decrypted
    aggregates from this process's aggregate cache (D25)."""
    app = container.app
    seen = [app.recorder.max_notification_id() or 0]  # only erasures from now on matter

    def handle(event: Any, tracking: Any) -> None:
        app.forget_cached(str(event.originator_id))
        seen[0] = tracking.notification_id

    return LogFollower("erasure-evictor", app, handle, start_after=lambda: seen[0],
                       topics=(get_topic(Patient.Erased),), dead_letters=container.dead_letters)


def ml_worker_follower(container: Container) -> LogFollower:
    tracker = PostgresTrackingRecorder(next(iter(container.views.values())).datastore,
                                       tracking_table_name="ml_worker_tracking")
    tracker.create_table()
    jobs = container.jobs
    assert jobs is not None

    def handle(event: Any, tracking: Any) -> None:
        jobs.handle_uploaded(str(event.originator_id))
        tracker.insert_tracking(tracking)

    return LogFollower("ml-worker", container.app, handle,
                       start_after=lambda: tracker.max_tracking_id(container.app.name),
                       topics=(get_topic(Recording.Uploaded),), dead_letters=container.dead_letters)
