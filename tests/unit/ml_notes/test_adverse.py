"""Adverse reactions stated in passing (adverse.py): the drug is an allergy with its reaction, never
a medication the patient takes.  Phrasings written for this test, not taken from an evaluation visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _facts(question: str, answer: str) -> tuple[dict[str, str | None], dict[str, str]]:
    ins = insights(("D", question), ("P", answer), ("D", "Okay, thank you."))
    return ({a["substance"]: a["reaction"] for a in ins["allergies"]},
            {m["name"]: m["status"] for m in ins["medications"]})


@pytest.mark.parametrize(("question", "answer", "substance", "reaction"), [
    ("What happens with medicines?", "Penicillin gives me hives.", "penicillin", "hives"),
    ("Anything you reacted to before?", "When I took erythromycin I broke out in hives.", "erythromycin", "hives"),
    ("Any drug allergies?", "Codeine makes me throw up.", "codeine", "vomiting"),
    ("How is the blood pressure pill?", "The lisinopril makes me cough a lot, so I stopped it.", "lisinopril", "cough"),
    ("Any allergies to medicines?", "She can't take amoxicillin, she got a rash all over last time.",
     "amoxicillin", "rash"),
    ("Do you react to any medicine?", "I cannot tolerate sulfa drugs, they make me itch all over.", "sulfa", "itching"),
])
def test_a_reported_reaction_is_an_allergy_and_not_a_medication(question: str, answer: str, substance: str,
                                                                reaction: str) -> None:
    allergies, meds = _facts(question, answer)
    assert allergies == {substance: reaction}
    assert substance not in meds


def test_a_side_effect_taken_through_is_no_allergy() -> None:
    allergies, meds = _facts("Tell me about your medicines.",
                             "I take metformin and it sometimes gives me diarrhea but I keep taking it.")
    assert allergies == {}
    assert meds == {"metformin": "active"}


@pytest.mark.parametrize("answer", [
    "No, amoxicillin has always been fine for me.",
    "Ibuprofen doesn't cause me any problems.",
    "Penicillin never gave me hives.",
])
def test_a_drug_tolerated_or_a_reaction_denied_is_no_allergy(answer: str) -> None:
    allergies, _meds = _facts("Any allergies?", answer)
    assert allergies == {}


def test_cannot_take_without_a_reaction_is_not_recorded_from_outside_an_allergy_answer() -> None:
    allergies, _meds = _facts("How are the mornings?", "I can't take my pills before breakfast, I forget.")
    assert allergies == {}


@pytest.mark.parametrize(("answer", "substance", "reaction"), [
    # the reaction named first, tied to the drug by a linking word (D129)
    ("I got hives from penicillin.", "penicillin", "hives"),
    ("I broke out in a rash after taking amoxicillin.", "amoxicillin", "rash"),
    ("My throat swelled up the last time I had penicillin.", "penicillin", "throat swelling"),
    ("I threw up every time I took the tramadol.", "tramadol", "vomiting"),
    ("I've had a rash since I started the lamotrigine.", "lamotrigine", "rash"),
    # the next sentence refers back to the one drug named
    ("Ciprofloxacin. That one gave me a rash.", "ciprofloxacin", "rash"),
    ("Yeah, morphine. It makes me itch like crazy.", "morphine", "itching"),
    ("I was on lisinopril. It gave me a cough, so they took me off it.", "lisinopril", "cough"),
    # a clause of taking it between the drug and its causal verb
    ("Penicillin, when I took it I got hives.", "penicillin", "hives"),
    # the patient stopping the drug is no relief; a symptom of the symptom lexicon names the reaction
    ("The atorvastatin gave me terrible muscle aches, so I stopped taking it.", "atorvastatin", "muscle aches"),  # a reaction term since D282
    ("Aspirin upsets my stomach, so I avoid it.", "aspirin", "nausea"),
])
def test_a_reaction_told_another_way_is_an_allergy_and_not_a_medication(answer: str, substance: str,
                                                                        reaction: str) -> None:
    allergies, meds = _facts("Tell me about your medicines.", answer)
    assert allergies == {substance: reaction}
    assert substance not in meds


@pytest.mark.parametrize(("answer", "drug"), [
    ("I got hives so they put me on prednisone.", "prednisone"),
    ("I had a rash and they treated it with hydrocortisone cream.", "hydrocortisone"),
    ("I'm still wheezing even with my albuterol.", "albuterol"),
    ("My rash got better after using the hydrocortisone.", "hydrocortisone"),
    ("The itching improved with Benadryl.", "diphenhydramine"),
    ("The swelling went down with the furosemide.", "furosemide"),
    ("When I get hives I take Benadryl.", "diphenhydramine"),
    ("I take Tylenol for headaches and it stops them.", "acetaminophen"),
    ("I take lisinopril. It keeps my pressure down.", "lisinopril"),
    ("I take ibuprofen. It helps with the pain.", "ibuprofen"),
])
def test_a_drug_that_treats_the_reaction_stays_a_medication(answer: str, drug: str) -> None:
    allergies, meds = _facts("Tell me about your medicines.", answer)
    assert allergies == {}
    assert meds == {drug: "active"}


def test_a_reaction_in_a_question_or_a_condition_is_no_allergy() -> None:
    allergies, _meds = _facts("Tell me about your medicines.", "If I get a rash from the amoxicillin should I stop it?")
    assert allergies == {}


def test_a_reference_back_to_two_drugs_is_not_guessed() -> None:
    allergies, meds = _facts("Tell me about your medicines.", "I take lisinopril and metformin. It gives me a rash.")
    assert allergies == {}
    assert set(meds) == {"lisinopril", "metformin"}


@pytest.mark.parametrize("answer", [
    "I got hives from penicillin.",
    "Ciprofloxacin. That one gave me a rash.",
    "I was on lisinopril. It gave me a cough, so they took me off it.",
])
def test_the_reaction_to_a_drug_is_not_a_current_symptom(answer: str) -> None:
    ins = insights(("D", "Tell me about your medicines."), ("P", answer), ("D", "Okay, thank you."))
    assert ins["allergies"]
    assert ins["symptoms"] == []


def test_a_symptom_in_another_clause_of_the_reaction_sentence_stays() -> None:
    ins = insights(("D", "Tell me about your medicines."),
                   ("P", "I got hives from penicillin, and now I have a fever."), ("D", "Okay, thank you."))
    assert {a["substance"] for a in ins["allergies"]} == {"penicillin"}
    assert [(s["name"], s["present"]) for s in ins["symptoms"]] == [("fever", True)]


def test_a_symptom_told_as_what_the_drug_caused_is_not_a_current_symptom() -> None:
    ins = insights(("D", "Any medicines, any drug allergies?"),
                   ("P", "Levaquin, it made the tendons in my ankles hurt."), ("D", "Okay, thank you."))
    assert {a["substance"] for a in ins["allergies"]} == {"levofloxacin"}
    assert ins["symptoms"] == []


@pytest.mark.parametrize(("answer", "symptoms"), [
    ("Penicillin gives me hives. I've had a cough for a week.", [("cough", True)]),
    ("I'm allergic to sulfa. I broke out in a rash.", []),
    ("I'm allergic to penicillin. Hives all over my body.", []),
])
def test_the_sentence_after_an_allergy_is_the_reaction_unless_it_dates_a_complaint(
        answer: str, symptoms: list[tuple[str, bool]]) -> None:
    ins = insights(("D", "Any allergies?"), ("P", answer), ("D", "Okay, thank you."))
    assert ins["allergies"]
    assert [(s["name"], s["present"]) for s in ins["symptoms"]] == symptoms


@pytest.mark.parametrize(("role", "answer", "substance"), [
    ("F", "Amoxicillin. He broke out in a rash with it when he was little.", "amoxicillin"),
    ("P", "Hydrocodone. I got hives from it after my wisdom teeth.", "hydrocodone"),
    ("P", "Ibuprofen. My face swelled up once, so I stay away from it.", "ibuprofen"),
])
def test_a_reaction_told_of_the_allergen_by_a_pronoun_is_no_current_symptom(role: str, answer: str,
                                                                             substance: str) -> None:
    """D199: "... from it", "... with it" in the sentence after the allergen refer back to it."""
    ins = insights(("D", "Any allergies to medicines?"), (role, answer))
    assert [a["substance"] for a in ins["allergies"]] == [substance]
    assert ins["symptoms"] == []


def test_a_rash_the_patient_has_now_after_an_allergy_answer_stays_a_symptom() -> None:
    ins = insights(("D", "Any drug allergies?"), ("P", "Penicillin. I have a rash now, and it itches."))
    assert {s["name"] for s in ins["symptoms"] if s["present"]} == {"rash", "itching"}
