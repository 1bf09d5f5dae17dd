"""The scorer finds the one order item named inside a longer label (D307): "KOH prep of skin scraping" is the KOH
prep; a label that names two items, or none, still needs its own words to match."""
import pytest

from medisync.ml.notes.evaluation import order_names_match


@pytest.mark.parametrize("label, predicted", [
    ("KOH prep of skin scraping", "KOH prep"),
    ("gonorrhea and chlamydia test", "sexually transmitted infection testing"),
    ("tissue transglutaminase antibody with total IgA", "celiac panel"),
    ("post void residual bladder scan", "bladder scan"),
])
def test_one_item_inside_a_longer_label(label: str, predicted: str) -> None:
    assert order_names_match(label, predicted)


@pytest.mark.parametrize("label, predicted", [
    ("tissue transglutaminase and KOH prep", "celiac panel"),  # two items: neither alone is the label
    ("morning cortisol", "celiac panel"),
])
def test_two_items_or_none_do_not_match_one(label: str, predicted: str) -> None:
    assert not order_names_match(label, predicted)
