"""D119: a symptom heard in a word the recogniser doubts (ASR probability below MIN_WORD_PROBABILITY) is no
finding.  heldout-02's "He has been using his elbow while in pain" (pain at 0.16) was "elbow pain"; the
same words heard with confidence still are.  Phrasings written for this test."""

from __future__ import annotations

from medisync.ml.notes import ExtractiveNoteGenerator
from medisync.ml.notes.text import build_turns


def _heard(pain_probability: float) -> dict:
    words = [("What", 0.9), ("brings", 0.9), ("you", 0.9), ("in?", 0.9)]
    said = [("My", 0.9), ("elbow", 0.9), ("is", 0.9), ("in", 0.9), ("pain", pain_probability),
            ("and", 0.9), ("I", 0.9), ("have", 0.9), ("a", 0.9), ("cough.", 0.9)]

    def seg(start: float, role: str, ws: list[tuple[str, float]]) -> dict:
        return {"speaker": role, "role": role, "start": start, "end": start + 2.0,
                "text": " ".join(w for w, _ in ws),
                "words": [{"word": w, "start": start, "end": start + 0.1, "probability": p} for w, p in ws]}
    return {"language": "en", "segments": [seg(0.0, "clinician", words), seg(2.5, "patient", said)]}


def _symptoms(transcript: dict) -> set[str]:
    return {s["name"] for s in ExtractiveNoteGenerator().generate(transcript)["insights"]["symptoms"]}


def test_a_symptom_in_a_doubted_word_is_no_finding() -> None:
    assert _symptoms(_heard(0.16)) == {"cough"}


def test_the_same_words_heard_clearly_are_a_finding() -> None:
    assert _symptoms(_heard(0.9)) == {"elbow pain", "cough"}


def test_each_token_takes_the_probability_of_the_word_that_holds_it() -> None:
    sentence = next(s for t in build_turns(_heard(0.16)) for s in t.sentences if s.role == "patient")
    assert sentence.tok_probs[sentence.toks.index("pain")] == 0.16
    assert sentence.heard_below(0, len(sentence.toks), 0.35)
    assert not sentence.heard_below(0, sentence.toks.index("pain"), 0.35)
