"""Medication regimen, status and allergies."""

from __future__ import annotations

import pytest

from medisync.ml.notes.medications import parse_frequency

from ._dialogue import insights


def _meds(ins):
    return {m["name"]: (m["dose"], m["frequency"], m["status"]) for m in ins["medications"]}


def test_dose_increase_is_changed() -> None:
    ins = insights(
        ("D", "What dose of lisinopril are you taking?"),
        ("P", "Ten milligrams once a day."),
        ("D", "I will increase your lisinopril to twenty milligrams once a day."),
    )
    assert _meds(ins) == {"lisinopril": ("20 mg", "once daily", "changed")}


def test_decrease_and_from_to() -> None:
    ins = insights(
        ("P", "I take metoprolol fifty milligrams twice a day."),
        ("D", "Let us decrease the metoprolol from fifty to twenty five milligrams twice a day."),
    )
    assert _meds(ins) == {"metoprolol": ("25 mg", "twice daily", "changed")}


def test_new_stopped_active() -> None:
    ins = insights(
        ("P", "Just Tylenol, five hundred milligrams twice a day. I also take atorvastatin twenty milligrams at bedtime."),
        ("D", "You can stop the Tylenol and take ibuprofen six hundred milligrams every eight hours with food. "
              "Keep taking the atorvastatin."),
    )
    assert _meds(ins) == {
        "acetaminophen": ("500 mg", "twice daily", "stopped"),
        "atorvastatin": ("20 mg", "at bedtime", "active"),
        "ibuprofen": ("600 mg", "every 8 hours with food", "new"),
    }


def test_bare_dose_answer_attaches_to_last_drug_and_repeat_is_ignored() -> None:
    ins = insights(
        ("P", "I take my lisinopril every day."),
        ("D", "What dose are you taking now?"),
        ("P", "Ten milligrams once a day, in the morning."),
        ("D", "I will increase it. Take lisinopril twenty milligrams once a day."),
        ("P", "Okay, twenty milligrams once a day."),
    )
    assert _meds(ins) == {"lisinopril": ("20 mg", "once daily", "changed")}


def test_question_confirmed_regimen_is_active() -> None:
    ins = insights(
        ("D", "Are you still taking metformin five hundred milligrams twice a day?"),
        ("P", "Yes."),
    )
    assert _meds(ins) == {"metformin": ("500 mg", "twice daily", "active")}


def test_frequency_normalisation() -> None:
    assert parse_frequency("twice a day") == "twice daily"
    assert parse_frequency("once a day , in the morning") == "once daily"
    assert parse_frequency("every 4 hours as needed") == "every 4 hours as needed"
    assert parse_frequency("3 times a day with meals") == "three times daily with food"
    assert parse_frequency("at bedtime") == "at bedtime"
    assert parse_frequency("to 4 puffs twice a day , and keep using the inhaler every 4 hours") == "twice daily"


def test_allergies_with_reaction_and_denial() -> None:
    ins = insights(
        ("D", "Do you have any allergies to medications?"),
        ("P", "Only penicillin. It gives me hives."),
    )
    assert ins["allergies"] == [{"substance": "penicillin", "reaction": "hives"}]
    assert ins["medications"] == []
    ins = insights(("D", "Any drug allergies?"), ("P", "No, none."))
    assert ins["allergies"] == []
    ins = insights(("P", "I am allergic to sulfa drugs, they gave me a bad rash."))
    assert ins["allergies"] == [{"substance": "sulfa", "reaction": "rash"}]
    ins = insights(("P", "I'm allergic to codeine. It makes me vomit."))
    assert ins["allergies"] == [{"substance": "codeine", "reaction": "vomiting"}]
    assert ins["symptoms"] == []


def test_a_name_taken_back_is_not_prescribed() -> None:
    ins = insights(("D", "We will treat you with penicillin or, I'm sorry, amoxicillin, 500 mg three times a day."))
    assert [m["name"] for m in ins["medications"]] == ["amoxicillin"]


def test_a_lab_analyte_is_not_a_medication() -> None:
    ins = insights(("D", "I do not see high testosterone, and your potassium level is normal."))
    assert ins["medications"] == []


def test_a_drug_to_avoid_is_not_a_medication() -> None:
    ins = insights(("D", "We talked about diet because we want to avoid going to insulin."))
    assert ins["medications"] == []


