"""Someone else's drug named again by the clinician, "then I'd send you", a drug recorded as its class allergy (D281)."""
from __future__ import annotations

from ._dialogue import insights


def test_a_friend_s_drug_discussed_by_the_clinician_is_not_the_patient_s() -> None:
    out = insights(("P", "My friend from Zumba takes Myrbetriq. Could I try that?"),
                   ("D", "Myrbetriq is for the other kind, the sudden urge. I don't want you on it."))
    assert out["medications"] == []


def test_a_relative_s_prescription_cream() -> None:
    out = insights(("P", "My brother in law has a prescription cream he uses on his face, Protopic I think it's called."),
                   ("D", "A cream like the one your brother in law uses, tacrolimus, is an option down the road."))
    assert out["medications"] == []


def test_a_referral_after_then_i_would_is_not_made() -> None:
    out = insights(("D", "If it doesn't help enough, there are options, a pessary or a sling. Then I'd send you to a "
                         "urogynecologist. But let's give therapy a real chance first."))
    assert out["orders"] == []


def test_the_drug_of_a_class_allergy_named_again_is_the_allergy() -> None:
    out = insights(("D", "Any allergies to medications?"),
                   ("P", "That Bactrim. I got a rash all over my chest and back from it."),
                   ("D", "I'll make sure. Ray's is Bactrim, with a rash."))
    assert out["allergies"] == [{"substance": "sulfa", "reaction": "rash"}]
    assert out["medications"] == []
