"""Orders whose list goes on in the next sentence, tests done at the visit said in the past, more order terms, and one
study said twice (D340)."""
from __future__ import annotations

from ._dialogue import insights


def _orders(*lines: str) -> list[tuple[str, str]]:
    return [(o["kind"], o["name"]) for o in insights(*(("D", line) for line in lines))["orders"]]


def test_the_list_goes_on_over_two_sentences() -> None:
    got = _orders("Since you have one infection, I'd like to test for the others. Gonorrhea and chlamydia from the "
                  "swab I took, plus blood tests for HIV and syphilis. And a urine pregnancy test before you start.")
    assert got == [("lab", "sexually transmitted infection testing"), ("lab", "hiv test"), ("lab", "syphilis test"),
                   ("lab", "pregnancy test")]


def test_a_sentence_that_says_what_would_be_is_no_order() -> None:
    assert _orders("I'll order an x-ray. An MRI would be overkill.") == [("imaging", "x-ray")]


def test_a_test_done_at_the_visit_in_the_past_tense() -> None:
    assert _orders("We did an EKG while you were waiting, and it's normal.") == [("procedure", "electrocardiogram")]


def test_memory_testing_and_a_b12_without_level() -> None:
    assert _orders("I'd like to do a short memory test with you now.",
                   "I'm ordering blood work for vitamin B twelve. And I'm sending you for detailed memory testing with "
                   "a neuropsychologist.") == [("procedure", "cognitive screening test"), ("lab", "vitamin B12 level"),
                                               ("referral", "neuropsychological testing")]


def test_supervised_exercise() -> None:
    assert _orders("I'm referring you to a supervised exercise program, three times a week.") == [
        ("referral", "supervised exercise therapy")]


def test_one_imaging_study_said_twice() -> None:
    assert _orders("I'm ordering a pelvic ultrasound.", "We'll get your ultrasound scheduled before you leave.") == [
        ("imaging", "pelvic ultrasound")]
