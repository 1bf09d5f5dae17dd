"""Search parameters of ``GET /fhir/Patient``: what they ask of our patient search.

``identifier`` is a FHIR token, ``[system|]value``: a system other than the
practice's MRN system can match nothing of ours. ``name`` matches any part of
the name, as ``GET /patients?search=`` does. Unknown parameters are ignored,
as FHIR servers do by default.
"""

from __future__ import annotations

from typing import Any, Mapping

from medisync.interface.http.fhir_io import InvalidParameter

NO_MATCH = object()  # an identifier in a system we do not issue
MAX_NAME, MAX_IDENTIFIER = 100, 200


def search_criteria(params: Mapping[str, str], mrn_system: str) -> tuple[str | None, Any, dict[str, str]]:
    """(name search, exact MRN or None or NO_MATCH, the parameters to repeat in page links)."""
    name, identifier = params.get("name"), params.get("identifier")
    _check("name", name, MAX_NAME)
    _check("identifier", identifier, MAX_IDENTIFIER)
    query = {key: value for key, value in (("name", name), ("identifier", identifier)) if value}
    mrn: Any = None
    if identifier:
        system, bar, value = identifier.rpartition("|")
        mrn = NO_MATCH if bar and system and system != mrn_system else value
    return (name or None), mrn, query


def _check(parameter: str, value: str | None, limit: int) -> None:
    if value is not None and (len(value) > limit or "\x00" in value):
        raise InvalidParameter(parameter, f"'{parameter}' takes at most {limit} characters, and no NUL")
