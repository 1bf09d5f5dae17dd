"""D91: drug names restored by a second, biased decoding, and the guards that refuse a biased decoding.

The decoder here replays what a second decoding could answer (the real one is Whisper with hotwords,
exercised in tests/integration/test_speech_pipeline.py); what is tested is which answers are trusted.
"""

from __future__ import annotations

import numpy as np

from medisync.ml.asr.whisper import AsrResult, AsrSegment, AsrWord
from medisync.ml.drug_restore import RestoreSettings, accept, array_clips, restore_drugs, segment_candidates

SETTINGS = RestoreSettings()


def _words(text: str, low: tuple[str, ...] = ()) -> list[AsrWord]:
    out, t = [], 0.0
    for w in text.split():
        out.append(AsrWord(t, t + 0.3, " " + w, 0.2 if w.strip(",.?") in low else 0.95))
        t += 0.3
    return out


def _result(text: str, low: tuple[str, ...]) -> AsrResult:
    words = _words(text, low)
    return AsrResult("en", 10.0, [AsrSegment(0.0, words[-1].end, "".join(w.word for w in words), words)],
                     "faster-whisper/base", "test")


def _decoder(answer: str, seen: list[str] | None = None):
    def decode(clip: np.ndarray, hotwords: str, n_words: int) -> list[str]:
        if seen is not None:
            seen.append(hotwords)
        return [" " + w for w in answer.split()]
    return decode


AUDIO = array_clips(np.zeros(16000 * 10, dtype=np.float32))
HEARD = "Are you still taking met for me 500 milligrams twice a day?"


def test_low_confidence_words_that_sound_like_a_drug_propose_it():
    assert "metformin" in segment_candidates(_words(HEARD, ("met", "for", "me")), SETTINGS)


def test_confident_words_propose_nothing_and_are_not_decoded_again():
    seen: list[str] = []
    result, done = restore_drugs(_result(HEARD, ()), AUDIO, _decoder("anything", seen))
    assert seen == [] and done == [] and result.segments[0].text == " " + HEARD


def test_a_restored_name_keeps_the_times_and_says_what_was_heard():
    result, done = restore_drugs(_result(HEARD, ("met", "for", "me")), AUDIO,
                                 _decoder("Are you still taking metformin 500mg twice a day?"))
    seg = result.segments[0]
    assert seg.text == " Are you still taking metformin 500 milligrams twice a day?"
    restored = [w for w in seg.words if w.heard]
    assert [(w.word, w.heard, w.restored) for w in restored] == [(" metformin", "met for me", "medication")]
    assert (restored[0].start, restored[0].end) == (1.2, 2.1)
    assert [(d.drug, d.heard) for d in done] == [("metformin", "met for me")]


def test_a_decoding_that_repeats_a_hotword_is_refused():
    old = _words("Got it. Thanks, doctor.", ("Got", "it"))
    assert accept(old, [" docusate", " docusate"], ["docusate"], SETTINGS) is None


def test_a_decoding_that_rewrites_the_segment_is_refused():
    old = _words("Carlos, if he still has a fever in 3 days", ("Carlos",))
    new = [" " + w for w in "Allos 50 Steel tadalafil in three days".split()]
    assert accept(old, new, ["tadalafil"], SETTINGS) is None


def test_an_unknown_word_beside_the_drug_is_refused():
    old = _words("apply triams in an only 0.1% twice daily", ("triams",))
    new = [" " + w for w in "apply tritamcinolone clotrimazole 0.1% twice daily".split()]
    assert accept(old, new, ["triamcinolone", "clotrimazole"], SETTINGS) is None


def test_words_that_sound_more_like_another_candidate_are_refused():
    old = _words("I take list in april every day", ("list", "in", "april"))
    new = [" " + w for w in "I take fosinopril every day".split()]
    assert accept(old, new, ["lisinopril", "fosinopril"], SETTINGS) is None
    assert accept(old, [" I", " take", " lisinopril", " every", " day"], ["lisinopril", "fosinopril"],
                  SETTINGS) == (2, 5, "lisinopril")


def test_words_that_do_not_sound_like_the_drug_are_refused():
    old = _words("I have a cough every day", ("cough",))
    assert accept(old, [" I", " have", " a", " codeine", " every", " day"], ["codeine"], SETTINGS) is None


def test_a_drug_already_named_in_the_segment_is_not_restored_twice():
    old = _words("keep the metformin and the met form", ("met", "form"))
    new = [" " + w for w in "keep the metformin and the metformin".split()]
    assert accept(old, new, ["metformin"], SETTINGS) is None


def test_a_drug_inside_a_changed_block_is_taken_when_its_neighbours_sound_like_what_was_heard():
    # D97: "prescriby" pairs with "prescribing"; only the drug is taken, "prescribing" stays
    old = _words("I am prescribing amoxysilinate 100 milligrams", ("amoxysilinate",))
    new = [" " + w for w in "I am pre-scriby amoxicillin it 100 milligrams".split()]
    assert accept(old, new, ["amoxicillin"], SETTINGS) == (3, 4, "amoxicillin")


def test_a_drug_inside_a_changed_block_beside_a_new_word_is_refused():
    old = _words("I am prescribing amoxysilinate 100 milligrams", ("amoxysilinate",))
    new = [" " + w for w in "I am stopping amoxicillin 100 milligrams".split()]
    assert accept(old, new, ["amoxicillin"], SETTINGS) is None


