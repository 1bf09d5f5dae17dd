"""ICD-10-CM validation and official titles from ``simple-icd-10-cm`` (MIT; the CMS ICD-10-CM
code set), imported lazily.

Every code the generator writes must be a billable (leaf) ICD-10-CM code.  Without the package (it
is in the ``ml`` extra) the curated map is trusted as it is: ``tests/unit/ml_notes/test_icd.py``
checks every curated code against the package.
"""

from __future__ import annotations

import re
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


_SIDE_PART = re.compile(r"\bunspecified (ear|eye|knee|hip|shoulder|elbow|wrist|hand|ankle|foot|leg|arm|lung|kidney|breast|side|"
                        r"(?:ring |middle |index |little )?finger|thumb|(?:great |lesser )?toe|forearm|thigh|lower leg|upper arm|upper limb|lower limb)"
                        r"s?\b")  # fingers and toes: D244


def _title_part(code: str, part: re.Pattern[str]) -> tuple[str, re.Match[str]] | None:
    """The title of ``code`` and where ``part`` stands in it; ``None`` when either is missing."""
    cm = _cm()
    if cm is None or not cm.is_valid_item(code):  # pragma: no cover
        return None
    title: str = cm.get_description(code)
    m = part.search(title)
    return (title, m) if m is not None else None


def _sibling_titled(code: str, wanted: set[str]) -> str | None:
    """The billable code of ``code``'s category whose title is one of ``wanted``."""
    cm = _cm()
    return next((other for other in cm.get_descendants(code[:3])
                 if cm.is_leaf(other) and cm.get_description(other) in wanted), None)


@lru_cache(maxsize=4096)
def lateral_code(code: str, side: str) -> tuple[str, str] | None:
    """The sibling of an unspecified-side code for ``side`` ("right", "left", "bilateral"), as (code, part):
    H66.90 "Otitis media, unspecified, unspecified ear" + left -> (H66.92, "ear") "..., left ear"."""
    found = _title_part(code, _SIDE_PART)
    if found is None:
        return None
    title, m = found
    part = m.group(1)
    wanted = {title.replace(m.group(0), f"{side} {part}", 1)}
    if side == "bilateral":
        wanted |= {title.replace(m.group(0), "bilateral", 1), title.replace(m.group(0), f"bilateral {part}s", 1)}
    other = _sibling_titled(code, wanted)
    return (other, part) if other is not None else None


_UNSPECIFIED_LID = re.compile(r"\b(right|left) eye, unspecified eyelid\b")


@lru_cache(maxsize=4096)
def eyelid_code(code: str, lids: str) -> str | None:
    """The sibling of a sided code with an unspecified eyelid for the ``lids`` said ("upper", "lower", "upper and
    lower"): H00.016 "Hordeolum externum left eye, unspecified eyelid" + upper -> H00.014 "... left upper eyelid";
    H01.003 "... right eye, unspecified eyelid" + upper and lower -> H01.00A (D328)."""
    found = _title_part(code, _UNSPECIFIED_LID)
    if found is None:
        return None
    title, m = found
    said = f"{m.group(1)} eye, upper and lower eyelids" if lids == "upper and lower" else f"{m.group(1)} {lids} eyelid"
    return _sibling_titled(code, {title.replace(m.group(0), said, 1)})


#: parts of a title that say "nothing further specified": dropped before comparing siblings
_DEFAULT_PART = re.compile(r",? ?\b(unspecified|uncomplicated|without complications)\b")
_PAREN = re.compile(r"\s*\([^)]*\)")


def _core(title: str) -> list[str]:
    """A title's words without parentheses, punctuation and "unspecified"-like parts:
    "Unspecified asthma with (acute) exacerbation" -> [asthma, with, exacerbation]."""
    text = _DEFAULT_PART.sub("", _PAREN.sub("", title.lower()))
    return re.findall(r"[a-z0-9]+", text)


def _added_with(base: list[str], other: list[str]) -> list[str] | None:
    """The words of one "with ..." phrase that ``other`` inserts into ``base``, else None."""
    n = len(other) - len(base)
    if n < 2:
        return None
    for i in range(len(base) + 1):
        if other[:i] == base[:i] and other[i + n:] == base[i:] and other[i] == "with":
            return other[i + 1:i + n]
    return None


