"""DDL of the read models, one entry per table.

Tables live in the ``read`` schema, next to the event store in ``public``.
Every statement is idempotent, so applying the schema at each start is safe.
"""

from __future__ import annotations

READ_SCHEMA = "read"

TABLES: dict[str, str] = {
    "practices": """
        CREATE TABLE IF NOT EXISTS {schema}.practices (
            id uuid PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL)""",
    "users": """
        CREATE TABLE IF NOT EXISTS {schema}.users (
            id uuid PRIMARY KEY, practice_id uuid NOT NULL, email text NOT NULL,
            full_name text NOT NULL, role text NOT NULL, tier text NOT NULL,
            active boolean NOT NULL, created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL, version integer NOT NULL);
        CREATE INDEX IF NOT EXISTS users_practice ON {schema}.users (practice_id)""",
    "patients": """
        CREATE TABLE IF NOT EXISTS {schema}.patients (
            id uuid PRIMARY KEY, practice_id uuid NOT NULL, registered_by uuid NOT NULL,
            mrn text, first_name text, last_name text, date_of_birth text, sex text,
            phone text, email text, archived boolean NOT NULL,
            search_text text GENERATED ALWAYS AS (lower(
                coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' ||
                coalesce(mrn, ''))) STORED,
            created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
            version integer NOT NULL);
        CREATE INDEX IF NOT EXISTS patients_practice ON {schema}.patients (practice_id, last_name)""",
    "patient_history": """
        CREATE TABLE IF NOT EXISTS {schema}.patient_history (
            id uuid PRIMARY KEY, patient_id uuid NOT NULL, kind text NOT NULL,
            status text NOT NULL, data jsonb NOT NULL, created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS history_patient ON {schema}.patient_history (patient_id)""",
    "patient_insurance": """
        CREATE TABLE IF NOT EXISTS {schema}.patient_insurance (
            id uuid PRIMARY KEY, patient_id uuid NOT NULL, data jsonb NOT NULL,
            is_primary boolean NOT NULL);
        CREATE INDEX IF NOT EXISTS insurance_patient ON {schema}.patient_insurance (patient_id)""",
    "appointments": """
        CREATE TABLE IF NOT EXISTS {schema}.appointments (
            id uuid PRIMARY KEY, practice_id uuid NOT NULL, patient_id uuid NOT NULL,
            doctor_id uuid NOT NULL, start_at timestamptz NOT NULL,
            duration_minutes integer NOT NULL, type text NOT NULL, reason text,
            status text NOT NULL, cancel_reason text, created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL, version integer NOT NULL);
        CREATE INDEX IF NOT EXISTS appointments_doctor
            ON {schema}.appointments (practice_id, doctor_id, start_at);
        CREATE INDEX IF NOT EXISTS appointments_patient ON {schema}.appointments (patient_id)""",
    "recordings": """
        CREATE TABLE IF NOT EXISTS {schema}.recordings (
            id uuid PRIMARY KEY, practice_id uuid NOT NULL, appointment_id uuid NOT NULL,
            patient_id uuid NOT NULL, doctor_id uuid NOT NULL, blob_key text NOT NULL,
            sha256 text NOT NULL, size_bytes bigint NOT NULL, content_type text NOT NULL,
            duration_s double precision, uploaded_by uuid, deleted boolean NOT NULL,
            deleted_by text, deleted_at timestamptz, transcription_status text NOT NULL,
            attempts integer NOT NULL, error text, created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL, version integer NOT NULL);
        -- deleted_by is "system" for retention deletes, so text (was uuid before).
        ALTER TABLE {schema}.recordings ALTER COLUMN deleted_by TYPE text;
        ALTER TABLE {schema}.recordings ADD COLUMN IF NOT EXISTS sha1 text;
        ALTER TABLE {schema}.recordings ADD COLUMN IF NOT EXISTS note_draft_status text;
        CREATE INDEX IF NOT EXISTS recordings_appointment ON {schema}.recordings (appointment_id);
        CREATE INDEX IF NOT EXISTS recordings_practice ON {schema}.recordings (practice_id, created_at)""",
    "transcripts": """
        CREATE TABLE IF NOT EXISTS {schema}.transcripts (
            recording_id uuid PRIMARY KEY, patient_id uuid, document jsonb NOT NULL,
            created_at timestamptz NOT NULL, recording_version integer NOT NULL);
        ALTER TABLE {schema}.transcripts ADD COLUMN IF NOT EXISTS patient_id uuid;
        CREATE INDEX IF NOT EXISTS transcripts_patient ON {schema}.transcripts (patient_id)""",
    "notes": """
        CREATE TABLE IF NOT EXISTS {schema}.notes (
            id uuid PRIMARY KEY, practice_id uuid NOT NULL, appointment_id uuid NOT NULL UNIQUE,
            patient_id uuid NOT NULL, doctor_id uuid NOT NULL, current_version integer,
            version_count integer NOT NULL, signed boolean NOT NULL,
            created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
            version integer NOT NULL)""",
    "note_versions": """
        CREATE TABLE IF NOT EXISTS {schema}.note_versions (
            note_id uuid NOT NULL, patient_id uuid, version integer NOT NULL, status text NOT NULL,
            source text NOT NULL, subjective text, objective text, assessment text, plan text,
            free_text text, insights jsonb, provenance jsonb, author_id text,
            created_at timestamptz NOT NULL, signed_by uuid, signed_at timestamptz,
            PRIMARY KEY (note_id, version));
        ALTER TABLE {schema}.note_versions ADD COLUMN IF NOT EXISTS patient_id uuid;
        ALTER TABLE {schema}.note_versions ADD COLUMN IF NOT EXISTS template text;
        ALTER TABLE {schema}.note_versions ADD COLUMN IF NOT EXISTS sections jsonb;
        CREATE INDEX IF NOT EXISTS note_versions_patient ON {schema}.note_versions (patient_id)""",
    "documents": """
        CREATE TABLE IF NOT EXISTS {schema}.documents (
            id uuid PRIMARY KEY, practice_id uuid NOT NULL, patient_id uuid NOT NULL,
            appointment_id uuid, kind text NOT NULL, title text, blob_key text NOT NULL,
            sha256 text NOT NULL, size_bytes bigint NOT NULL, content_type text NOT NULL,
            uploaded_by uuid, deleted boolean NOT NULL, created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL, version integer NOT NULL);
        ALTER TABLE {schema}.documents ADD COLUMN IF NOT EXISTS sha1 text;
        CREATE INDEX IF NOT EXISTS documents_patient ON {schema}.documents (patient_id)""",
    # Issue 17: practice note templates, defaults, and documents drawn from notes (D46-D48).
    "note_templates": """
        CREATE TABLE IF NOT EXISTS {schema}.note_templates (
            id uuid PRIMARY KEY, practice_id uuid NOT NULL, name text NOT NULL, specialty text NOT NULL,
            loinc_code text NOT NULL, sections jsonb NOT NULL, template_version integer NOT NULL,
            deleted boolean NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
            version integer NOT NULL);
        CREATE INDEX IF NOT EXISTS note_templates_practice ON {schema}.note_templates (practice_id, name)""",
    "note_template_versions": """
        CREATE TABLE IF NOT EXISTS {schema}.note_template_versions (
            template_id uuid NOT NULL, template_version integer NOT NULL, definition jsonb NOT NULL,
            author_id text, created_at timestamptz NOT NULL, PRIMARY KEY (template_id, template_version))""",
    "template_defaults": """
        CREATE TABLE IF NOT EXISTS {schema}.template_defaults (
            practice_id uuid NOT NULL, doctor_id text NOT NULL, template_id text NOT NULL,
            updated_at timestamptz NOT NULL, PRIMARY KEY (practice_id, doctor_id))""",
    "note_documents": """
        CREATE TABLE IF NOT EXISTS {schema}.note_documents (
            id uuid PRIMARY KEY, practice_id uuid NOT NULL, appointment_id uuid NOT NULL,
            patient_id uuid NOT NULL, doctor_id uuid NOT NULL, note_id uuid NOT NULL,
            note_version integer NOT NULL, note_signed boolean NOT NULL, kind text NOT NULL,
            recipient text, text text NOT NULL, reading_grade double precision, status text NOT NULL,
            sent_channel text, sent_at timestamptz, author_id text, created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL, version integer NOT NULL);
        CREATE INDEX IF NOT EXISTS note_documents_appointment ON {schema}.note_documents (appointment_id);
        CREATE INDEX IF NOT EXISTS note_documents_patient ON {schema}.note_documents (patient_id)""",
}

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "note_template_versions": ("template_id", "template_version"),
    "template_defaults": ("practice_id", "doctor_id"),
    "note_versions": ("note_id", "version"),
    "transcripts": ("recording_id",),
}


def table_ddl(table: str, schema: str = READ_SCHEMA) -> list[str]:
    """The table's statements, placed in ``schema`` (a rebuild uses a shadow schema)."""
    return [statement.format(schema=schema) for statement in TABLES[table].split(";")]


def primary_key(table: str) -> tuple[str, ...]:
    return PRIMARY_KEYS.get(table, ("id",))
