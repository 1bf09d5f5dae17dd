"""The composition root: the only place that builds concrete adapters (cosmicpython's bootstrap).

``bootstrap(settings, parts, **given)`` builds what one process runs: the components named in
``parts`` and what they need, each once, with the real adapter made from the settings, unless a
keyword gives it (a fake in a unit test, an in-memory event store). Nothing else is built: the relay
opens no read-model tables, the ML worker no session tables, analytics no event store (D58).
"""

from __future__ import annotations

import logging
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, fields
from functools import cached_property, partial
from typing import Any, Callable, Iterable, Protocol, TypeVar

from eventsourcing.postgres import PostgresDatastore

from medisync.adapters.blobs import FilesystemBlobStore
from medisync.adapters.crypto.keyring import (MasterKeyWrapper, PostgresPatientKeyring,
                                              load_or_create_master_key)
from medisync.adapters.crypto.phi_mapper import PhiEncryptingMapper
from medisync.adapters.embedded_postgres import start_embedded
from medisync.adapters.jwt_tokens import JoserfcTokenIssuer, load_or_create_key
from medisync.adapters.log_follower import LogFollower, ProjectionProgress, Subscribe
from medisync.adapters.metrics import instrument_application, instrument_jobs
from medisync.adapters.passwords import Argon2PasswordHasher
from medisync.adapters.postgres.audit_wiring import AuditComponents, build_audit
from medisync.adapters.postgres.async_reads import AsyncAppointmentReads
from medisync.adapters.postgres.appointment_row_cache import AppointmentRowCache, CachedAppointmentReads
from medisync.adapters.postgres.connection import datastore, eventsourcing_env
from medisync.adapters.postgres.dead_letters import PostgresDeadLetters
from medisync.adapters.postgres.follower_stalls import PostgresFollowerStalls
from medisync.adapters.postgres.ddl import schema_lock
from medisync.adapters.postgres.idempotency_store import PostgresIdempotencyStore
from medisync.adapters.postgres.login_attempts import PostgresLoginAttempts
from medisync.adapters.postgres.queries import PostgresQueries
from medisync.adapters.postgres.read_model_view import PostgresReadModelView
from medisync.adapters.postgres.sessions import PostgresSessionStore
from medisync.adapters.shared_log import Passed, SharedLog, Skips
from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.commands import Commands
from medisync.application.documents import DocumentService
from medisync.application.erasure import ErasureService
from medisync.application.identity import IdentityService
from medisync.application.login_throttle import LoginThrottle
from medisync.application.note_documents import NoteDocumentService
from medisync.application.note_drafting import NoteDrafting
from medisync.application.note_templates import NoteTemplateService
from medisync.application.notes import NoteService
from medisync.application.patients import PatientService
from medisync.application.ports import Transcriber
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
from medisync.application.retries import Retries
from medisync.application.transcription_jobs import TranscriptionJobs
from medisync.interface.operations import ContainerOperations
from medisync.interface.settings import Settings
from medisync.projections import ALL_PROJECTIONS
from medisync.projections.base import TRACK_IGNORED_EVERY_S, ReadModelProjection

log = logging.getLogger(__name__)


def resolve_database_url(settings: Settings) -> str:
    """The external server when configured, else the embedded one (started if needed)."""
    return settings.database_url or start_embedded(settings.data_dir)


