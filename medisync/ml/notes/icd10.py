"""ICD-10-CM validation and official titles from ``simple-icd-10-cm`` (MIT; the CMS ICD-10-CM
code set), imported lazily.

Every code the generator writes must be a billable (leaf) ICD-10-CM code.  Without the package (it
is in the ``ml`` extra) the curated map is trusted as it is: ``tests/unit/ml_notes/test_icd.py``
checks every curated code against the package.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _cm() -> Any | None:
    try:
        import simple_icd_10_cm as cm
    except ImportError:  # pragma: no cover - depends on the install
        return None
    return cm


@lru_cache(maxsize=4096)
def is_billable(code: str) -> bool:
    """True when ``code`` is a valid, billable ICD-10-CM code (or the package is absent)."""
    cm = _cm()
    if cm is None:  # pragma: no cover
        return True
    return bool(cm.is_valid_item(code) and cm.is_leaf(code))


@lru_cache(maxsize=4096)
def icd10_title(code: str) -> str | None:
    """The official ICD-10-CM title of ``code`` ("I10" -> "Essential (primary) hypertension")."""
    cm = _cm()
    if cm is None or not cm.is_valid_item(code):  # pragma: no cover
        return None
    title: str = cm.get_description(code)
    return title


_SIDE_PART = __import__("re").compile(r"\bunspecified (ear|eye|knee|hip|shoulder|elbow|wrist|hand|ankle|foot|leg|arm|lung|kidney|breast|side)s?\b")


@lru_cache(maxsize=4096)
def lateral_code(code: str, side: str) -> tuple[str, str] | None:
    """The sibling of an unspecified-side code for ``side`` ("right", "left", "bilateral"), as (code, part):
    H66.90 "Otitis media, unspecified, unspecified ear" + left -> (H66.92, "ear") "..., left ear"."""
    cm = _cm()
    if cm is None or not cm.is_valid_item(code):  # pragma: no cover
        return None
    title: str = cm.get_description(code)
    m = _SIDE_PART.search(title)
    if m is None:
        return None
    part = m.group(1)
    wanted = {title.replace(m.group(0), f"{side} {part}", 1)}
    if side == "bilateral":
        wanted |= {title.replace(m.group(0), "bilateral", 1), title.replace(m.group(0), f"bilateral {part}s", 1)}
    for other in cm.get_descendants(code[:3]):
        if cm.is_leaf(other) and cm.get_description(other) in wanted:
            return other, part
    return None
