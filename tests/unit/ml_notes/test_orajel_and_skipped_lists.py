"""Orajel is benzocaine; a drug that only exists ("a prescription numbing rinse, lidocaine") is not given; a drug
listed after one skipped is skipped too ("skip anything with benzocaine or lidocaine in it", D321)."""
from __future__ import annotations

from ._dialogue import medication_map


def test_orajel_is_benzocaine_and_the_rinse_only_exists() -> None:
    got = medication_map(("P", "Orajel. The numbing gel. I dab it on four or five times a day."),
                         ("D", "Yes, keep using the Orajel. There's also a prescription numbing rinse, lidocaine, but "
                               "it numbs your whole mouth. So I'd skip it."))
    assert list(got) == ["benzocaine"]


def test_both_drugs_of_a_skipped_list() -> None:
    assert medication_map(("D", "Aloe is fine. Skip anything with benzocaine or lidocaine in it.")) == {}


def test_a_list_after_another_clause_is_kept() -> None:
    got = medication_map(("D", "Avoid ibuprofen and naproxen. Keep the lisinopril and metformin."))
    assert list(got) == ["lisinopril", "metformin"]
