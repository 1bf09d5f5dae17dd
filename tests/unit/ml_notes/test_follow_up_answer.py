"""A follow-up given as the answer to a question about returning, "see him again in", a respiratory
rate told as breaths a minute, and a recheck as an order (D96)."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def test_the_answer_to_a_question_about_returning_is_the_follow_up() -> None:
    ins = insights(("F", "When should she come back?"), ("D", "In two months, or sooner if the headaches change."))
    assert ins["follow_up"] == "2 months"


def test_an_interval_without_a_question_about_returning_is_no_follow_up() -> None:
    ins = insights(("P", "How long will the rash last?"), ("D", "In two weeks it should fade."))
    assert ins["follow_up"] is None


def test_seeing_the_patient_again_in_an_interval_is_the_follow_up() -> None:
    ins = insights(("D", "Go to the emergency room if his lips turn blue. Otherwise, I will see him again in one week."))
    assert ins["follow_up"] == "1 week"


def test_breathing_times_a_minute_is_the_respiratory_rate() -> None:
    ins = insights(("D", "Your oxygen saturation is ninety one percent, and you are breathing twenty two times a minute."))
    assert ins["vitals"]["respiratory_rate"] == 22
    assert ins["vitals"]["spo2"] == 91


def test_a_recheck_is_an_order() -> None:
    ins = insights(("D", "We will recheck the thyroid stimulating hormone and free thyroxine in six weeks."))
    assert {o["name"] for o in ins["orders"]} == {"thyroid stimulating hormone", "free thyroxine"}
    assert ins["follow_up"] == "6 weeks"


def test_a_recheck_declined_is_no_order() -> None:
    ins = insights(("D", "Your last a1c was fine, so we do not need to recheck the a1c today."))
    assert ins["orders"] == []


def test_a_check_that_will_be_done_in_an_interval_is_the_follow_up() -> None:
    # D121: "we will be checking (the ear) in 2 weeks" returns the patient in 2 weeks
    found = insights(("P", "Should we come back?"),
                     ("D", "Call us if he still has a fever in 3 days, otherwise we will be checking the ear in 2 weeks."))
    assert found["follow_up"] == "2 weeks"


def test_the_first_return_phrase_followed_by_an_interval_gives_it() -> None:
    # D121: "we will check" opens the sentence, the interval follows "visit" further on
    found = insights(("D", "We will check a fasting lipid panel a week before your next visit and book that "
                           "visit with me three months from now."))
    assert found["follow_up"] == "3 months"


@pytest.mark.parametrize(("said", "interval"), [
    ("Come back on Thursday, a week from today.", "1 week"),
    ("Let's get you on the books for eight weeks from now.", "8 weeks"),
    ("I'd like to take a look at him again in three weeks.", "3 weeks"),
])
def test_more_ways_to_say_when_to_return(said: str, interval: str) -> None:
    """D242 (phrasings written for this test)."""
    assert insights(("D", said))["follow_up"] == interval


def test_a_dose_repeated_in_an_interval_is_no_follow_up() -> None:
    assert insights(("D", "Take one tablet now and take it again in two weeks."))["follow_up"] is None
