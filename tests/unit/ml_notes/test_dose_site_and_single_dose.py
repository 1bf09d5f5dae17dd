"""D169: where a spray or a drop goes is part of its dose; "one dose of X" is a single dose; a later bare "as
needed" joins the schedule said before.  Sentences written for this test."""

from __future__ import annotations

from ._dialogue import insights


def _regimens(*turns: tuple[str, str]) -> dict[str, tuple[str | None, str | None]]:
    return {m["name"]: (m["dose"], m["frequency"]) for m in insights(*turns)["medications"]}


def test_the_site_of_a_spray_or_a_drop_is_part_of_the_dose() -> None:
    found = _regimens(("D", "Start Flonase, two sprays in each nostril once a day, and olopatadine eye drops, one "
                            "drop in each eye twice a day."))
    assert found == {"fluticasone": ("2 sprays each nostril", "once daily"),
                     "olopatadine": ("1 drop each eye", "twice daily")}


def test_one_dose_of_a_drug_is_a_single_dose() -> None:
    found = _regimens(("D", "I'll give her one dose of dexamethasone here, eleven milligrams by mouth."))
    assert found == {"dexamethasone": ("11 mg", "single dose")}


def test_a_later_as_needed_joins_the_schedule() -> None:
    found = _regimens(("D", "What have you been giving her?"),
                      ("P", "Children's Tylenol, two hundred forty milligrams, about every six hours."),
                      ("D", "Keep the Tylenol as needed for fever."))
    assert found == {"acetaminophen": ("240 mg", "every 6 hours as needed")}


def test_an_attack_regimen_a_ceiling_and_days_a_week() -> None:
    """D177: "at onset, and you may repeat it once after two hours" is the triptan's regimen; "limit it to two
    days a week" is a ceiling, never a schedule; "three times a week" is a frequency."""
    found = _regimens(("P", "Ibuprofen, eight hundred milligrams, almost every other day."),
                      ("D", "Taking ibuprofen that often can cause rebound headaches, so limit it to two days a week. "
                            "For attacks, start sumatriptan fifty milligrams at onset, and you may repeat it once "
                            "after two hours."),
                      ("D", "Use clobetasol 0.05% cream three times a week."))
    assert found == {"ibuprofen": ("800 mg", "up to 2 days a week"),
                     "sumatriptan": ("50 mg", "at onset, may repeat once after 2 hours"),
                     "clobetasol": ("0.05% cream", "3 times a week")}
