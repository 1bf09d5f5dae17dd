"""D106: a free relative "What you are describing sounds like ..." is a statement; a clinician's
question that states a duration ("about a week of pain?") takes a bare answer's duration; a symptom that
came up yesterday has lasted a day; the scorer's clinically equal doses and frequencies."""

from __future__ import annotations

from medisync.ml.notes.evaluation import score

from ._dialogue import insights, symptom_map


def test_a_free_relative_is_a_statement_that_can_state_a_diagnosis() -> None:
    ins = insights(("D", "What you're describing sounds like chronic insomnia, probably from stress at work."))
    assert [d["icd10"] for d in ins["diagnoses"]] == ["G47.00"]


def test_a_wh_question_is_still_a_question() -> None:
    ins = insights(("D", "What do you think this is, insomnia?"))
    assert ins["diagnoses"] == []


def test_a_bare_answer_to_a_question_stating_a_duration() -> None:
    ins = insights(("D", "What is going on?"), ("P", "I have had this burning pain on my left side."),
                   ("D", "So about a week of pain?"), ("P", "Eight days now."))
    # "on my left side" places the pain since D140 (the side word no longer hides the body part)
    assert symptom_map(ins)["flank pain"] == (True, "8 days")


def test_a_symptom_that_came_up_yesterday_has_lasted_a_day() -> None:
    assert symptom_map(insights(("P", "Then yesterday a rash came up in the very same spot.")))["rash"] == (True, "1 day")
    assert symptom_map(insights(("P", "I saw my doctor yesterday, and I have a rash.")))["rash"] == (True, None)


def test_the_scorer_takes_clinically_equal_doses_and_frequencies() -> None:
    expected = {"medications": [{"name": "valacyclovir", "dose": "1 g", "frequency": "every evening", "status": "new"}]}
    predicted = {"medications": [{"name": "valacyclovir", "dose": "1000 mg", "frequency": "at bedtime", "status": "new"}]}
    counts = score(expected, predicted)["medications"]
    assert (counts.tp, counts.fp, counts.fn) == (4, 0, 0)


def test_the_chief_complaint_joins_two_symptoms_of_the_opening_turns() -> None:
    # D108: the second symptom may come in the next opening turn, not only the same sentence
    ins = insights(("D", "What is going on with Liam today?"),
                   ("F", "He has had a fever and has been pulling at his left ear for two days."),
                   ("P", "My ear hurts a lot."))
    assert ins["chief_complaint"] == "fever and ear pain"