def test_a_drug_asked_about_and_denied_is_not_a_medication() -> None:
    ins = insights(("D", "Have you tried Azo for it?"), ("P", "No, I have not tried anything."))
    assert ins["medications"] == []
    ins = insights(("D", "Are you still taking metformin 500 mg twice a day?"), ("P", "Yes, every day."))
    assert [m["name"] for m in ins["medications"]] == ["metformin"]


def test_a_weakly_heard_allergy_is_reviewed_not_recorded() -> None:
    """"mac trim" ~ Bactrim (0.81): neither an allergy nor a medication, a review item (D36)."""
    from medisync.ml.notes.review import extract_needs_review
    from medisync.ml.notes.text import build_turns

    from ._dialogue import transcript

    turns = (("D", "Any allergies to medications?"), ("P", "I cannot take mac trim, I am allergic, it gives me hives."))
    ins = insights(*turns)
    assert ins["allergies"] == [] and ins["medications"] == []
    review = extract_needs_review(build_turns(transcript(*turns)))
    assert [(r["kind"], r["heard"], r["candidates"][0]["name"]) for r in review] == [
        ("allergy", "mac trim", "sulfamethoxazole trimethoprim")]


def test_topical_strength_and_apply_verb() -> None:
    ins = insights(("D", "Apply triamcinolone zero point one percent ointment twice daily for two weeks."))
    assert ins["medications"] == [{"name": "triamcinolone", "dose": "0.1% ointment", "frequency": "twice daily",
                                   "status": "new", "match_confidence": 1.0, "source": "plan"}]


def test_allergy_answer_to_a_medicine_allergy_question() -> None:
    ins = insights(("D", "Are you allergic to any medicines?"), ("P", "Penicillin makes my lips swell."))
    assert ins["allergies"] == [{"substance": "penicillin", "reaction": "lip swelling"}]
    assert ins["medications"] == [] and all(s["name"] != "swelling" for s in ins["symptoms"])


def test_a_relatives_home_temperature_is_not_a_vital() -> None:
    ins = insights(("F", "Last night his temperature was thirty nine."), ("D", "His temperature here is thirty eight point six."))
    assert ins["vitals"]["temperature_c"] == 38.6


def test_a_dose_after_a_comma_and_a_new_instruction_is_not_the_previous_drug_s() -> None:
    ins = insights(("D", "Stop the hydrocortisone, apply the new cream 0.1 % ointment twice daily."))
    assert ins["medications"] == [{"name": "hydrocortisone", "dose": None, "frequency": None, "status": "stopped",
                                   "match_confidence": 1.0, "source": "plan"}]


def test_symptoms_before_an_allergy_clause_in_one_sentence_are_kept() -> None:
    """ASR often runs two sentences together; the allergy clause must not hide the denials before it."""
    from ._dialogue import symptom_map

    ins = insights(("D", "Any vomiting or rash?"), ("F", "No vomiting and no rash, he is not allergic to any medicines."))
    assert symptom_map(ins) == {"vomiting": (False, None), "rash": (False, None)}


def test_a_clause_about_him_or_her_is_not_the_drugs_regimen() -> None:
    # D117: a parent's "and he can have (another drug) every six hours as needed" is not the first drug's
    assert parse_frequency("twice daily for 10 days , and he can have acidity often every 6 hours as needed") \
        == "twice daily"
    assert parse_frequency("once daily and she will take the other one at bedtime") == "once daily"


def test_a_brand_restated_by_its_generic_is_one_drug() -> None:
    # D118: "that's amoxicillin with clavulanate" names Augmentin again; amoxicillin alone was never meant
    ins = insights(("D", "I'm starting Augmentin, that's amoxicillin with clavulanate, eight hundred seventy five "
                         "milligrams twice a day for seven days."))
    assert _meds(ins) == {"amoxicillin clavulanate": ("875 mg", "twice daily", "new")}


def test_a_different_drug_offered_instead_is_not_a_restatement() -> None:
    ins = insights(("D", "You can take Augmentin or amoxicillin, whichever your pharmacy has."))
    assert {"amoxicillin clavulanate", "amoxicillin"} <= set(_meds(ins))


