"""A problem-oriented plan names the problems it addresses (D80).

"For your second problem, your hypertension, ..." and "from a depression standpoint, ..." state the
patient's condition as surely as "my assessment is"; the condition must follow the cue at once, and
a symptom ("for your headaches") or an encounter ("presents for her annual exam") gets no code.
"""

from __future__ import annotations

from typing import Any

from tests.unit.ml_notes._dialogue import insights


def codes(ins: dict[str, Any]) -> set[str]:
    return {d["icd10"] for d in ins["diagnoses"]}


def test_each_problem_of_a_plan_is_coded_next_to_the_stated_assessment() -> None:
    ins = insights(
        ("D", "My assessment is congestive heart failure. Continue the furosemide."),
        ("D", "For your second problem, your hypertension, I want you to keep taking lisinopril."),
        ("D", "And then for your last problem of your type two diabetes, let us check an A1c."),
    )
    assert {"I50.9", "I10", "E11.9"} <= codes(ins)


def test_a_standpoint_names_the_problem() -> None:
    ins = insights(("D", "From a depression standpoint, we will start sertraline 25 mg once a day."),
                   ("D", "From an asthma perspective, continue the albuterol as needed."))
    assert {"F32.A", "J45.909"} <= codes(ins)


def test_only_the_condition_the_cue_introduces_is_coded() -> None:
    # the cue introduces "your blood pressure", not a condition; kidney disease is only a worry here
    ins = insights(("D", "For your blood pressure, we will watch for chronic kidney disease later."))
    assert codes(ins) == set()


def test_symptoms_and_encounters_get_no_code_from_the_cue() -> None:
    ins = insights(("D", "She presents for her annual exam."),
                   ("D", "For your headaches, you can take ibuprofen."))
    assert codes(ins) == set()


def test_a_relative_or_a_question_is_not_the_patients_problem() -> None:
    ins = insights(("D", "In terms of your mother's diabetes, that is good to know."),
                   ("D", "In terms of your asthma, how often do you use the inhaler?"))
    assert codes(ins) == set()


def test_the_plain_code_does_not_stand_in_for_an_assessment_under_review() -> None:
    ins = insights(("D", "This visit is for your asthma. What has been going on?"),
                   ("D", "My assessment is moderate persistent asthma with an acute and masturbation."))
    assert not any(c.startswith("J45") for c in codes(ins))
    assert any(r["candidates"][0]["icd10"].startswith("J45") for r in ins["needs_review"])


def test_a_cue_that_tests_screens_or_denies_codes_nothing() -> None:
    """"for" is also a purpose ("test for", "vaccine for"), and a heading can be followed by a denial."""
    for said in ("Let us test for the strep throat.", "I am checking for your diabetes with an A1c.",
                 "You got the vaccine for the flu last year.", "In terms of the pneumonia, your x-ray is clear.",
                 "As for the asthma, I do not think you have it.",
                 "Regarding the diabetes, we will check whether you have it."):
        assert codes(insights(("D", said))) == set(), said


def test_diagnose_a_final_problem_and_a_repeated_for_name_the_condition() -> None:
    ins = insights(("D", "So I am going to diagnose you with COPD."),
                   ("D", "For your next problem, for your migraines, let us continue you on the sumatriptan."),
                   ("D", "And for your final problem, your acid reflux, we will try omeprazole 20 mg daily."))
    assert {"J44.9", "G43.909", "K21.9"} <= codes(ins), codes(ins)


def test_the_widened_cue_still_denies_and_hedges_nothing_into_a_code() -> None:
    ins = insights(("D", "I am not going to diagnose you with COPD today."),
                   ("D", "For your final problem, for your reflux, I do not think you have it."))
    assert not {c[:3] for c in codes(ins)} & {"J44", "K21"}


def test_a_problem_s_plan_ends_at_the_next_problem_cue() -> None:
    """D202: an unpunctuated plan (as ACI-Bench turns run) reads each problem's own words only: "we do not have to
    make any adjustments" said of the diabetes neither denies the hypertension nor is a denial at all."""
    ins = insights(("D", "My assessment is strep throat."),
                   ("D", "okay and now for your next problem of your "
                         "hypertension i want to go ahead and order a lipid panel and increase the lisinopril to 40 mg "
                         "once a day and for your diabetes let us order a hemoglobin a1c to make sure that we do not "
                         "have to make any adjustments to the metformin"))
    assert {"I10", "E11"} <= {c[:3] for c in codes(ins)}


def test_an_ordinal_problem_without_for_heads_its_plan() -> None:
    """D203: "your second condition of type 2 diabetes, we will continue ..." names the problem."""
    ins = insights(("D", "My assessment is strep throat."),
                   ("D", "So for your other conditions, your second condition of type 2 diabetes, we will continue "
                         "the metformin."))
    assert "E11" in {c[:3] for c in codes(ins)}
