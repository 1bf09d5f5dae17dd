"""OpenAPI links: where the id an operation answers with is used next (D61).

A client (or schemathesis's stateful phase) follows them from a created resource to the
operations on it: ``POST /patients`` 201 -> ``GET /patients/{patient_id}``, an appointment to its
recording, note and letters. Only links whose source answers the id are listed, and only
successful answers (200/201) carry them.
"""

from __future__ import annotations

from typing import Any

API = "/api/v1"
DATA_ID = "$response.body#/data/id"
PATIENT = API + "/patients/{patient_id}"
APPOINTMENT = "{appointment_id}"
NOTE = API + "/notes/" + APPOINTMENT

# The operations on a resource, by the path parameter that names it.
ON_PATIENT = [("get", PATIENT), ("patch", PATIENT), ("delete", PATIENT), ("post", PATIENT + "/history"),
              ("get", PATIENT + "/history"), ("post", PATIENT + "/insurance")]
ON_APPOINTMENT = [("get", API + "/appointments/get/" + APPOINTMENT)] + [
    ("post", f"{API}/appointments/{APPOINTMENT}/{step}")
    for step in ("reschedule", "cancel", "check-in", "start", "complete", "no-show")] + [
    ("post", API + "/recordings/" + APPOINTMENT), ("get", API + "/recordings/" + APPOINTMENT),
    ("get", API + "/transcriptions/" + APPOINTMENT), ("post", API + "/notes/add/" + APPOINTMENT),
    ("get", NOTE)]
ON_NOTE = [("get", NOTE), ("post", NOTE + "/sign"), ("post", NOTE + "/generate"),
           ("post", NOTE + "/patient-summary"), ("get", NOTE + "/patient-summary"),
           ("post", NOTE + "/letters"), ("get", NOTE + "/letters")]
TEMPLATE = API + "/notes/templates/{template_id}"
DOCUMENT = API + "/documents/{document_id}"


def _each(targets: list[tuple[str, str]], parameter: str, expression: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, {f"path.{parameter}": expression}) for method, path in targets]


# (source method, source path) -> [(target method, target path, {parameters} or requestBody)]
LINKS: dict[tuple[str, str], list[tuple[str, str, dict[str, Any]]]] = {
    ("post", API + "/patients"): _each(ON_PATIENT, "patient_id", DATA_ID) + [
        ("post", API + "/appointments/add", {"requestBody": {"patient_id": DATA_ID}}),
        ("get", API + "/fhir/Patient/{id}", {"path.id": DATA_ID}),
        ("get", API + "/fhir/Patient/{id}/$everything", {"path.id": DATA_ID}),
        ("get", API + "/fhir/DocumentReference", {"query.patient": DATA_ID})],
    ("post", PATIENT + "/history"): [
        ("patch", PATIENT + "/history/{entry_id}",
         {"path.patient_id": "$request.path.patient_id", "path.entry_id": DATA_ID})],
    ("post", PATIENT + "/insurance"): [
        (method, PATIENT + "/insurance/{policy_id}",
         {"path.patient_id": "$request.path.patient_id", "path.policy_id": DATA_ID})
        for method in ("patch", "delete")],
    ("post", API + "/appointments/add"): _each(ON_APPOINTMENT, "appointment_id", DATA_ID) + [
        ("get", API + "/fhir/Appointment/{id}", {"path.id": DATA_ID})],
    ("post", API + "/notes/add/" + APPOINTMENT): _each(ON_NOTE, "appointment_id", "$request.path.appointment_id"),
    ("post", NOTE + "/letters"): [
        (method, NOTE + "/letters/{letter_id}" + tail,
         {"path.appointment_id": "$request.path.appointment_id", "path.letter_id": DATA_ID})
        for method, tail in (("patch", ""), ("post", "/send"))],
    ("post", NOTE + "/patient-summary"): _each(
        [("patch", NOTE + "/patient-summary"), ("post", NOTE + "/patient-summary/send")],
        "appointment_id", "$request.path.appointment_id"),
    ("post", API + "/notes/templates"): _each(
        [("get", TEMPLATE), ("patch", TEMPLATE), ("delete", TEMPLATE)], "template_id", DATA_ID),
    ("post", API + "/documents"): _each(
        [("get", DOCUMENT), ("get", DOCUMENT + "/content"), ("delete", DOCUMENT)], "document_id", DATA_ID),
    ("post", API + "/fhir/Patient"): [
        ("get", API + "/fhir/Patient/{id}" + tail, {"path.id": "$response.body#/id"})
        for tail in ("", "/$everything")],
}


def operation_ref(method: str, path: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def add_links(spec: dict[str, Any]) -> None:
    """Put each link on its source's 200 and 201 answers (when the document has both)."""
    paths = spec.get("paths", {})
    for (method, path), targets in LINKS.items():
        source = paths.get(path, {}).get(method)
        if source is None:
            continue
        links = {}
        for target_method, target_path, binding in targets:
            if target_method not in paths.get(target_path, {}):
                continue
            link: dict[str, Any] = {"operationRef": operation_ref(target_method, target_path)}
            if "requestBody" in binding:
                link["requestBody"] = binding["requestBody"]
            else:
                link["parameters"] = binding
            links[_name(target_method, target_path)] = link
        for status in ("200", "201"):
            if status in source["responses"]:
                source["responses"][status]["links"] = links


def _name(method: str, path: str) -> str:
    words = [part for part in path.removeprefix(API).split("/") if part and not part.startswith("{")]
    return method.upper() + "".join(word.replace("$", "").replace("-", " ").title().replace(" ", "")
                                    for word in words)
