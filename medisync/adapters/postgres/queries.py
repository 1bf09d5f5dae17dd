"""Read-side queries over the projected tables.

GET handlers read only these tables; they never replay aggregates. Which
rows a caller may see is not decided here: the access policy yields a
`Scope` (application/access.py) and `visits_in` / `patients_in` render it,
once, for every list (D57).
"""

from __future__ import annotations

from typing import NotRequired, TypeVar, TypedDict, cast

from eventsourcing.postgres import PostgresDatastore

from medisync.application.access import Scope
from medisync.application.queries.reads import AppointmentFilters, Page
from medisync.application.queries.rows import (AppointmentRow, Bearer, BlobRow, DocumentRow, HistoryRow,
                                               InsuranceRow, LatestTranscriptionRow, LiveBlobRow,
                                               NoteDocumentRow, NoteRow, NoteTemplateRow,
                                               NoteTemplateVersionRow, NoteVersionRow, PatientRow,
                                               RecordingRow, TemplateDefaultRow, TranscriptRow, UserRow)

__all__ = ["Page", "PostgresQueries", "appointments_sql", "patients_in", "visits_in"]  # Page: application/queries/reads.py

Row = TypeVar("Row")
Params = list[object]


class Count(TypedDict):
    n: int


class Flag(TypedDict):
    ok: int


class Used(TypedDict):
    used: int


class BearerRow(UserRow):
    """The user's columns (each NULL when there is no such user) and whether the token was revoked."""

    _revoked: NotRequired[bool]  # popped before the row is returned


