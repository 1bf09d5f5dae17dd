"""The AI's medication facts can be sent back as they are (D89's ``source`` is part of the schema)."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from medisync.interface.http.schemas import NoteMedicationSchema


def test_an_extracted_medication_round_trips() -> None:
    med = {"name": "lisinopril", "dose": "20 mg", "frequency": "once daily", "status": "active",
           "match_confidence": 1.0, "source": "plan"}
    assert NoteMedicationSchema().load(med) == med


def test_an_unknown_source_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        NoteMedicationSchema().load({"name": "lisinopril", "source": "guessed"})
    assert "source" in raised.value.messages
