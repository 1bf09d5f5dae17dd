"""The access policy and the SQL rendered from its Scope agree, role x resource, on real Postgres (D57).

For each caller (admin, nurse, three doctors, an auditor, another practice's
admin and doctor) and each kind of resource (patient, appointment, recording,
transcript, note, patient summary/letter, document), three answers must be
the same set of rows:

- the SQL path: the read-model adapter's own list queries with the caller's Scope;
- the policy path: ``access.may_see`` on each row of the table, as commands and
  single-row queries ask it;
- the rule as written down here by hand.
"""

from __future__ import annotations

import uuid
from typing import Any, Iterator

import psycopg
import pytest

from medisync.adapters.postgres.connection import datastore
from medisync.adapters.postgres.queries import Page, PostgresQueries
from medisync.adapters.postgres.schema import table_ddl
from medisync.application.access import PatientResource, Scope, VisitResource, may_see, scope_of
from medisync.application.principal import Principal
from medisync.domain.errors import ForbiddenError
from tests.support.processes import fresh_database

NAMES: dict[str, str] = {}  # name -> uuid, and back
TABLES = ("patients", "appointments", "recordings", "transcripts", "notes", "note_documents", "documents")


def uid(name: str) -> str:
    if name not in NAMES:
        NAMES[name] = str(uuid.uuid4())
        NAMES[NAMES[name]] = name
    return NAMES[name]


# The world: two practices. (patient, practice, registered by); (visit, patient, doctor).
PATIENTS = [("p_d1", "A", "d1"), ("p_nurse", "A", "nurse"), ("p_d2", "A", "d2"),
            ("p_admin", "A", "admin"), ("p_b", "B", "doctor_b")]
VISITS = [("v1", "p_nurse", "d1"), ("v2", "p_d1", "d2"), ("v3", "p_d2", "d2"), ("vb", "p_b", "doctor_b")]
CALLERS = {"admin": ("A", "admin"), "nurse": ("A", "nurse"), "d1": ("A", "doctor"), "d2": ("A", "doctor"),
           "d3": ("A", "doctor"), "auditor": ("A", "auditor"), "admin_b": ("B", "admin"),
           "doctor_b": ("B", "doctor")}
# The rule by hand: the patients and visits each caller reaches (None: the role may not at all).
# d1 registered p_d1 (whose only visit is d2's) and holds v1 with p_nurse; d3 holds nothing.
ALL_A = ({"p_d1", "p_nurse", "p_d2", "p_admin"}, {"v1", "v2", "v3"})
ALL_B = ({"p_b"}, {"vb"})
EXPECTED: dict[str, tuple[set[str], set[str]] | None] = {
    "admin": ALL_A, "nurse": ALL_A, "d1": ({"p_d1", "p_nurse"}, {"v1"}),
    "d2": ({"p_d1", "p_d2"}, {"v2", "v3"}), "d3": (set(), set()), "auditor": None,
    "admin_b": ALL_B, "doctor_b": ALL_B,
}
VISIT_KINDS = ("appointment", "recording", "transcript", "note", "note_document")


def _insert(cursor: psycopg.Cursor[Any], table: str, **values: Any) -> None:
    stamps = {} if table == "transcripts" else {"created_at": "now()", "updated_at": "now()", "version": 1}
    columns = {**stamps, **values}
    placeholders = ", ".join("now()" if v == "now()" else "%s" for v in columns.values())
    cursor.execute(f"INSERT INTO read.{table} ({', '.join(columns)}) VALUES ({placeholders})",
                   [v for v in columns.values() if v != "now()"])


def _visit_rows(cursor: psycopg.Cursor[Any], visit: str, patient: str, doctor: str, practice: str) -> None:
    common = {"practice_id": uid(practice), "appointment_id": uid(visit), "patient_id": uid(patient),
              "doctor_id": uid(doctor)}
    _insert(cursor, "appointments", id=uid(visit), practice_id=uid(practice), patient_id=uid(patient),
            doctor_id=uid(doctor), start_at="2030-01-01T09:00:00+00:00", duration_minutes=30,
            type="follow_up", status="scheduled")
    _insert(cursor, "recordings", id=uid(f"rec_{visit}"), **common, blob_key=visit, sha256="0", size_bytes=1,
            content_type="audio/wav", deleted=False, transcription_status="completed", attempts=1)
    _insert(cursor, "transcripts", recording_id=uid(f"rec_{visit}"), patient_id=uid(patient), document="{}",
            created_at="now()", recording_version=1)
    _insert(cursor, "notes", id=uid(f"note_{visit}"), **common, current_version=1, version_count=1,
            signed=False)
    _insert(cursor, "note_documents", id=uid(f"nd_{visit}"), **common, note_id=uid(f"note_{visit}"),
            note_version=1, note_signed=False, kind="patient_summary", text="-", status="draft")


