"""Spoken sentences become third-person clinical prose, or nothing."""

from __future__ import annotations

import pytest

from medisync.ml.notes.person import Pronouns
from medisync.ml.notes.prose import to_prose

SHE, UNKNOWN = Pronouns.for_gender("female"), Pronouns.for_gender(None)


@pytest.mark.parametrize(("text", "role", "expected"), [
    ("um , i've been taking my lisinopril every day .", "patient", "She has been taking her lisinopril every day."),
    ("I'm really tired all the time", "patient", "She is really tired all the time."),
    ("i feel dizzy when i stand up", "patient", "She feels dizzy when she stands up."),
    ("okay , so your lungs are clear bilaterally .", "clinician", "Her lungs are clear bilaterally."),
    ("I want you to get an x - ray of the knee", "clinician", "I want her to get an x-ray of the knee."),
    ("you know , she does n't have any edema , or", "clinician", "She does not have any edema."),
    ("we will order an echocardiogram", "clinician", "We will order an echocardiogram."),
    ("i have had this cough for two weeks", "patient", "The patient has had this cough for two weeks."),
    ("i f-felt the pop and s-so i sat down", "patient", "She felt the pop and so she sat down."),
    ("and it also sh- shows some mitral regurgitation", "clinician", "It also shows some mitral regurgitation."),
    ("c- you can take it twice a day", "clinician", "She can take it twice a day."),
    ("yeah the pain is a lot better now", "patient", "The pain is a lot better now."),
    ("i know that you had the knee surgery in may", "clinician", "She had the knee surgery in may."),
    ("you mentioned you've had some pain in your tummy as well", "clinician", "She has had some pain in her tummy as well."),
    ("and you said that it's mainly watery", "clinician", "It is mainly watery."),
    ("so you stopped vomiting yesterday, okay", "clinician", "She stopped vomiting yesterday."),
    ("the pain is on the right", "patient", "The pain is on the right."),
    ("it looks like you have a sprain of the ankle", "clinician", "It looks like she has a sprain of the ankle."),
])
def test_reported_speech(text: str, role: str, expected: str) -> None:
    who = UNKNOWN if "cough" in text else SHE
    assert to_prose(text, role, who) == expected


@pytest.mark.parametrize(("text", "role"), [
    ("are you taking your medication every day ?", "clinician"),   # a question
    ("Is it running high, or", "clinician"),                       # a question without its mark
    ("yes .", "patient"),                                          # too short to carry a fact
    ("thank you so much , doctor", "patient"),                     # social talk
    ("no further questions , no", "patient"),                      # closing talk
    ("do you want me to call the pharmacy", "patient"),            # the patient's "you" is the doctor
    ("we dropped our daughter off at college", "patient"),         # the family's "we": not attributable
    ("my son says i snore every night", "other"),                  # a relative's "my": not attributable
    ("show me the vital signs please", "clinician"),               # talk to the dictation assistant
])
def test_not_note_material(text: str, role: str) -> None:
    assert to_prose(text, role, SHE, is_question=text.startswith("Is ")) is None


def test_adds_no_words_beyond_pronouns_and_agreement() -> None:
    said = "i stopped the metformin because it upset my stomach"
    written = to_prose(said, "patient", SHE)
    assert written == "She stopped the metformin because it upset her stomach."
    assert set(written.lower().rstrip(".").split()) - set(said.split()) == {"she", "her"}


def test_a_statement_closed_by_a_tag_question_is_note_material() -> None:
    from medisync.ml.notes.text import asks, build_turns, strip_tag_question

    from ._dialogue import transcript

    turns = build_turns(transcript(
        ("D", "On your heart exam, I do appreciate a three out of six systolic ejection murmur, okay?"),
        ("D", "Do you have any chest pain, right?"), ("D", "Any swelling?")))
    murmur, pain, swelling = (s for t in turns for s in t.sentences)
    assert murmur.is_question and not asks(murmur)
    assert asks(pain) and asks(swelling)
    assert to_prose(strip_tag_question(murmur.text), "clinician", SHE, asks(murmur)) == \
        "On her heart exam, I do appreciate a three out of six systolic ejection murmur."


def test_a_question_run_into_a_statement_is_its_own_sentence() -> None:
    """Unpunctuated speech (ACI-Bench's "aci" visits, ASR without punctuation): "okay" or "alright"
    followed by a question's first words starts a question, which is never pasted into the note."""
    from medisync.ml.notes.text import build_turns, split_sentences

    assert split_sentences("a deep achy pain okay what kind of activities makes the pain feel worse") == [
        "a deep achy pain", "okay what kind of activities makes the pain feel worse"]
    assert split_sentences("it is okay how you feel") == ["it is okay how you feel"]  # no question after it
    turns = build_turns({"segments": [{"speaker": "D", "role": "clinician", "text":
                                       "a deep achy pain okay what kind of activities makes the pain feel worse"}]})
    assert [s.is_question for s in turns[0].sentences] == [False, True]
