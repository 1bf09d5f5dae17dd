"""A brand with a suffix names another product (D311): "Sudafed PE" is phenylephrine, not the pseudoephedrine of
"Sudafed"; "Mucinex DM" holds dextromethorphan too. A combination told as what held an allergen named on its own is
that allergen: "Codeine. They gave me Tylenol with codeine ... and I threw up" is a codeine allergy, not acetaminophen."""
from __future__ import annotations

import pytest

from ._dialogue import insights, medication_map


@pytest.mark.parametrize("said, generic", [
    ("Sudafed PE, one tablet every morning.", "phenylephrine"),
    ("Mucinex DM, two tablets twice a day.", "dextromethorphan guaifenesin"),
    ("Claritin D, one tablet in the morning.", "loratadine pseudoephedrine"),
    ("Tylenol PM, two at bedtime.", "acetaminophen diphenhydramine"),
    ("Sudafed, one tablet every morning.", "pseudoephedrine"),
])
def test_the_suffix_names_the_product(said: str, generic: str) -> None:
    assert list(medication_map(("D", "What do you take?"), ("P", said))) == [generic]


def test_the_product_that_held_the_allergen_is_the_allergen() -> None:
    got = insights(("D", "Any allergies to medicines?"),
                   ("P", "Codeine. They gave me Tylenol with codeine after my C section, and I threw up all day."))
    assert got["allergies"] == [{"substance": "codeine", "reaction": "vomiting"}]


def test_a_combination_named_alone_stays() -> None:
    got = insights(("D", "Any allergies to medicines?"), ("P", "Augmentin gave me hives."))
    assert [a["substance"] for a in got["allergies"]] == ["amoxicillin clavulanate"]


@pytest.mark.parametrize("said", ["I take Tylenol three times a day.", "Tylenol 3 times a day, 2 tablets."])
def test_tylenol_three_times_a_day_is_no_codeine(said: str) -> None:
    """A count of doses after "Tylenol" is no "Tylenol 3": only "Tylenol number three" or "with codeine" names the
    opioid."""
    assert list(medication_map(("D", "What do you take for the pain?"), ("P", said))) == ["acetaminophen"]


def test_tylenol_number_three_is_acetaminophen_codeine() -> None:
    got = medication_map(("D", "What do you take?"), ("P", "Tylenol number three, one tablet at night."))
    assert list(got) == ["acetaminophen codeine"]


@pytest.mark.parametrize("said, generic", [
    ("I take Claritin, D3 and fish oil.", "loratadine"),
    ("Zyrtec, D, and a multivitamin.", "cetirizine"),
])
def test_a_comma_parts_the_brand_from_the_next_word(said: str, generic: str) -> None:
    """"Claritin, D3": no Claritin-D, whose pseudoephedrine was never said (D325)."""
    got = medication_map(("D", "What do you take?"), ("P", said))
    assert generic in got and not any("pseudoephedrine" in name for name in got)
