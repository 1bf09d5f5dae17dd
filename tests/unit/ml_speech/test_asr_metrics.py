import pytest

from medisync.ml.asr.metrics import WerResult, align_counts, wer, word_error
from medisync.ml.asr.normalize import int_to_words, normalize_text, number_to_words


@pytest.mark.parametrize(
    "n, words",
    [
        (0, "zero"),
        (7, "seven"),
        (19, "nineteen"),
        (20, "twenty"),
        (94, "ninety four"),
        (100, "one hundred"),
        (148, "one hundred forty eight"),
        (1000, "one thousand"),
        (1200, "one thousand two hundred"),
        (2024, "two thousand twenty four"),
        (3_000_005, "three million five"),
    ],
)
def test_int_to_words(n, words):
    assert int_to_words(n) == words


def test_number_tokens():
    assert number_to_words("8.4") == "eight point four"
    assert number_to_words("1,000") == "one thousand"
    assert number_to_words("3rd") == "third"
    assert number_to_words("20th") == "twentieth"
    assert number_to_words("21st") == "twenty first"


@pytest.mark.parametrize(
    "raw, norm",
    [
        ("Your blood pressure is 148/94.", "your blood pressure is one hundred forty eight over ninety four"),
        ("Hemoglobin A1C was 8.4%.", "hemoglobin a one c was eight point four percent"),
        ("Mr. Alvarez, take 500mg twice a day!", "mister alvarez take five hundred milligrams twice a day"),
        ("Mrs Thompson; Dr. Hughes", "missus thompson doctor hughes"),
        ("No X-ray, follow-up in 4 weeks", "no x ray follow up in four weeks"),
        ("  I'm fine, 'really'  ", "i'm fine really"),
    ],
)
def test_normalize_text(raw, norm):
    assert normalize_text(raw) == norm


def test_alignment_counts():
    r = align_counts("a b c d".split(), "a x c d e".split())
    assert (r.substitutions, r.deletions, r.insertions, r.ref_words) == (1, 0, 1, 4)
    assert r.wer == pytest.approx(0.5)
    r = align_counts("a b c".split(), [])
    assert (r.deletions, r.wer) == (3, 1.0)
    r = align_counts([], "a".split())
    assert r.wer == float("inf")
    assert align_counts([], []).wer == 0.0


def test_wer_with_normalisation():
    ref = "My readings are around one hundred eighty."
    hyp = "my readings are around 180"
    assert wer(ref, hyp) == 0.0
    assert wer(ref, hyp, normalize=False) > 0


def test_wer_results_add():
    total = word_error("a b", "a c") + word_error("c d e", "c d e")
    assert total == WerResult(1, 0, 0, 5)
    assert total.wer == pytest.approx(0.2)
