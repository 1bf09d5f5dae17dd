"""The patient's own reckoning after a relative's correction, a symptom still to come, and a symptom of an adult
the patient just named (D327)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_the_patients_reckoning_later_in_the_reply_to_a_correction() -> None:
    got = symptom_map(insights(("D", "Where does it hurt?"), ("P", "Around and behind the kneecap. It's achy, not sharp."),
                               ("D", "When did it start?"), ("P", "Cross country tryouts. So, like, September."),
                               ("F", "No, sweetie, it started at band camp. That was the first week of August."),
                               ("P", "Oh. Yeah, band camp. I forgot about that. So four months, I guess."),
                               ("D", "What makes it worse?")))
    assert got["kneecap pain"] == (True, "4 months")


def test_the_relatives_own_reckoning_in_the_correction() -> None:
    got = symptom_map(insights(("D", "How long has the cough been going on?"), ("P", "Three weeks."),
                               ("F", "Longer. It started at the wedding. So five weeks."), ("D", "Any phlegm?")))
    assert got["cough"] == (True, "5 weeks")


def test_a_longer_sentence_after_the_answer_is_no_reckoning() -> None:
    got = symptom_map(insights(("D", "How long has the cough been going on?"), ("P", "Three weeks."),
                               ("F", "He was at the wedding. So two days of fever first, then the cough."),
                               ("D", "Any phlegm?")))
    assert got["cough"] == (True, "3 weeks")


def test_a_pain_still_to_come_is_no_finding() -> None:
    got = symptom_map(insights(("D", "Any fever? Back pain?"), ("P", "Neither one."),
                               ("D", "Try cutting the coffee to one or two cups."),
                               ("P", "Two cups. That's going to hurt. But okay.")))
    assert got["back pain"] == (False, None)


def test_feeling_about_to_throw_up_is_nausea_not_vomiting() -> None:
    got = symptom_map(insights(("D", "What brings you in?"), ("P", "I feel like I'm going to throw up all the time.")))
    assert got == {"nausea": (True, None)}


def test_a_friends_side_effect_told_by_she_is_hers() -> None:
    got = symptom_map(insights(("D", "What brings you in?"), ("P", "I can't make it to the bathroom in time."),
                               ("D", "What have you tried?"),
                               ("P", "My friend Marjorie takes a pill for this. Oxybutynin, I think. "
                                     "She says it dries her mouth out terribly.")))
    assert "dry mouth" not in got


def test_she_says_i_is_still_the_patient() -> None:
    got = symptom_map(insights(("D", "What brings you in?"), ("P", "My wife sent me. She says I snore like a train.")))
    assert got["snoring"] == (True, None)
