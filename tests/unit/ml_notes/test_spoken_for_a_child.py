"""D192: a parent who brings a child speaks of the patient as "my son" / "my daughter" (sentences written for
these tests)."""

from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_a_parent_s_my_daughter_is_the_patient_when_the_visit_is_about_her() -> None:
    ins = insights(("D", "Hi there, what brings you two in?"),
                   ("P", "My daughter has had a stuffy nose and a cough for four days."),
                   ("D", "Is she sleeping okay?"), ("P", "Not really."))
    found = symptom_map(ins)
    assert found["cough"] == (True, "4 days")
    assert found["nasal congestion"][0] is True


def test_an_adult_patient_s_sick_son_stays_the_son_s() -> None:
    ins = insights(("D", "What can I do for you?"),
                   ("P", "I've had a headache since Monday. My son has a cough, though."),
                   ("D", "Is he better now?"), ("P", "A bit."))
    found = symptom_map(ins)
    assert "cough" not in found and found["headache"][0] is True


def test_without_a_question_about_the_child_the_parent_is_the_patient() -> None:
    ins = insights(("D", "What brings you in?"), ("P", "My son has had a fever for two days."),
                   ("D", "Have you had a fever yourself?"), ("P", "No, I feel fine."))
    assert symptom_map(ins)["fever"] == (False, None)


def test_a_son_s_regimen_and_allergy_are_the_patient_s_in_a_visit_about_him() -> None:
    ins = insights(("D", "What brings you in?"), ("P", "My son has had an earache since yesterday."),
                   ("D", "Does he take anything regularly? Is he allergic to anything?"),
                   ("P", "My son takes montelukast four milligrams at night. My son is allergic to cefdinir."))
    assert [(m["name"], m["status"]) for m in ins["medications"]] == [("montelukast", "active")]
    assert [a["substance"] for a in ins["allergies"]] == ["cefdinir"]


def test_a_relative_s_allergy_is_neither_the_patient_s_allergy_nor_a_medication() -> None:
    ins = insights(("D", "Any allergies to medicines?"),
                   ("P", "My husband is allergic to amoxicillin, but I'm allergic to codeine."))
    assert [a["substance"] for a in ins["allergies"]] == ["codeine"]
    assert ins["medications"] == []
    shared = insights(("D", "Any allergies?"), ("P", "My sister is allergic to sulfa, and so am I."))
    assert [a["substance"] for a in shared["allergies"]] == ["sulfa"]


def test_a_relatives_own_complaint_in_the_first_person_is_not_the_patients() -> None:
    """D236: a relative (role other) telling of their own body ("I have a headache myself") adds nothing to the
    patient's symptoms; what the relative says of the patient still counts."""
    said = symptom_map(insights(("D", "What's going on?"), ("P", "I've had a cough for a week."),
                                ("F", "She coughs all night. I have a headache myself from the lack of sleep.")))
    assert said == {"cough": (True, "1 week")}


def test_a_relative_who_noticed_something_still_speaks_of_the_patient() -> None:
    """D236 keeps "I noticed ..." and "I think she ..." as the patient's."""
    said = symptom_map(insights(("D", "What's going on?"), ("F", "I have noticed a rash. I think she has a fever too.")))
    assert said == {"rash": (True, None), "fever": (True, None)}
