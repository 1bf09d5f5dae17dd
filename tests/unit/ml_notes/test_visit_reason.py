"""The chief complaint is the reason for the visit as a clinician states it (visit_reason.py).

The sentences here are written for this test (not taken from any fixture); the held-out figure is
ACI-Bench valid's, in test_aci_heldout.py.
"""

from __future__ import annotations

from medisync.ml.notes import ExtractiveNoteGenerator
from medisync.ml.notes.text import build_turns
from medisync.ml.notes.transcript_io import parse_dialogue_text
from medisync.ml.notes.visit_reason import visit_reason


def _reason(dialogue: str, excluded: set[int] | None = None) -> str | None:
    sentences = [s for t in build_turns(parse_dialogue_text(dialogue)) for s in t.sentences]
    return visit_reason(sentences, excluded)


def test_the_reason_said_to_the_scribe_or_the_patient_is_the_chief_complaint() -> None:
    assert _reason("[doctor] tom is a 61-year-old male who presents for his annual physical .") == "annual physical"
    assert _reason("[doctor] hi ann . so you are here today for some left hip pain , right ?\n"
                   "[doctor] i see you are here for some left hip pain .") == "left hip pain"
    assert _reason("[doctor] i see you have been having some trouble sleeping since may .") == "trouble sleeping"


def test_a_follow_up_visit_names_what_it_follows() -> None:
    assert _reason("[doctor] she is here for a follow up of her chronic kidney disease .") == \
        "follow-up of chronic kidney disease"
    assert _reason("[doctor] he came in for a follow-up after his hospital stay .") == "follow-up after his hospital stay"


def test_questions_negations_and_hedges_are_not_the_reason() -> None:
    assert _reason("[doctor] are you here for your knee ?") is None
    assert _reason("[doctor] you are not here for your knee today .") is None
    assert _reason("[doctor] i think you might be here with a sinus infection .") is None


def test_a_sentence_held_for_review_or_heard_badly_is_not_used() -> None:
    dialogue = "[doctor] she presents for evaluation of a rash on her arm ."
    assert _reason(dialogue) == "evaluation of a rash on her arm"
    assert _reason(dialogue, excluded={0}) is None
    transcript = {"segments": [{"speaker": "S1", "role": "clinician", "start": 0.0, "end": 3.0,
                                "text": "She presents for pelvic pain.",
                                "words": [{"word": w, "start": 0.0, "end": 0.1, "probability": p} for w, p in
                                          [("She", 0.9), ("presents", 0.9), ("for", 0.9), ("pelvic", 0.2), ("pain.", 0.9)]]}]}
    sentences = [s for t in build_turns(transcript) for s in t.sentences]
    assert visit_reason(sentences) is None


def test_the_generator_writes_the_stated_reason_as_chief_complaint() -> None:
    note = ExtractiveNoteGenerator().generate(parse_dialogue_text(
        "[doctor] mark is a 45-year-old male who presents with right shoulder pain .\n"
        "[patient] it started after i painted the ceiling ."), template="hp")
    cc = next(s for s in note["sections"] if s["key"] == "chief_complaint")
    assert note["insights"]["chief_complaint"] == "right shoulder pain"
    assert cc["text"] == "Right shoulder pain."
    assert cc["lines"][0]["segment_ids"] == [0]


def test_a_reason_that_names_nothing_clinical_is_not_the_chief_complaint() -> None:
    assert _reason("[doctor] so you are having periods of when you are feeling hot .") is None
    assert _reason("[doctor] so you are having a bit of a cough and a cold .") == "cough"
    assert _reason("[doctor] he is here for hypogonadism .") == "hypogonadism"


def test_a_dictated_chief_complaint_is_the_reason() -> None:
    """D112: dictation to the scribe names it outright."""
    assert _reason("[doctor] chief complaint is right shoulder pain . hello , how are you ?") == "right shoulder pain"
    assert _reason("[doctor] the chief complaint today is a rash on the back .") == "rash on the back"


def test_the_intake_reason_asked_back_at_the_start_is_the_reason() -> None:
    """D225: a clinician reads the intake back as a question ("the note says you had ...?"); only in the opening
    exchange, and only after such a cue: other questions stay out (test above)."""
    assert _reason("[doctor] hello . the chart says you had a fall last week ?") == "fall last week"
    assert _reason("[doctor] hi . i hear you have been having some neck pain ?") == "neck pain"
    late = "[doctor] okay .\n" * 8 + "[doctor] i hear you have been having some neck pain ?"
    assert _reason(late) is None


def test_a_results_visit_is_named_by_its_test() -> None:
    """D225: "the results from your X are back" names a results visit; a result of nothing named is no reason."""
    assert _reason("[doctor] good to see you . so the results from your thyroid ultrasound are back .") == \
        "thyroid ultrasound results"
    assert _reason("[doctor] your stress test results came back .") == "stress test results"
    assert _reason("[doctor] so your results are back .") is None
