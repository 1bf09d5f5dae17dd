"""/fhir: a FHIR R4 facade over the read models (docs/fhir.md).

Same authentication, tenancy, roles and PHI access log as the rest of the
API; answers application/fhir+json, and OperationOutcome on failure. These
routes are described by the CapabilityStatement (GET /fhir/metadata), not
the OpenAPI document.
"""

from __future__ import annotations

from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import marshmallow
from aiohttp import web
from fhir.resources.R4B.patient import Patient as PatientModel

from medisync.domain.errors import NotFoundError
from medisync.interface.fhir import document_reference as docs
from medisync.interface.fhir import ids
from medisync.interface.fhir.appointment import to_appointment
from medisync.interface.fhir.bundle import DEFAULT_COUNT, MAX_COUNT, searchset
from medisync.interface.fhir.capability import capability_statement
from medisync.interface.fhir.patient import ELEMENT_OF, from_patient, mrn_system, to_patient
from medisync.interface.fhir.practitioner import to_practitioner
from medisync.interface.fhir.record import (document_references, everything, note_document_references,
                                            note_resources)
from medisync.interface.http.context import Ctx, existing_id
from medisync.interface.http.fhir_io import (FHIR_PREFIX, InvalidParameter, InvalidResource, fhir_json,
                                             read_resource, validate_structure)
from medisync.interface.http.fhir_search import NO_MATCH, search_criteria
from medisync.interface.http.middleware import public
from medisync.interface.http.schemas import PatientCreateSchema

routes = web.RouteTableDef()
INSIGHT_TYPES = "Observation|Condition|MedicationStatement|AllergyIntolerance|ServiceRequest"
STARTED = datetime.now(timezone.utc).isoformat()


def _software_version() -> str:
    try:
        return version("medisync")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "unknown"


SOFTWARE_VERSION = _software_version()  # read once: it is package metadata on disk


def _base(ctx: Ctx) -> str:
    root = ctx.container.settings.public_base_url or str(ctx.request.url.origin())
    return root.rstrip("/") + FHIR_PREFIX


def _mrn_system(ctx: Ctx, practice_id: Any) -> str:
    return mrn_system(ctx.container.settings.fhir_mrn_system, practice_id)


MAX_PAGE = 100_000  # as the JSON API's `page`; beyond, the offset overflowed Postgres's bigint (a 500)


def _paging(request: web.Request) -> tuple[int, int]:
    """(page, _count) of a searchset request."""
    values = []
    for name, default, low, high in (("page", 1, 1, MAX_PAGE), ("_count", DEFAULT_COUNT, 1, MAX_COUNT)):
        try:
            value = int(request.query.get(name, default))
        except ValueError:
            raise InvalidParameter(name, f"'{name}' must be an integer") from None
        if value < low or (high is not None and value > high):
            raise InvalidParameter(name, f"'{name}' must be between {low} and {high or 'any'}")
        values.append(value)
    return values[0], values[1]


def _page_of(ctx: Ctx, resources: list[dict[str, Any]], query: dict[str, str], patient_id: str) -> web.Response:
    """One page of an in-memory result (a patient's record is bounded)."""
    page, count = _paging(ctx.request)
    shown = resources[(page - 1) * count: page * count]
    return _bundle(ctx, (page, count), shown, len(resources), query, {r["id"]: patient_id for r in shown})


def _bundle(ctx: Ctx, paging: tuple[int, int], shown: list[dict[str, Any]], total: int, query: dict[str, str],
            patient_of: dict[str, str]) -> web.Response:
    """A searchset page; each resource shown goes to the PHI access log."""
    for resource in shown:
        ctx.accessed(f"fhir.{resource['resourceType']}", resource["id"], patient_of[resource["id"]], "search")
    base = _base(ctx)
    self_url = base + ctx.request.path.removeprefix(FHIR_PREFIX)
    return fhir_json(searchset(shown, total, *paging, self_url, query, base))


def _patient_parameter(request: web.Request) -> str:
    raw = request.query.get("patient", "")
    if not raw:
        raise InvalidParameter("patient", "the search parameter 'patient' is required")
    return existing_id(raw.removeprefix("Patient/"), "patient")