@dataclass
class Container(ContainerOperations):
    """What ``bootstrap`` built for one process; a component that process does not run is None."""

    settings: Settings
    database_url: str | None = None
    datastore: PostgresDatastore | None = None  # one pool for the read models and the plain tables
    app: MediSyncApplication | None = None
    reads: PostgresQueries | None = None
    views: dict[str, PostgresReadModelView] = field(default_factory=dict)
    progress: ProjectionProgress | None = None
    blobs: FilesystemBlobStore | None = None
    tokens: JoserfcTokenIssuer | None = None
    sessions: PostgresSessionStore | None = None
    identity: IdentityService | None = None
    patients: PatientService | None = None
    appointments: AppointmentService | None = None
    recordings: RecordingService | None = None
    notes: NoteService | None = None
    documents: DocumentService | None = None
    queries: dict[str, Any] = field(default_factory=dict)
    note_drafting: NoteDrafting | None = None
    erasure: ErasureService | None = None
    jobs: TranscriptionJobs | None = None  # None also where the ML extra is off or missing
    idempotency: PostgresIdempotencyStore | None = None
    login_attempts: PostgresLoginAttempts | None = None
    audit: AuditComponents | None = None
    dead_letters: PostgresDeadLetters | None = None  # events followers could not decode
    stalls: PostgresFollowerStalls | None = None  # followers that cannot apply an event (D87)
    note_templates: NoteTemplateService | None = None  # practice templates and defaults (issue 17)
    note_documents: NoteDocumentService | None = None  # patient summaries and letters (issue 17)
    commands: Commands | None = None  # the use cases a handler calls in one line (D56)
    followers: list[LogFollower] = field(default_factory=list)
    shared_log: SharedLog | None = None  # the followers' one subscription, made by the first (D67)

    def start_projections(self, names: list[str] | None = None, out_of_process: bool = False) -> None:
        for name, view in self.views.items():
            if names and name not in names:
                continue
            projection = _projection_named(name)(view=view, track_ignored_every_s=0.0 if out_of_process
                                                 else TRACK_IGNORED_EVERY_S)
            follower = LogFollower(
                name, self.app, projection.process_event,
                start_after=lambda v=view: v.max_tracking_id(self.app.name),
                on_progress=self.progress.advance, dead_letters=self.dead_letters,
                subscribe=self.log_subscription(projection.skips, partial(self.progress.advance, name)),
                passes_over=projection.passes_over, stalls=self.stalls)
            follower.start()
            self.followers.append(follower)
        if not names and self.audit is not None:  # the event hash chain follows the whole log too
            self.add_follower(self.audit.follower(self.progress.advance,  # type: ignore[arg-type]
                                                  self.log_subscription()))

    def log_subscription(self, skips: Skips | None = None, passed: Passed | None = None) -> Subscribe:
        """How this process's followers subscribe: all through one shared subscription (D67); a view's
        tap notes the positions it skips itself while the view waits (``skips``, ``passed``: D85)."""
        if self.shared_log is None:
            assert self.app is not None
            self.shared_log = SharedLog(self.app.recorder)
        if skips is None:
            return self.shared_log.subscribe
        return partial(self.shared_log.subscribe, skips=skips, passed=passed)

    def add_follower(self, follower: LogFollower) -> None:
        follower.start()
        self.followers.append(follower)

    def close(self) -> None:
        for follower in self.followers:
            follower.stop()
        self.followers.clear()
        if self.shared_log is not None:
            self.shared_log.close()
            self.shared_log = None
        if self.app is not None:
            self.app.close()
        if self.datastore is not None:
            self.datastore.close()


def _projection_named(name: str) -> type[ReadModelProjection]:
    return next(p for p in ALL_PROJECTIONS if p.name == name)


# What each process asks for; what those components need is built with them.
API = tuple(f.name for f in fields(Container) if f.name not in ("settings", "followers", "shared_log"))
RELAY = ("app", "datastore")
PROJECTOR = ("app", "views", "progress", "dead_letters", "stalls")  # + "audit" when it runs every projection
REBUILD = ("app", "datastore")
WORKER = ("jobs", "dead_letters", "stalls")  # its erasure evictor reports its stalls too (D87)
ANALYTICS = ("datastore",)
ADMIN = ("identity",)


def bootstrap(settings: Settings, parts: Iterable[str] = API, **given: Any) -> Container:
    """Build ``parts`` (component names; API by default) and what they need. A keyword gives a
    component instead of building it: ``bootstrap(settings, WORKER, app=in_memory, transcriber=fake)``."""
    wiring = Wiring(settings, given)
    with wiring.schema:  # held from the first database use: processes create the schema one at a time
        for name in parts:
            getattr(wiring, name)
    built = {name: vars(wiring)[name] for name in API if name in vars(wiring)}
    return Container(settings=settings, **built)


def build_container(settings: Settings) -> Container:
    """The whole API container (the name callers used before ``bootstrap``)."""
    return bootstrap(settings, API)


