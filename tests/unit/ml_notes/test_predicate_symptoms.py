"""D156: what a patient says of a body part ("my left eye has been red and goopy"), contractions read as "is"
("my vision's fine"), irregular past forms ("I've thrown up"), sleep that fails only on one side, and the
lay terms and the melena concept added with them.  Phrasings written for this test."""

from __future__ import annotations

import pytest

from medisync.ml.notes.text import tokenize

from ._dialogue import insights, symptom_map


def _found(said: str, asked: str = "What brings you in today?") -> dict[str, bool]:
    return {name: present for name, (present, _d) in symptom_map(insights(("D", asked), ("P", said))).items()}


def test_what_is_said_of_a_body_part_reads_as_the_term_that_says_it_before_the_part() -> None:
    assert _found("My left eye has been red and goopy since yesterday.") == {"eye redness": True, "eye discharge": True}
    assert _found("My eye is not red.") == {"eye redness": False}


def test_a_contracted_is_after_a_noun_is_read_as_is_and_a_possessive_stays_one() -> None:
    assert tokenize("my vision's fine") == ["my", "vision", "is", "fine"]
    assert tokenize("the pain's been worse") == ["the", "pain", "has", "been", "worse"]
    assert tokenize("my son's fever") == ["my", "son", "fever"]
    assert _found("My vision's fine.", "Is your vision blurry?") == {"blurred vision": False}


def test_an_irregular_past_form_reads_as_its_verb() -> None:
    assert _found("I've thrown up four times since last night.") == {"vomiting": True}


@pytest.mark.parametrize("said", ["I can't sleep on that side, it wakes me up.", "I can't sleep on my right shoulder."])
def test_sleep_that_fails_on_one_side_is_no_insomnia(said: str) -> None:
    assert "insomnia" not in _found(said)


def test_sleep_that_fails_is_still_insomnia() -> None:
    assert _found("I can't sleep at night.") == {"insomnia": True}
    assert _found("I lie awake going over things.") == {"insomnia": True}


def test_lay_terms_and_melena_apart_from_rectal_bleeding() -> None:
    assert _found("I get woozy when I stand up.") == {"dizziness": True}
    found = _found("There's bright red blood on the toilet paper. No black stools.")
    assert found == {"blood in stool": True, "black stools": False}