@pytest.fixture(scope="module")
def reads(database_url: str) -> Iterator[PostgresQueries]:
    url = fresh_database(database_url)
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute("CREATE SCHEMA read")
        for table in TABLES:
            for statement in table_ddl(table):
                cursor.execute(statement)
        practice_of = {name: practice for name, practice, _ in PATIENTS}
        for name, practice, registrar in PATIENTS:
            _insert(cursor, "patients", id=uid(name), practice_id=uid(practice), registered_by=uid(registrar),
                    last_name=name, archived=False)
            _insert(cursor, "documents", id=uid(f"doc_{name}"), practice_id=uid(practice), patient_id=uid(name),
                    kind="other", blob_key=name, sha256="0", size_bytes=1, content_type="text/plain",
                    deleted=False)
        for visit, patient, doctor in VISITS:
            _visit_rows(cursor, visit, patient, doctor, practice_of[patient])
    store = datastore(url, pool_size=1, max_overflow=1)
    yield PostgresQueries(store)
    store.close()


def principal(caller: str) -> Principal:
    practice, role = CALLERS[caller]
    return Principal(uid(caller), uid(practice), role, "basic")


def names(rows: list[dict[str, Any]], key: str = "id") -> set[str]:
    return {NAMES[str(row[key])] for row in rows}


def by_sql(reads: PostgresQueries, scope: Scope) -> dict[str, set[str]]:
    """Each kind's rows through the adapter's scoped queries (a patient's files: of every patient)."""
    page, everyone = Page(1, 100), [uid(name) for name, _, _ in PATIENTS]

    def each_patient(query: Any, key: str = "id") -> set[str]:
        return set().union(*(names(query(patient_id, scope), key) for patient_id in everyone))

    patients = names(reads.search_patients(scope, None, page)[0])
    appointments = names(reads.list_appointments(scope, None, {}, page)[0])
    recordings = names(reads.list_recordings(scope, page)[0])
    assert each_patient(reads.appointments_for_patient) == appointments
    assert each_patient(reads.recordings_for_patient) == recordings
    return {
        "patient": patients, "appointment": appointments, "recording": recordings,
        "transcript": each_patient(reads.transcripts_for_patient),
        "note": each_patient(reads.notes_for_patient),
        "note_document": each_patient(reads.note_documents_for_patient),
        # Documents belong to the patient: a query checks the patient, then lists them all.
        "document": set().union(*(names(reads.documents_for_patient(uid(p))) for p in patients)),
    }


def by_policy(reads: PostgresQueries, scope: Scope) -> dict[str, set[str]]:
    """Each kind's rows that ``may_see`` admits, row by row (relations: the adapter, as in production)."""
    def rows(table: str) -> list[dict[str, Any]]:
        return reads.all(dict, f"SELECT * FROM read.{table}")

    patients = {str(row["id"]): PatientResource.of_row(row) for row in rows("patients")}

    def visible(table: str, resource: Any) -> set[str]:
        return {NAMES[str(row["id"])] for row in rows(table) if may_see(scope, resource(row), reads)}

    transcripts = reads.all(dict, "SELECT r.* FROM read.transcripts t JOIN read.recordings r ON r.id = t.recording_id")
    return {
        "patient": visible("patients", PatientResource.of_row),
        "appointment": visible("appointments", VisitResource.of_row),
        "recording": visible("recordings", VisitResource.of_row),
        "transcript": {NAMES[str(r["id"])] for r in transcripts if may_see(scope, VisitResource.of_row(r), reads)},
        "note": visible("notes", VisitResource.of_row),
        "note_document": visible("note_documents", VisitResource.of_row),
        "document": visible("documents", lambda row: patients[str(row["patient_id"])]),
    }


def by_hand(expected: tuple[set[str], set[str]]) -> dict[str, set[str]]:
    patients, visits = expected
    prefix = {"appointment": "", "recording": "rec_", "transcript": "rec_", "note": "note_",
              "note_document": "nd_"}
    return {"patient": patients, "document": {f"doc_{p}" for p in patients},
            **{kind: {prefix[kind] + v for v in visits} for kind in VISIT_KINDS}}


@pytest.mark.parametrize("caller", CALLERS)
def test_the_sql_filter_and_the_policy_agree_for_every_resource(reads: PostgresQueries, caller: str) -> None:
    expected = EXPECTED[caller]
    if expected is None:
        with pytest.raises(ForbiddenError):
            scope_of(principal(caller), "read patient records")
        return
    scope = scope_of(principal(caller), "read patient records")
    sql, policy, hand = by_sql(reads, scope), by_policy(reads, scope), by_hand(expected)
    for kind in hand:
        assert (kind, sql[kind]) == (kind, hand[kind])
        assert (kind, policy[kind]) == (kind, hand[kind])
