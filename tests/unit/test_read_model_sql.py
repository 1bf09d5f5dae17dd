"""A projection's changes become SQL rendered once per shape (kind, table and
column names); the values travel as parameters."""

from __future__ import annotations

from medisync.adapters.postgres.read_model_view import change_statement
from medisync.projections.changes import delete, insert, update


def test_the_statement_depends_on_the_columns_and_schema_not_the_values() -> None:
    first, _ = change_statement(update("notes", {"appointment_id": "a"}, merge={"insights": {"x": 1}}, status="final"))
    second, params = change_statement(update("notes", {"appointment_id": "b"}, merge={"insights": {"y": 2}},
                                             status="amended"))
    assert first is second  # rendered once, then cached
    assert set(params) == {"w0", "v0", "m0"} and params["w0"] == "b" and params["v0"] == "amended"
    assert params["m0"].obj == {"y": 2}
    assert first == (b'UPDATE "read"."notes" SET "status" = %(v0)s, "insights" = '
                     b"coalesce(\"insights\", '{}'::jsonb) || %(m0)s WHERE \"appointment_id\" = %(w0)s")
    elsewhere, _ = change_statement(update("notes", {"appointment_id": "b"}, merge={"insights": {}}, status="x"),
                                    "rebuild_notes")
    assert elsewhere.startswith(b'UPDATE "rebuild_notes"."notes"')


def test_inserts_upsert_and_deletes_name_their_keys() -> None:
    statement, params = change_statement(insert("patients", id="p1", mrn="A", tags=["x"]))
    assert statement.startswith(b'INSERT INTO "read"."patients" ("id", "mrn", "tags") VALUES (%(id)s, %(mrn)s, %(tags)s)')
    assert b'ON CONFLICT ("id") DO UPDATE SET "mrn" = EXCLUDED."mrn", "tags" = EXCLUDED."tags"' in statement
    assert params["id"] == "p1" and params["tags"].obj == ["x"]
    statement, params = change_statement(delete("patients", id="p1"))
    assert (statement, params) == (b'DELETE FROM "read"."patients" WHERE "id" = %(w0)s', {"w0": "p1"})
