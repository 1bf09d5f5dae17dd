"""D213: an allergy the patient is not sure of goes to needs_review, not to the allergies; a sure one stays.
Phrasings written for this test, not taken from any visit."""

from __future__ import annotations

from ._dialogue import insights


def _split(*turns: tuple[str, str]) -> tuple[list[str], list[str]]:
    ins = insights(*turns)
    return ([a["substance"] for a in ins["allergies"]],
            [r["heard"] for r in ins["needs_review"] if r["kind"] == "allergy"])


def test_a_hedged_allergen_is_for_review() -> None:
    allergies, review = _split(("D", "Any drug allergies?"), ("P", "Sulfa. And I think maybe amoxicillin, but I'm not sure."))
    assert allergies == ["sulfa"] and review == ["amoxicillin"]
    assert _split(("D", "Any drug allergies?"), ("P", "I might be allergic to codeine, I'm not sure.")) == ([], ["codeine"])


def test_the_hedge_of_another_clause_doubts_only_its_own_allergen() -> None:
    assert _split(("D", "Any drug allergies?"), ("P", "Penicillin, and maybe sulfa.")) == (["penicillin"], ["sulfa"])


def test_an_allergen_also_said_for_sure_stays_an_allergy() -> None:
    allergies, review = _split(("D", "Any drug allergies?"), ("P", "Maybe penicillin."), ("D", "Any others?"),
                               ("P", "Yes, I'm definitely allergic to penicillin and sulfa."))
    assert sorted(allergies) == ["penicillin", "sulfa"] and review == []
    assert _split(("P", "Penicillin gives me hives, I'm sure of it.")) == (["penicillin"], [])


def test_an_allergy_only_asked_about_is_for_review() -> None:
    """D228: "So I'm allergic to codeine?" asks; it was written as the patient's allergy."""
    said = _split(("D", "The itching was a side effect of the codeine."), ("P", "So I'm allergic to codeine then?"),
                  ("D", "No, a side effect is not an allergy."))
    assert said == ([], ["codeine"])


def test_another_persons_reaction_is_not_the_patients_allergy() -> None:
    """D228: a friend's or a relative's reaction to a drug, or a drug they took, is no allergy of the patient's
    (each was); the patient's own, said beside it, stays."""
    assert _split(("D", "Any allergies?"), ("P", "My brother had a bad reaction to sulfa.")) == ([], [])
    assert _split(("D", "Any questions?"), ("P", "A friend of mine got codeine when she had a bad reaction.")) == ([], [])
    assert _split(("D", "Any allergies?"), ("P", "My mom had a reaction to sulfa, and I get hives from penicillin.")) == \
        (["penicillin"], [])