class Wiring:
    """How each component is built, once, on first use; a component given to it is used as given."""

    def __init__(self, settings: Settings, given: dict[str, Any]) -> None:
        unknown = set(given) - COMPONENTS
        if unknown:
            raise TypeError(f"bootstrap() knows no component {', '.join(sorted(unknown))}")
        self.settings = settings
        self.schema = ExitStack()
        vars(self).update(given)  # a cached_property answers from here before it builds

    @cached_property
    def database_url(self) -> str:
        url = resolve_database_url(self.settings)
        self.schema.enter_context(schema_lock(url))  # released when bootstrap returns
        return url

    @cached_property
    def datastore(self) -> PostgresDatastore:
        return datastore(self.database_url, pool_size=2, max_overflow=10)

    @cached_property
    def keyring(self) -> PostgresPatientKeyring:
        keyring = PostgresPatientKeyring(
            self.datastore, MasterKeyWrapper(load_or_create_master_key(self.settings.master_key_path)))
        keyring.create_tables()
        return keyring

    @cached_property
    def app(self) -> MediSyncApplication:
        s, keyring = self.settings, self.keyring
        app = MediSyncApplication(
            env=eventsourcing_env(self.database_url, s.db_pool_size, 4 * s.db_pool_size, s.aggregate_cache_size),
            mapper_factory=lambda transcoder: phi_mapper(transcoder, keyring))
        return instrument_application(app)  # medisync_events_appended_total{type}

    @cached_property
    def views(self) -> dict[str, PostgresReadModelView]:
        views = {p.name: PostgresReadModelView(self.datastore, p.name, p.tables) for p in ALL_PROJECTIONS}
        for view in views.values():
            view.create_table()
        return views

    @cached_property
    def progress(self) -> ProjectionProgress:
        return ProjectionProgress()

    @cached_property
    def dead_letters(self) -> PostgresDeadLetters:
        return created(PostgresDeadLetters(self.datastore))

    @cached_property
    def stalls(self) -> PostgresFollowerStalls:
        return created(PostgresFollowerStalls(self.datastore))

    @cached_property
    def sessions(self) -> PostgresSessionStore:
        return created(PostgresSessionStore(self.datastore, self.settings.refresh_ttl_s))

    @cached_property
    def idempotency(self) -> PostgresIdempotencyStore:
        return created(PostgresIdempotencyStore(self.datastore, self.settings.idempotency_ttl_s))

    @cached_property
    def login_attempts(self) -> PostgresLoginAttempts:
        return created(PostgresLoginAttempts(self.datastore))

    @cached_property
    def reads(self) -> PostgresQueries:
        return PostgresQueries(self.datastore)

    @cached_property
    def blobs(self) -> FilesystemBlobStore:
        return FilesystemBlobStore(self.settings.blob_dir)

    @cached_property
    def tokens(self) -> JoserfcTokenIssuer:
        s = self.settings
        return JoserfcTokenIssuer(load_or_create_key(s.key_file), s.jwt_issuer, s.jwt_audience, s.access_ttl_s)

    @cached_property
    def passwords(self) -> Argon2PasswordHasher:
        return Argon2PasswordHasher(memory_cost_kib=self.settings.argon2_memory_kib)

    @cached_property
    def identity(self) -> IdentityService:
        s = self.settings
        throttle = LoginThrottle(self.login_attempts, s.login_max_failures, s.login_window_s)
        return IdentityService(self.app, self.passwords, self.tokens, self.sessions, throttle)

    @cached_property
    def appointments(self) -> AppointmentService:
        return AppointmentService(self.app)

    @cached_property
    def patients(self) -> PatientService:
        return PatientService(self.app, self.reads)

    @cached_property
    def notes(self) -> NoteService:
        return NoteService(self.app, self.appointments)

    @cached_property
    def recordings(self) -> RecordingService:
        return RecordingService(self.app, self.reads)

    @cached_property
    def documents(self) -> DocumentService:
        return DocumentService(self.app, self.patients, self.blobs, self.reads)

    @cached_property
    def commands(self) -> Commands:
        return Commands.wire(self.app, self.identity, self.patients, self.appointments, self.recordings,
                             self.blobs, self.reads)

    @cached_property
    def erasure(self) -> ErasureService:
        return ErasureService(self.app, self.patients, self.keyring, self.reads, self.blobs, self.reads)

    @cached_property
    def generators(self) -> dict[str, Any]:
        return build_note_generators(self.settings)

    @cached_property
    def note_templates(self) -> NoteTemplateService:
        """Practice templates (the ML package's writing; the HTTP schemas need its templates too)."""
        from medisync.interface.note_writing import MlTemplateCatalog

        return NoteTemplateService(self.app, MlTemplateCatalog())

    @cached_property
    def note_documents(self) -> NoteDocumentService:
        """Patient summaries and letters."""
        from medisync.interface.note_writing import MlNoteDocumentComposer

        return NoteDocumentService(self.app, self.appointments, MlNoteDocumentComposer())

    @cached_property
    def note_drafting(self) -> NoteDrafting:
        return NoteDrafting(self.notes, self.appointments, self.recordings, self.generators, self.note_templates)

    @cached_property
    def queries(self) -> dict[str, Any]:
        reads, patients = self.reads, PatientQueries(self.reads)
        appointments = AppointmentQueries(reads, self.live_appointment_reads)  # D66
        return {
            "users": UserQueries(reads),
            "patients": patients,
            "appointments": appointments,
            "recordings": RecordingQueries(reads, appointments),
            "notes": NoteQueries(reads, appointments),
            "documents": DocumentQueries(reads, patients),
            "patient_record": PatientRecordQueries(reads, patients, appointments),
            "note_documents": NoteDocumentQueries(reads, appointments, patients),
            "note_templates": NoteTemplateQueries(reads, self.note_templates.catalog),
        }

    @cached_property
    def live_appointment_reads(self) -> AsyncAppointmentReads | CachedAppointmentReads:
        """The hot GETs' reads on the event loop (D66), the single row from memory (D78): the cache
        hits only once the API's coherence listener feeds it (``interface/http/app.py``)."""
        live = AsyncAppointmentReads(self.database_url)
        if self.settings.row_cache_size <= 0:
            return live
        view = "appointments"
        cache = AppointmentRowCache(lambda: self.progress.at_least(view),
                                    lambda: self.views[view].max_tracking_id(self.app.name) or 0,
                                    max_rows=self.settings.row_cache_size)
        return CachedAppointmentReads(live, cache)

    @cached_property
    def transcriber(self) -> Transcriber | None:
        return build_transcriber(self.settings)

    @cached_property
    def retries(self) -> Retries:
        return Retries(self.settings.ml_max_attempts, self.settings.ml_retry_base_s)

    @cached_property
    def clock(self) -> Callable[[], float]:
        return time.perf_counter  # times each transcription (its processing_s and rtf)

    @cached_property
    def jobs(self) -> TranscriptionJobs | None:
        """The ML worker's use case; None where ML is switched off or its packages are missing."""
        if not self.settings.ml_enabled or "extractive" not in self.generators or self.transcriber is None:
            return None
        jobs = TranscriptionJobs(self.recordings, self.notes, self.blobs, self.transcriber,
                                 self.generators["extractive"], self.retries, self.note_templates, self.clock)
        return instrument_jobs(jobs)  # medisync_ml_jobs_total{outcome}, duration

    @cached_property
    def audit(self) -> AuditComponents:
        return build_audit(self)  # hash chains, checkpoints, access log, retention