@pytest.mark.parametrize("said, frequency", [
    ("20 milligrams before breakfast for heartburn", "before breakfast"),
    ("10 units after dinner", "after dinner"),
    ("20 milligrams before meals up to 4 times a day", "up to four times daily before meals"),
    ("up to 2 times a day as needed", "up to twice daily as needed"),
    ("twice a day before meals", "twice daily before meals"),
])
def test_meal_timing_and_a_ceiling_are_part_of_the_frequency(said: str, frequency: str) -> None:
    """D152: "before breakfast" is when the dose is taken, and "up to" makes a count a ceiling."""
    assert parse_frequency(said) == frequency


def test_a_dose_brought_down_to_is_a_change_and_lay_as_needed() -> None:
    """D181, phrasings written for this test: "cut the prednisone down to ten milligrams" changes the dose (it was
    written as a new prescription); "once in a while" and "when I need it" are "as needed"; "Once in a while I
    forget it" is no frequency of the drug before."""
    assert _meds(insights(("D", "Let's cut the prednisone down to ten milligrams a day."))) == {
        "prednisone": ("10 mg", "once daily", "changed")}
    assert _meds(insights(("D", "What medicines do you take?"), ("P", "Nothing regularly. Ibuprofen once in a while."))) == {
        "ibuprofen": (None, "as needed", "active")}
    assert _meds(insights(("D", "What medicines do you take?"), ("P", "I use an albuterol inhaler when I need it."))) == {
        "albuterol": (None, "as needed", "active")}
    assert _meds(insights(("D", "What medicines do you take?"), ("P", "Metformin twice a day. Once in a while I forget it."))) == {
        "metformin": (None, "twice daily", "active")}


def test_holding_off_a_drug_taken_stops_it_and_one_not_taken_is_not_given() -> None:
    """D181: "let's hold off on the lisinopril" after the patient reported it stopped nothing (it stayed active);
    a drug the patient does not take is still not written; "we don't need to hold off on it" holds nothing."""
    reported = (("D", "What do you take?"), ("P", "Lisinopril ten milligrams daily."))
    held = insights(*reported, ("D", "Your pressure is low today, so let's hold off on the lisinopril for now."))
    assert _meds(held) == {"lisinopril": ("10 mg", "once daily", "stopped")}
    assert _meds(insights(("D", "Let's hold off on the amoxicillin for now."))) == {}
    kept = insights(*reported, ("D", "We don't need to hold off on the lisinopril."))
    assert _meds(kept) == {"lisinopril": ("10 mg", "once daily", "active")}
    # review: a patient holding off on a drug is not taking it (it had been written as active)
    patient = insights(("D", "What do you take?"), ("P", "Ibuprofen, but I've been holding off on the ibuprofen lately."))
    assert _meds(patient) == {"ibuprofen": (None, None, "stopped")}


def test_a_frequency_answer_to_a_question_about_one_drug() -> None:
    """D181: "Do you still take the atorvastatin?" "Yes, every night." gives it its frequency; a "no" does not."""
    assert _meds(insights(("D", "Do you still take the atorvastatin?"), ("P", "Yes, every night."))) == {
        "atorvastatin": (None, "at bedtime", "active")}
    assert _meds(insights(("D", "How often do you take the ibuprofen?"), ("P", "About three times a day."))) == {
        "ibuprofen": (None, "three times daily", "active")}


@pytest.mark.parametrize(("said", "frequency"), [
    ("twice a week", "2 times a week"),  # was "twice daily": seven times the dose
    ("twice a month", "2 times a month"),  # was "twice daily"
    ("once a month", "once monthly"),
    ("every 2 weeks", "every 2 weeks"),
    ("every other week", "every other week"),
    ("twice a day", "twice daily"),
])
def test_weekly_and_monthly_schedules(said: str, frequency: str) -> None:
    """D188."""
    assert parse_frequency(said) == frequency


def test_limiting_a_drug_changes_it() -> None:
    """D188: "let's limit the ibuprofen to twice a week" after a daily use."""
    ins = insights(("D", "What do you take?"), ("P", "Ibuprofen every day."),
                   ("D", "Let's limit the ibuprofen to twice a week."))
    assert _meds(ins) == {"ibuprofen": (None, "2 times a week", "changed")}


