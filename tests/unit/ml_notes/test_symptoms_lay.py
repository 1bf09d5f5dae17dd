"""Lay descriptions are understood by composition (sensation/difficulty x body function, D38), not
by a list of phrases: none of these sentences is in the lexicon or in any visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(
    ("said", "concept"),
    [
        ("It really burns whenever I go pee.", "painful urination"),
        ("It stings when I urinate.", "painful urination"),
        ("Peeing has been really painful.", "painful urination"),
        ("It hurts every time I swallow.", "difficulty swallowing"),
        ("I have a hard time swallowing.", "difficulty swallowing"),
        ("I can barely breathe when I climb stairs.", "shortness of breath"),
        ("I struggle to fall asleep.", "insomnia"),
        ("I have a hard time remembering things.", "memory loss"),
        ("I have trouble with my bowel movements, I can barely poop.", "constipation"),
    ],
)
def test_composed_lay_description_maps_to_concept(said: str, concept: str) -> None:
    assert symptom_map(insights(("P", said))).get(concept, (None,))[0] is True


def test_composed_description_can_be_denied() -> None:
    ins = insights(("D", "Any burning when you pee?"), ("P", "No, no trouble sleeping either, and it does not hurt to swallow."))
    found = symptom_map(ins)
    assert found.get("insomnia", (None,))[0] is False
    assert found.get("difficulty swallowing", (None,))[0] is False


@pytest.mark.parametrize(
    ("said", "concept"),
    [
        ("Suddenly I gained about ten pounds.", "weight gain"),  # ACI train D2N063's wording
        ("I have put on some weight since winter.", "weight gain"),
        ("I've lost 110 pounds.", "weight loss"),  # ACI train D2N032
        ("I have been dropping a few kilos.", "weight loss"),
    ],
)
def test_weight_told_with_a_verb_and_an_amount(said: str, concept: str) -> None:
    assert symptom_map(insights(("P", said))).get(concept, (None,))[0] is True


def test_a_wish_to_lose_weight_is_no_weight_loss() -> None:
    assert "weight loss" not in symptom_map(insights(("P", "I would like to lose some weight.")))


def test_no_before_a_subject_is_an_answer_not_a_negation() -> None:
    ins = insights(("D", "Have you lost any weight?"), ("P", "No I wish, unfortunately I've gained some weight."))
    found = symptom_map(ins)
    assert found.get("weight loss", (None,))[0] is False
    assert found.get("weight gain", (None,))[0] is True
    assert symptom_map(insights(("P", "No fever and no cough.")))["fever"][0] is False


def test_a_denial_covers_its_whole_list() -> None:
    found = symptom_map(insights(("P", "No fever, chills, night sweats, nausea, diarrhea or vomiting.")))
    assert {k: v[0] for k, v in found.items()} == {
        "fever": False, "chills": False, "night sweats": False, "nausea": False, "diarrhea": False,
        "vomiting": False}


def test_some_after_a_denial_is_said_again_as_present() -> None:
    found = symptom_map(insights(("P", "no fever some chills and i do feel a little nauseous")))
    assert (found["fever"][0], found["chills"][0], found["nausea"][0]) == (False, True, True)


def test_a_list_denial_still_ends_at_but() -> None:
    found = symptom_map(insights(("P", "No fever or chills, but I have had a cough and some nausea.")))
    assert (found["fever"][0], found["chills"][0], found["cough"][0], found["nausea"][0]) == (False, False, True, True)


def test_a_symptom_phrase_split_by_auxiliaries_is_found() -> None:
    # D98: "my heart has been fluttering" is the lexicon's "heart fluttering"
    ins = insights(("P", "My heart has been fluttering for about two weeks."))
    assert symptom_map(ins)["palpitations"] == (True, "2 weeks")


def test_a_negated_split_phrase_is_no_symptom() -> None:
    ins = insights(("P", "My heart is not racing."))
    assert "palpitations" not in {s["name"] for s in ins["symptoms"] if s["present"]}


@pytest.mark.parametrize(("said", "concept"), [
    ("My breathing has been worse for five days.", "shortness of breath"),
    ("My sleep has been terrible lately.", "insomnia"),
    ("My hearing is a lot worse.", "hearing loss"),
])
def test_a_body_function_said_to_be_worse_is_its_difficulty(said: str, concept: str) -> None:
    # D101
    assert symptom_map(insights(("P", said)))[concept][0] is True


@pytest.mark.parametrize("said", ["My breathing is not worse.", "My breathing has not gotten worse.",
                                  "Breathing is better now."])
def test_a_body_function_not_worse_is_no_symptom(said: str) -> None:
    assert not [s for s in insights(("P", said))["symptoms"] if s["present"]]


def test_a_weight_change_over_a_time_has_that_duration() -> None:
    # D103
    assert symptom_map(insights(("P", "I have gained about six pounds in two months.")))["weight gain"] == (True, "2 months")


@pytest.mark.parametrize(
    ("said", "concept"),
    [
        ("The sunlight bothers me so much when it starts.", "photophobia"),  # a stimulus that bothers (D125)
        ("Loud noises really hurt during the attacks.", "phonophobia"),
        ("She could not lie flat last night.", "orthopnea"),  # lying flat, before sleep (D125)
        ("I couldn't breathe when I walked up the hill.", "shortness of breath"),  # "could not" is a difficulty
    ],
)
def test_stimulus_and_lying_flat_compose(said: str, concept: str) -> None:
    assert symptom_map(insights(("P", said))).get(concept, (None,))[0] is True


def test_lying_flat_to_sleep_is_orthopnea_not_insomnia() -> None:
    found = symptom_map(insights(("P", "He could not lie flat to sleep last night.")))
    assert found.get("orthopnea", (None,))[0] is True
    assert "insomnia" not in found


def test_a_stimulus_that_does_not_bother_is_no_finding() -> None:
    found = symptom_map(insights(("D", "Does light bother you?"), ("P", "No, the light doesn't bother me.")))
    assert found.get("photophobia", (False,))[0] is False


@pytest.mark.parametrize("said", ["My hands are shaking all the time.", "My hands shake when I hold a cup.",
                                  "My right hand has been trembling."])
def test_hands_that_shake_are_a_tremor(said: str) -> None:
    assert symptom_map(insights(("P", said))).get("tremor") == (True, None)


def test_shaking_hands_with_someone_is_no_tremor() -> None:
    assert "tremor" not in symptom_map(insights(("P", "Gripping a hammer, or even shaking hands, hurts my elbow.")))


@pytest.mark.parametrize(("said", "concept", "present"), [
    ("I run every morning.", "diarrhea", None),
    ("I had to run to the store for my mom.", "diarrhea", None),
    ("I've had the runs since Sunday.", "diarrhea", True),
    ("My nose runs all day.", "runny nose", True),
    ("I have to run to the bathroom, loose, watery stuff, four times a day.", "diarrhea", True),
    ("I have to run to the bathroom to pee all night.", "diarrhea", None),
])
def test_run_is_diarrhea_only_as_the_runs_or_with_loose_stool(said: str, concept: str, present: bool | None) -> None:
    """D164: "the runs" was matched as its one content word "run", so "I run every morning" was diarrhea."""
    assert symptom_map(insights(("D", "What's going on?"), ("P", said))).get(concept, (None,))[0] is present


@pytest.mark.parametrize(("said", "concept", "present"), [
    ("I haven't slept much.", "insomnia", True),
    ("I did not sleep much last night, but I feel fine.", "insomnia", None),
    ("Food tastes funny.", "altered taste", True),
    ("Everything tastes metallic since I started it.", "altered taste", True),
    ("I can't shut my left eye all the way, and food tastes funny.", "altered taste", True),
    ("No fever, and the cough is better.", "cough", True),
    ("No nausea, vomiting, and diarrhea.", "diarrhea", False),
])
def test_sleep_and_taste_in_lay_words_and_a_noun_clause_after_a_denial(said: str, concept: str,
                                                                      present: bool | None) -> None:
    """D168: "haven't slept much" is insomnia; "food tastes funny" is altered taste; ", and food tastes funny" is
    a clause of its own, outside the negation before it (a list after ", and" stays denied)."""
    assert symptom_map(insights(("D", "What's going on?"), ("P", said))).get(concept, (None,))[0] is present


@pytest.mark.parametrize(("said", "expected"), [
    ("There's pressure under both cheeks and behind my eyes.", {"sinus pressure"}),
    ("My nose is completely stuffed up with thick green stuff.", {"nasal congestion", "nasal discharge"}),
    ("I keep blowing out yellow snot.", {"nasal discharge"}),
    ("I'm coughing up thick green stuff.", {"sputum production"}),  # D195: a productive cough
    ("My grip just gave out and I dropped a cup.", {"weak grip"}),
    ("I feel pressure in my chest.", {"chest pain"}),
    ("My shoulders are always tight.", {"muscle tension"}),
    ("My shoes are tight.", set()),
])
def test_face_pressure_coloured_nasal_discharge_and_a_grip_that_gives_out(said: str, expected: set[str]) -> None:
    """D176: sinusitis and epicondylitis complaints in lay words; sputum is no nasal discharge."""
    found = symptom_map(insights(("D", "What's bothering you today?"), ("P", said)))
    assert {name for name, (present, _d) in found.items() if present} == expected


@pytest.mark.parametrize(("said", "expected"), [
    ("My nose, doc, for three weeks it's been running like a faucet.", {"runny nose"}),
    ("My nose has been dripping all week.", {"runny nose"}),
    ("My nose is stuffed up and I've been running a fever.", {"nasal congestion", "fever"}),
    ("I keep running to the bathroom.", set()),
    ("She woke up with a rough cough, like a seal barking.", {"barking cough"}),
    ("He has a barky cough at night.", {"barking cough"}),
    ("I have a cough and I'm bringing up yellow phlegm.", {"cough", "sputum production"}),
    ("I'm coughing up thick yellow phlegm.", {"sputum production"}),
    ("I've been coughing up blood.", {"hemoptysis"}),  # not sputum production; hemoptysis since D209
])
def test_a_running_nose_a_seal_like_cough_and_coloured_sputum(said: str, expected: set[str]) -> None:
    """D195: lay descriptions of rhinorrhea, the croup cough and sputum; "running a fever" is no runny nose."""
    found = symptom_map(insights(("D", "What's going on?"), ("P", said)))
    assert {name for name, (present, _d) in found.items() if present} == expected


@pytest.mark.parametrize(("question", "said", "present", "denied"), [
    ("How are you?", "No fever, just a cough.", "cough", "fever"),
    ("Any fever?", "No, only a cough.", "cough", "fever"),
    ("Any blood in the stool?", "No, no, no, just crampy all over.", "cramping", "blood in stool"),
])
def test_what_a_denial_gives_way_to_after_just_or_only_is_present(question: str, said: str, present: str,
                                                                  denied: str) -> None:
    """D195: "no fever, just a cough" records a cough, not a denied cough."""
    found = symptom_map(insights(("D", question), ("P", said)))
    assert found[present][0] is True
    assert found[denied][0] is False


@pytest.mark.parametrize(("question", "said", "expected"), [
    ("Any trouble breathing?", "I can't sleep flat anymore, I'm propped up on three pillows.", {"orthopnea"}),
    ("Did it swell up?", "Yesterday it gave out on me going down the stairs.", {"giving way"}),
    ("How are you doing?", "I still feel kind of flat. Like nothing's fun anymore.", {"loss of interest"}),
    ("How are you sleeping?", "I wake up at like four in the morning and I can't get back to sleep.",
     {"early morning awakening"}),
    ("How's your appetite?", "Appetite's, eh, not great. I skip lunch a lot.", {"loss of appetite"}),
    ("What brings you in?", "It burns when I pee, and when I have to go, I have to go right now.",
     {"urinary urgency", "painful urination"}),
    ("Anything else?", "There's just this pressure down low, right over my bladder.", {"suprapubic pressure"}),
    ("How's the breathing?", "Kinda tight? Like my chest is getting squeezed.", {"chest tightness"}),
    ("What do you take?", "I'm on escitalopram, ten milligrams a day, for, um, anxiety stuff.", set()),
])
def test_orthopnea_giving_way_anhedonia_early_waking_and_urinary_words(question: str, said: str,
                                                                        expected: set[str]) -> None:
    """D200: lay phrasings from the tune2 visits; an indication after a filler ("for, um, anxiety") is no symptom."""
    found = symptom_map(insights(("D", question), ("P", said)))
    assert {name for name, (present, _d) in found.items() if present} == expected


def test_thoughts_of_self_harm_denied_are_suicidal_ideation() -> None:
    found = symptom_map(insights(("D", "Have you had any thoughts of hurting yourself?"), ("P", "No. Nothing like that.")))
    assert found["suicidal ideation"][0] is False


@pytest.mark.parametrize(("said", "expected"), [
    ("My legs are all puffed up. Both of them.", {"leg swelling": True}),
    ("My legs are all swollen.", {"leg swelling": True}),
    ("My ankles have been puffing up.", {"ankle swelling": True}),
])
def test_puffed_up_legs_and_an_intensifier_before_the_finding_keep_the_body_part(said: str,
                                                                                 expected: dict[str, bool]) -> None:
    """D204: "puffed up" is swelling; "all" between the verb and the finding keeps the legs."""
    found = symptom_map(insights(("D", "What brings you in today?"), ("P", said)))
    assert {name: present for name, (present, _d) in found.items()} == expected


def test_a_statement_said_with_a_question_mark_still_tells_the_symptom() -> None:
    """D227: patients say what they are unsure of as a question ("..., so, three days now?"); in statement order it
    tells the symptom and its duration.  A real question ("Is it the flu?") still tells nothing."""
    said = symptom_map(insights(("D", "What brings you in?"), ("P", "My left knee. It started aching on Monday, so, three days now?")))
    assert said == {"knee pain": (True, "3 days")}
    asked = symptom_map(insights(("D", "What brings you in?"), ("P", "I feel run down. Is it a fever? Do I have the flu?")))
    assert "fever" not in asked


def test_a_part_named_alone_stays_the_topic_while_they_tell_of_it() -> None:
    """D227: "My hands, doctor. They ache in the morning. And they tingle.": each symptom said of "they" is of the
    hands, not a bare "tingling"; and "tingle" is said as a verb."""
    said = symptom_map(insights(("D", "What brings you in?"),
                                ("P", "My hands, doctor. They get cold at night. And they tingle, like pins.")))
    assert said == {"tingling in hands": (True, None)}


def test_how_long_have_you_had_it_is_answered_by_the_figure_said_after_a_first_sentence() -> None:
    """D229: "How long have you had it?" asks the onset of what the patient just named (D179 read only "how long
    has it been ..."), and the answer's figure may follow a first sentence that dates it otherwise."""
    said = symptom_map(insights(("D", "What brings you in?"), ("P", "I have a rash on my arm."), ("D", "How long have you had it?"),
                                ("P", "Since the end of the school year. I'd say about five weeks. Give or take.")))
    assert said == {"rash": (True, "5 weeks")}


def test_a_duration_that_dates_a_worsening_is_not_the_onset() -> None:
    """D231: "Maybe eight months ago? But the last couple of months it's much worse." answers "how long?" with
    the onset; the second figure dates the worsening, so the answer is not left undated as two figures."""
    said = symptom_map(insights(("D", "What brings you in today?"), ("P", "My hands. They tingle, like ants crawling."),
                                ("D", "How long has that been going on?"),
                                ("P", "It came on slowly. Maybe eight months ago? But the last couple of months it's much worse.")))
    assert said == {"tingling in hands": (True, "8 months")}


def test_two_onset_figures_without_a_worsening_stay_undated() -> None:
    """D231 keeps the rule it narrows: two figures, neither dating a worsening, give no duration."""
    said = symptom_map(insights(("D", "What brings you in today?"), ("P", "My hands. They tingle, like ants crawling."),
                                ("D", "How long has that been going on?"),
                                ("P", "Maybe eight months ago. My wife says it started two months ago.")))
    assert said == {"tingling in hands": (True, None)}


def test_burning_up_is_a_fever() -> None:
    """D231: "I'm burning up" is the lay phrase for a fever."""
    assert symptom_map(insights(("D", "What's going on?"), ("P", "I'm burning up and I've got chills."))) == {
        "fever": (True, None), "chills": (True, None)}


@pytest.mark.parametrize(("said", "concept"), [
    ("My heart just races, even sitting at my desk.", "palpitations"),
    ("I'm always hungry lately.", "increased appetite"),
    ("I fill up quickly at dinner.", "early satiety"),
    ("The glands in my neck feel sore.", "swollen glands"),
    ("Bright lights bug me.", "photophobia"),
    ("My stools have been loose.", "diarrhea"),
])
def test_review_of_systems_items_in_lay_words(said: str, concept: str) -> None:
    """D235: review-of-systems items said as a verb or a plain description (written for this test)."""
    assert symptom_map(insights(("D", "What's going on?"), ("P", said))).get(concept, (None,))[0] is True


def test_has_it_been_there_since_a_day_asks_the_onset() -> None:
    """D235: "Has the cough been there since Monday?" "Yes. So three days." dates the cough."""
    said = symptom_map(insights(("D", "What's going on?"), ("P", "I have a cough."),
                                ("D", "Has the cough been there since Monday?"), ("P", "Yes, since Monday. So three days.")))
    assert said == {"cough": (True, "3 days")}


@pytest.mark.parametrize(("turns", "expected"), [
    ((("D", "Any fevers?"), ("P", "No fevers. I wish I had lost some weight, though.")), {"fever": (False, None)}),
    ((("D", "Any nausea?"), ("P", "I felt kind of pukey last night.")), {"nausea": (True, None)}),
    ((("D", "Any dizziness?"), ("P", "When I roll over in bed, the room spins.")), {"dizziness": (True, None)}),
    ((("D", "How is work?"), ("P", "I have brain fog all afternoon.")), {"poor concentration": (True, None)}),
    ((("D", "How is she sleeping?"), ("F", "She's been sleeping a ton.")), {"excessive sleepiness": (True, None)}),
])
def test_lay_answers_and_a_wish(turns: tuple[tuple[str, str], ...], expected: dict[str, tuple[bool, None]]) -> None:
    """D241: a wish is no finding; lay words for nausea, a spinning room, brain fog and sleeping a lot; an answer
    that opens with a "when" clause is a statement, not a question."""
    assert symptom_map(insights(*turns)) == expected
