"""The curated ICD-10-CM map: every code exists (and is billable) and phrases map as spoken."""

from __future__ import annotations

import warnings

import pytest

from medisync.ml.notes.lexicon import condition_lexicon, load_json

from ._dialogue import insights, transcript


def _cm():
    with warnings.catch_warnings():
        # simple-icd-10-cm 1.5 loads its data with the deprecated importlib.resources.read_text
        warnings.simplefilter("ignore", DeprecationWarning)
        return pytest.importorskip("simple_icd_10_cm")


def test_every_curated_code_is_a_valid_billable_icd10cm_code() -> None:
    cm = _cm()
    for entry in load_json("conditions.json")["conditions"]:
        code = entry["icd10"]
        assert cm.is_valid_item(code), code
        assert cm.is_leaf(code), f"{code} is not billable (has children)"
        assert entry["icd10_description"] == cm.get_description(code)


def test_synonyms_are_unique_per_code() -> None:
    seen: dict[str, str] = {}
    for entry in load_json("conditions.json")["conditions"]:
        for syn in entry["synonyms"]:
            assert seen.setdefault(syn, entry["icd10"]) == entry["icd10"], syn


@pytest.mark.parametrize(
    ("spoken", "code"),
    [
        ("My assessment is essential hypertension, not controlled on the current dose.", "I10"),
        ("My assessment is high blood pressure.", "I10"),
        ("My assessment is type two diabetes with hyperglycemia, not at goal.", "E11.65"),
        ("My assessment is type two diabetes.", "E11.9"),
        ("My assessment is an acute lumbar strain.", "S39.012A"),
        ("My impression is acute cystitis.", "N30.00"),
        ("My assessment is moderate persistent asthma with an acute exacerbation.", "J45.41"),
        ("The diagnosis is major depressive disorder, single episode, moderate.", "F32.1"),
        ("I think you have strep throat.", "J02.0"),
        ("This looks like a urinary tract infection.", "N39.0"),
        ("It sounds like a viral upper respiratory infection.", "J06.9"),
    ],
)
def test_spoken_assessment_maps_to_code(spoken: str, code: str) -> None:
    dx = insights(("D", spoken))["diagnoses"]
    assert [d["icd10"] for d in dx] == [code]


def test_asr_damaged_diagnosis_is_not_coded_but_reviewed() -> None:
    """A fuzzy match is a guess at what was said (D37): the specific code is a review candidate, and the
    clear part alone ("moderate persistent asthma" = J45.40, *uncomplicated*) is not coded either."""
    from medisync.ml.notes.review import extract_needs_review
    from medisync.ml.notes.text import build_turns

    tr = transcript(("D", "Yes, my assessment is moderate persistent asthma with an acute and masturbation."))
    assert insights(("D", tr["segments"][0]["text"]))["diagnoses"] == []
    review = [r for r in extract_needs_review(build_turns(tr)) if r["kind"] == "diagnosis"]
    assert "J45.41" in [c["icd10"] for r in review for c in r["candidates"]]


def test_negated_and_patient_conditions_are_not_diagnoses() -> None:
    ins = insights(("P", "So it is not a slipped disc? I have diabetes."), ("D", "I do not think so."))
    assert ins["diagnoses"] == []


def test_lexicon_loads_lazily_and_is_cached() -> None:
    assert condition_lexicon() is condition_lexicon()


@pytest.mark.parametrize(
    "spoken",
    [
        "I do not think you have covid.",
        "My assessment is that this is not covid.",
        "We ruled out covid with the test today.",
        "There is no evidence of pneumonia on the exam.",
        "If this turns out to be strep throat, I will call you.",
        "Your mother had type two diabetes, so we will keep an eye on it.",
        "There is a family history of hypertension.",
        "My assessment is possible pneumonia, so we will get an x-ray.",
        "I suspect this could be a urinary tract infection, but let us wait for the culture.",
        "We need to rule out a kidney stone.",
    ],
)
def test_negated_hypothetical_family_ruled_out_or_hedged_is_never_coded(spoken: str) -> None:
    assert insights(("D", spoken))["diagnoses"] == []


def test_negated_diagnosis_is_dropped_and_the_stated_one_kept() -> None:
    dx = insights(("D", "I don't think you have covid, it is a cold."))["diagnoses"]
    assert [d["icd10"] for d in dx] == ["J00"]


