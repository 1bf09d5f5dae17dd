"""The scorer's chief complaint (D319): half the expected words, or the expected complaint's first symptom concept at
the same body part."""
import pytest

from medisync.ml.notes.evaluation import complaints_match


@pytest.mark.parametrize("expected, predicted", [
    ("shaky hands", "tremor"),
    ("recurring canker sores", "mouth sores"),
    ("coughing fits", "cough"),
    ("racing heart", "palpitations"),
    ("right knee pain", "knee pain"),  # by the words, as before
])
def test_the_same_complaint_in_other_words(expected: str, predicted: str) -> None:
    assert complaints_match(expected, predicted)


@pytest.mark.parametrize("expected, predicted", [
    ("attacks of pain under the right ribs", "heartburn"),
    ("burning, gritty eyes", "eyelash crusting"),
    ("headache", "eye pain"),
    ("trouble keeping an erection", "anxiety"),
])
def test_another_complaint(expected: str, predicted: str) -> None:
    assert not complaints_match(expected, predicted)
