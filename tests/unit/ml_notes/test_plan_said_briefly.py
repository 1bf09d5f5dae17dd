"""A return asked as "want me back", a referral said alone after its item, "the Advil is fine" (D280)."""
from __future__ import annotations

from ._dialogue import insights


def test_when_do_you_want_me_back_is_a_follow_up_question() -> None:
    out = insights(("P", "When do you want me back?"), ("D", "In six weeks. If it's not better by then, we'll talk again."))
    assert out["follow_up"] == "6 weeks"


def test_a_referral_said_alone_is_to_the_item_named_just_before() -> None:
    out = insights(("D", "Physical therapy is the main treatment, to strengthen the muscles on the side of the hip. "
                         "I'm sending a referral."))
    assert {"kind": "referral", "name": "physical therapy"} in out["orders"]


def test_no_referral_from_a_sentence_before_that_rules_it_out() -> None:
    out = insights(("D", "Physical therapy wouldn't help here. I'm sending a referral to dermatology."))
    assert [o["name"] for o in out["orders"]] == ["dermatology"]


def test_the_advil_is_fine_keeps_it_with_the_regimen_said_next() -> None:
    meds = insights(("P", "And the Advil?"),
                    ("D", "The Advil is fine. Two tablets, every six to eight hours with food, if it's sore."))["medications"]
    assert [(m["name"], m["dose"], m["status"]) for m in meds] == [("ibuprofen", "2 tablets", "active")]
