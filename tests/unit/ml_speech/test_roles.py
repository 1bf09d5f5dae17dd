from medisync.ml.diarization.roles import assign_roles, gather_evidence


def seg(speaker, text, start=0.0):
    return {"speaker": speaker, "text": text, "start": start}


VISIT = [
    seg("S1", "Good morning. I am Doctor Rivera. What brings you in today?", 0),
    seg("S2", "I have had a cough for a week and my chest hurts when I breathe.", 5),
    seg("S1", "Any fever or shortness of breath?", 10),
    seg("S2", "No fever.", 12),
    seg("S1", "Your oxygen is ninety eight percent. My assessment is acute bronchitis. "
              "I recommend rest and fluids, and come back in two weeks if it is not better.", 14),
    seg("S2", "Okay, thank you, doctor.", 30),
]


def test_clinician_and_patient():
    assert assign_roles(VISIT) == {"S1": "clinician", "S2": "patient"}


def test_order_and_labels_do_not_matter():
    flipped = [dict(s, speaker={"S1": "B", "S2": "A"}[s["speaker"]]) for s in reversed(VISIT)]
    assert assign_roles(flipped) == {"B": "clinician", "A": "patient"}


def test_questions_decide_without_keywords():
    segs = [
        seg("X", "So how long has this been going on?"),
        seg("Y", "About three days now."),
        seg("X", "Does it get worse at night?"),
        seg("Y", "Yes, a little."),
        seg("X", "Is there anything that helps?"),
        seg("Y", "Sleeping helps."),
    ]
    assert assign_roles(segs) == {"X": "clinician", "Y": "patient"}


def test_patient_questions_do_not_flip_roles():
    segs = [
        seg("P", "So the medicine is not working? When do you want to see me again?"),
        seg("D", "It is working, but not enough. I will increase your lisinopril to twenty milligrams. "
                 "I am ordering a basic metabolic panel."),
    ]
    assert assign_roles(segs) == {"P": "patient", "D": "clinician"}


def test_family_member_is_other_and_nurse_is_clinician():
    segs = [
        seg("N", "Hi, I'm the nurse. I'm going to check your blood pressure first. Your blood pressure is fine."),
        seg("D", "Hello, I am Doctor Lee. What happened?"),
        seg("P", "I fell and my knee hurts. I have been limping."),
        seg("F", "I'm her daughter. She has been falling a lot lately, and she can't remember her pills."),
        seg("D", "My assessment is a knee sprain. I recommend ice and rest. I will order an x-ray."),
    ]
    roles = assign_roles(segs)
    assert roles["D"] == "clinician"
    assert roles["P"] == "patient"
    assert roles["F"] == "other"
    assert roles["N"] == "clinician"


def test_single_speaker():
    assert assign_roles([seg("A", "My assessment is hypertension. I will increase the dose.")]) == {"A": "clinician"}
    assert assign_roles([seg("A", "I have been feeling tired and my back hurts.")]) == {"A": "patient"}
    assert assign_roles([]) == {}


def test_evidence_counts_questions():
    ev = gather_evidence(VISIT)
    assert ev["S1"].questions == 2
    assert ev["S2"].questions == 0


def test_second_clinician_is_not_taken_for_the_patient():
    """A nurse opens the visit, then the doctor asks most questions (issue 13).

    Before, the patient was "the most patient-like of the rest" (patient minus other
    evidence), so a doctor who also said "I have" / "my" once was called the patient
    whenever the nurse out-scored them as clinician.
    """
    segs = [
        seg("N", "Good morning. How long does it last for? Is it there now? Your blood pressure is fine.", 0),
        seg("P", "Yeah, it's there the whole time.", 5),
        seg("D", "Okay. I have been reading your notes. Did you have any viral illness recently?", 15),
        seg("P", "No, I think so.", 20),
        seg("D", "Any cough? Any chest pain? Do you have a temperature? I have seen this before, "
                 "I had a patient last week.", 22),
        seg("P", "Not really.", 30),
    ]
    roles = assign_roles(segs)
    assert roles["P"] == "patient"
    assert roles["N"] == roles["D"] == "clinician"


