"""The skin findings of a review of systems, more review-of-systems items, and answers that say a part or a
function is fine (D295)."""
from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(
    ("answer", "name"),
    [
        ("My scalp has been really flaky since the fall.", "scalp flaking"),
        ("The skin on my soles peels off in sheets.", "sole peeling"),
        ("I got big blisters on my shoulders after the beach.", "shoulder blisters"),
        ("There's crust on my eyelashes every morning.", "eyelash crusting"),
        ("The cut on my shin keeps oozing.", "shin drainage"),
    ],
)
def test_a_skin_finding_is_named_with_its_place(answer: str, name: str) -> None:
    assert symptom_map(insights(("D", "What's going on?"), ("P", answer)))[name][0] is True


@pytest.mark.parametrize(
    ("asked", "name"),
    [
        ("Any pain during sex?", "dyspareunia"),
        ("Any trouble emptying your bladder?", "incomplete bladder emptying"),
        ("Any changes in your nails?", "nail changes"),
        ("Have you lost hair anywhere else?", "hair loss"),
    ],
)
def test_a_review_of_systems_item_denied(asked: str, name: str) -> None:
    assert symptom_map(insights(("D", asked), ("P", "No.")))[name][0] is False


@pytest.mark.parametrize(
    ("asked", "answer", "name"),
    [
        ("Any back pain, or tingling in your legs?", "My back's fine. No tingling.", "back pain"),
        ("Anything blurry, or any double vision?", "I can see fine. It just itches.", "double vision"),
        ("Anything blurry, or any double vision?", "I can see fine. It just itches.", "blurred vision"),
        ("Any burning, or trouble emptying?", "No burning. I empty fine.", "incomplete bladder emptying"),
        ("Any trouble sleeping?", "I'm sleeping fine.", "insomnia"),
    ],
)
def test_a_part_or_function_said_to_be_fine_denies_what_was_asked(asked: str, answer: str, name: str) -> None:
    assert symptom_map(insights(("D", asked), ("P", answer)))[name][0] is False


def test_a_fine_part_denies_nothing_it_does_not_name() -> None:
    got = symptom_map(insights(("D", "Any back pain?"), ("P", "My knee is fine, but my back is killing me.")))
    assert got["back pain"][0] is True


def test_a_little_that_describes_something_else_is_no_yes() -> None:
    got = symptom_map(insights(("D", "How did it start? A pimple, a blister?"),
                               ("F", "A little red spot on her cheek.")))
    assert "blisters" not in got and "cheek blisters" not in got


def test_a_little_alone_is_a_yes() -> None:
    assert symptom_map(insights(("D", "Any blisters?"), ("P", "A little.")))["blisters"][0] is True


def test_cereal_flakes_are_no_finding() -> None:
    got = symptom_map(insights(("D", "Any constipation?"), ("P", "No. I eat bran flakes every morning.")))
    assert got["constipation"][0] is False and not any("flaking" in name for name in got)


def test_an_allergic_blister_is_the_reaction_not_a_symptom() -> None:
    got = insights(("D", "Any allergies to medicines?"),
                   ("P", "Neomycin. The stuff in the ointment. My skin blistered where I put it on."))
    assert [a["substance"].lower() for a in got["allergies"]] == ["neomycin"]
    assert not any("blister" in s["name"] for s in got["symptoms"])
