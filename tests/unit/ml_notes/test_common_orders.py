"""D210: common orders of a standard primary-care order list are read, a sectional scan keeps the site it
looks at, a bare "biopsy" is no skin biopsy, and "H. pylori" does not end a sentence.  Phrasings written for
this test, not taken from any visit."""

from __future__ import annotations

import pytest

from medisync.ml.notes.text import split_sentences

from ._dialogue import insights


def _orders(said: str) -> list[tuple[str, str]]:
    return [(o["kind"], o["name"]) for o in insights(("D", said))["orders"]]


@pytest.mark.parametrize(("said", "order"), [
    ("I am ordering a BNP.", ("lab", "BNP")),
    ("Let's check a lipase.", ("lab", "lipase")),
    ("I will order an ANA and a rheumatoid factor.", ("lab", "antinuclear antibody")),
    ("We will get a nerve conduction study.", ("procedure", "nerve conduction study")),
    ("I am ordering an EEG.", ("procedure", "electroencephalogram")),
    ("We need a TB test before you start.", ("lab", "tuberculosis test")),
    ("I am going to order a biopsy of the lymph node.", ("procedure", "biopsy")),
])
def test_a_common_order_is_read(said: str, order: tuple[str, str]) -> None:
    assert order in _orders(said)


@pytest.mark.parametrize(("said", "name"), [
    ("I am ordering a CT scan of the abdomen and pelvis.", "CT abdomen and pelvis"),
    ("Let's get an MRI of your lumbar spine.", "MRI lumbar spine"),
    ("I will order a pelvic ultrasound.", "pelvic ultrasound"),
    ("I will order an ultrasound of the gallbladder.", "gallbladder ultrasound"),
    ("I am ordering a CT scan today.", "CT scan"),
])
def test_a_sectional_scan_keeps_its_site(said: str, name: str) -> None:
    assert ("imaging", name) in _orders(said)


def test_an_initial_does_not_end_a_sentence() -> None:
    assert split_sentences("I'll order an H. pylori stool test. It grew E. coli.") == [
        "I'll order an H. pylori stool test.", "It grew E. coli."]


@pytest.mark.parametrize(("said", "order"), [
    ("Let's check a PTH and a calcium level.", ("lab", "calcium")),
    ("I'm ordering a parathyroid hormone level.", ("lab", "parathyroid hormone")),
    ("I'll order a free T3 and thyroid antibodies.", ("lab", "T3")),
    ("We'll get a thyroid uptake scan.", ("imaging", "radioactive iodine uptake scan")),
    ("I'm going to send a skin scraping for a fungal culture.", ("lab", "fungal culture")),
    ("I'm putting in a urea breath test.", ("lab", "H. pylori test")),
    ("I'm also ordering a folate level and a methylmalonic acid.", ("lab", "methylmalonic acid")),
    ("I'm referring him to the allergy clinic.", ("referral", "allergy and immunology")),
    ("For the blood work, a ferritin and a CBC.", ("lab", "iron studies")),
    ("I would inject a little steroid into the joint today.", ("procedure", "injection")),
])
def test_more_common_orders_are_read(said: str, order: tuple[str, str]) -> None:
    """D237 (phrasings written for this test)."""
    assert order in _orders(said)


def test_an_injection_weighed_for_later_is_no_order() -> None:
    assert ("procedure", "injection") not in _orders("If the splint does not help, I would inject it next time.")


@pytest.mark.parametrize(("said", "order"), [
    ("I'm sending a referral to hand therapy.", ("referral", "hand therapy")),  # D260
    ("I'm referring you to the diabetes prevention program.", ("referral", "diabetes prevention program")),
    ("I'd like to seal it today with silver nitrate.", ("procedure", "silver nitrate cautery")),
    ("I'm also putting in a referral to our lactation consultant.", ("referral", "lactation consultant")),
    ("I'm also sending off liver tests today.", ("lab", "liver function tests")),
])
def test_common_referrals_and_procedures_of_a_primary_care_list(said: str, order: tuple[str, str]) -> None:
    assert order in [(o["kind"], o["name"]) for o in insights(("D", said))["orders"]]