def test_a_strength_taken_as_a_count_of_pills() -> None:
    """D189: "two of the 200 mg pills" is 400 mg a dose (was written 200 mg); "half a tablet of metoprolol 25 mg"
    12.5 mg (was 25 mg); a plain strength is kept."""
    assert _meds(insights(("D", "What do you take?"),
                          ("P", "I take Advil, two of the two hundred milligram pills, three times a day."))) == {
        "ibuprofen": ("400 mg", "three times daily", "active")}
    assert _meds(insights(("D", "Take half a tablet of metoprolol twenty five milligrams twice a day."))) == {
        "metoprolol": ("12.5 mg", "twice daily", "new")}
    assert _meds(insights(("D", "Start metoprolol twenty five milligrams twice a day."))) == {
        "metoprolol": ("25 mg", "twice daily", "new")}


@pytest.mark.parametrize(("turns", "expected"), [
    # Whisper ends a segment after the drug: the dose opens the clinician's next sentence (D196)
    ((("D", "I'd like to start rosuvastatin."), ("D", "10 milligrams every evening, and cut back on fried food.")),
     {"rosuvastatin": ("10 mg", "at bedtime", "new")}),
    ((("D", "Keep the lisinopril. 25 milligrams daily."),), {"lisinopril": ("25 mg", "once daily", "active")}),
    ((("D", "Start lisinopril."), ("D", "10 milligrams daily, and keep the aspirin 81 milligrams.")),
     {"lisinopril": ("10 mg", "once daily", "new"), "aspirin": ("81 mg", None, "active")}),
    # a dose after an unrecognised name, or not at the start of the sentence, is no known drug's
    ((("D", "Keep the lisinopril. Hydro clone fires eyed, 25 milligrams daily."),),
     {"lisinopril": (None, None, "active")}),
    ((("D", "Stop the Sudafed, keep the Mucinex. I'm adding pains on my head, 100 milligrams, three times a day."),),
     {"pseudoephedrine": (None, None, "stopped"), "guaifenesin": (None, None, "active")}),
    # "twelve . five milligrams": a number split at its decimal point does not give the drug 5 mg
    ((("D", "I want to add aldactone twelve. five milligrams daily."),), {"spironolactone": (None, None, "new")}),
])
def test_a_dose_that_opens_the_clinician_s_next_sentence_is_the_drug_just_started(turns, expected) -> None:
    assert _meds(insights(*turns)) == expected


@pytest.mark.parametrize(("turns", "expected"), [
    # a frequency said in a short sentence of its own, right after the drug (D245)
    ((("D", "What do you take?"), ("P", "Amlodipine, five milligrams, for blood pressure. Once a day.")),
     {"amlodipine": ("5 mg", "once daily", "active")}),
    ((("P", "I take lisinopril. Twice a day, with food."),), {"lisinopril": (None, "twice daily with food", "active")}),
    # a drug named alone by the clinician and dosed in the next sentence is prescribed
    ((("D", "So, nystatin suspension. Five milliliters, four times a day."),),
     {"nystatin": ("5 ml", "four times daily", "new")}),
    # not: a frequency two sentences on, a long sentence about something else, or a drug that has one already
    ((("P", "I take lisinopril. It's for my pressure. Once a day."),), {"lisinopril": (None, None, "active")}),
    ((("P", "Lisinopril, twice a day. Once a day I walk the dog."),), {"lisinopril": (None, "twice daily", "active")}),
    ((("P", "I take lisinopril. My husband takes his pills once a day and walks the dog after breakfast."),),
     {"lisinopril": (None, None, "active")}),
])
def test_a_regimen_in_the_sentence_after_the_drug_is_that_drug_s(turns, expected) -> None:
    assert _meds(insights(*turns)) == expected


