"""D193: a side effect of a drug the patient still takes is no allergy (sentences written for these tests)."""

from __future__ import annotations

from ._dialogue import insights


def test_a_side_effect_of_a_drug_taken_now_keeps_the_drug_and_is_listed_for_review() -> None:
    ins = insights(("D", "What do you take every day?"),
                   ("P", "Metformin 1000 milligrams twice a day. It upsets my stomach a little."))
    assert [(m["name"], m["dose"], m["status"]) for m in ins["medications"]] == [("metformin", "1000 mg", "active")]
    assert ins["allergies"] == []
    [item] = [i for i in ins["needs_review"] if i["reason"].startswith("reaction to a drug still taken")]
    assert item["kind"] == "allergy" and item["heard"] == "metformin"


def test_an_allergy_said_so_or_a_past_reaction_stays_an_allergy() -> None:
    said = insights(("D", "Any allergies?"), ("P", "I'm allergic to penicillin, it gives me hives."))
    past = insights(("D", "Any allergies?"), ("P", "Sulfa. It gave me a bad rash years ago."))
    plain = insights(("D", "Any problems with medicines?"), ("P", "Codeine makes me throw up."))
    assert [a["substance"] for a in said["allergies"]] == ["penicillin"]
    assert [a["substance"] for a in past["allergies"]] == ["sulfa"]
    assert [a["substance"] for a in plain["allergies"]] == ["codeine"]


def test_a_sign_of_hypersensitivity_to_a_drug_taken_now_stays_an_allergy() -> None:
    """Review of D193: a rash or hives is an allergy's sign, not a side effect to note; the drug is then no active
    medication (D89), the cautious reading."""
    ins = insights(("D", "What do you take?"),
                   ("P", "I take amoxicillin 500 milligrams three times a day. It gives me a rash."))
    assert [(a["substance"], a["reaction"]) for a in ins["allergies"]] == [("amoxicillin", "rash")]
    assert all(m["name"] != "amoxicillin" or m["status"] != "active" for m in ins["medications"])
