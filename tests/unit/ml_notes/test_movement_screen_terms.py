"""The screening questions of a tremor visit: slowness, a shuffling walk, a shaky voice, acting out dreams, a
changed sense of smell (HPO: Bradykinesia, Shuffling gait, REM sleep behavior disorder, Anosmia; D330)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_slowness_and_shuffling_denied() -> None:
    got = symptom_map(insights(("P", "My hands shake."),
                               ("D", "Are you moving more slowly than you used to? Any stiffness? Is your walking "
                                     "different, shorter steps, shuffling?"),
                               ("P", "No. I still walk three miles with the dog every morning. I'm not stiff, "
                                     "and I don't shuffle.")))
    assert got["slowness of movement"] == (False, None)
    assert got["shuffling walk"] == (False, None)
    assert got["stiffness"] == (False, None)


def test_a_shaky_voice_told() -> None:
    got = symptom_map(insights(("P", "My hands shake."), ("D", "Any shakiness when you talk?"),
                               ("P", "Yes, my voice shakes on the phone.")))
    assert got["shaky voice"] == (True, None)


def test_acting_out_dreams_denied() -> None:
    got = symptom_map(insights(("P", "My hands shake."), ("D", "Does he act out his dreams, punching in his sleep?"),
                               ("F", "No, never.")))
    assert got["acting out dreams"] == (False, None)


def test_smell_fine() -> None:
    got = symptom_map(insights(("P", "My hands shake."), ("D", "Has your sense of smell changed?"),
                               ("P", "No, I can smell just fine.")))
    assert got["loss of taste or smell"] == (False, None)
