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
