"""Review-of-systems findings from HPO the lexicon lacked: hallucinations, photopsia, clumsiness, word-finding
difficulty, tunnel vision, ice craving (D343)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_denied_hallucinations_and_flashes() -> None:
    got = symptom_map(insights(("D", "Any hallucinations, seeing things that aren't there?"), ("P", "No, nothing like that."),
                               ("D", "Any flashes of light?"), ("P", "No flashes.")))
    assert (got["hallucinations"][0], got["photopsia"][0]) == (False, False)


def test_told_word_finding_and_clumsiness() -> None:
    got = symptom_map(insights(("D", "What's going on?"),
                               ("P", "I'll be talking and the word just isn't there. And I've been so clumsy.")))
    assert (got["word-finding difficulty"][0], got["clumsiness"][0]) == (True, True)


def test_ice_craving_and_tunnel_vision() -> None:
    got = symptom_map(insights(("D", "Do you crave ice?"), ("P", "Oh my gosh, yes. I chew ice all day."),
                               ("D", "And before you fainted?"), ("P", "Everything went gray, like tunnel vision.")))
    assert (got["ice craving"][0], got["tunnel vision"][0]) == (True, True)
