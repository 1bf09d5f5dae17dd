"""D157: a denied mechanism is no cause of the complaint; an order said on a condition is not placed; a
steady weight denies weight loss; a consequence after ", so" is outside the negation before it; a dose cut
back by a pronoun is a change; a count of pills gives way to the strength said with it.  Phrasings written
for this test."""

from __future__ import annotations

from ._dialogue import insights, symptom_map


def _meds(*turns: tuple[str, str]) -> dict[str, tuple[str | None, str | None, str]]:
    return {m["name"]: (m["dose"], m["frequency"], m["status"]) for m in insights(*turns)["medications"]}


def test_a_denied_fall_is_not_how_the_complaint_began() -> None:
    assert "fall" not in insights(("D", "What brings you in?"), ("P", "My right shoulder hurts. No fall, no pop."))[
        "chief_complaint"]
    assert insights(("D", "What brings you in?"), ("P", "My back hurts since I fell off a ladder."))[
        "chief_complaint"].endswith("after a fall")


def test_an_order_said_on_a_condition_is_not_placed() -> None:
    orders = insights(("D", "Come back in six weeks, and if it's no better, we'll get an x-ray then. "
                            "I'm sending you for an x-ray of the hip, and if it shows arthritis we will refer you."))[
        "orders"]
    assert orders == [{"kind": "imaging", "name": "hip x-ray"}]


def test_a_steady_weight_denies_weight_loss() -> None:
    found = symptom_map(insights(("D", "Any weight loss?"), ("P", "My weight's steady, I eat well.")))
    assert found == {"weight loss": (False, None)}


def test_a_consequence_after_so_is_outside_the_negation_before_it() -> None:
    meds = _meds(("D", "What do you take?"), ("P", "A baby aspirin, eighty one milligrams daily."),
                 ("D", "You've never had heart trouble, so stop the aspirin."))
    assert meds["aspirin"][2] == "stopped"


def test_a_dose_cut_back_by_a_pronoun_is_a_change_to_the_strength_said() -> None:
    meds = _meds(("D", "What do you take?"), ("P", "Advil, two of the two hundred milligram pills, three times a day."),
                 ("D", "Advil doesn't help your blood pressure, so cut it back to one pill, two hundred milligrams, "
                       "only as needed."))
    assert meds["ibuprofen"] == ("200 mg", "as needed", "changed")


def test_a_count_of_pills_gives_way_to_the_strength_said_with_it() -> None:
    meds = _meds(("D", "What do you take for it?"), ("P", "Aleve, two pills, so four hundred forty milligrams, twice a day."))
    assert meds["naproxen"] == ("440 mg", "twice daily", "active")
