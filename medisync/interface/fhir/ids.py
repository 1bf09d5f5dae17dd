"""FHIR logical ids for things that are not one read-model row.

DocumentReference and Binary ids name their source: ``rec-<uuid>`` (visit
audio), ``tx-<uuid>`` (the transcript of that recording), ``doc-<uuid>`` (an
uploaded document), ``sum-<uuid>`` (a patient summary), ``ltr-<uuid>`` (a letter
drawn from a note). Structured insights are ``<note uuid>-v<n>-<key>``: the
note version they were extracted for and what they are (``bp``, ``dx1``...).
All fit FHIR's 64-character id limit.
"""

from __future__ import annotations

import re

from medisync.domain.errors import NotFoundError

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_SOURCED = re.compile(rf"^(rec|tx|doc|sum|ltr)-({_UUID})$")
_INSIGHT = re.compile(rf"^({_UUID})-v([0-9]{{1,6}})-([a-z]+[0-9]*)$")


def sourced(source: str, row_id: object) -> str:
    return f"{source}-{row_id}"


def parse_sourced(resource_id: str, what: str) -> tuple[str, str]:
    match = _SOURCED.match(resource_id.lower())
    if match is None:
        raise NotFoundError(f"{what} not found")
    return match.group(1), match.group(2)


def insight(note_id: object, version: int, key: str) -> str:
    return f"{note_id}-v{version}-{key}"


def parse_insight(resource_id: str, what: str) -> tuple[str, int, str]:
    match = _INSIGHT.match(resource_id.lower())
    if match is None:
        raise NotFoundError(f"{what} not found")
    return match.group(1), int(match.group(2)), match.group(3)
