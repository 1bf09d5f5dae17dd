"""D214: "pulse ox" is the oxygen saturation; its number is no heart rate.  Phrasings written for this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(("said", "vitals"), [
    ("Pulse ox is 94%.", {"spo2": 94}),
    ("Pulse 88, pulse ox 97 percent.", {"heart_rate": 88, "spo2": 97}),
    ("Pulse is 72.", {"heart_rate": 72}),
])
def test_pulse_ox_is_no_pulse(said: str, vitals: dict[str, int]) -> None:
    found = insights(("D", said))["vitals"]
    assert {k: v for k, v in found.items() if v is not None} == vitals