@pytest.mark.parametrize(("turns", "expected"), [
    ((("D", "Would you be open to starting metformin?"), ("P", "I'd rather not.")), {}),
    ((("D", "Do you want to try sertraline?"), ("P", "Let me think about it.")), {}),
    ((("D", "Should we start lisinopril?"),), {}),
    ((("D", "What about starting ibuprofen for the pain?"), ("P", "Okay, but I'd rather wait.")), {}),
    ((("D", "What about starting ibuprofen for the pain?"), ("P", "Okay, sounds good.")),
     {"ibuprofen": (None, None, "new")}),
    ((("D", "Would you be open to starting metformin?"), ("P", "Sure."),
      ("D", "Okay, metformin 500 milligrams twice a day.")), {"metformin": ("500 mg", "twice daily", "new")}),
    # not offers: a question about what is taken, or about keeping it
    ((("D", "Did you start the lisinopril I gave you?"), ("P", "Yes.")), {"lisinopril": (None, None, "active")}),
    ((("D", "Would you like to keep taking the metformin?"), ("P", "Yes.")), {"metformin": (None, None, "active")}),
    ((("D", "Would you take your lisinopril every day?"), ("P", "Yes.")), {"lisinopril": (None, "once daily", "active")}),
])
def test_a_drug_offered_in_a_question_is_started_only_when_the_patient_accepts(turns, expected) -> None:
    """D198: a declined or put-off offer is no medication the patient takes."""
    assert _meds(insights(*turns)) == expected


@pytest.mark.parametrize(("said", "frequency"), [
    ("Advil, four hundred milligrams, every six hours when it gets bad.", "every 6 hours as needed"),
    ("The albuterol, two puffs every four hours when he needs it.", "every 4 hours as needed"),
])
def test_when_it_gets_bad_or_when_he_needs_it_is_as_needed(said: str, frequency: str) -> None:
    """D200."""
    meds = insights(("D", "What do you take?"), ("P", said))["medications"]
    assert [m["frequency"] for m in meds] == [frequency]


@pytest.mark.parametrize(("turns", "expected"), [
    # D256: a companion asking whether to stop a drug does not stop it; the clinician's "don't stop" keeps it
    ((("P", "Eliquis, five milligrams, morning and night."), ("F", "Should he stop the Eliquis?"),
      ("D", "No. Please don't stop the Eliquis.")), {"apixaban": ("5 mg", "twice daily", "active")}),
    # a drug named alone, then "Stop it."
    ((("P", "And two Aleve at bedtime, for my knees."), ("D", "Now, the Aleve. Stop it.")),
     {"naproxen": ("440 mg", "at bedtime", "stopped")}),  # two Aleve are 440 mg (D334)
    # "Stop it." after a sentence that says more about the drug is left to the rules that read it
    ((("P", "I take Aleve at bedtime."), ("D", "Aleve can irritate the stomach. Stop it.")),
     {"naproxen": (None, "at bedtime", "active")}),
])
def test_a_stop_asked_about_or_said_of_a_drug_just_named(turns, expected) -> None:
    assert _meds(insights(*turns)) == expected


@pytest.mark.parametrize(("said", "name"), [
    ("And my prenatal vitamin, one a day.", "prenatal vitamin"),  # D257
    ("And a multivitamin, one a day.", "multivitamin"),  # no dose unit needed: not a common word
    ("I got the Nix from the drugstore and did him Saturday night.", "permethrin"),
])
def test_vitamins_and_brands_said_in_a_medication_answer(said: str, name: str) -> None:
    assert name in _meds(insights(("D", "What medicines does he take?"), ("P", said)))


@pytest.mark.parametrize(("turns", "status"), [
    # D264: "without Tylenol" in a condition is no stop; "go without Tylenol" as an instruction is
    ((("P", "I take Tylenol every eight hours."),
      ("D", "Stay home until your fever's been gone for a full day without Tylenol.")), "active"),
    ((("P", "I take Tylenol every day."), ("D", "Try to go without Tylenol for now.")), "stopped"),
])
def test_without_a_drug_in_a_condition_is_no_stop(turns, status: str) -> None:
    assert _meds(insights(*turns))["acetaminophen"][2] == status


@pytest.mark.parametrize(("turns", "expected"), [
    # D265: the patient asks of a drug alone, the clinician stops it
    ((("P", "Delsym, the cough syrup. Two teaspoons, twice a day."), ("P", "And the Delsym?"),
      ("D", "You can stop that. It's not treating the cause.")), {"dextromethorphan": ("2 teaspoons", "twice daily", "stopped")}),
    ((("P", "I take Delsym at night."), ("P", "And the Delsym?"), ("D", "Keep taking it.")),
     {"dextromethorphan": (None, "at bedtime", "active")}),
    ((("F", "She's been using this capsaicin cream on her feet, three times a day."),),
     {"capsaicin": (None, "three times daily", "active")}),
])
def test_a_drug_asked_about_and_stopped_and_capsaicin(turns, expected) -> None:
    assert _meds(insights(*turns)) == expected
