"""Request and response schemas (marshmallow). They also generate the OpenAPI spec.

Unknown fields are rejected (marshmallow's RAISE default). Text is
NFC-normalized and stripped, so visually equal names compare equal.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timezone
from typing import Any

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow import ValidationError as SchemaError

from medisync.domain.appointment import APPOINTMENT_TYPES
from medisync.domain.document import DOCUMENT_KINDS
from medisync.domain.note_document import CHANNELS, LETTER_KINDS
from medisync.domain.patient import HISTORY_KINDS
from medisync.domain.user import ROLES, TIERS
from medisync.ml.notes.templates import builtin_templates

SEXES = ("female", "male", "other", "unknown")
STATUSES = ("scheduled", "rescheduled", "checked_in", "started", "completed", "cancelled", "no_show")


# Postgres text cannot hold NUL: a read model could never show it, so no text may contain one, and
# the document says so (a pattern), or a fuzzer rightly calls its refusal a valid request refused.
NO_NUL = "^[^\\u0000]*$"
# Text is stripped of what str.strip() removes before its length is checked: a text that must not be
# empty must hold another character (D61).
STRIPPED = "\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
NOT_BLANK = f"^[^\\u0000]*[^\\u0000{STRIPPED}][^\\u0000]*$"


def _min_length(validators: Any) -> int:
    listed = validators if isinstance(validators, (list, tuple)) else [validators]
    return max((v.min or 0 for v in listed if isinstance(v, validate.Length)), default=0)


class Text(fields.String):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pattern = NOT_BLANK if _min_length(kwargs.get("validate")) > 0 else NO_NUL
        kwargs["metadata"] = {"pattern": pattern, **kwargs.get("metadata", {})}
        super().__init__(*args, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise SchemaError("Must not contain NUL characters.")
        return unicodedata.normalize("NFC", text).strip()


# JSON bodies take the JSON types the document names: marshmallow would also read "30" as an
# integer, "36.6" as a number and 1 or "yes" as true, which the document does not allow (D61).
# Query strings are text and keep marshmallow's conversions.
class JsonBoolean(fields.Boolean):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class JsonNumber(fields.Float):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        if isinstance(value, str):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


def json_integer(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, **kwargs)


def text(max_length: int = 200, required: bool = False, **kwargs: Any) -> Text:
    return Text(required=required, validate=validate.Length(max=max_length), **kwargs)


def name(required: bool = True) -> Text:
    return Text(required=required, validate=validate.Length(min=1, max=200))


WHEN = ("an ISO 8601 date and time with Z or a UTC offset, e.g. 2027-01-04T09:00:00Z or "
        "2027-01-04T10:00:00+01:00")


class Instant(fields.AwareDateTime):
    """An aware time, in UTC from here on: RFC 3339 allows offsets up to 23:59, Postgres only up to
    15:59, and an appointment at +22:47 stalled the appointments view for good (D61)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(timezone.utc)
        except OverflowError:  # year 1 or 9999 moved past the calendar's end
            raise self.make_error("invalid", input=value) from None


def when(required: bool = False, description: str = "") -> fields.AwareDateTime:
    """A point in time; a refusal says what to send, with an example (issue 18)."""
    message = f"Not a valid time: give {WHEN}."
    return Instant(
        required=required, format="iso",
        error_messages={"invalid": message, "invalid_awareness": message, "format": message},
        metadata={"description": f"{description} ({WHEN})".strip(), "example": "2027-01-04T09:00:00Z"})


# The password rule of IdentityService (application/identity.py), documented here; the service checks it.
PASSWORD_RULE = ("At least 10 characters, mixing letters with digits or symbols "
                 "(a long passphrase is best). Checked on registration and on a change.")


# Auth and users ---------------------------------------------------------------
class RegisterSchema(Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(max=256), load_only=True,
                             metadata={"description": PASSWORD_RULE, "minLength": 10})
    full_name = name()
    practice_name = text(200, metadata={
        "description": "Register a new practice, as its first admin. Give this or invitation_token."})
    invitation_token = fields.String(validate=validate.Length(max=200), metadata={
        "description": "Join a practice: the invitation_token an admin got from POST /users/invitations "
                       "for this email. Give this or practice_name."})

    @validates_schema
    def one_way_in(self, data: dict[str, Any], **_: Any) -> None:
        if bool(data.get("practice_name")) == bool(data.get("invitation_token")):
            raise SchemaError("give exactly one of practice_name or invitation_token",
                              field_name="practice_name")


class LoginSchema(Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(max=256), load_only=True)


class RefreshSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(max=200))


class LogoutSchema(Schema):
    refresh_token = fields.String(validate=validate.Length(max=200))


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(max=256))
    new_password = fields.String(required=True, validate=validate.Length(max=256),
                                 metadata={"description": PASSWORD_RULE, "minLength": 10})


class InvitationSchema(Schema):
    email = fields.Email(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    tier = fields.String(load_default="standard", validate=validate.OneOf(TIERS))


class UserUpdateSchema(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    tier = fields.String(validate=validate.OneOf(TIERS))
    active = JsonBoolean()


# Patients ---------------------------------------------------------------------
class PatientCreateSchema(Schema):
    mrn = Text(required=True, validate=validate.Length(min=1, max=64))
    first_name = name()
    last_name = name()
    date_of_birth = fields.Date(required=True)
    sex = fields.String(required=True, validate=validate.OneOf(SEXES))
    phone = text(40, allow_none=True)
    email = fields.Email(allow_none=True)


class PatientUpdateSchema(Schema):
    first_name = name(required=False)
    last_name = name(required=False)
    date_of_birth = fields.Date()
    sex = fields.String(validate=validate.OneOf(SEXES))
    phone = text(40, allow_none=True)
    email = fields.Email(allow_none=True)


class HistoryCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(HISTORY_KINDS))
    description = Text(required=True, validate=validate.Length(min=1, max=500))
    onset_date = fields.Date(allow_none=True)
    resolved_date = fields.Date(allow_none=True)
    notes = text(2000, allow_none=True)


class HistoryUpdateSchema(Schema):
    description = Text(validate=validate.Length(min=1, max=500))
    onset_date = fields.Date(allow_none=True)
    resolved_date = fields.Date(allow_none=True)
    notes = text(2000, allow_none=True)
    status = fields.String(validate=validate.OneOf(("resolved",)))


class InsuranceCreateSchema(Schema):
    payer = name()
    plan = text(200, allow_none=True)
    member_id = Text(required=True, validate=validate.Length(min=1, max=64))
    group_number = text(64, allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    primary = JsonBoolean(load_default=False)


class InsuranceUpdateSchema(Schema):
    payer = name(required=False)
    plan = text(200, allow_none=True)
    member_id = Text(validate=validate.Length(min=1, max=64))
    group_number = text(64, allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    primary = JsonBoolean()


class PatientDeleteSchema(Schema):
    erase = fields.Boolean(load_default=False)
    reason = text(200)


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PatientSearchSchema(PageQuerySchema):
    search = text(100)


# Appointments -----------------------------------------------------------------
class AppointmentCreateSchema(Schema):
    patient_id = fields.UUID(required=True)
    doctor_id = fields.UUID(required=True)
    start = when(required=True, description="When the visit starts")
    duration_minutes = json_integer(required=True, validate=validate.Range(min=5, max=480))
    type = fields.String(required=True, validate=validate.OneOf(APPOINTMENT_TYPES))
    reason = text(1000, load_default="")


class RescheduleSchema(Schema):
    start = when(required=True, description="The new start")
    duration_minutes = json_integer(required=True, validate=validate.Range(min=5, max=480))


class CancelSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))


class AppointmentListSchema(PageQuerySchema):
    doctor_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(STATUSES))
    date_from = when(description="Appointments starting at or after")
    date_to = when(description="Appointments starting before")


# Recordings, notes, documents -------------------------------------------------
class RecordingDeleteSchema(Schema):
    reason = text(1000, load_default="")


def _fact_text(required: bool = False, max_length: int = 200) -> Text:
    optional: dict[str, Any] = {} if required else {"allow_none": True, "load_default": None}
    return Text(required=required, validate=validate.Length(min=1 if required else 0, max=max_length),
                **optional)


def _vital(low: float, high: float) -> fields.Float:
    return JsonNumber(allow_none=True, load_default=None, validate=validate.Range(low, high))


class NoteVitalsSchema(Schema):
    bp_systolic = _vital(0, 400)
    bp_diastolic = _vital(0, 300)
    heart_rate = _vital(0, 400)
    temperature_c = _vital(20, 50)
    spo2 = _vital(0, 100)
    respiratory_rate = _vital(0, 200)
    weight_kg = _vital(0, 1000)


class NoteSymptomSchema(Schema):
    name = _fact_text(required=True)
    present = JsonBoolean(load_default=True)
    duration = _fact_text()
    certainty = fields.String(validate=validate.OneOf(("uncertain",)))


