"""Drugs that are not the patient's, in more words (D312): a companion's "take my Nexium", then the clinician's "keep
your Nexium for yourself"; a friend's pill named in the next sentence; "Is there a pill?" "There is, fluconazole."."""
from __future__ import annotations

from ._dialogue import medication_map


def test_a_companions_own_drug_offered_is_not_listed() -> None:
    got = medication_map(("D", "What have you tried?"),
                         ("F", "I told her to take my Nexium. I've got a whole bottle in the cabinet."),
                         ("D", "That's kind of you, but keep your Nexium for yourself. I don't think this is acid."))
    assert "esomeprazole" not in got


def test_a_friends_pill_named_next_is_not_listed() -> None:
    got = medication_map(("P", "My friend Marjorie takes a pill for this. Oxybutynin, I think."),
                         ("D", "Oxybutynin works, but it can fog the memory, so I'd rather avoid it. I'm starting "
                               "mirabegron, twenty five milligrams, once a day."))
    assert list(got) == ["mirabegron"]


def test_a_drug_that_exists_is_not_given() -> None:
    got = medication_map(("P", "Is there a pill instead?"),
                         ("D", "There is, fluconazole. But the shampoo works just as well, so we'll keep the pill in "
                               "our back pocket."))
    assert "fluconazole" not in got


def test_the_same_drug_prescribed_with_its_regimen_stays() -> None:
    got = medication_map(("F", "I told him to just take some of my Lamisil pills. I take them for my toenail fungus."),
                         ("D", "Terbinafine cream, one percent. Rub it between the toes twice a day."))
    assert got["terbinafine"] == ("1%", "twice daily")


def test_my_mom_said_take_it_is_the_patients() -> None:
    assert "acetaminophen" in medication_map(("P", "My mom said take the Tylenol, so I take Tylenol every night."))