def test_relative_who_asks_one_question_stays_other():
    segs = [
        seg("D", "I am Doctor Osei. What is going on today? Any cough or rash? "
                 "I am prescribing amoxicillin, and come back in two weeks.", 0),
        seg("P", "My ear hurts a lot.", 8),
        seg("M", "He has had a fever for two days. Should we come back?", 10),
    ]
    roles = assign_roles(segs)
    assert roles == {"D": "clinician", "P": "patient", "M": "other"}


def test_takes_both_sides_needs_a_clear_clinician_and_a_clear_patient():
    from medisync.ml.diarization.roles import takes_both_sides

    def seg(spk, text):
        return {"speaker": spk, "text": text, "start": 0.0}

    doctor = seg("A", "I am Doctor Chen. How long have you had it? I recommend ibuprofen.")
    patient = seg("B", "Thank you, doctor. My back hurts and I have been tired.")
    assert takes_both_sides([doctor, patient])
    assert not takes_both_sides([doctor, seg("B", "Your blood pressure is fine. Come back in two weeks.")])
    assert not takes_both_sides([seg("A", "The sonnet was read aloud."), seg("B", "And then the second one.")])
    assert not takes_both_sides([doctor])


def test_takes_both_sides_of_a_pair_among_more_speakers_with_grammatical_person():
    """D90: the two halves of a split cluster are judged among the other speakers, counting person."""
    from medisync.ml.diarization.roles import takes_both_sides

    def seg(spk, text):
        return {"speaker": spk, "text": text, "start": 0.0}

    segs = [seg("A", "Do you get it when you walk? Do you smoke?"),
            seg("B", "I get it when I walk, I stop, I sit down, I wait and I breathe."),
            seg("C", "Hello, I will just take your blood pressure.")]
    assert not takes_both_sides(segs)  # three speakers
    assert not takes_both_sides(segs, pair=("A", "B"))  # without person: the patient side has 1
    assert takes_both_sides(segs, pair=("A", "B"), person=True)
    assert not takes_both_sides(segs, pair=("A", "D"), person=True)


def test_explaining_doctor_stays_clinician_when_the_patient_asks_the_questions():
    """D83: in the plan phase of a GP visit the patient asks and the doctor explains; the
    doctor talks to the patient ("you", "your"), the patient about themselves ("I", "my")."""
    segs = [
        seg("A", "So I think it's probably a chest infection.", 0),
        seg("A", "You can take the antibiotics twice a day for five days, and drink plenty of fluids.", 3),
        seg("B", "OK. Should I still go to work? Can I take my inhaler with them?", 9),
        seg("A", "Yeah, absolutely. If your breathing gets worse, give me a call.", 13),
        seg("B", "OK, that sounds good. Is it contagious?", 17),
        seg("A", "It can be, so just wash your hands and see how you get on.", 20),
    ]
    assert assign_roles(segs) == {"A": "clinician", "B": "patient"}


def test_thank_you_and_you_know_are_not_second_person():
    ev = gather_evidence([seg("P", "Thank you. It just, you know, stays there.")])
    assert ev["P"].clinician == 0.0


def test_sides_put_someone_speaking_for_the_patient_on_the_patient_side():
    from medisync.ml.diarization.roles import side

    assert [side(r) for r in ("clinician", "patient", "other", None)] == ["clinician", "patient", "patient", None]


def test_a_nurse_who_gives_her_name_first_is_a_clinician():
    # D107: "I'm Dana, the nurse" (the title after the name)
    segs = [
        seg("N", "Mister Okafor, I'm Dana, the nurse. Let me get your numbers before the doctor comes in.", 0),
        seg("P", "Up a few pounds since the summer, I know.", 6),
        seg("D", "Hi, I'm Doctor Reyes. Your blood work came back. How have you been feeling?", 9),
        seg("P", "Honestly, fine. No chest pain.", 14),
        seg("D", "My impression is mixed hyperlipidemia. I'd like to start rosuvastatin. Come back in three months.", 17),
    ]
    assert assign_roles(segs) == {"N": "clinician", "P": "patient", "D": "clinician"}


def test_a_relative_naming_the_doctor_is_not_a_clinician():
    segs = [
        seg("D", "Hello, I'm Doctor Brandt. What's going on? Any fever?", 0),
        seg("F", "I'm Ana, her daughter. Mom has had this burning pain since Tuesday.", 4),
        seg("P", "It feels like a band of fire. No fever.", 9),
    ]
    assert assign_roles(segs)["F"] == "other"
