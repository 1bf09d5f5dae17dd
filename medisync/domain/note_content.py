"""The shape of a note's content: insights, template sections, a draft, a version (D63).

``TypedDict``s, because all of it is JSON: in the ``ClinicalNote`` events, in
``read.note_versions`` and on the wire. The extractors (``medisync.ml.notes``)
produce these shapes and reach them through ``medisync.application.ports``;
the HTTP schema that validates a clinician's insights is
``interface/http/schemas.py:NoteInsightsSchema``.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class Symptom(TypedDict):
    name: str
    present: bool
    duration: str | None
    certainty: NotRequired[str]  # "uncertain" when hedged


class Vitals(TypedDict):
    """Each measurement, or None when none was stated (the keys are ``vitals.VITAL_KEYS``)."""

    bp_systolic: float | None
    bp_diastolic: float | None
    heart_rate: float | None
    temperature_c: float | None
    spo2: float | None
    respiratory_rate: float | None
    weight_kg: float | None


VitalKey = Literal["bp_systolic", "bp_diastolic", "heart_rate", "temperature_c", "spo2", "respiratory_rate",
                   "weight_kg"]


class VitalReading(TypedDict, total=False):
    """The measurements one clause states (a blood pressure states two)."""

    bp_systolic: float | None
    bp_diastolic: float | None
    heart_rate: float | None
    temperature_c: float | None
    spo2: float | None
    respiratory_rate: float | None
    weight_kg: float | None


class Medication(TypedDict):
    name: str
    dose: str | None
    frequency: str | None
    status: str  # active | changed | new | stopped
    match_confidence: NotRequired[float | None]  # set by the extractor
    #: set by the extractor: plan (a clinician's decision) | reported (taken) | mentioned (only named)
    source: NotRequired[str]


class Allergy(TypedDict):
    substance: str
    reaction: str | None


class Diagnosis(TypedDict):
    name: str
    icd10: str | None
    icd10_title: NotRequired[str]


class Order(TypedDict):
    kind: str  # lab | imaging | referral | procedure
    name: str


class ReviewCandidate(TypedDict):
    name: str
    icd10: NotRequired[str]
    score: NotRequired[float]


class ReviewItem(TypedDict):
    """Something heard but not clearly named: never written into the note, shown for review."""

    kind: str  # medication | allergy | diagnosis | vital (a reading heard again from the audio, D137)
    reason: str
    heard: str
    candidates: list[ReviewCandidate]
    context: NotRequired[str]
    segment_ids: list[int]
    sentence_index: int
    sentence_indices: list[int]


class Insights(TypedDict):
    """The structured facts of a note version (D39)."""

    chief_complaint: str | None
    symptoms: list[Symptom]
    vitals: Vitals
    medications: list[Medication]
    allergies: list[Allergy]
    diagnoses: list[Diagnosis]
    orders: list[Order]
    follow_up: str | None
    needs_review: NotRequired[list[ReviewItem]]  # the extractor's; a clinician's insights have none


class SectionLine(TypedDict):
    """One sentence of a drafted section and where it came from (``segment_ids`` index the transcript)."""

    kind: str
    text: str
    segment_ids: list[int]
    origin: str  # transcript | facts
    #: the ICD-10-CM category of the coded problem an assessment or plan line is grouped under
    problem: NotRequired[str]


class NoteSection(TypedDict):
    key: str
    title: str
    text: str
    status: str  # filled | empty
    lines: list[SectionLine]


class Provenance(TypedDict, total=False):
    """Who drafted a version: the generator, then the template and the transcript it drew on."""

    generator: str
    generator_version: str
    model: str
    template: str
    template_version: int | None
    transcript_version: int | None


class SoapText(TypedDict):
    subjective: str
    objective: str
    assessment: str
    plan: str


class DraftText(SoapText):
    """A draft's text: the four SOAP fields, the template's sections and the whole note."""

    template: str
    sections: list[NoteSection]
    text: str


class NoteDraft(DraftText):
    """What a ``NoteGenerator`` returns."""

    insights: Insights
    provenance: Provenance


class NoteContent(TypedDict, total=False):
    """A version's content (the ``phi`` of a note event); a write leaves out what it keeps (D40)."""

    subjective: str
    objective: str
    assessment: str
    plan: str
    free_text: str
    insights: Insights | None
    template: str | None
    sections: list[NoteSection] | None


class NoteVersion(TypedDict):
    """One version of a ``ClinicalNote``, as the aggregate keeps it."""

    version: int
    status: str  # preliminary | final | amended
    source: str  # clinician | ai
    subjective: str
    objective: str
    assessment: str
    plan: str
    free_text: str
    insights: Insights | None
    provenance: Provenance | None
    template: str | None
    sections: list[NoteSection] | None
    author_id: str
    created_at: str
    signed_by: str | None
    signed_at: str | None
