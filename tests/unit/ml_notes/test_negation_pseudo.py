"""Negation that is not about the symptom, and symptoms told as history (D77).  Phrasings written for
this test."""

from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_without_before_a_verb_does_not_negate_what_follows() -> None:
    found = symptom_map(insights(("D", "What's the problem?"), ("P", "I mean, without sounding silly, like diarrhoea.")))
    assert found["diarrhea"][0] is True


def test_i_do_not_know_is_no_negation() -> None:
    found = symptom_map(insights(("D", "Tell me more."), ("P", "I don't know, I mean it's pretty standard diarrhoea.")))
    assert found["diarrhea"][0] is True


def test_a_symptom_in_an_answer_about_past_history_is_not_a_current_one() -> None:
    found = symptom_map(insights(("D", "Any chest pain?"), ("P", "No pain in my chest."),
                                 ("D", "Any other medical history I should be aware of?"),
                                 ("P", "I had some chest pain and they took me into hospital.")))
    assert found["chest pain"][0] is False


def test_a_history_answer_that_speaks_of_now_counts() -> None:
    found = symptom_map(insights(("D", "Have you ever had chest pain?"), ("P", "Yes, and I still get chest pain now.")))
    assert found["chest pain"][0] is True


def test_a_subject_and_its_verb_inside_a_negations_window_open_a_new_clause() -> None:
    """D173: the recorder dropped the full stop of "No, never. For sleep I take Benadryl, 25 milligrams every
    night": the denial reached the drug taken. A subject pronoun with its verb ends the negation."""
    ins = insights(("D", "Any panic attacks?"), ("P", "No, never for sleep I take Benadryl, 25 milligrams every night."))
    assert [(m["name"], m["dose"], m["status"]) for m in ins["medications"]] == [("diphenhydramine", "25 mg", "active")]
    found = symptom_map(insights(("D", "Any fever?"), ("P", "No, I have not had a fever, I have a cough though.")))
    assert found["fever"][0] is False and found["cough"][0] is True


def test_i_do_not_remember_affirms_nothing_and_i_have_not_denies() -> None:
    """D175: "Any numbness?" "I don't remember." wrote numbness as present ("I do" opened a yes); "I have not."
    is a no; "I don't think I've had any tingling" stays a denial (D173 leaves a complement clause alone)."""
    assert "numbness" not in symptom_map(insights(("D", "Any numbness?"), ("P", "I don't remember.")))
    found = symptom_map(insights(("D", "Have you had any fever or chills?"), ("P", "Uh, I have not.")))
    assert found == {"fever": (False, None), "chills": (False, None)}
    found = symptom_map(insights(("D", "Any numbness?"),
                                 ("P", "No numbness and I don't think I've had any tingling or anything like that.")))
    assert found == {"numbness": (False, None), "tingling": (False, None)}


def test_answers_in_the_patients_words_and_questions_asked_in_the_negative() -> None:
    """D178: "I haven't noticed any" and "I don't think so" deny what was asked; "So no cough?" "Correct." denies
    it; a bare "Yeah." to "No fever?" says nothing (it had written fever as present); "Yes, I have." still affirms;
    "I haven't noticed it getting worse" and "I don't remember" deny nothing."""
    assert symptom_map(insights(("D", "Any rash?"), ("P", "I haven't noticed any."))) == {"rash": (False, None)}
    assert symptom_map(insights(("D", "Any cough?"), ("P", "I don't think so."))) == {"cough": (False, None)}
    assert symptom_map(insights(("D", "So no cough?"), ("P", "Correct."))) == {"cough": (False, None)}
    assert symptom_map(insights(("D", "So no cough?"), ("P", "That's right."))) == {"cough": (False, None)}
    assert "fever" not in symptom_map(insights(("D", "No fever?"), ("P", "Yeah.")))
    assert symptom_map(insights(("D", "You haven't had any fever?"), ("P", "Yes, I have."))) == {"fever": (True, None)}
    assert "cough" not in symptom_map(insights(("D", "Any cough?"), ("P", "I haven't noticed it getting worse.")))
    assert "itching" not in symptom_map(insights(("D", "It looks like you get itching with that cream?"),
                                                 ("P", "That's correct.")))
