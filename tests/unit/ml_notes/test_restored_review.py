"""D91 in the note: a drug name the speech pipeline restored from the audio is written as named, and
listed in ``needs_review`` with what was first heard, so the clinician confirms it; its sentence is not quoted."""

from __future__ import annotations

from medisync.ml.notes import ExtractiveNoteGenerator


def _word(text: str, start: float, heard: str | None = None) -> dict:
    word = {"start": start, "end": start + 0.3, "word": text, "probability": 0.9}
    return {**word, "heard": heard} if heard else word


def _transcript(restored: bool) -> dict:
    said = "I take tiotropium every morning, and I have no drug allergies."
    words = [_word(w, 5.0 + 0.3 * i, "to trope him" if restored and w == "tiotropium" else None)
             for i, w in enumerate(said.split())]
    return {"language": "en", "segments": [
        {"speaker": "SPEAKER_1", "role": "clinician", "start": 0.0, "end": 4.0,
         "text": "Which medicines do you take, and do you have any allergies?",
         "words": [_word(w, 0.3 * i) for i, w in enumerate("Which medicines do you take, and do you have any allergies?".split())]},
        {"speaker": "SPEAKER_2", "role": "patient", "start": 5.0, "end": 9.0, "text": said, "words": words},
    ]}


def test_a_restored_drug_is_written_and_listed_for_confirmation():
    insights = ExtractiveNoteGenerator().extract(_transcript(restored=True))
    assert "tiotropium" in {m["name"] for m in insights["medications"]}
    items = [i for i in insights["needs_review"] if i["reason"] == "restored from the audio"]
    assert [(i["heard"], i["candidates"], i["segment_ids"]) for i in items] == [
        ("to trope him", [{"name": "tiotropium"}], [1])]


def test_a_drug_heard_clearly_is_not_listed():
    insights = ExtractiveNoteGenerator().extract(_transcript(restored=False))
    assert "tiotropium" in {m["name"] for m in insights["medications"]}
    assert not [i for i in insights["needs_review"] if i["reason"] == "restored from the audio"]


def test_a_restored_condition_is_coded_and_listed_as_a_diagnosis_to_confirm():
    # D99: a condition name restored from the audio ("the topic dermatitis"); ASR words start with a space
    said = [" My", " assessment", " is", " atopic dermatitis.", " Start", " triamcinolone."]
    words = [_word(w, 0.3 * i, "the topic dermatitis," if "atopic" in w else None) for i, w in enumerate(said)]
    doc = {"language": "en", "segments": [{"speaker": "SPEAKER_1", "role": "clinician", "start": 0.0, "end": 2.0,
                                           "text": "".join(said), "words": words}]}
    insights = ExtractiveNoteGenerator().extract(doc)
    assert [d["icd10"] for d in insights["diagnoses"]] == ["L20.9"]
    items = [i for i in insights["needs_review"] if i["reason"] == "restored from the audio"]
    assert [(i["kind"], i["heard"], i["candidates"]) for i in items] == [
        ("diagnosis", "the topic dermatitis,", [{"name": "atopic dermatitis"}])]


def test_the_kind_the_restoring_pass_gave_is_the_review_item_s_kind() -> None:
    """A restored run carries its kind from the pass that restored it; the review item takes that kind, and
    reads it from the words only for a transcript made before words carried it."""
    def doc(kind: str | None) -> dict:
        said = [" Her", " pulse", " is", " ninety-nine."]
        words = [{**_word(w, 0.3 * i, "high in teeth." if "ninety" in w else None),
                  **({"restored": kind} if kind and "ninety" in w else {})} for i, w in enumerate(said)]
        return {"language": "en", "segments": [{"speaker": "SPEAKER_1", "role": "clinician", "start": 0.0,
                                                "end": 2.0, "text": "".join(said), "words": words}]}
    for kind, expected in (("vital", "vital"), ("medication", "medication"), (None, "vital")):
        items = [i for i in ExtractiveNoteGenerator().extract(doc(kind))["needs_review"]
                 if i["reason"] == "restored from the audio"]
        assert [(i["kind"], i["heard"]) for i in items] == [(expected, "high in teeth.")]
