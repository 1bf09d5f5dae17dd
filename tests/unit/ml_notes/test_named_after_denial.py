"""The name a clinician gives to what the sentence before denied is no diagnosis (D310): "I don't think your gallbladder
is infected right now. That's called cholecystitis." codes nothing."""
from __future__ import annotations

from ._dialogue import insights


def _codes(*turns: tuple[str, str]) -> set[str]:
    return {d["icd10"] for d in insights(*turns)["diagnoses"]}


def test_the_name_of_what_was_denied_is_not_coded() -> None:
    assert not _codes(("D", "I don't think your gallbladder is infected right now. That's called cholecystitis, "
                            "and it comes with fever."))


def test_the_name_of_what_was_found_is_coded() -> None:
    assert "K81.9" in _codes(("D", "Your gallbladder is inflamed. That's called cholecystitis."))