COMPONENTS = frozenset(name for name, value in vars(Wiring).items() if isinstance(value, cached_property))


class Tables(Protocol):
    def create_tables(self) -> None: ...


StoreT = TypeVar("StoreT", bound=Tables)


def created(table: StoreT) -> StoreT:
    """A store of plain tables, its tables created."""
    table.create_tables()
    return table


def phi_mapper(transcoder: Any, keyring: PostgresPatientKeyring) -> PhiEncryptingMapper:
    mapper = PhiEncryptingMapper(transcoder)
    mapper.keyring = keyring
    return mapper


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


def build_transcriber(settings: Settings) -> Transcriber | None:
    # The model itself loads on first use, inside the worker thread.
    from medisync.ml.transcription import SpeechTranscriber, missing_dependencies

    missing = missing_dependencies(settings.asr_model)
    if missing:
        log.warning("transcription disabled; missing: %s (make install, or pip install "
                    "'medisync[ml]' and pip install --no-deps resemblyzer==0.1.4)", ", ".join(missing))
        return None

    return SpeechTranscriber(model=settings.asr_model, device=settings.asr_device,
                             compute_type=settings.asr_compute_type, beam_size=settings.asr_beam_size,
                             vad_filter=settings.asr_vad, restore_drugs=settings.asr_restore_drugs,
                             restore_vitals=settings.asr_restore_vitals)