class PostgresQueries:
    """Every read the queries make (``application/queries/reads.py``), each typed by its table's row."""

    def __init__(self, datastore: PostgresDatastore) -> None:
        self.datastore = datastore

    def one(self, row: type[Row], sql: str, *params: object) -> Row | None:
        """The first row (as the driver returns it: a dict of the table's columns), or None."""
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cast("Row | None", cursor.fetchone())

    def all(self, row: type[Row], sql: str, *params: object) -> list[Row]:
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cast("list[Row]", cursor.fetchall())

    def page(self, row: type[Row], sql: str, params: Params, order_by: str,
             page: Page) -> tuple[list[Row], int]:
        """Rows of one page plus the total, in one round trip."""
        rows = self.all(dict[str, object], paged_sql(sql, order_by), *params, page.size, page.offset)
        return cast("list[Row]", rows), page_total(rows) if rows else self._count(sql, params)

    def _count(self, sql: str, params: Params) -> int:
        found = self.one(Count, count_sql(sql), *params)
        return int(found["n"]) if found else 0

    # Users ------------------------------------------------------------------
    def get_user(self, user_id: str) -> UserRow | None:
        return self.one(UserRow, "SELECT * FROM read.users WHERE id = %s", user_id)

    def bearer(self, user_id: str, jti: str) -> Bearer:
        """The token's user row (or none) and whether the token was revoked.

        Every authenticated request asks both, so they share one round trip:
        ``{"revoked": bool, "user": row | None}``.
        """
        row = self.one(
            BearerRow, "SELECT EXISTS (SELECT 1 FROM auth.revoked_access WHERE jti = %s) AS _revoked, u.* "
            "FROM (VALUES (1)) AS one LEFT JOIN read.users AS u ON u.id = %s", jti, user_id)
        assert row is not None  # the VALUES row is always there
        revoked = bool(row.pop("_revoked"))
        return {"revoked": revoked, "user": row if row["id"] is not None else None}

    def list_users(self, practice_id: str, page: Page) -> tuple[list[UserRow], int]:
        return self.page(UserRow, "SELECT * FROM read.users WHERE practice_id = %s", [practice_id],
                         "full_name, id", page)

    # Patients ---------------------------------------------------------------
    def get_patient(self, patient_id: str) -> PatientRow | None:
        return self.one(PatientRow, "SELECT * FROM read.patients WHERE id = %s", patient_id)

    def search_patients(self, scope: Scope, search: str | None, page: Page,
                        mrn: str | None = None) -> tuple[list[PatientRow], int]:
        """Name/MRN substring ``search``, and (FHIR identifier search) an exact ``mrn``."""
        where, params = patients_in(scope)
        sql = f"SELECT * FROM read.patients WHERE {where} AND NOT archived"
        if search:
            sql += " AND search_text LIKE %s"
            params.append("%" + _escape_like(search.lower()) + "%")
        if mrn is not None:
            sql += " AND mrn = %s"
            params.append(mrn)
        return self.page(PatientRow, sql, params, "last_name, first_name, id", page)

    def doctor_sees_patient(self, practice_id: str, doctor_id: str, patient_id: str) -> bool:
        """Whether the doctor holds an appointment with the patient (the policy's one fact from SQL)."""
        where, params = visits_in(Scope(practice_id, doctor_id))
        return self.one(Flag,
                        f"SELECT 1 AS ok FROM read.appointments WHERE {where} AND patient_id = %s LIMIT 1",
                        *params, patient_id) is not None

    def patient_history(self, patient_id: str) -> list[HistoryRow]:
        return self.all(HistoryRow, "SELECT * FROM read.patient_history WHERE patient_id = %s "
                        "ORDER BY created_at, id", patient_id)

    def patient_insurance(self, patient_id: str) -> list[InsuranceRow]:
        return self.all(InsuranceRow, "SELECT * FROM read.patient_insurance WHERE patient_id = %s "
                        "ORDER BY is_primary DESC, id", patient_id)

    # Appointments -----------------------------------------------------------
    def get_appointment(self, appointment_id: str) -> AppointmentRow | None:
        return self.one(AppointmentRow, APPOINTMENT_BY_ID, appointment_id)

    def list_appointments(self, scope: Scope, doctor_id: str | None, filters: AppointmentFilters,
                          page: Page) -> tuple[list[AppointmentRow], int]:
        """The scope's appointments, narrowed by the filters (``doctor_id``: one doctor's)."""
        sql, params = appointments_sql(scope, doctor_id, filters)
        return self.page(AppointmentRow, sql, params, APPOINTMENTS_ORDER, page)

    # Recordings and transcripts ---------------------------------------------
    def get_recording(self, recording_id: str) -> RecordingRow | None:
        return self.one(RecordingRow, "SELECT * FROM read.recordings WHERE id = %s", recording_id)

    def list_recordings(self, scope: Scope, page: Page) -> tuple[list[RecordingRow], int]:
        where, params = visits_in(scope)
        return self.page(RecordingRow, f"SELECT * FROM read.recordings WHERE {where} AND NOT deleted",
                         params, "created_at DESC, id", page)

    def recordings_for_appointment(self, appointment_id: str) -> list[RecordingRow]:
        return self.all(RecordingRow,
                        "SELECT * FROM read.recordings WHERE appointment_id = %s AND NOT deleted "
                        "ORDER BY created_at, id", appointment_id)

    def latest_transcription(self, appointment_id: str) -> LatestTranscriptionRow | None:
        """The newest recording of the appointment that has not been deleted,
        or the newest transcribed one (its transcript outlives the audio)."""
        return self.one(
            LatestTranscriptionRow, "SELECT r.*, t.document FROM read.recordings r "
            "LEFT JOIN read.transcripts t ON t.recording_id = r.id "
            "WHERE r.appointment_id = %s AND (NOT r.deleted OR t.document IS NOT NULL) "
            "ORDER BY r.created_at DESC, r.id LIMIT 1", appointment_id)

    def blob_in_use(self, blob_key: str, except_id: str) -> bool:
        """Any other live recording or document (of any practice) on this blob."""
        return self.one(
            Used, "SELECT 1 AS used FROM read.recordings WHERE blob_key = %s AND NOT deleted AND id <> %s "
            "UNION ALL SELECT 1 FROM read.documents WHERE blob_key = %s AND NOT deleted AND id <> %s "
            "LIMIT 1", blob_key, except_id, blob_key, except_id) is not None

    def patient_blobs(self, patient_id: str) -> list[BlobRow]:
        return self.all(BlobRow,
                        "SELECT id, blob_key FROM read.recordings WHERE patient_id = %s AND NOT deleted "
                        "UNION ALL SELECT id, blob_key FROM read.documents WHERE patient_id = %s "
                        "AND NOT deleted", patient_id, patient_id)

    def live_blobs(self) -> list[LiveBlobRow]:
        """Every stored file a live record points at, with the digest its Uploaded event recorded."""
        return self.all(LiveBlobRow,
                        "SELECT 'recording' AS kind, id, blob_key, sha256 FROM read.recordings WHERE NOT deleted "
                        "UNION ALL SELECT 'document', id, blob_key, sha256 FROM read.documents WHERE NOT deleted "
                        "ORDER BY kind, id")

    # Notes ------------------------------------------------------------------
    def get_note(self, appointment_id: str) -> NoteRow | None:
        return self.one(NoteRow, "SELECT * FROM read.notes WHERE appointment_id = %s", appointment_id)

    def note_versions(self, note_id: str) -> list[NoteVersionRow]:
        return self.all(NoteVersionRow,
                        "SELECT * FROM read.note_versions WHERE note_id = %s ORDER BY version",
                        note_id)

    def get_note_by_id(self, note_id: str) -> NoteRow | None:
        return self.one(NoteRow, "SELECT * FROM read.notes WHERE id = %s", note_id)

    # A patient's whole record (FHIR $everything), the visits of it in the scope --
    def appointments_for_patient(self, patient_id: str, scope: Scope) -> list[AppointmentRow]:
        where, params = visits_in(scope)
        return self.all(AppointmentRow, f"SELECT * FROM read.appointments WHERE patient_id = %s AND {where} "
                        "ORDER BY start_at, id", patient_id, *params)

    def recordings_for_patient(self, patient_id: str, scope: Scope) -> list[RecordingRow]:
        where, params = visits_in(scope)
        return self.all(RecordingRow,
                        f"SELECT * FROM read.recordings WHERE patient_id = %s AND NOT deleted AND {where} "
                        "ORDER BY created_at, id", patient_id, *params)

    def transcripts_for_patient(self, patient_id: str, scope: Scope) -> list[TranscriptRow]:
        """Transcripts outlive their audio, so deleted recordings' transcripts are included."""
        where, params = visits_in(scope, "r")
        return self.all(
            TranscriptRow, "SELECT r.*, t.document, t.created_at AS transcribed_at FROM read.transcripts t "
            f"JOIN read.recordings r ON r.id = t.recording_id WHERE r.patient_id = %s AND {where} "
            "ORDER BY t.created_at, r.id", patient_id, *params)

    def get_transcript(self, recording_id: str) -> TranscriptRow | None:
        return self.one(TranscriptRow,
                        "SELECT r.*, t.document, t.created_at AS transcribed_at FROM read.transcripts t "
                        "JOIN read.recordings r ON r.id = t.recording_id WHERE r.id = %s", recording_id)

    def notes_for_patient(self, patient_id: str, scope: Scope) -> list[NoteRow]:
        where, params = visits_in(scope)
        return self.all(NoteRow,
                        "SELECT * FROM read.notes WHERE patient_id = %s AND current_version IS NOT NULL "
                        f"AND {where} ORDER BY created_at, id", patient_id, *params)

    def documents_for_patient(self, patient_id: str) -> list[DocumentRow]:
        return self.all(DocumentRow, "SELECT * FROM read.documents WHERE patient_id = %s AND NOT deleted "
                        "ORDER BY created_at, id", patient_id)

    # Documents --------------------------------------------------------------
    def get_document(self, document_id: str) -> DocumentRow | None:
        return self.one(DocumentRow,
                        "SELECT * FROM read.documents WHERE id = %s AND NOT deleted", document_id)

    def list_documents(self, patient_id: str, page: Page) -> tuple[list[DocumentRow], int]:
        return self.page(DocumentRow, "SELECT * FROM read.documents WHERE patient_id = %s AND NOT deleted",
                         [patient_id], "created_at DESC, id", page)

    # Note templates and documents drawn from notes (issue 17) -------------------
    def note_templates(self, practice_id: str) -> list[NoteTemplateRow]:
        return self.all(NoteTemplateRow,
                        "SELECT * FROM read.note_templates WHERE practice_id = %s ORDER BY name, id",
                        practice_id)

    def get_note_template(self, template_id: str) -> NoteTemplateRow | None:
        return self.one(NoteTemplateRow, "SELECT * FROM read.note_templates WHERE id = %s", template_id)

    def note_template_versions(self, template_id: str) -> list[NoteTemplateVersionRow]:
        return self.all(NoteTemplateVersionRow,
                        "SELECT * FROM read.note_template_versions WHERE template_id = %s "
                        "ORDER BY template_version", template_id)

    def template_defaults(self, practice_id: str) -> list[TemplateDefaultRow]:
        return self.all(TemplateDefaultRow,
                        "SELECT * FROM read.template_defaults WHERE practice_id = %s ORDER BY doctor_id",
                        practice_id)

    def note_documents(self, appointment_id: str, kinds: tuple[str, ...]) -> list[NoteDocumentRow]:
        return self.all(NoteDocumentRow,
                        "SELECT * FROM read.note_documents WHERE appointment_id = %s AND kind = ANY(%s) "
                        "ORDER BY created_at, id", appointment_id, list(kinds))

    def get_note_document(self, document_id: str) -> NoteDocumentRow | None:
        return self.one(NoteDocumentRow, "SELECT * FROM read.note_documents WHERE id = %s", document_id)

    def note_documents_for_patient(self, patient_id: str, scope: Scope) -> list[NoteDocumentRow]:
        where, params = visits_in(scope)
        return self.all(NoteDocumentRow,
                        f"SELECT * FROM read.note_documents WHERE patient_id = %s AND {where} "
                        "ORDER BY created_at, id", patient_id, *params)


