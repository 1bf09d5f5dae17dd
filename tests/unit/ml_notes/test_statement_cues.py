"""Plain statements of a diagnosis (D134): "it's shingles", "that's a classic case of carpal tunnel syndrome",
"your knee pain is from osteoarthritis".  Sentences written for this test, not taken from a visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _coded(said: str) -> dict[str, str]:
    ins = insights(("D", "Let me tell you what I think."), ("D", said), ("P", "Okay."))
    return {d["icd10"]: d["name"] for d in ins["diagnoses"]}


def _review(said: str) -> list[str]:
    ins = insights(("D", "Let me tell you what I think."), ("D", said), ("P", "Okay."))
    return [r["reason"] for r in ins["needs_review"]]


@pytest.mark.parametrize(("said", "code"), [
    ("It's shingles.", "B02.9"),
    ("It's a sinus infection.", "J01.90"),
    ("That's a classic case of carpal tunnel syndrome.", "G56.00"),
    ("Your knee pain is from osteoarthritis.", "M19.90"),
])
def test_a_plain_statement_codes_the_diagnosis(said: str, code: str) -> None:
    assert code in _coded(said)


@pytest.mark.parametrize("said", [
    "It's not shingles.",
    "So Tourette is that it's a nervous system disorder that involves repetitive movements.",
    "It's like, back in the day, people got it at gyms.",
    "If it is shingles, the rash will spread.",
])
def test_a_denial_an_explanation_or_a_condition_codes_nothing(said: str) -> None:
    assert _coded(said) == {}


def test_a_hedged_statement_is_not_coded() -> None:
    assert _coded("It's probably shingles.") == {}


@pytest.mark.parametrize("said", [
    "It's really just making sure you're well hydrated, so drinking fluids.",
    "It's an infection of your, your tummy.",
])
def test_a_plain_cue_raises_no_review_item(said: str) -> None:
    # "it's ..." is said of much else than a diagnosis: only an exact name is read there, no near name
    assert _review(said) == []


@pytest.mark.parametrize("said", ["That's how pneumonia starts.", "It's common for people with diabetes to get this."])
def test_a_condition_not_right_after_a_plain_cue_is_not_coded(said: str) -> None:
    assert _coded(said) == {}


def test_a_stronger_cue_later_in_the_sentence_still_reads() -> None:
    assert "J18.9" in _coded("It is clear you have pneumonia.")


@pytest.mark.parametrize(("said", "code"), [
    ("What we're looking at here is pneumonia.", "J18.9"),
    ("Okay, so it's contact dermatitis.", "L25.9"),
    ("The rash is from poison ivy, it's contact dermatitis.", "L25.9"),
    ("It's called plantar fasciitis.", "M72.2"),
    ("It's not pneumonia, it's bronchitis.", "J20.9"),
])
def test_more_plain_statements(said: str, code: str) -> None:
    """D182: fillers before "it's", a statement after a comma, "it's called", "what we're looking at is"."""
    assert code in _coded(said)


@pytest.mark.parametrize("said", [
    "If the culture is positive, it's strep throat.",
    "Once we get the results, it's probably strep throat.",
    "It's not pneumonia, it's bronchitis.",
])
def test_a_conditional_before_the_comma_or_a_denied_condition_codes_nothing_of_it(said: str) -> None:
    """D182: the statement after a comma is no diagnosis when the clause before sets a condition."""
    assert not {"J02.0", "J18.9"} & set(_coded(said))


@pytest.mark.parametrize(("said", "code"), [
    ("These are kidney stones, both of them on the left.", "N20.0"),
    ("Those are cold sores, and they will heal on their own.", "B00.1"),
])
def test_a_plural_statement_codes_the_diagnosis(said: str, code: str) -> None:
    """D225: "these are ..." / "those are ..." are the plural of "this is ..."; they coded nothing."""
    assert code in _coded(said)


def test_a_plural_statement_denied_codes_nothing() -> None:
    assert _coded("These are not kidney stones.") == {}


@pytest.mark.parametrize(("said", "code"), [
    ("You have an ingrown toenail on the right big toe.", "L60.0"),
    ("My assessment is menopausal hot flashes, and we can treat them.", "N95.1"),
])
def test_lay_names_of_the_icd_index_are_coded(said: str, code: str) -> None:
    """D230: names the ICD-10-CM index gives ("Ingrowing nail", menopausal flushing) as clinicians say them."""
    assert code in _coded(said)