def test_hedged_diagnosis_goes_to_review() -> None:
    from medisync.ml.notes.review import extract_needs_review
    from medisync.ml.notes.text import build_turns

    tr = transcript(("D", "My assessment is possible pneumonia, so we will get an x-ray."))
    review = extract_needs_review(build_turns(tr))
    assert [(r["kind"], r["reason"]) for r in review] == [("diagnosis", "uncertain")]


def test_no_code_without_a_clinician_statement() -> None:
    """A patient's own words, or a clinician's question, are not a diagnosis."""
    assert insights(("P", "I think I have covid."), ("D", "Okay, let us check your oxygen."))["diagnoses"] == []
    assert insights(("D", "Do you have diabetes?"), ("P", "Yes."))["diagnoses"] == []


def test_every_code_written_is_billable_icd10cm_with_its_official_title() -> None:
    dx = insights(("D", "My assessment is essential hypertension and type two diabetes."))["diagnoses"]
    assert [d["icd10"] for d in dx] == ["I10", "E11.9"]
    assert dx[0]["icd10_title"] == "Essential (primary) hypertension"


@pytest.mark.parametrize(
    "spoken",
    [
        "So it looks like you have completed the covid vaccine, that is great.",
        "For family history, it looks like there is high blood pressure and diabetes.",
        "Your father has heart failure, so it is good you keep active.",
    ],
)
def test_a_vaccine_or_a_relative_s_condition_is_not_coded(spoken: str) -> None:
    assert insights(("D", spoken))["diagnoses"] == []


@pytest.mark.parametrize(
    ("spoken", "code"),
    [
        ("My assessment is cervicalgia.", "M54.2"),
        ("My impression is lymphangioleiomyomatosis.", "J84.81"),
        ("My assessment is idiopathic hypotension.", "I95.0"),
    ],
)
def test_conditions_outside_the_curated_map_are_coded_from_icd10cm_titles(spoken: str, code: str) -> None:
    """Open vocabulary: plain ICD-10-CM titles ("Cervicalgia", "<name>, unspecified") are spoken names."""
    dx = insights(("D", spoken))["diagnoses"]
    assert [d["icd10"] for d in dx] == [code]


def test_a_negated_icd10cm_title_is_not_coded() -> None:
    assert insights(("D", "My assessment is that this is not idiopathic hypotension."))["diagnoses"] == []


def test_side_named_by_the_clinician_selects_the_lateral_code() -> None:
    """ICD-10-CM siblings of an unspecified-side code: H66.90 + "left ear" -> H66.92."""
    dx = insights(("D", "This is acute otitis media of the left ear."))["diagnoses"]
    assert [d["icd10"] for d in dx] == ["H66.92"]
    dx = insights(("D", "This is acute otitis media."))["diagnoses"]
    assert [d["icd10"] for d in dx] == ["H66.90"]


def test_a_clear_word_inside_a_garbled_phrase_is_not_coded_alone() -> None:
    """"the topic dermatitis" (atopic): coding L30.9 "dermatitis" would not be what was said."""
    assert insights(("D", "My assessment is the topic dermatitis."))["diagnoses"] == []


def test_excludes1_keeps_the_specific_diagnosis_and_drops_the_symptom() -> None:
    """D205: ICD-10-CM Excludes1 notes: N39.0 (UTI, site not specified) names cystitis (N30.-), so a bladder
    infection restated as acute cystitis is coded once; a symptom code gives way to the diagnosis its pair's note
    names (G44.2 excludes headache NOS R51.9); two diagnoses whose notes name each other both stay."""
    from medisync.ml.notes.icd10 import excluded_by

    assert excluded_by("N39.0", ["N39.0", "N30.00"]) and not excluded_by("N30.00", ["N39.0", "N30.00"])
    assert excluded_by("R51.9", ["R51.9", "G44.209"]) and not excluded_by("G44.209", ["R51.9", "G44.209"])
    assert not excluded_by("A09", ["A09", "K52.9"]) and not excluded_by("K52.9", ["A09", "K52.9"])
    ins = insights(("D", "This is a bladder infection, acute cystitis."))
    assert [d["icd10"] for d in ins["diagnoses"]] == ["N30.00"]
