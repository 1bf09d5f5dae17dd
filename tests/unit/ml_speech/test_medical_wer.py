"""Medical-term WER (medwer protocol) and the fixture splits the speech benchmark reports."""

import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("medwer")

from medisync.ml.asr.medical_wer import ZERO, MedicalWer, medical_terms, medical_word_error  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
HELDOUT = ROOT / "tests" / "fixtures" / "heldout"


def test_identical_text_scores_zero():
    ref = "I will increase your lisinopril to twenty milligrams once a day."
    m = medical_word_error(ref, ref)
    assert m.edits == 0 and m.medical_edits == 0
    assert m.ref_words > 0 and m.medical_ref_words == 1
    assert m.wer == 0.0 and m.medical_wer == 0.0


def test_a_misheard_drug_is_one_medical_error_out_of_one_term():
    m = medical_word_error("Start apixaban five milligrams twice a day.",
                           "Start a picks a band five milligrams twice a day.")
    assert (m.medical_edits, m.medical_ref_words) == (1, 1)
    assert m.medical_wer == 1.0
    assert m.wer > 0


def test_multiword_term_counts_once():
    terms = medical_terms("This is chronic obstructive pulmonary disease.")
    assert terms == ["chronic_obstructive_pulmonary_disease"]
    m = medical_word_error("This is chronic obstructive pulmonary disease.",
                           "This is chronic obstructive pulmonary decrease.")
    # the phrase is one reference term; a partial match earns no credit
    assert m.medical_ref_words == 1 and m.medical_edits >= 1


def test_digits_and_words_agree():
    m = medical_word_error("Take metoprolol fifty milligrams twice a day.", "Take metoprolol 50 milligrams twice a day.")
    assert m.edits == 0


def test_counts_pool_like_medwer_corpus():
    from medwer import Scorer

    refs = ["Start prednisone forty milligrams.", "My assessment is atrial fibrillation.", "No fever."]
    hyps = ["Start prednisolone 40 milligrams.", "My assessment is a trial fibrillation.", "No fever."]
    pooled = sum((medical_word_error(r, h) for r, h in zip(refs, hyps)), ZERO)
    corpus = Scorer().corpus(refs, hyps)
    assert pooled.wer == pytest.approx(corpus["wer"])
    assert pooled.medical_wer == pytest.approx(corpus["medical_wer"])
    assert pooled.medical_ref_words == corpus["med_ref_words"]


def test_empty_reference_scores_nothing():
    assert medical_word_error("", "hello") == ZERO
    assert MedicalWer(0, 0, 0, 0).wer is None and ZERO.medical_wer is None


def test_heldout_split_is_four_visits_and_tune_twenty_one():
    specs = {p.name[: -len(".spec.json")]: json.loads(p.read_text()) for p in HELDOUT.glob("*.spec.json")}
    splits = {k: v["split"] for k, v in specs.items()}
    assert sorted(k for k, v in splits.items() if v == "heldout") == [
        "heldout-01-afib", "heldout-02-copd", "heldout-03-hypothyroid", "heldout-04-migraine"]
    assert sorted(k for k, v in splits.items() if v == "tune") == [
        "tune-01-otitis", "tune-02-eczema", "tune-03-sinusitis", "tune-04-shingles",
        "tune-05-hyperlipidemia", "tune-06-insomnia", "tune-07-ankle-sprain",
        # D126: six more, written by a helper who had not read medisync/ml/
        "tune-08-ibs", "tune-09-croup", "tune-10-allergic-rhinitis", "tune-11-tennis-elbow", "tune-12-lyme",
        "tune-13-bells-palsy",
        # D155: eight more, written by a third helper who had not read medisync/ml/
        "tune-14-plantar-fasciitis", "tune-15-gastroenteritis", "tune-16-conjunctivitis", "tune-17-anxiety",
        "tune-18-hip-osteoarthritis", "tune-19-bronchitis", "tune-20-rotator-cuff", "tune-21-hemorrhoids"]
    for file_id, spec in specs.items():
        truth = json.loads((HELDOUT / f"{file_id}.truth.json").read_text())
        assert (HELDOUT / truth["audio"]).is_file()
        assert truth["sample_rate"] == 16000 and truth["duration"] < 90
        assert [t["text"] for t in truth["turns"]] == [t["text"] for t in spec["turns"]]
        assert 2 <= len(spec["voices"]) <= 3
        assert medical_terms(" ".join(t["text"] for t in spec["turns"]))  # clinical vocabulary present


BLIND = ["blind-01-gout", "blind-02-gerd", "blind-03-bph", "blind-04-cellulitis", "blind-05-anemia",
         # D126: six more, written by another helper, measured once before anything was changed after them
         "blind-06-vertigo", "blind-07-pcos", "blind-08-psoriasis", "blind-09-carpal-tunnel", "blind-10-pneumonia",
         "blind-11-kidney-stone"]


def test_blind_split_is_eleven_visits_with_recorded_transcripts():
    """D94, D126: held-out sets, report only; a third speaker in at least four visits."""
    specs = {p.name[: -len(".spec.json")]: json.loads(p.read_text()) for p in HELDOUT.glob("blind-*.spec.json")}
    assert sorted(specs) == BLIND and {s["split"] for s in specs.values()} == {"blind"}
    assert sum(len(s["voices"]) == 3 for s in specs.values()) >= 4
    for file_id in BLIND:
        truth = json.loads((HELDOUT / f"{file_id}.truth.json").read_text())
        assert 55 <= truth["duration"] <= 85
        assert set(truth["expected"]) == {"chief_complaint", "symptoms", "vitals", "medications", "allergies",
                                          "diagnoses", "orders", "follow_up"}
        asr = json.loads((HELDOUT / f"{file_id}.asr.json").read_text())
        assert asr["segments"] and all(s["role"] in ("clinician", "patient", "other") for s in asr["segments"])


def test_benchmark_assigns_splits():
    sys.path.insert(0, str(ROOT))
    from bench.ml_speech import discover

    by_split: dict[str, set[str]] = {}
    for item in discover():
        by_split.setdefault(item["split"], set()).add(item["id"])
        assert Path(item["wav"]).is_file(), item["wav"]
    assert by_split["heldout"] == {"heldout-01-afib", "heldout-02-copd", "heldout-03-hypothyroid",
                                   "heldout-04-migraine"}
    assert {"dev-01-diabetes", "dev-04-back-pain", "dev-07-hypertension", "tune-01-otitis",
            "tune-02-eczema"} <= by_split["dev"]
    assert not by_split["heldout"] & by_split["dev"]
    assert by_split["blind"] == set(BLIND)
    assert not by_split["blind"] & (by_split["dev"] | by_split["heldout"])
