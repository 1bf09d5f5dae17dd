"""D137: vital signs heard again with numbers spelt, and which stretches of the second decoding are taken.

The second decodings below are what Whisper base answered with the vitals prompt on recorded tune visits
(the real pass runs in tests/integration/test_speech_pipeline.py); what is tested is which answers are
trusted and which stretches are taken.
"""

from __future__ import annotations

import numpy as np

from medisync.ml.asr.whisper import AsrResult, AsrSegment, AsrWord
from medisync.ml.drug_restore import array_clips
from medisync.ml.notes.review import restored_review
from medisync.ml.notes.text import build_turns
from medisync.ml.notes.vitals import read_statement
from medisync.ml.vitals_restore import VITALS_PROMPT, restore_vitals, splice


def _words(text: str, doubted: dict[str, float] | None = None, p: float = 0.95) -> list[AsrWord]:
    out, t = [], 0.0
    for w in text.split():
        out.append(AsrWord(t, t + 0.3, " " + w, (doubted or {}).get(w.strip(",."), p)))
        t += 0.3
    return out


def _text(words: list[AsrWord]) -> str:
    return "".join(w.word for w in words).strip()


def _read(words: list[AsrWord]) -> dict:
    return {k: v for k, v in read_statement(_text(words)).items() if v is not None}


def test_a_reading_heard_as_other_words_is_completed():
    old = _words("Your blood pressure is when 18 over 74, heart rate 68, but your describing sounds like chronic insomnia.",
                 {"when": 0.64})
    new = _words("Your blood pressure is one eighteen over seventy-four, heart rate sixty-eight, but your "
                 "describing sounds like chronic insomnia.", p=0.5)
    assert _read(old) == {"heart_rate": 68}
    out = splice(old, new)
    assert _read(out) == {"bp_systolic": 118, "bp_diastolic": 74, "heart_rate": 68}
    # only the stretch that reads better is taken; it says what was first heard
    assert [w.heard for w in out if w.heard] == ["when 18", "when 18"]
    assert _text(out).endswith("over 74, heart rate 68, but your describing sounds like chronic insomnia.")


def test_a_number_is_taken_whole():
    old = _words("Blood pressure is 132 already 4, pulse 76 and you weigh 200 and 9 pounds.",
                 {"already": 0.46, "4": 0.42})
    new = _words("Blood pressure is one thirty-two over eighty-four, pulse seventy-six, and you weigh two "
                 "hundred and nine pounds.", p=0.6)
    out = splice(old, new)
    assert "one thirty-two over eighty-four," in _text(out)
    assert _read(out)["bp_systolic"] == 132 and _read(out)["bp_diastolic"] == 84


def test_a_doubted_value_is_corrected_and_a_clear_one_kept():
    old = _words("Your blood pressure is 180 over 72, plus 76, and you weigh 132 pounds.", {"180": 0.17, "plus": 0.53, "you": 0.40})
    new = _words("Your blood pressure is one hundred-eighteen over seventy-two, pulse seventy-six, and your "
                 "weight one hundred forty-two pounds.", p=0.7)
    out = splice(old, new)
    assert _read(out) == {"bp_systolic": 118, "bp_diastolic": 72, "heart_rate": 76, "weight_kg": 59.9}


def test_a_clearly_heard_value_is_not_changed():
    old = _words("Your blood pressure is 180 over 72, and your neurological exam is normal.")
    new = _words("The odd blood pressure is one hundred eighty-one over seventy-two, and the odd exam is normal.")
    assert splice(old, new) is old


def test_a_clearly_heard_word_is_not_replaced():
    old = _words("Your temperature is 36.8, blood pressure 138 over 88, and pulse high in teeth. That's higher",
                 {"high": 0.53, "in": 0.18, "teeth": 0.12, "That's": 0.61, "higher": 0.98})
    new = _words("Your temperature is thirty-six point eight, blood pressure one thirty-eight over eighty-eight, "
                 "and pulse ninety-nine pounds.")
    assert splice(old, new) is old


def test_a_stretch_that_loses_a_reading_is_not_taken():
    old = _words("pulse sixty-six, and your weight is eight kilos.", {"eight": 0.48})
    new = _words("Pulse sixty-six, and weighty eight pounds.")
    assert _read(splice(old, new)) == _read(old) == {"heart_rate": 66, "weight_kg": 8}


def test_words_added_after_the_reading_are_not_taken():
    old = _words("Your blood pressure is one twenty-two of a seventy-six,", {"of": 0.5, "a": 0.36})
    new = _words("Your blood pressure is one twenty two over seventy-six. Thanks.")
    out = splice(old, new)
    assert _read(out) == {"bp_systolic": 122, "bp_diastolic": 76}
    assert "Thanks" not in _text(out)


def test_a_decoding_that_repeats_the_prompt_is_discarded():
    old = _words("temperature was 39.")
    new = _words("Take his temperature was thirty-nine point one, weight one sixty-nine point one, weight one "
                 "eighty-nine point one, weight one eighty-nine point one,")
    assert splice(old, new) is old


def test_a_number_of_the_prompt_is_never_taken():
    assert "one forty-six over ninety-one" in VITALS_PROMPT
    old = _words("Your blood pressure is fine today,")
    new = _words("Your blood pressure is one forty-six over ninety-one today,")
    assert splice(old, new) is old


def test_a_reading_already_right_is_left_as_heard():
    old = _words("Your temperature is 37.2, your oxygen saturation is 91%, and you are breathing 22 times a minute.")
    new = _words("Your temperature is thirty-seven point two, your oxygen saturation is ninety-one percent, and "
                 "you are breathing twenty-two times a minute.")
    assert splice(old, new) is old


def _result(text: str, doubted: dict[str, float]) -> AsrResult:
    words = _words(text, doubted)
    segs = [AsrSegment(0.0, 2.0, " Do you have any pain today?", _words("Do you have any pain today?")),
            AsrSegment(2.5, 2.5 + words[-1].end, _text(words), words)]
    return AsrResult("en", 10.0, segs, "faster-whisper/base", "test")


def test_only_segments_naming_a_vital_are_decoded_again_and_the_change_is_listed_for_review():
    asked: list[int] = []

    def decode(clip: np.ndarray, n_words: int) -> list[AsrWord]:
        asked.append(n_words)
        return _words("Your blood pressure is one twenty-six over seventy-eight,", p=0.8)

    heard = _result("Your blood pressure is on 26 over 78,", {"on": 0.68})
    out, done = restore_vitals(heard, array_clips(np.zeros(16000 * 10, dtype=np.float32)), decode)
    assert asked == [8]
    assert out.segments[0] is heard.segments[0]
    assert [(r.segment, r.heard) for r in done] == [(1, "Your blood pressure is on 26 over 78,")]
    seg = out.segments[1]
    assert seg.words[4].start >= 2.3  # the second decoding's times are placed in the recording
    transcript = {"text": seg.text, "segments": [{
        "start": seg.start, "end": seg.end, "speaker": "S1", "role": "clinician", "text": seg.text,
        "words": [{"start": w.start, "end": w.end, "word": w.word.strip(), "probability": w.probability,
                   **({"heard": w.heard, "restored": w.restored} if w.heard else {})} for w in seg.words]}]}
    assert {w.restored for w in seg.words if w.heard} == {"vital"}
    items = restored_review(build_turns(transcript))
    assert [(i["kind"], i["heard"], i["candidates"][0]["name"]) for i in items] == [
        ("vital", "on 26", "one twenty-six")]
