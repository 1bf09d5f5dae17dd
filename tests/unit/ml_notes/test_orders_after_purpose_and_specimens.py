"""An order list that goes on after a purpose, a denial that ends at ", and a", a culture named by its specimen, a
scraping onto a slide, a finger stick sugar, a celiac antibody test (D333)."""
from __future__ import annotations

from ._dialogue import insights


def _orders(said: str) -> list[str]:
    return [o["name"] for o in insights(("P", "It hurts."), ("D", said))["orders"]]


def test_the_list_goes_on_after_a_purpose() -> None:
    said = ("I'm ordering an ultrasound of the right upper belly, and blood work: liver function tests, a lipase to "
            "check the pancreas, and a complete blood count.")
    assert "complete blood count" in _orders(said)


def test_the_purpose_itself_orders_nothing() -> None:
    assert _orders("I'm ordering a basic metabolic panel to check your kidneys and your liver.") == [
        "basic metabolic panel"]


def test_a_denial_ends_at_and_a() -> None:
    said = ("For the blood work, a ferritin and iron studies, because iron matters even when you're not anemic, and a "
            "basic metabolic panel for your kidneys.")
    assert _orders(said) == ["iron studies", "basic metabolic panel"]


def test_pus_sent_for_a_culture_is_a_wound_culture() -> None:
    assert _orders("And I'll send some of the pus for a culture, so we know which bug it is.") == ["wound culture"]


def test_a_culture_with_no_specimen_stays_a_culture() -> None:
    assert _orders("Let's get a culture of the discharge.") == ["culture"]


def test_a_scraping_onto_a_slide_is_a_koh_prep() -> None:
    assert _orders("I'm going to scrape a few flakes onto a slide and look at them under the microscope.") == [
        "KOH prep"]


def test_a_finger_stick_sugar_and_a_celiac_antibody_test() -> None:
    assert _orders("I'd like a quick finger stick sugar today.") == ["finger stick glucose"]
    assert _orders("I'm ordering a celiac antibody test.") == ["celiac panel"]