@routes.get(FHIR_PREFIX + "/metadata")
@public
async def metadata(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    return fhir_json(capability_statement(_base(ctx), SOFTWARE_VERSION, STARTED))


@routes.get(FHIR_PREFIX + "/Patient")
async def search_patients(request: web.Request) -> web.Response:
    """By ``identifier`` ([system|]MRN, exact) and/or ``name`` (any part); neither: every patient."""
    ctx = Ctx(request)
    page, count = _paging(request)
    system = _mrn_system(ctx, ctx.principal.practice_id)
    name, mrn, query = search_criteria(request.query, system)
    rows, total = [], 0
    if mrn is not NO_MATCH:
        rows, total = await ctx.read(ctx.container.queries["patients"].search, name, ctx.container.page(
            {"page": page, "per_page": count}), mrn)
    resources = [to_patient(row, system) for row in rows]
    return _bundle(ctx, (page, count), resources, total, query, {r["id"]: r["id"] for r in resources})


@routes.get(FHIR_PREFIX + "/Patient/{id}")
async def read_patient(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    row = await ctx.read(ctx.container.queries["patients"].get, ctx.path_id("id", "patient"))
    ctx.accessed("fhir.Patient", row["id"], row["id"])
    return fhir_json(to_patient(row, _mrn_system(ctx, row["practice_id"])))


@routes.post(FHIR_PREFIX + "/Patient")
async def create_patient(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    resource = await read_resource(request, "Patient", ctx.container.settings.max_json_bytes)
    validate_structure(resource, PatientModel)
    result = await ctx.command(ctx.container.patients.register, _registration(resource))
    row = await ctx.read(ctx.container.queries["patients"].get, result.id)
    location = f"{_base(ctx)}/Patient/{row['id']}"
    return fhir_json(to_patient(row, _mrn_system(ctx, row["practice_id"])), 201, {"Location": location})


def _registration(resource: dict[str, Any]) -> dict[str, Any]:
    """Our registration body, validated by the same schema as POST /patients."""
    try:
        body = PatientCreateSchema().load(from_patient(resource))
    except marshmallow.ValidationError as invalid:
        fields = {ELEMENT_OF.get(name, f"Patient.{name}"): problems
                  for name, problems in invalid.normalized_messages().items()}
        raise InvalidResource("the Patient cannot be registered", fields) from None
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in body.items()}


@routes.get(FHIR_PREFIX + "/Patient/{id}/$everything")
async def patient_everything(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    patient_id = ctx.path_id("id", "patient")
    record = await ctx.read(ctx.container.queries["patient_record"].everything, patient_id)
    record["note_documents"] = await ctx.read(ctx.container.queries["note_documents"].for_patient, patient_id)
    resources = everything(record, _mrn_system(ctx, record["patient"]["practice_id"]), f"{_base(ctx)}/Binary",
                           await _template_types(ctx))
    return _page_of(ctx, resources, {}, patient_id)


@routes.get(FHIR_PREFIX + "/Practitioner/{id}")
async def read_practitioner(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    row = await ctx.read(ctx.container.queries["patient_record"].practitioner,
                         ctx.path_id("id", "practitioner"))
    return fhir_json(to_practitioner(row))


@routes.get(FHIR_PREFIX + "/Appointment/{id}")
async def read_appointment(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    row = await ctx.read(ctx.container.queries["appointments"].get,
                         ctx.path_id("id", "appointment"))
    ctx.accessed("fhir.Appointment", row["id"], row["patient_id"])
    return fhir_json(to_appointment(row))


@routes.get(FHIR_PREFIX + "/DocumentReference")
async def search_document_references(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    patient_id = _patient_parameter(request)
    record = await ctx.read(ctx.container.queries["patient_record"].documents, patient_id)
    record["note_documents"] = await ctx.read(ctx.container.queries["note_documents"].for_patient, patient_id)
    return _page_of(ctx, document_references(record, f"{_base(ctx)}/Binary"), {"patient": patient_id}, patient_id)


@routes.get(FHIR_PREFIX + "/DocumentReference/{id}")
async def read_document_reference(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    source, row = await _sourced_row(ctx, "document reference")
    binary_base = f"{_base(ctx)}/Binary"
    if source == "doc":
        resource = docs.from_document(row, binary_base)
    elif source in ("sum", "ltr"):  # a newer patient summary of the visit supersedes this one (D48)
        rows = await ctx.read(ctx.container.queries["note_documents"].for_patient, str(row["patient_id"]))
        wanted = ids.sourced(source, row["id"])
        resource = next((r for r in note_document_references(rows) if r["id"] == wanted), None) \
            or docs.from_note_document(row)
    else:  # current or superseded is decided among the visit's files (D42)
        record = await ctx.read(ctx.container.queries["patient_record"].documents, str(row["patient_id"]))
        wanted = ids.sourced(source, row["id"])
        mapper = docs.from_recording if source == "rec" else docs.from_transcript
        resource = next((r for r in document_references(record, binary_base) if r["id"] == wanted),
                        None) or mapper(row, binary_base)
    ctx.accessed("fhir.DocumentReference", resource["id"], row["patient_id"])
    return fhir_json(resource)


async def _sourced_row(ctx: Ctx, what: str) -> tuple[str, dict[str, Any]]:
    source, row_id = ids.parse_sourced(ctx.request.match_info["id"], what)
    queries = ctx.container.queries
    query = {"rec": queries["patient_record"].recording, "tx": queries["patient_record"].transcript,
             "doc": queries["documents"].get, "sum": queries["note_documents"].by_id,
             "ltr": queries["note_documents"].by_id}[source]
    if source in ("sum", "ltr"):
        row = await ctx.read(query, row_id)
        if docs.note_document_source(row["kind"]) != source:
            raise NotFoundError(f"{what} not found")
        return source, row
    return source, await ctx.read(query, row_id)


@routes.get(FHIR_PREFIX + "/Binary/{id}")
async def read_binary(request: web.Request) -> web.StreamResponse:
    """The bytes themselves (audio, a document, a transcript's JSON), not a Binary resource."""
    ctx = Ctx(request)
    source, row = await _sourced_row(ctx, "binary")
    ctx.accessed("fhir.Binary", ids.sourced(source, row["id"]), row["patient_id"], "download")
    if source == "tx":
        return web.Response(body=docs.transcript_json(row["document"]), content_type="application/json")
    if source in ("sum", "ltr"):  # a patient summary's or letter's text
        return web.Response(text=row["text"], content_type="text/plain", charset="utf-8")
    return ctx.stored_file(row)


@routes.get(FHIR_PREFIX + "/Composition/{id}")
async def read_composition(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    patient_id, resources = await _note_resources(ctx, ctx.path_id("id", "composition"))
    ctx.accessed("fhir.Composition", resources[0]["id"], patient_id)
    return fhir_json(resources[0])


@routes.get(FHIR_PREFIX + "/{type:" + INSIGHT_TYPES + "}/{id}")
async def read_insight(request: web.Request) -> web.Response:
    """An insight resource the note's current Composition refers to."""
    ctx = Ctx(request)
    resource_type, what = request.match_info["type"], request.match_info["type"].lower()
    note_id, version_number, key = ids.parse_insight(request.match_info["id"], what)
    resource_id = ids.insight(note_id, version_number, key)
    patient_id, resources = await _note_resources(ctx, note_id)
    found = next((r for r in resources[1:] if r["resourceType"] == resource_type and r["id"] == resource_id), None)
    if found is None:
        raise NotFoundError(f"{what} not found")
    ctx.accessed(f"fhir.{resource_type}", resource_id, patient_id)
    return fhir_json(found)


async def _template_types(ctx: Ctx) -> dict[str, tuple[str, str]]:
    """Template id -> (LOINC document type, name): each Composition carries its template's type (D46)."""
    return await ctx.read(ctx.container.queries["note_templates"].document_types)


async def _note_resources(ctx: Ctx, note_id: str) -> tuple[str, list[dict[str, Any]]]:
    """The note's patient id, and its Composition followed by its insight resources."""
    note, versions, appointment = await ctx.read(ctx.container.queries["patient_record"].note, note_id)
    resources = note_resources(note, versions, appointment["start_at"], await _template_types(ctx))
    if not resources:
        raise NotFoundError("composition not found")
    return str(note["patient_id"]), resources
