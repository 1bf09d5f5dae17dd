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
