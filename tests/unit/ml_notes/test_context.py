"""Negation, uncertainty, family history, hypotheticals and questions vs findings."""

from __future__ import annotations

from medisync.ml.notes.context import assess
from medisync.ml.notes.symptoms import parse_duration
from medisync.ml.notes.text import tokenize

from ._dialogue import insights, symptom_map


def _assert(text: str, target: str):
    toks = tokenize(text)
    words = tokenize(target)
    for i in range(len(toks)):
        if toks[i:i + len(words)] == words:
            return assess(toks, (i, i + len(words)))
    raise AssertionError(f"{target!r} not in {toks}")


def test_negation_triggers_and_scope() -> None:
    assert _assert("Patient denies chest pain.", "chest pain").negated
    assert _assert("No fever.", "fever").negated
    assert _assert("No numbness or tingling.", "tingling").negated
    assert not _assert("No fever, but I have a cough.", "cough").negated
    assert not _assert("No numbness or tingling, my vision is blurry.", "vision").negated
    assert _assert("The headache is gone now.", "headache").negated


def test_uncertainty_family_hypothetical() -> None:
    assert _assert("Maybe a little fever last night.", "fever").uncertain
    assert _assert("My father had diabetes.", "diabetes").family
    assert not _assert("I helped my brother move a couch, and I felt a sharp pain.", "pain").family
    assert _assert("Come back sooner if you get numbness.", "numbness").hypothetical


def test_negated_and_positive_symptoms_in_patient_speech() -> None:
    ins = insights(
        ("D", "What brings you in?"),
        ("P", "I have had a headache for three days. No fever. I deny chest pain. No numbness or tingling in my hands."),
    )
    sym = symptom_map(ins)
    assert sym["headache"] == (True, "3 days")
    assert sym["fever"] == (False, None)
    assert sym["chest pain"] == (False, None)
    assert sym["numbness in hands"] == (False, None)
    assert sym["tingling in hands"] == (False, None)


def test_family_history_is_not_a_patient_symptom() -> None:
    ins = insights(
        ("D", "Any family history?"),
        ("P", "My father had diabetes and my mother gets migraines. I feel fine."),
    )
    assert not any(s["present"] for s in ins["symptoms"])


def test_clinician_question_is_not_a_finding_answer_decides() -> None:
    ins = insights(
        ("D", "Any chest pain or shortness of breath?"),
        ("P", "No, nothing like that."),
        ("D", "Any fever?"),
        ("P", "Yes, since yesterday."),
        ("D", "Any headaches, dizziness, or nausea?"),
        ("P", "I get dizzy when I stand up."),
    )
    sym = symptom_map(ins)
    assert sym["chest pain"][0] is False
    assert sym["shortness of breath"][0] is False
    assert sym["fever"][0] is True
    assert sym["dizziness"][0] is True
    # asked but neither affirmed nor denied: not a finding either way
    assert "headache" not in sym
    assert "nausea" not in sym


def test_question_without_answer_yields_nothing() -> None:
    ins = insights(("D", "Do you have any cough or wheezing?"))
    assert ins["symptoms"] == []


def test_hypothetical_instructions_are_not_findings() -> None:
    ins = insights(
        ("P", "My back hurts."),
        ("D", "Come back sooner if you get numbness, leg weakness, or bladder problems."),
    )
    names = {s["name"] for s in ins["symptoms"]}
    assert names == {"back pain"}


def test_answer_specifics_adopt_the_question_location() -> None:
    ins = insights(
        ("D", "Any numbness or tingling in your feet?"),
        ("P", "No numbness or tingling."),
    )
    assert symptom_map(ins) == {"numbness in feet": (False, None), "tingling in feet": (False, None)}


def test_durations() -> None:
    assert parse_duration("for the last 2 weeks i have been thirsty") == "2 weeks"
    assert parse_duration("that was 4 days ago") == "4 days"
    assert parse_duration("for about a week") == "1 week"
    assert parse_duration("over the past month") == "1 month"
    assert parse_duration("for a couple of days") == "2 days"
    assert parse_duration("come back in 4 weeks") is None
    ins = insights(("P", "For the last two weeks I have been very thirsty."))
    assert symptom_map(ins) == {"increased thirst": (True, "2 weeks")}


def test_a_when_clause_before_a_statement_is_no_question_without_its_mark() -> None:
    """D241: without "?" a sentence opening with a question word is read as a question (ASR drops the marks); a
    "when I ..." clause followed by a statement is not, and one followed by "does it ...?" still is."""
    from medisync.ml.notes.text import build_turns
    said = ["When I stand up fast, the room tilts.", "When you cough, does it hurt.", "When did it start."]
    segs = [{"start": float(i), "end": i + 0.9, "speaker": "P", "role": "patient", "text": t, "words": []}
            for i, t in enumerate(said)]
    asked = [s.is_question for t in build_turns({"segments": segs, "language": "en"}) for s in t.sentences]
    assert asked == [False, True, True]