# The SQL of a page and of the appointment reads, shared with adapters/postgres/async_reads.py (D66).
APPOINTMENT_BY_ID = "SELECT * FROM read.appointments WHERE id = %s"
APPOINTMENTS_ORDER = "start_at, id"


def paged_sql(sql: str, order_by: str) -> str:
    """One page of ``sql``'s rows, each with the total as ``_total`` (params: ..., size, offset)."""
    return f"SELECT *, count(*) OVER () AS _total FROM ({sql}) AS q ORDER BY {order_by} LIMIT %s OFFSET %s"


def count_sql(sql: str) -> str:
    return f"SELECT count(*) AS n FROM ({sql}) AS q"


def page_total(rows: list[dict[str, object]]) -> int:
    """The total a non-empty page's rows carry; ``_total`` is taken off every row."""
    totals = [row.pop("_total") for row in rows]
    return cast(int, totals[0])


def appointments_sql(scope: Scope, doctor_id: str | None, filters: AppointmentFilters) -> tuple[str, Params]:
    """The scope's appointments, narrowed by the filters (``doctor_id``: one doctor's)."""
    where, params = visits_in(scope)
    sql = f"SELECT * FROM read.appointments WHERE {where}"
    for column, operator, key in (("doctor_id", "=", "doctor_id"), ("status", "=", "status"),
                                  ("start_at", ">=", "date_from"), ("start_at", "<", "date_to")):
        value = doctor_id if key == "doctor_id" else filters.get(key)
        if value is not None:
            sql += f" AND {column} {operator} %s"
            params.append(value)
    return sql, params


# The access policy's Scope, rendered (D57). Each matches access.may_see row for row;
# tests/integration/test_access_scope_sql.py runs every role x resource through both.
def visits_in(scope: Scope, alias: str = "") -> tuple[str, Params]:
    """A WHERE clause for rows of visits (appointments, recordings, notes, note documents)."""
    column = f"{alias}." if alias else ""
    if scope.doctor_id is None:
        return f"{column}practice_id = %s", [scope.practice_id]
    return f"{column}practice_id = %s AND {column}doctor_id = %s", [scope.practice_id, scope.doctor_id]


def patients_in(scope: Scope) -> tuple[str, Params]:
    """A WHERE clause for ``read.patients``: a doctor's own registrations and visits' patients."""
    if scope.doctor_id is None:
        return "practice_id = %s", [scope.practice_id]
    visits, params = visits_in(scope)
    return (f"practice_id = %s AND (registered_by = %s OR id IN "
            f"(SELECT patient_id FROM read.appointments WHERE {visits}))",
            [scope.practice_id, scope.doctor_id, *params])


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
