"""A drug only asked about stays unlisted when the clinician explains it; a product that holds the allergen (D285)."""
from __future__ import annotations

from ._dialogue import insights


def test_a_drug_asked_about_and_explained_is_not_listed() -> None:
    out = insights(("P", "I read about a pill on TikTok. Olumiant?"),
                   ("D", "Baricitinib, that's the Olumiant. It's for adults with severe, widespread hair loss. "
                         "We're not there."))
    assert out["medications"] == []


def test_the_product_that_holds_the_allergen_is_no_medication() -> None:
    out = insights(("D", "Allergies to any medications?"),
                   ("P", "Neomycin. The stuff in Neosporin. My skin blistered where I put it on a cut."))
    assert out["medications"] == []
    assert out["allergies"] == [{"substance": "neomycin", "reaction": "blisters"}]


def test_a_drug_taken_and_then_asked_about_stays_listed() -> None:
    out = insights(("D", "What do you take?"), ("P", "Metformin."), ("P", "What about metformin, should I keep it?"),
                   ("D", "Metformin is fine to keep."))
    assert [m["name"] for m in out["medications"]] == ["metformin"]
