"""D92's symptom proxy: extracted present symptoms against the scribe's history and review of systems."""

from __future__ import annotations

from medisync.ml.notes.evaluation import symptom_agreement

NOTE = """CHIEF COMPLAINT

Knee pain.

HISTORY OF PRESENT ILLNESS

The patient reports nausea and a 10 pound weight gain. He denies fever.

REVIEW OF SYSTEMS

• Gastrointestinal: Endorses heartburn.

PHYSICAL EXAMINATION

Mild swelling of the knee. Cough on exam.
"""


def test_counts_concepts_of_the_history_only_and_not_what_is_denied():
    extracted = [{"name": "nausea", "present": True}, {"name": "fever", "present": True},
                 {"name": "cough", "present": True}, {"name": "weight gain", "present": False}]
    counts = symptom_agreement(extracted, NOTE)
    # nausea agrees; fever (denied) and cough (exam only) are not the scribe's history; weight gain
    # and heartburn were not extracted as present
    assert (counts.tp, counts.fp, counts.fn) == (1, 2, 2)


def test_a_note_without_history_sections_counts_every_extraction_as_unconfirmed():
    counts = symptom_agreement([{"name": "nausea", "present": True}], "ASSESSMENT AND PLAN\n\nKnee pain.\n")
    assert (counts.tp, counts.fp, counts.fn) == (0, 1, 0)