class NoteMedicationSchema(Schema):
    name = _fact_text(required=True)
    dose = _fact_text()
    frequency = _fact_text()
    status = fields.String(load_default="active", validate=validate.OneOf(("active", "changed", "new", "stopped")))
    match_confidence = JsonNumber(allow_none=True, validate=validate.Range(0, 1),
                                    metadata={"description": "Set by the AI extractor; kept if sent back."})
    source = fields.String(validate=validate.OneOf(("plan", "reported", "mentioned")), metadata={
        "description": "Set by the AI extractor (D89): plan (the clinician's decision, written in the plan), "
                       "reported (taken or stopped, written in the history) or mentioned (not written); "
                       "kept if sent back."})


class NoteAllergySchema(Schema):
    substance = _fact_text(required=True)
    reaction = _fact_text()


class NoteDiagnosisSchema(Schema):
    name = _fact_text(required=True, max_length=500)
    icd10 = fields.String(allow_none=True, validate=validate.Regexp(
        r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$", error="Give an ICD-10-CM code such as E11.65."))


class NoteOrderSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("lab", "imaging", "referral", "procedure")))
    name = _fact_text(required=True, max_length=500)


def _facts(schema: type[Schema]) -> fields.List:
    return fields.List(fields.Nested(schema), load_default=list, validate=validate.Length(max=100))


class NoteInsightsSchema(Schema):
    """The structured facts of a note version, in the AI extractor's shape (see D39)."""

    chief_complaint = _fact_text(max_length=1000)
    symptoms = _facts(NoteSymptomSchema)
    vitals = fields.Nested(NoteVitalsSchema, load_default=lambda: NoteVitalsSchema().load({}))
    medications = _facts(NoteMedicationSchema)
    allergies = _facts(NoteAllergySchema)
    diagnoses = _facts(NoteDiagnosisSchema)
    orders = _facts(NoteOrderSchema)
    follow_up = _fact_text()


KEPT = "Left out: the current version's text is kept (send \"\" to clear it)."


class NoteWriteSchema(Schema):
    """A new note version. Every field is optional: a field left out keeps the current version's
    content, so an addendum (`{"free_text": "..."}`) never blanks the signed sections (D40)."""

    subjective = text(20000, metadata={"description": KEPT})
    objective = text(20000, metadata={"description": KEPT})
    assessment = text(20000, metadata={"description": KEPT})
    plan = text(20000, metadata={"description": KEPT})
    free_text = text(20000, metadata={"description": KEPT + " Replaced, not appended to."})
    insights = fields.Nested(NoteInsightsSchema, allow_none=True, metadata={"description": (
        "The structured facts this version asserts (exported to FHIR as Observation, Condition, "
        "MedicationStatement, AllergyIntolerance, ServiceRequest). Send them to confirm or "
        "correct the AI draft's facts (copy `current.insights` and edit); `null` for none. Left "
        "out: kept only if a clinician wrote or signed the current version's facts; an unsigned "
        "AI draft's facts are not carried into a clinician's version (D39).")})


# A built-in template's id or a practice template's UUID (the service resolves which).
TEMPLATE_ID = validate.Regexp(
    rf"^({'|'.join(builtin_templates())}|[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}})$",
    error=f"Give a built-in template ({', '.join(builtin_templates())}) or the id of one of the "
          "practice's templates.")


class NoteGenerateSchema(Schema):
    generator = fields.String(load_default="extractive", validate=validate.OneOf(("extractive", "llm")))
    template = fields.String(
        load_default=None, validate=TEMPLATE_ID,
        metadata={"description": "the note template to draft into: a built-in (`soap`, `hp`, `psychiatry`, "
                                 "`pediatrics`, `musculoskeletal`, `cardiology`) or the id of one of the "
                                 "practice's templates (`GET /notes/templates`); left out: the doctor's "
                                 "default, else the practice's, else `soap`. The version then carries "
                                 "`template`, `sections: [{key, title, text, status, lines}]` in the "
                                 "template's order and `provenance.template_version`"})


# Note templates and documents drawn from notes (issue 17) ----------------------
class TemplateSectionSchema(Schema):
    key = fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,49}$"), metadata={
        "description": "lower-case key; left out: derived from the title"})
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    guidance = text(1000, metadata={"description": "what the section should hold; its words guide the "
                                                   "offline generator and go into the llm prompt"})


def _sections(required: bool) -> fields.List:
    return fields.List(fields.Nested(TemplateSectionSchema), required=required,
                       validate=validate.Length(min=1, max=30), metadata={"description": "in note order"})