def test_a_long_mishearing_of_one_drug_is_replaced_whole():
    old = _words("I will increase the level of the rock sign to 75 micrograms", ("level", "rock", "sign"))
    new = [" " + w for w in "I will increase levothyroxine to 75 micrograms".split()]
    assert accept(old, new, ["pitavastatin", "levothyroxine"], SETTINGS) == (3, 9, "levothyroxine")


def test_low_confidence_words_that_sound_like_a_condition_propose_it():
    # D99: condition names are hotwords too
    from medisync.ml.condition_candidates import condition_candidates
    words = _words("my assessment is the topic dermatitis today", ("topic",))
    assert condition_candidates(words, 0.7, 0.85)[0] == "atopic dermatitis"


def test_a_condition_name_heard_or_confident_words_propose_no_condition():
    from medisync.ml.condition_candidates import condition_candidates
    assert condition_candidates(_words("this is hypertension today", ("hypertension",)), 0.7, 0.85) == []
    assert condition_candidates(_words("the topic dermatitis", ()), 0.7, 0.85) == []
    assert condition_candidates(_words("your blood pressure is fine", ("your",)), 0.7, 0.85) == []


def test_a_condition_name_across_a_changed_block_and_a_word_heard_right_is_restored():
    old = _words("my assessment in the topic dermatitis, stop the cream", ("topic",))
    new = [" " + w for w in "My assessment in atopic dermatitis. Stop the cream.".split()]
    assert accept(old, new, ["atopic dermatitis"], SETTINGS) == (3, 6, "atopic dermatitis")


def test_a_name_that_only_adds_a_word_is_refused():
    old = _words("your blood pressure is 180 over 72", ("your",))
    new = [" " + w for w in "high blood pressure is 180 over 72".split()]
    assert accept(old, new, ["high blood pressure"], SETTINGS) is None


def test_a_candidate_inside_a_longer_word_is_not_already_named():
    old = _words("the insulinoma and the in solar pump", ("in", "solar"))
    new = [" " + w for w in "the insulinoma and the insulin pump".split()]
    assert accept(old, new, ["insulin"], SETTINGS) == (4, 6, "insulin")


def test_a_brand_heard_is_offered_by_its_brand_name_before_its_generic_name():
    """D109: the biased decoding can only say a name it is given; "clarity in" is Claritin."""
    cands = segment_candidates(_words("I take clarity in 10 milligrams every morning", ("clarity", "in")), SETTINGS)
    assert cands.index("claritin") < cands.index("loratadine")


def test_a_generic_heard_is_offered_without_a_brand_that_sounds_no_closer():
    cands = segment_candidates(_words(HEARD, ("met", "for", "me")), SETTINGS)
    assert cands[0] == "metformin" and "glucophage" not in cands


def test_a_brand_restored_is_written_as_said_and_its_generic_is_no_rival():
    old = _words("I take clarity in 10 milligrams every morning", ("clarity", "in"))
    new = [" " + w for w in "I take claritin 10 milligrams every morning".split()]
    assert accept(old, new, ["claritin", "loratadine", "clarithromycin"], SETTINGS) == (2, 4, "claritin")


def test_another_drug_that_sounds_closer_still_refuses_the_change():
    old = _words("I take clarity in 10 milligrams every morning", ("clarity", "in"))
    new = [" " + w for w in "I take clarithromycin 10 milligrams every morning".split()]
    assert accept(old, new, ["claritin", "loratadine", "clarithromycin"], SETTINGS) is None


def test_the_generic_of_the_brand_restored_is_no_rival_even_when_it_sounds_closer():
    """'thromacin' sounds more like azithromycin than like Zithromax, the name the decoding said: one drug."""
    old = _words("I had a bad rash from thromacin a couple of years back", ("thromacin",))
    new = [" " + w for w in "I had a bad rash from zithromax a couple of years back".split()]
    assert accept(old, new, ["zithromax", "azithromycin"], SETTINGS) == (6, 7, "zithromax")
    assert accept(old, new, ["zithromax", "clarithromycin"], SETTINGS) is None


def test_numbers_written_otherwise_by_the_second_decoding_are_no_disagreement():
    # D114: heldout-02's second decoding wrote "100mg ... 7 days" for "100 milligrams ... seven days";
    # compared word by word the two agreed at 0.53 and the drug was refused
    old = _words("and docs are cycling 100 milligrams twice daily for seven days", ("docs", "cycling"))
    new = [" " + w for w in "and doxycycline 100mg twice daily for 7 days".split()]
    assert accept(old, new, ["docusate", "tetracycline", "doxycycline"], SETTINGS) == (1, 4, "doxycycline")


def test_rivals_the_letters_cannot_tell_apart_leave_the_choice_to_the_decoding():
    """'no prezole' is 0.807 like pantoprazole and lansoprazole, 0.795 like omeprazole: a tie within the
    margin of D151, so the decoding that was offered all three and said omeprazole is taken."""
    old = _words("and no prezole twenty milligrams before breakfast", ("no", "prezole"))
    new = [" " + w for w in "and omeprazole twenty milligrams before breakfast".split()]
    cands = ["pantoprazole", "lansoprazole", "omeprazole"]
    assert accept(old, new, cands, SETTINGS) == (1, 3, "omeprazole")
    assert accept(old, new, cands, RestoreSettings(tie_margin=0.0)) is None