@lru_cache(maxsize=4096)
def qualified_siblings(code: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The billable siblings of ``code`` that add one "with ..." qualifier to its title, with that
    qualifier's words: J44.9 -> ((J44.0, lower respiratory infection), (J44.1, exacerbation));
    G43.909 -> ((G43.109, aura), ...)."""
    cm = _cm()
    if cm is None or not cm.is_valid_item(code):  # pragma: no cover
        return ()
    return _sibling_words(cm, code, _added_with)


def _sibling_words(cm: Any, code: str, added: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The billable siblings of ``code`` (same category) with the words ``added(base, other)`` finds in their
    titles' cores, where it finds any."""
    base = _core(cm.get_description(code))
    out = []
    for other in cm.get_descendants(code[:3]):
        words = added(base, _core(cm.get_description(other))) if other != code and cm.is_leaf(other) else None
        if words:
            out.append((other, tuple(words)))
    return tuple(out)


def _inserted(base: list[str], other: list[str]) -> list[str] | None:
    """The words ``other`` inserts at one place into ``base``, none of them "with" or "without", else None."""
    n = len(other) - len(base)
    for i in range(len(base) + 1) if n > 0 else ():
        if other[:i] == base[:i] and other[i + n:] == base[i:]:
            words = other[i:i + n]
            return None if {"with", "without"} & set(words) else words
    return None


@lru_cache(maxsize=4096)
def specified_siblings(code: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The billable siblings that specify an "unspecified" title by words inserted into it, with those words
    (D225): F90.9 "Attention-deficit hyperactivity disorder, unspecified type" -> ((F90.0, (predominantly,
    inattentive)), (F90.1, (predominantly, hyperactive)), (F90.2, (combined,)), ...)."""
    cm = _cm()
    if cm is None or not cm.is_valid_item(code) or "unspecified" not in cm.get_description(code).lower():
        return ()
    return _sibling_words(cm, code, _inserted)


@lru_cache(maxsize=4096)
def specified_by(code: str, other: str) -> bool:
    """``other`` specifies ``code``: an "unspecified" title of the same category whose words all stand in
    ``other``'s ("Unspecified systolic heart failure" I50.20 in "Acute on chronic systolic ..." I50.23, D225)."""
    cm = _cm()
    if cm is None or code[:3] != other[:3] or code == other or not (cm.is_valid_item(code) and cm.is_valid_item(other)):
        return False
    title = cm.get_description(code)
    return "unspecified" in title.lower() and set(_core(title)) < set(_core(cm.get_description(other)))


#: a child title that says "nothing further specified" (the code a coder picks when nothing more was said)
_UNSPECIFIED_CHILD = re.compile(r"\bunspecified\b|\bwithout complications?\b|\buncomplicated\b")


def _default_child(cm: Any, code: str) -> str | None:
    """The one child of ``code`` that adds least to what was said: the most "unspecified" parts, then no
    "with X" (ICD-10-CM's convention: "with X" needs X documented, "without X" is the default); None on a tie."""
    def adds_least(child: str) -> tuple[int, bool]:
        title = f" {cm.get_description(child).lower()} "
        return len(_UNSPECIFIED_CHILD.findall(title)), " with " not in title
    ranked = sorted(cm.get_children(code), key=adds_least, reverse=True)
    if not ranked or (len(ranked) > 1 and adds_least(ranked[0]) == adds_least(ranked[1])):
        return None
    return str(ranked[0])


@lru_cache(maxsize=4096)
def default_leaf(code: str) -> str | None:
    """The billable code a category means when nothing more is said: M77.1 "Lateral epicondylitis" ->
    M77.10 "..., unspecified elbow"; K80.2 -> K80.20 "... without obstruction".  None when no single
    child is the unspecified one (or without the package)."""
    cm = _cm()
    if cm is None or not cm.is_valid_item(code):  # pragma: no cover
        return None
    while not cm.is_leaf(code):
        child = _default_child(cm, code)
        if child is None:
            return None
        code = child
    return code


#: the codes an Excludes1 note names: "cystitis (N30.-)", "influenza ... (J09.X2, J10.1, J11.1)"
_NOTE_CODES = re.compile(r"\(([A-Z][0-9][0-9A-Z.\-, ]*)\)")


@lru_cache(maxsize=4096)
def excludes1_prefixes(code: str) -> tuple[str, ...]:
    """The code prefixes the Excludes1 notes of ``code`` and of its categories and blocks name (D205): a
    condition coded there is never coded together with ``code`` ("NOT CODED HERE")."""
    cm = _cm()
    if cm is None or not cm.is_valid_item(code):  # pragma: no cover
        return ()
    notes = [n for c in (code, *cm.get_ancestors(code)) if cm.is_valid_item(c) for n in cm.get_excludes1(c)]
    out: list[str] = []
    for note in notes:
        for group in _NOTE_CODES.findall(note):
            for part in (p.strip() for p in group.split(",") if p.strip()):
                out += _range_categories(part) or [part.rstrip("-").rstrip(".")]
    return tuple(p for p in out if len(p) >= 3)


_RANGE = re.compile(r"^([A-Z])(\d\d)-\1(\d\d)$")


def _range_categories(part: str) -> list[str]:
    """"G43-G44" -> ["G43", "G44"]; [] for anything else."""
    m = _RANGE.match(part)
    return [f"{m.group(1)}{n:02d}" for n in range(int(m.group(2)), int(m.group(3)) + 1)] if m else []


def excluded_by(code: str, others: list[str]) -> bool:
    """An Excludes1 note joins ``code`` and another coded condition (the two are not coded together): a symptom
    (R) code gives way to a diagnosis, whichever note names the pair (R51.9 headache beside G44.209 tension-type
    headache); between two diagnoses the one whose note names the other gives way to it (N39.0 "UTI, site not
    specified" beside N30.00 acute cystitis); two that name each other both stay."""
    for other in others:
        names_other, names_code = other.startswith(excludes1_prefixes(code)), code.startswith(excludes1_prefixes(other))
        if other == code or not (names_other or names_code):
            continue
        if code.startswith("R") != other.startswith("R"):
            if code.startswith("R"):
                return True
        elif names_other and not names_code:
            return True
    return False