LOINC_NOTE = validate.Regexp(r"^[0-9]{1,7}-[0-9]$", error="Give a LOINC code such as 11506-3.")


class NoteTemplateCreateSchema(Schema):
    name = name()
    specialty = text(100, load_default="general")
    loinc_code = fields.String(load_default="11506-3", validate=LOINC_NOTE, metadata={
        "description": "the LOINC document type its notes' FHIR Composition carries (default 11506-3, "
                       "Progress note)"})
    sections = _sections(required=True)


class NoteTemplateUpdateSchema(Schema):
    """A new version: each field sent replaces the current version's; `sections` as a whole."""

    name = name(required=False)
    specialty = text(100)
    loinc_code = fields.String(validate=LOINC_NOTE)
    sections = _sections(required=False)


class TemplateDefaultSchema(Schema):
    template = fields.String(required=True, allow_none=True, validate=TEMPLATE_ID, metadata={
        "description": "a built-in id or a practice template id; null clears the choice"})
    doctor_id = fields.UUID(allow_none=True, load_default=None, metadata={
        "description": "whose default (admins: any doctor's; doctors: their own); left out: the "
                       "practice's (admins), or the caller's own (doctors)"})


class LetterCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(LETTER_KINDS))
    recipient = Text(required=True, validate=validate.Length(min=1, max=300))


class NoteDocumentEditSchema(Schema):
    text = Text(required=True, validate=validate.Length(min=1, max=20000))


class NoteDocumentSendSchema(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS), metadata={
        "description": "how it was handed over; MediSync records it, it delivers nothing itself"})


class DocumentListSchema(PageQuerySchema):
    patient_id = fields.UUID(required=True)


DOCUMENT_KIND = validate.OneOf(DOCUMENT_KINDS)


class DocumentFormSchema(Schema):
    patient_id = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9a-fA-F-]{36}$", error="Not a valid UUID."))
    appointment_id = fields.String(validate=validate.Regexp(
        r"^[0-9a-fA-F-]{36}$", error="Not a valid UUID."))
    kind = fields.String(required=True, validate=DOCUMENT_KIND)
    title = Text(required=True, validate=validate.Length(min=1, max=200))


# OpenAPI responses (documentation) --------------------------------------------
SUCCESS_ENVELOPE = {
    "type": "object", "required": ["success", "data", "meta"], "additionalProperties": False,
    "properties": {"success": {"type": "boolean", "enum": [True]}, "data": {"nullable": True},
                   "meta": {"type": "object"}}}
ERROR_ENVELOPE = {
    "type": "object", "required": ["success", "error", "request_id"], "additionalProperties": False,
    "properties": {"success": {"type": "boolean", "enum": [False]}, "request_id": {"type": "string"},
                   "error": {"type": "object", "required": ["code", "message", "details"],
                             "additionalProperties": False,
                             "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                            "details": {"type": "object"}}}}}
_SUCCESS_STATUSES = {"get": ("200",), "patch": ("200",), "put": ("200",), "post": ("200", "201"),
                     "delete": ("204",)}


def complete_responses(spec: dict[str, Any]) -> None:
    """Document every operation's responses, so clients and the fuzzer can check them.

    Operations that declare no responses get the success envelope (204 without a
    body for DELETE), and every operation gets the error envelope as ``default``.
    A Swagger-2 style ``produces`` other than JSON (files, exports) becomes the
    200 response's media types. HEAD operations (aiohttp adds one per GET) are
    left out of the document.
    """
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("SuccessEnvelope", SUCCESS_ENVELOPE)
    schemas.setdefault("ErrorEnvelope", ERROR_ENVELOPE)
    success = {"application/json": {"schema": {"$ref": "#/components/schemas/SuccessEnvelope"}}}
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
    for operations in spec.get("paths", {}).values():
        operations.pop("head", None)
        for method, operation in operations.items():
            if not isinstance(operation, dict) or method not in _SUCCESS_STATUSES:
                continue
            produces = operation.pop("produces", None) or ["application/json"]
            responses = operation.setdefault("responses", {})
            if not responses:
                for status in _SUCCESS_STATUSES[method]:
                    if status == "204":
                        responses[status] = {"description": "Done (no content)"}
                    elif produces == ["application/json"]:
                        responses[status] = {"description": "Success", "content": success}
                    else:
                        responses[status] = {"description": "The file", "content": {
                            media: {"schema": {"type": "string", "format": "binary"}} for media in produces}}
            responses.setdefault("default", {"description": "Error (the error envelope)", "content": error})
