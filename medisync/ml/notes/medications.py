"""Medications (regimen after the visit) and drug allergies.

Medication events are read in dialogue order.  Each drug mention gets

* a dose: "N mg|mcg|units|puffs|..." right after the name (or "N mg of X"
  before it); after "to" the *new* dose of a change ("increase ... to 20 mg");
* a frequency: "twice a day" -> "twice daily", "every 8 hours", "at bedtime",
  "+ as needed", "+ with food";
* an action from the words between the previous drug (or clause start) and
  the name: stop / change / continue / start / report.

Status after the visit:
    stop by the clinician            -> stopped (old regimen kept)
    increase/decrease/new dose       -> changed (new dose/frequency)
    start / prescribe / "take X" for a drug the patient was not on -> new
    otherwise                         -> active

A dose with no drug name in its clause ("Ten milligrams once a day") belongs
to the most recently mentioned drug, unless it just repeats a regimen already
recorded ("Okay, one thousand milligrams twice a day").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable

from medisync.application.ports import Allergy, Medication

from .adverse import adverse_allergens, affirmed_reactions, cannot_take_before, relieves
from .context import Assertion, assess, scopes
from .spoken_for import CHILD_TAG, PERSONS
from .drugs import DOSE_UNITS, SAFE_FUZZY, DrugMention, find_drugs, mg_in_class_range
from .lexicon import Drug, allergy_lexicon, drug_lexicon, symptom_lexicon
from .numbers import is_number
from .text import Sentence, Turn

_STOP = ("stop", "stopping", "discontinue", "discontinuing", "quit", "hold", "holding", "come off", "get off",
         "no longer take", "go off", "stopped", "discontinued", "cut out")
_UP = ("increase", "increasing", "raise", "raising", "bump up", "go up", "double", "doubling", "up your", "higher dose",
       "bumping up", "titrate up")
_DOWN = ("decrease", "decreasing", "reduce", "reducing", "lower", "lowering", "cut back", "cut down", "taper", "halve",
         "limit", "limiting",  # "let's limit the ibuprofen to twice a week" (D188)
         *(f"cut {it} {way}" for it in ("it", "them", "that") for way in ("back", "down")),  # D157
         "go down", "lower dose")
_CHANGE = ("change", "changing", "adjust", "adjusting", "switch your dose")
_CONTINUE = ("continue", "continuing", "keep", "stay on", "remain on", "refill", "refilling", "keep taking",
             "keep using", "same dose", "no changes",
             *(f"{verb} {who} on" for verb in ("continue", "keep") for who in ("you", "him", "her", "them")))
_START = ("start", "starting", "begin", "prescribe", "prescribing", "put you on", "give you", "giving you", "send in",
          "sending", "new prescription", "add", "adding", "try", "trying", "recommend", "want you to take",
          "would like you to take", "going to have you take", "take", "use", "you can take", "switch", "switching",
          "instead", "restart", "resume", "apply", "can have", "may have", "may take", "can use", "can give",
          "what you need is", "what he needs is", "what she needs is",  # D338
          "the treatment is", "the treatment for this is", "the treatment will be", "the best treatment is",  # D342
          *(f"{verb} {who} on" for verb in ("start", "starting", "put", "putting")
            for who in ("you", "him", "her", "them")))
_REPORT = ("taking", "take", "takes", "took", "on", "using", "use", "been on", "i am on", "still")

_UNIT_OUT = {"mg": "mg", "mcg": "mcg", "g": "g", "units": "units", "ml": "ml", "puff": "puffs", "puffs": "puffs",
             "tablet": "tablet", "tablets": "tablets", "pill": "tablet", "pills": "tablets", "capsule": "capsule",
             "capsules": "capsules", "tab": "tablet", "tabs": "tablets", "drop": "drop", "drops": "drops",
             "spray": "spray", "sprays": "sprays", "patch": "patch", "patches": "patches",
             "tablespoon": "tablespoon", "tablespoons": "tablespoons", "teaspoon": "teaspoon", "teaspoons": "teaspoons"}

_WEEKDAY = r"(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday)"
_FREQ = [
    # "twice a week" / "twice a month" were read as "twice daily" (D188)
    (re.compile(r"\btwice\s+(?:a|per|each|every)\s+week\b|\btwice weekly\b"), "2 times a week"),
    (re.compile(r"\btwice\s+(?:a|per|each|every)\s+month\b|\btwice monthly\b"), "2 times a month"),
    (re.compile(r"\b(?:once|1 time|one time)\s+(?:a|per|each|every)\s+month\b|\bmonthly\b|\bevery month\b"), "once monthly"),
    (re.compile(r"\b(once|1 time|one time)\s+(a|per|each|every)\s+day\b|\bonce daily\b|\bevery day\b|\beach day\b|\bdaily\b|\bqd\b|\ba day\b(?<!times a day)|\bevery morning\b|\beach morning\b"
                r"|\bin the morning\b"), "once daily"),  # "20 mg in the morning" (D220); D206 first on a tie
    (re.compile(r"\btwice\s+(a|per|each|every)\s+day\b|\btwice daily\b|\b2 times\s+(a|per|each|every)\s+day\b|\bbid\b|\bb i d\b|\btwice\b(?!\s+(?:(?:a|per|each|every)\s+(?:week|month|year)|weekly|monthly|yearly))"),
     "twice daily"),
    (re.compile(r"\b3 times\s+(a|per|each|every)\s+day\b|\bthree times daily\b|\btid\b|\bt i d\b"), "three times daily"),
    (re.compile(r"\b4 times\s+(a|per|each|every)\s+day\b|\bqid\b"), "four times daily"),
    (re.compile(r"\bevery other day\b"), "every other day"),
    (re.compile(r"\bonce\s+(a|per|each|every)\s+week\b|\bweekly\b|\bevery week\b"), "once weekly"),
    (re.compile(r"\b(at|before)\s+bed\s*time\b|\bat bedtime\b|\bbefore bed\b|\bat night\b|\bnightly\b|\bevery night\b|\beach night\b|\bqhs\b|\bevery evening\b|\bin the evening\b"), "at bedtime"),
    # one day of the week: "seventy milligrams on Sunday mornings", "every Monday" (D350)
    (re.compile(r"\b(?:every|each) " + _WEEKDAY + r"\b|\bon " + _WEEKDAY + r"s\b|\b" + _WEEKDAY
                + r" (?:mornings|nights|evenings)\b"), "once weekly"),
    # a single dose: "two of the 500 mg tablets, together, one time only", "as a single dose" (D346)
    (re.compile(r"\b(?:1|one) time only\b|\bonly (?:1|one) time\b|\bas a single dose\b|\bin a single dose\b|\bonce only\b"),
     "once"),
]
_EVERY_H = re.compile(r"\bevery\s+(\d+)(?:\s+(?:to|or)\s+(\d+))?\s+hours?\b")
#: "3 times daily", "5 times a day", "thrice daily": the text's numbers are digits by now (D206); "2 to 3 times a
#: day" is that range; "4 or 5 times a day" is how often something was used, not a schedule
_TIMES_DAILY = re.compile(r"(?<!\d or )\b(?:(?:(?P<low>\d+) to )?(?P<n>\d+) times (?:daily|(?:a|per|each|every) day)"
                          r"|thrice (?:daily|(?:a|per|each|every) day)|(?P<m>\d+) times in (?:a|one) day)\b")
#: "two days a week" (D177), "3 times weekly", "2 times a month" (D206)
_PER_WEEK = re.compile(r"\b(\d+) (days?|times) (?:(?:a|per|each|every) (?P<unit>week|month)|(?P<adverb>weekly|monthly))\b")
#: "every 2 weeks", "every 3 months" (D188), "every 3 days" (D206)
_EVERY_N = re.compile(r"\bevery (\d+|other) (weeks?|months?|(?<!other )days)\b")
#: "q12h", "q 8 h" (D206)
_Q_HOURS = re.compile(r"\bq\s?(\d+)\s?(?:h|hr|hrs|hours?)\b")
#: taken when an attack starts: "sumatriptan 50 milligrams at onset", "at the first sign of a migraine" (D177)
_AT_ONSET = re.compile(r"\bat (?:the )?(?:onset|first sign|start)\b")
#: words that make the frequency after them a ceiling: "up to four times daily", "limit it to two days a week"
_CEILING = re.compile(r"\b(?:up to|no more than|not more than|at most|limit (?:it |them )?to|limited to)\s*$")
#: "when it gets bad", "when he needs it" (D200); a symptom that calls for it (D354)
_PRN = re.compile(r"\b(as needed|when needed|if needed|as necessary|prn|when you need it|as you need|"
                  r"(?:when|if) i need (?:it|them|one|to)|(?:every )?once in a while|(?:every )?now and then|on occasion|"
                  r"(?:when|if) (?:he|she|they|you) needs? (?:it|them|one)|(?:when|if) (?:it|they|the \w+) (?:gets?|is|are) "
                  r"(?:bad|worse|really bad)"
                  # "when one's really throbbing", "when he's wheezy", "if it's sore"
                  r"|(?:when|if|whenever) (?:it|1|one|they|i|he|she|you|the \w+) (?:is|are|am|gets?|feels?)"
                  r"(?: really| very| so| too)? (?:sore|painful|throbbing|wheezy|itchy|achy|tight|flaring|swollen)"
                  r"|(?:when|if|whenever) (?:it|they|(?:the|my|his|her|your) \w+) (?:hurts?|throbs?|aches?|flares? up|acts? up|"
                  r"bothers? (?:me|him|her|you)))\b")
_MEAL_TIME = re.compile(r"\b(before|after)\s+(breakfast|lunch|dinner|supper|meals|each meal|eating)\b")
_WITH_FOOD = re.compile(r"\bwith (food|meals|a meal|a snack)\b")
#: one meal of the day, said with no other schedule: "twenty milligrams with supper" is once daily with supper
#: (D350); "every morning with breakfast" stays every morning, "with breakfast and dinner" is left to the times of day
_WITH_MEAL = re.compile(r"\bwith (breakfast|lunch|dinner|supper)\b(?! and| ,)")


def _times_daily(count: str) -> str:
    words = {"1": "once daily", "2": "twice daily", "3": "three times daily", "4": "four times daily",
             "5": "five times daily", "6": "six times daily"}
    return words.get(count, f"{count} times daily")


def _fmt_dose(value: str, unit: str) -> str:
    v = float(value)
    out_unit = _UNIT_OUT.get(unit, unit)  # grams stay grams: "4 g" of a gel is no 4000 mg of its drug (D298)
    num = str(int(v)) if v.is_integer() else f"{v:g}"
    if out_unit in ("tablets", "capsules", "puffs", "drops", "sprays", "patches", "tablespoons", "teaspoons") and v == 1:
        out_unit = {"tablets": "tablet", "capsules": "capsule", "puffs": "puff", "drops": "drop", "sprays": "spray",
                    "patches": "patch", "tablespoons": "tablespoon", "teaspoons": "teaspoon"}[out_unit]
    elif out_unit in ("tablet", "capsule", "drop", "spray", "patch", "tablespoon", "teaspoon") and v != 1:
        out_unit = out_unit + ("es" if out_unit == "patch" else "s")
    return f"{num} {out_unit}"


_TOPICAL_FORMS = frozenset("ointment cream gel lotion solution foam shampoo spray drops patch".split())


#: where a spray or a drop goes, said after the dose: "two sprays in each nostril" is 2 sprays each nostril (D169)
_SITED_UNITS = frozenset("spray sprays drop drops puff puffs".split())
_SITE = re.compile(r"(?:in |into |to )?(each|both|per|the affected) (nostril|nostrils|eye|eyes|ear|ears)\b")


def _site(m: re.Match[str]) -> str:
    where = {"per": "each", "the affected": "in the affected"}.get(m.group(1), m.group(1))
    return f"{where} {m.group(2)}"


#: a strength said between a count and its unit: "one double strength tablet"
_STRENGTHS = frozenset({("double", "strength"), ("extra", "strength"), ("regular", "strength"), ("maximum", "strength")})


def find_doses(toks: list[str], start: int, end: int) -> list[tuple[int, str]]:
    """(token index, normalised dose) for every dose in ``toks[start:end]``."""
    out = []
    for k in range(start, min(end, len(toks)) - 1):
        if is_number(toks[k]) and tuple(toks[k + 1:k + 3]) in _STRENGTHS and k + 3 < len(toks) and toks[k + 3] in DOSE_UNITS:
            count, unit = _fmt_dose(toks[k], toks[k + 3]).split(" ", 1)  # "one double strength tablet" (D315)
            out.append((k, f"{count} {toks[k + 1]}-strength {unit}"))
        elif is_number(toks[k]) and toks[k + 1] in DOSE_UNITS and toks[k + 1] not in ("injection", "shot"):
            site = _SITE.match(" ".join(toks[k + 2:k + 6])) if toks[k + 1] in _SITED_UNITS else None
            out.append((k, _fmt_dose(toks[k], toks[k + 1]) + (f" {_site(site)}" if site else "")))
        elif is_number(toks[k]) and toks[k + 1] == "%" and float(toks[k]) <= 20:
            # topical strength: "triamcinolone 0.1 % ointment" -> "0.1% ointment"
            num = toks[k] if not float(toks[k]).is_integer() else str(int(float(toks[k])))
            form = toks[k + 2] if k + 2 < len(toks) and toks[k + 2] in _TOPICAL_FORMS else None
            out.append((k, f"{num}% {form}" if form else f"{num}%"))
    return out


#: where the next instruction starts; "and then" only before a new subject or instruction, so that "swish it
#: around and then swallow, four times a day" keeps its frequency (D299)
_THEN_NEW = r"then\s+(?:i|you|we|he|she|they|keep|continue|stop|start|take|use|apply|increase|decrease|switch|go)"
_NEXT_CLAUSE = re.compile(r"\s,\s(?=(and\s+)?(i|you|we|he|she|they|keep|continue|stop|start|take|use|apply|increase|also|"
                          + _THEN_NEW + r"|please|but)\b)|\s(and|but)\s(?=(i|you|we|he|she|they|keep|continue|stop|start|"
                          r"take|use|also|" + _THEN_NEW + r"|please)\b)")


#: the times of a day a dose is taken, listed: "in the morning and at night" is twice daily, not at bedtime (D206);
#: "two in the morning and two at night", "morning, noon and night" (D299) ... unless another instruction starts
#: there ("in the morning and at night take the atorvastatin")
_TIME_OF_DAY = (r"(?:\d+ )?(?:in the |at |every |each |with )?(?P<{g}>morning|breakfast|noon|lunch|lunchtime|midday|"
                r"afternoon|evening|dinner|supper|night|bed ?time)")
_TIMES_LISTED = re.compile(r"\b" + _TIME_OF_DAY.format(g="t1") + r"(?:(?: ,| and| , and)(?: then)? "
                           + _TIME_OF_DAY.format(g="t2") + r"(?:(?: ,| and| , and) " + _TIME_OF_DAY.format(g="t3")
                           + r")?)\b(?!\s+(?:take|use|apply|start|give|i|you|he|she|we|they)\b)")
_SAME_TIME = {"breakfast": "morning", "lunch": "noon", "lunchtime": "noon", "midday": "noon", "dinner": "evening",
              "supper": "evening", "bedtime": "night", "bed time": "night"}


def _times_listed(text: str) -> tuple[int, str] | None:
    """(offset, "N times daily") of two or three different times of day listed together."""
    m = _TIMES_LISTED.search(text)
    if m is None:
        return None
    times = {_SAME_TIME.get(t, t) for t in (m["t1"], m["t2"], m["t3"]) if t}
    return (m.start(), _times_daily(str(len(times)))) if len(times) > 1 else None


def _schedules(text: str) -> list[tuple[int, str]]:
    """(offset, label) of every schedule ``text`` states."""
    found = [listed] if (listed := _times_listed(text)) else []
    if m := _EVERY_H.search(text):
        found.append((m.start(), f"every {m.group(1)} hours" if not m.group(2)
                      else f"every {m.group(1)} to {m.group(2)} hours"))
    if w := _PER_WEEK.search(text):
        unit = w["unit"] or ("week" if w["adverb"] == "weekly" else "month")
        found.append((w.start(), f"{w.group(1)} {w.group(2)} a {unit}"))
    if q := _Q_HOURS.search(text):
        found.append((q.start(), f"every {q.group(1)} hours"))
    if n := _EVERY_N.search(text):
        found.append((n.start(), f"every {n.group(1)} {n.group(2)}"))
    if o := _AT_ONSET.search(text):
        found.append((o.start(), "at onset"))
    if t := _TIMES_DAILY.search(text):
        found.append((t.start(), f"{t['low']} to {t['n']} times daily" if t["low"]
                      else _times_daily(t["n"] or t["m"] or "3")))
    found += [(fm.start(), label) for pat, label in _FREQ if (fm := pat.search(text))]
    return found


def parse_frequency(text: str) -> str | None:
    """Frequency in the first clause of ``text`` (the words after a drug/dose)."""
    cut = _NEXT_CLAUSE.search(" " + text + " ")
    if cut:
        text = (" " + text + " ")[: cut.start()].strip()
    base = None
    best = min(_schedules(text), key=lambda found: found[0], default=None)  # the first one said
    if best:
        base = ("up to " if _CEILING.search(text[:best[0]]) else "") + best[1]  # a ceiling, not a schedule
    prn = bool(_PRN.search(text))
    food = bool(_WITH_FOOD.search(text))
    meal = _MEAL_TIME.search(text)
    with_meal = _WITH_MEAL.search(text) if meal is None and base is None else None
    if with_meal:
        base = "once daily"
    if base is None and not prn and meal is None:
        return None
    parts = [base] if base else []
    if meal:
        parts.append(f"{meal.group(1)} {meal.group(2)}")  # "20 mg before breakfast": the timing is the regimen (D152)
    if with_meal:
        parts.append(f"with {with_meal.group(1)}")
    if prn:
        parts.append("as needed")
    if food:
        parts.append("with food")
    return " ".join(parts)


def _last_pos(region: str, phrases: tuple[str, ...]) -> tuple[int, int]:
    """(end offset, length) of the phrase occurrence closest to the region end."""
    best = (-1, 0)
    for p in phrases:
        for m in re.finditer(r"\b" + re.escape(p) + r"\b", region):
            cand = (m.end(), len(p))
            if cand > best:
                best = cand
    return best


_SWITCH_FROM = re.compile(r"\b(?:switch|switching|switched|change|changing|changed|move|moving|moved|go|going|went)"
                          r"\s+(?:\w+\s+)?from"
                          r"(?:\s+(?:the|your|his|her|their))?$")
_SWITCH_TO = re.compile(r"^(?:over\s+)?(?:to|onto)(?:\s+(?:the|your|his|her|their|some))?$")


def switch_action(region: str, previous: "MedEvent | None") -> str | None:
    """"Switch from Tylenol to ibuprofen" (D105): the drug switched from is stopped, the one switched to
    started; None when the region says no switch."""
    if _SWITCH_FROM.search(region):
        return "stop"
    if previous is not None and previous.switched_from and _SWITCH_TO.search(region):
        return "start"
    return None


def classify_action(region: str, role: str) -> str:
    """Action of the verb phrase closest before a drug name.

    ``region`` is the text between the previous drug (or clause start) and the
    name, so in "stop the Tylenol and take ibuprofen" ibuprofen sees only
    "and take".  The closest phrase wins; on a tie the longer one ("keep
    taking" beats "taking").
    """
    groups = [
        ("stop", _STOP), ("change", _UP + _DOWN + _CHANGE), ("continue", _CONTINUE),
        ("start", _START if role == "clinician" else ()), ("report", _REPORT),
    ]
    best = ("mention", (-1, 0))
    for label, phrases in groups:
        pos = _last_pos(region, phrases)
        if pos > best[1]:
            best = (label, pos)
    # "take"/"use" are both start and report words; the start group is tried
    # first, so in a clinician's statement they read as instructions
    return best[0]


#: a clinician changing the dose of the drug just named by a pronoun: "Advil doesn't help that, so cut it back
#: to one pill" (D157)
_CHANGE_IT = re.compile(r"^[^.;?!]*?[,;]? (?:so |and |then |please )?(?:cut|bring|lower|reduce|decrease|increase|raise"
                        r"|bump) (?:it|them|that)\b")
#: a clinician stopping the drug just named by a pronoun: "..., so stop it", "and stop taking them"
_STOP_IT = re.compile(r"^[^.;?!]*?[,;]? (?:so |and |then |please )?(?:stop|discontinue|quit) (?:taking |using )?(?:it|them|that)\b"
                      # "First, the ZzzQuil has to go." (D352)
                      # ... only where "to go" ends the clause: not "has to go in the fridge", "needs to go with food"
                      r"|^(?:has|have|needs|need|has got|have got) to go(?: (?:now|today|tonight|for good|completely))?"
                      r" *(?:[.,;!]|$)")


#: a negation says the drug is not taken only with a verb of taking between the two: "do not take the
#: ibuprofen", "no longer on the metformin", "never used an inhaler"
_NOT_TAKING = re.compile(r"\b(take|takes|taking|took|taken|use|uses|using|used|on|need|needs|continue|"
                         r"tolerate|tolerated|start|started|restart|prescribe|prescribed|give|given|get|got)\b|"
                         r"^\W*(no|not|never|without|nor)\W*$")
#: a patient's negation that ends a use rather than denying one (D143)
_NO_MORE = re.compile(r"\b(?:anymore|any more|any longer|no longer)\b")
_CLAUSE_BREAK = frozenset(". ; ? !".split())
#: an instruction that starts a new clause after a comma
_IMPERATIVES = frozenset("apply take use start stop continue keep increase decrease add try switch hold".split())


@dataclass
class MedEvent:
    drug: str
    action: str
    dose: str | None
    frequency: str | None
    role: str
    question: bool
    negated: bool
    confidence: float
    sent_index: int
    hypothetical: bool = False
    switched_from: bool = False  # "switch from Tylenol to ...": the drug stopped for the next one (D105)


@dataclass
class _Med:
    name: str
    status: str | None = None
    dose: str | None = None
    frequency: str | None = None
    reported: bool = False
    #: a clinician's statement set the status: started, changed, continued or stopped it
    planned: bool = False
    stopped_by_patient: bool = False
    #: the patient said it was never taken ("I didn't take it, though."): a later bare mention does not bring it back
    untaken: bool = False
    confidence: float = 0.0
    order: int = 0
    evidence: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        """``plan`` (the clinician's decision), ``reported`` (taken, as the patient or the clinician says)
        or ``mentioned`` (only named)."""
        return "plan" if self.planned else "reported" if self.reported or self.stopped_by_patient else "mentioned"


#: "penicillin or, I'm sorry, amoxicillin": the first name is taken back
_CORRECTION = re.compile(r"\b(i am sorry|sorry|i mean|i meant|rather|no wait|actually|correction)\b")
#: "high testosterone", "your potassium level": a lab analyte, not a drug taken
_ANALYTE_BEFORE = frozenset("high low elevated raised serum blood free total".split())
_ANALYTE_AFTER = frozenset("level levels".split())
_LOWERS_YOUR = re.compile(r"^(?:lower|lowers|lowered|raise|raises|raised|deplete|depletes) (?:your|her|his|their)$")
#: ... unless a new dose follows: "lower your lisinopril to 10 mg" changes the drug
_TO_A_DOSE = re.compile(r"^(?:to|by|dose)\b|^\d")
#: "we want to avoid going to insulin": a drug not given
_NOT_GIVEN = re.compile(r"\b(avoid|avoiding|instead of|rather than|not want to|delay|skip)\b"
                        # "Is there a pill?" "There is, fluconazole.": a drug that exists, not one given (D312)
                        r"|^(?:well |yes |yeah |so |and )?(?:there is|there are)(?: also)?(?: another| one| an?(?: [\w-]+){0,2}?"
                        r" (?:pill|pills|capsule|tablet|cream|medicine|medication|drug|spray|shot|prescription|rinse|mouthwash|gel|"
                        r"ointment|lotion|drops|inhaler|patch|injection|liquid|syrup))?(?: ,)?"
                        r"(?: called)?$")
#: a drug the patient only read or heard about, or asks whether to take: "I read about methimazole", "Should I take
#: calcium too?" (D234)
_ONLY_HEARD = re.compile(r"\b(?:read|heard|saw|seen|looked) (?:about|of|up|online about|an ad for|something about|"
                         r"(?:a |an )?(?:commercial|ad|advert|advertisement|video|post) (?:for|about))(?: the| a| an)?$"
                         r"|\b(?:should|could|can|may|shall) (?:i|she|he|we|they) (?:just |also |maybe |not )?"
                         r"(?:take|try|use|start|have|get|give (?:her|him|them))(?: some| a| the| any)?$")
#: after a drug: an option weighed, a past favourite, a supply that is someone else's (D234)
_NOT_CHOSEN_AFTER = re.compile(r"^(?:\w+ )?(?:is|are|would be|could be|might be|is also|was) (?:an? |another |one |also an? )?"
                               r"(?:option|alternative|choice)\b|^used to be\b"
                               r"|^(?:[\w,]+ ){0,2}?left (?:over )?from (?:his|her|my|their|your|our) ")
#: "let's hold off on the lisinopril": a drug the patient takes is held (stopped); one not taken is not given (D181)
_HELD = re.compile(r"\b(?:hold|holding) off on\b")


#: a clinician naming drugs as examples or options ("things like loratadine or Piriton", "such as
#: ibuprofen", "think about paracetamol, or even co-codamol"): no regimen, unless a dose comes with it
_EXAMPLE_CUE = re.compile(r"\b(like|such as|for example|for instance|or even|think about|options? (are|is|include)|either)"
                          r"( the| a| an| some)?$")
#: what a clinician would do in another case: "Normally I'd also offer the birth control pill, but ..." (D338)
_COUNTERFACTUAL = re.compile(r"\b(?:normally|usually|ordinarily|otherwise)\b(?: \w+){0,3} would\b")
#: what may stand between two drugs of one list of examples ("loratadine or Piriton")
_LIST_GLUE = frozenset(", or and / maybe even perhaps".split())
_LIST_JOIN = frozenset(", and / also as well the his her your their".split())


def _listed(region: str) -> bool:
    """The words between two drugs only join a list ("and his", ", the", "as well as")."""
    words = region.split()
    return bool(words) and all(w in _LIST_JOIN for w in words) and "and" in words or region.strip() == ","


#: "paracetamol on this occasion would not be helpful": a drug judged not to help is not given
_NOT_HELPFUL = re.compile(r"^(?:[\w,]+ ){0,4}(would|will|does|do|is|are) not (be )?(help|helpful|needed|necessary|work|"
                          r"useful|appropriate|recommended)")


#: "..., Piriton, loratadine, they can sometimes help with the itch": an option offered, not given
_MAY_HELP = re.compile(r"^(?:[\w,]+ ){0,3}(can|may|might|could) (sometimes |also |really )?help\b")


#: the patient no longer takes it: "I stopped it last year", "I tried X but it did not help"
#: the stop verb must take the drug back by a pronoun ("... but I stopped it"), so that "I take X and
#: I stopped the Y" stops Y, not X
_STOPPED_AFTER = re.compile(r"^(?:[\w,]+ ){0,6}(stopped|quit|discontinued|came off|come off|gave up|ran out of)"
                            r"( taking| using)? (it|them)\b")
_NO_EFFECT = re.compile(r"\b(did not|does not|do not|never) (really |even )?(help|work|do anything|make a difference)"
                        r"|\bno (relief|difference|help)\b")


#: the verb before the drug ends its use: "I quit taking the", "I came off the", "they took me off",
#: "I finished the", "I ran out of my" (D135)
_ENDED_BEFORE = re.compile(r"\b(?:(?:quit|stopped|stop) (?:taking|using)|(?:came|come|went|got) off(?: of)?"
                           r"|(?:took|take|taken) (?:me|him|her|them) off(?: of)?|finished|ran out of)"
                           r"(?: the| my| his| her| their)?(?: course of(?: the)?)?$")
#: the words after the drug end its use: "..., but they took me off it", "..., but not anymore",
#: "... but I do not take it now"
_ENDED_AFTER = re.compile(r"^(?:[\w,]+ ){0,6}?(?:(?:took|take|taken) (?:me|him|her|them) off\b"
                          r"|not (?:anymore|any more|any longer)\b|no longer\b"
                          # never started: "but I never filled it", "but I haven't been taking it" (D185)
                          r"|never (?:filled|picked up|started|took|take|taken|used)\b|have not been (?:taking|using)\b"
                          r"|have not (?:started|filled|picked up)\b|did not (?:fill|pick up|start)\b"
                          r"|am not (?:taking|using) (?:it|them)\b"
                          r"|(?:do|does) not (?:take|use) (?:it|them|that)"
                          r" (?:now|anymore|any more|any longer|these days)\b)")
#: a single past use: "I took prednisone once, years ago", "I had a course of doxycycline last spring"
_PAST_USE = re.compile(r"\b(?:took|had|tried|was on|were on)\b")
_PAST_WHEN = re.compile(r"^(?:[\w,]+ ){0,5}?(?:(?:\d+|a few|a couple of|several|many) (?:years?|months?) (?:ago|back)\b"
                        r"|years ago\b|last (?:year|spring|summer|fall|autumn|winter)\b|as a (?:kid|child|teenager)\b)")


def no_longer_taken(region: str, after: str) -> bool:
    """A patient's drug they used to take, stopped, or tried without effect ("I tried ibuprofen but it
    did not help"), took once long ago ("I took prednisone once, years ago") or holds off on ("I've been
    holding off on the ibuprofen", D181): stopped, not active."""
    if re.search(r"\bused to (take|be on|use)\b", region) or _HELD.search(region) or _STOPPED_AFTER.search(after):
        return True
    if _ENDED_BEFORE.search(region) or _ENDED_AFTER.search(after):
        return True
    if _PAST_USE.search(region) and _PAST_WHEN.search(after):
        return True
    return bool(re.search(r"\b(tried|took|had)\b", region)) and bool(_NO_EFFECT.search(after))


def is_example(region: str, role: str, previous_was_example: bool) -> bool:
    """A clinician's drug named as an example or an option: the cue ends the region before the name, or
    the drug continues a list whose previous drug was one."""
    if role != "clinician":
        return False
    if _EXAMPLE_CUE.search(region) or _COUNTERFACTUAL.search(region):
        return True
    return previous_was_example and all(w in _LIST_GLUE for w in region.split())


#: someone else's regimen: "my wife takes metformin", "most people take melatonin" (D185), "a buddy of mine takes
#: Adderall", "a guy at work takes modafinil", "my friend got prednisone" (D225)
_OTHER_PERSON = f"(?:{PERSONS})"
#: what such a person does with a drug; "got me / him ..." is the speaker's or the patient's
_THEY_TAKE = (r"(?:(?:takes?|took|is on|was on|are on|uses?|used|has been on|has been taking|is taking|was taking|get|gets"
              r"|got|was given|has some|had some|has an old|has a bottle of|has a tube of|keeps"
              r"|do better on|does better on|do well on|does well on"  # "some girls do better on the pill" (D315)
              # "my brother in law has a prescription cream he uses" (D281)
              r"|has an? (?:[\w-]+ ){0,2}?(?:cream|ointment|gel|pill|pills|inhaler|spray|prescription))\b(?! (?:me|us|him|her|them)\b)"
              r"|(?:carries|carried|swears by)\b)")  # carries, swears by, keeps: D249
#: "my buddy from bowling takes metformin": the person, and where they are from (D249)
_FROM_WHERE = r"(?: (?:from|at|in) (?:the )?[\w-]+)?"
#: "my friend Marjorie takes ...": a first name after the person (a word that is no verb or conjunction, D312)
_FIRST_NAME = (r"(?: (?!(?:said|says|told|tells|thinks|thought|wants|wanted|and|or|who|that|said|made|makes|had|has|"
               r"is|was|never|always|also|still|actually|just|does|did|would|will|can|could)\b)[a-z]+)?")
_OTHERS_TAKE = re.compile(
    r"\b(?:(?:my|his|her|your|their) " + _OTHER_PERSON + _FROM_WHERE + _FIRST_NAME
    + r"|(?:a|one) " + _OTHER_PERSON + r" of (?:mine|his|hers|ours|theirs)"
    r"|(?:a|one|some) (?:guy|man|woman|lady|person|girl) (?:at|from) (?:work|the office|church|the gym|school)"
    r"|(?:some|many|most|other|a lot of|lots of) (?:people|patients|folks|girls|women|men|boys|kids|teens))"
    r"(?: also| still| actually)?"
    r" " + _THEY_TAKE)  # "my friend got me started on melatonin" is the patient's
#: a relative's own use, said in the first person ("When I had my ulcer they gave me pantoprazole"), or a pronoun
#: for the person just named ("My sister has Hashimoto's. She's on Synthroid."): not the patient's (D234)
_SPEAKERS_OWN = re.compile(r"\bi (?:also |still |just )?(?:take|took|am on|was on|use|used|have been on|have been taking"
                           r"|am taking|was taking|have some|had some)\b|\b(?:gave|give|prescribed|put) me\b"
                           # "I have clobetasol for my psoriasis" (D274)
                           r"|\bi (?:also |still )?(?:have|had|got) (?:some |a |an |the )?[\w-]+(?: [\w-]+)? for my\b"
                           # "I told her to take my Nexium" (D312)
                           r"|\b(?:take|try|use|borrow|have|had) (?:some of |one of |1 of )?my\b"
                           # "I gave him one of my Mobic", "I've got Cipro left over from my prostate infection" (D338)
                           r"|\b(?:gave|give|given) (?:him|her|them) (?:some of |one of |1 of |a few of )?my\b|\bleft over from my\b")
#: a drug owned by someone else, the possessive dropped in the text: "don't take your mom's prednisone" (D249)
#: "I take my husband's Vicodin" is the patient's; "Don't take your mom's prednisone" says nothing of a regimen
_TAKE_VERB = re.compile(r"\b(?:take|takes|took|taking|taken|use|uses|used|using)\b")
#: "children's Tylenol" is a product, not the children's drug
_OWNED_BY_OTHER = re.compile(r"\b(?:my|your|his|her|their|our) (?!children\b|kids\b)" + _OTHER_PERSON + r"(?: [\w-]+)?$")
_NAMED_OTHER = re.compile(r"\b(?:my|his|her|their|our) " + _OTHER_PERSON + r"\b")
_PRONOUN_TAKES = re.compile(r"^(?:and |but |so |well )?(?:she|he|they) (?:(?:also|still|just) )?" + _THEY_TAKE)
#: a clinician weighing an option, not deciding it: "we might consider gabapentin", "we could try a statin" (D185)
_OPTION = re.compile(r"\b(?:we|i|they|he|she|the [\w-]+(?:ist|ists|ian|ians|doctor|team))"
                     r" (?:might|could|may) (?:also |eventually |later |want to |need to )?"
                     r"(?:consider|try|think about|look at|talk about|discuss"
                     # "The dermatologist may add minoxidil later" (D274)
                     r"|add|start|prescribe|suggest|recommend|put (?:you|her|him|them) on|switch (?:you|her|him|them) to)\b")


def not_a_regimen(toks: list[str], start: int, end: int, next_drug: int | None, region: str,
                  child: bool = False) -> bool:
    """A drug name that says nothing about the patient's regimen: corrected, a lab analyte, a drug avoided,
    someone else's (but a son's or daughter's in a visit about the ``child``, D192), or an option weighed (D185)."""
    if next_drug is not None and _CORRECTION.search(" ".join(toks[end:next_drug])):
        return True
    if (start > 0 and toks[start - 1] in _ANALYTE_BEFORE) or (end < len(toks) and toks[end] in _ANALYTE_AFTER):
        return True
    if _LOWERS_YOUR.search(" ".join(toks[max(0, start - 2):start])) and not _TO_A_DOSE.match(" ".join(toks[end:end + 2])):
        return True  # "metformin can lower your B twelve": the level, not a drug taken (D338)
    if end < len(toks) and toks[end] in ("allergy", "allergies", "allergic"):
        return True  # "a penicillin allergy label": an allergy's name, not a drug taken (D238)
    if toks[max(0, start - 2):start] in (["is", "a"], ["is", "an"], ["was", "a"]) and toks[start - 3:start - 2] not in (
            ["need"], ["needs"]):  # "What he needs is an aspirin" is a plan (D338)
        return True  # "Augmentin's a penicillin, right?": a class the drug is said to be in (D249)
    others = _OTHERS_TAKE.search(region) or (_OWNED_BY_OTHER.search(region) if not _TAKE_VERB.search(region) else None)
    if others and child and re.search(r"\b(?:son|daughter)\b", others.group(0)):
        others = None
    after = " ".join(toks[end:end + 12])
    return bool(_NOT_GIVEN.search(region) or others or _OPTION.search(region) or _ONLY_HEARD.search(region)
                or _NOT_CHOSEN_AFTER.search(after))


def _negated_use(toks: list[str], a: Assertion, start: int, region: str, role: str) -> bool:
    """The clause denies taking the drug ("do not take the ibuprofen"), or a clinician holds it off (D181), and not
    "we don't need to hold off on it"; a patient holding off is ``no_longer_taken``."""
    if _HELD.search(region):
        return role == "clinician" and not a.negated
    at = a.negation_trigger or 0
    if toks[at:at + 1] == ["without"] and _UNTIL.search(" ".join(toks[:at])):
        return False  # "stay home until your fever's been gone a day without Tylenol": a condition, no stop (D264)
    return a.negated and bool(_NOT_TAKING.search(" ".join(toks[at:start])))


_UNTIL = re.compile(r"\b(?:until|till|unless|if|once|when|after|before)\b")


#: words that introduce another name for the drug just said ("Augmentin, that's amoxicillin with clavulanate")
_RESTATE = re.compile(r"^,?\s*(that is|that 's|thats|which is|also called|also known as|the generic( name)?( is)?|"
                      r"generic( name)?)\s*$")


def _restates(toks: list[str], prev: DrugMention, m: DrugMention) -> bool:
    """Whether ``m`` names again, or names part of, the drug ``prev`` just named: after a restating phrase, its
    words all in the earlier drug's generic name (amoxicillin in amoxicillin clavulanate)."""
    between = " ".join(toks[prev.end:m.start])
    return bool(_RESTATE.match(between)) and set(m.drug.name.split()) <= set(prev.drug.name.split())


def restatements_dropped(toks: list[str], mentions: list[DrugMention]) -> list[DrugMention]:
    """The mentions without those that only restate the drug before them (one drug, not two)."""
    out: list[DrugMention] = []
    for m in mentions:
        if out and _restates(toks, out[-1], m):
            continue
        out.append(m)
    return out


#: "I'm adding benzonatate, 100 mg ..., and an albuterol inhaler, two puffs ...": the next drug of the list, with
#: a regimen of its own, takes the verb of the one before (D159)
_AND_NEXT = re.compile(r"(?:^|,)\s*and(?:\s+(?:a|an|the|some|his|her|your))?$")
def _regimen_follows(toks: list[str], at: int) -> bool:
    """A dose is said after ``at`` before the clause ends ("an albuterol inhaler, two puffs ...")."""
    end = next((k for k in range(at, len(toks)) if toks[k] in _CLAUSE_BREAK), len(toks))
    return bool(find_doses(toks, at, min(end, at + 8)))


_COUNTED = ("tablet", "tablets", "capsule", "capsules")
_MASS = (" mg", " mcg", " g")


_PILLS = frozenset("pill pills tablet tablets tab tabs capsule capsules ones".split())
#: "two of the 200 mg tablets", "two of those Benadryl capsules": the words between a count and what it counts
_COUNT_LEAD = (["of", "the"], ["of", "my"], ["of", "those"], ["of", "these"])
_HALF_BEFORE = (["half", "a", "tablet", "of"], ["half", "a", "pill", "of"], ["half", "of", "a"], ["half", "a"])


def _counted(toks: list[str], m: DrugMention, at: int, dose: str) -> str:
    """A strength taken as a count of pills: "two of the 200 mg pills" is 400 mg a dose, "half a tablet of
    metoprolol 25 mg" 12.5 mg (D189); any other dose as it was said."""
    count = _pill_count(toks, at)
    if count is None and any(toks[max(0, m.start - len(h)):m.start] == h for h in _HALF_BEFORE):
        count = 0.5
    return _scaled(dose, count)


def _count_before(toks: list[str], m: DrugMention, rstart: int) -> str | None:
    """"I take two of those ZzzQuil capsules", "two Tylenol tablets": the count said before the drug, with the
    pills named right after it, is the dose (D350)."""
    if m.end >= len(toks) or toks[m.end] not in _PILLS or toks[m.end] == "ones":
        return None
    lead = toks[rstart:m.start]
    if lead[-2:] in _COUNT_LEAD:
        lead = lead[:-2]
    if not lead or not is_number(lead[-1]) or not 0 < float(lead[-1]) <= 4:
        return None
    return _fmt_dose(lead[-1], toks[m.end])


def _scaled(dose: str, count: float | None) -> str:
    """A mass strength times a count of pills (at most four); any other dose as it was said."""
    value, _, unit = dose.partition(" ")
    if count is None or not 0 < count <= 4 or not dose.endswith(_MASS) or not is_number(value):
        return dose
    total = float(value) * count
    return f"{int(total) if total.is_integer() else round(total, 2)} {unit}"


def _pill_count(toks: list[str], at: int) -> float | None:
    """The count in "two of the 200 mg tablets" before the strength at token ``at``; a name of the pill may come
    between, set off by a comma: "two of the extra strength, the 500 mg ones" (D346)."""
    if not (toks[at + 2:at + 3] and toks[at + 2] in _PILLS):
        return None
    for k in range(at - 3, max(-1, at - 8), -1):
        if toks[k + 1:k + 3] in _COUNT_LEAD and is_number(toks[k]):
            between = toks[k + 3:at]
            if k == at - 3 or (between[-2:-1] == [","] and between[-1:] == ["the"] and not any(map(is_number, between))):
                return float(toks[k])
            return None
    return None



def _strength_first(doses: list[tuple[int, str]]) -> tuple[int, str]:
    """The first dose, or the strength said right after a count of pills: "two pills, so 440 milligrams" is
    440 mg (D157)."""
    first = doses[0]
    if first[1].endswith(_COUNTED) and len(doses) > 1 and doses[1][1].endswith(_MASS) and doses[1][0] - first[0] <= 5:
        return doses[1]
    return first


#: "at onset, and you may repeat it once after two hours": the repeat is part of an attack regimen (D177)
_REPEAT = re.compile(r"\bmay (?:repeat|take another)(?: it| the dose| one| dose)? (once|twice)? ?(?:after|in) (\d+) (hours?)\b")


def _with_repeat(freq: str | None, rest: str) -> str | None:
    """The frequency with the repeat the rest of the sentence allows ("at onset, may repeat once after 2 hours")."""
    r = _REPEAT.search(rest)
    if freq is None or r is None:
        return freq
    return f"{freq}, may repeat{' ' + r.group(1) if r.group(1) else ''} after {r.group(2)} {r.group(3)}"


#: "I'll give her one dose of dexamethasone here" (D169)
_ONE_DOSE = re.compile(r"\b(?:one|1|single|one time|1 time) dose of(?: the| her| his| your)?$")


def _dose_of(toks: list[str], m: DrugMention, doses: list[tuple[int, str]], action: str) -> str | None:
    """The dose of a drug mention from the doses of its clause, else "20 mg of lisinopril" before it."""
    if doses:
        # "increase X from 10 to 20 mg" / "X ... to 20 mg": prefer the dose after "to"
        to_doses = [d for d in doses if d[0] > m.end and "to" in toks[max(m.end, d[0] - 3):d[0]]]
        chosen = doses.index(to_doses[-1]) if to_doses and action == "change" else 0
        return _counted(toks, m, *_strength_first(doses[chosen:]))
    if m.start >= 3 and toks[m.start - 1] == "of" and toks[m.start - 2] in DOSE_UNITS and is_number(toks[m.start - 3]):
        return _fmt_dose(toks[m.start - 3], toks[m.start - 2])
    return _bare_strength(toks, m) or _strength_by_name(toks, m) or _brand_count(toks, m)


#: over-the-counter brands sold in one strength per tablet (their Drug Facts labels): a count of them is a dose in mg.
#: Tylenol comes in 325, 500 and 650 mg, so only with its strength's name; children's forms are liquids (D334)
_OTC_STRENGTH = {("advil",): 200, ("motrin", "ib"): 200, ("aleve",): 220, ("tylenol", "arthritis"): 650,
                 ("extra", "strength", "tylenol"): 500, ("tylenol", "extra", "strength"): 500,
                 ("regular", "strength", "tylenol"): 325}
_COUNT_WORDS = {"1": 1, "2": 2, "3": 3, "4": 4, "one": 1, "two": 2, "three": 3, "four": 4, "a": 1, "an": 1}


def _brand_count(toks: list[str], m: DrugMention) -> str | None:
    """"I take two Advil before practice" is ibuprofen 400 mg a dose; "Aleve, one every morning" naproxen 220 mg
    (D334). The count stands right before the brand's name, or right after it and a comma."""
    brand = next(((j, mg) for name, mg in _OTC_STRENGTH.items() for j in range(m.start - len(name) + 1, m.start + 1)
                  if j >= 0 and tuple(toks[j:j + len(name)]) == name), None)
    if brand is None or _NOT_A_TABLET.intersection(toks[max(0, m.start - 3):m.end + 3]):
        return None
    at, strength = brand  # where the brand's name starts: "two extra strength Tylenol"
    before = toks[at - 1] if at >= 1 else ""
    after = toks[m.end + 1] if toks[m.end:m.end + 1] == [","] and m.end + 1 < len(toks) else ""
    count = _COUNT_WORDS.get(before) or (_COUNT_WORDS.get(after) if after not in ("a", "an") else None)
    return f"{count * strength} mg" if count else None


_NOT_A_TABLET = frozenset("children childrens child infant infants liquid junior gel cream".split())


#: oral drug classes whose strength is said in mg without the unit ("Simvastatin, twenty, at bedtime"); classes that
#: also hold inhaled, nasal or microgram drugs (corticosteroids, thyroid hormone) are not among them (D270)
_BARE_MG_CLASSES = frozenset((
    "statin", "biguanide", "ace inhibitor", "arb", "calcium channel blocker", "beta blocker", "thiazide diuretic",
    "loop diuretic", "ssri", "snri", "antidepressant", "sulfonylurea", "dpp-4 inhibitor", "sglt2 inhibitor",
    "proton pump inhibitor", "h2 blocker", "anticonvulsant", "alpha blocker"))


#: a strength named as its tablets are ("the five hundreds", "the twenty fives", "the tens"): the plural word and
#: how it joins the number said before it
_PLURAL_STRENGTH = {"hundreds": (100, 0), "thousands": (1000, 0), "fives": (1, 5), "tens": (1, 10),
                    "twenties": (1, 20), "fifties": (1, 50)}


def _strength_by_name(toks: list[str], m: DrugMention) -> str | None:
    """"Tylenol, two of the five hundreds": a count of the tablets named by their strength is that many times it,
    in mg, when it lies in the mg range of the drug's class (D272; a class without one gives nothing, D294); "half a tablet of the twenty fives of metoprolol"
    is 12.5 mg. The strength is said after the drug, or right before its "of"."""
    before = toks[max(0, m.start - 8):m.start]
    window = before if before[-2:-1] == ["of"] or before[-1:] == ["of"] else []
    window = window + toks[m.start:m.end + 9]
    at = next((k for k, t in enumerate(window) if t in _PLURAL_STRENGTH and k >= 1
               and (window[k - 1] == "the" or (is_number(window[k - 1]) and window[k - 2:k - 1] == ["the"]))), None)
    if at is None:
        return None
    factor, add = _PLURAL_STRENGTH[window[at]]
    said = float(window[at - 1]) if is_number(window[at - 1]) else None
    base = said if said is not None else float(factor > 1)
    strength = base * factor + add
    lead = window[max(0, at - 6):at - (2 if said is not None else 1)]
    count = 0.5 if "half" in lead else float(lead[-2]) if lead[-2:-1] and is_number(lead[-2]) and lead[-1] == "of" else 1
    total = strength * count
    return f"{int(total) if total.is_integer() else round(total, 2)} mg" if mg_in_class_range(m.drug, total) else None


#: the first word of a schedule right after a bare strength: "metformin 500 twice a day" (D288)
_SCHEDULE_START = frozenset("once twice daily every each at before after with nightly bid tid qd".split())


def _bare_strength(toks: list[str], m: DrugMention) -> str | None:
    """"Metformin, five hundred, twice a day": a number set off by commas right after the drug, or followed at once by
    its schedule ("metformin 500 twice a day", D288), is its strength in mg when the drug's class is said so and the
    number is a plausible dose of that class (not a count of one or two)."""
    at, named = _strength_at(toks, m.end)
    if (m.drug.cls not in _BARE_MG_CLASSES and not named) or at >= len(toks):
        return None
    value, after = toks[at], toks[at + 1:at + 2]
    if not is_number(value) or (after and after[0] not in (",", ".", ";") and after[0] not in _SCHEDULE_START):
        return None
    v = float(value)
    return _fmt_dose(value, "mg") if (v >= 3 or not v.is_integer()) and mg_in_class_range(m.drug, v) else None


#: how far after the drug ", the 81." may still name its tablet
_THE_STRENGTH_REACH = 8


def _strength_at(toks: list[str], end: int) -> tuple[int, bool]:
    """(token index, named by "the") of a bare strength of the drug that ends at ``end``: right after it, set off by
    a comma or not; after "the" ("metoprolol, the twenty five", D351); or after ", the" closing the drug's clause ("A
    baby aspirin every day, the eighty one.")."""
    at = end + (toks[end:end + 1] == [","])
    if toks[at:at + 1] == ["the"]:
        return at + 1, True
    for k in range(end + 2, min(len(toks), end + _THE_STRENGTH_REACH)):
        if toks[k] in _CLAUSE_BREAK:
            break
        if toks[k - 2:k] == [",", "the"] and is_number(toks[k]) and toks[k + 1:k + 2] in ([], ["."], [","], [";"]):
            return k, True
    return at, False


#: a ceiling, not a dose: "up to 3000 milligrams a day" (D288)
_UP_TO = re.compile(r"\b(?:up to|no more than|not more than|at most|maximum of|max of|a max of|a maximum of)$")
_A_DAY = re.compile(r"^(?:a|per|each|in a|in 1) (?:day|24 hours)\b|^daily\b")


def _daily_limit(toks: list[str], doses: list[tuple[int, str]], dose: str | None,
                 freq: str | None) -> tuple[str | None, str | None]:
    """"Use Tylenol instead, up to three thousand milligrams a day": the amount is a daily maximum, written as the
    frequency ("up to 3000 mg a day"), never as one dose taken once daily (D288)."""
    for at, said in doses:
        if said == dose and _UP_TO.search(" ".join(toks[max(0, at - 4):at])) and _A_DAY.search(" ".join(toks[at + 2:at + 6])):
            return None, f"up to {said} a day"
    return dose, freq


def _own_clause(toks: list[str], start: int, drug_end: int, end: int) -> str:
    """The words from ``start`` to the drug and on to the first clause joint after it ("," "and" "but")."""
    stop = next((k for k in range(drug_end, end) if toks[k] in (",", "and", "but", "because")), end)
    return " ".join(toks[start:stop])


def _events_for_sentence(sent: Sentence, mentions: list[DrugMention]) -> list[MedEvent]:
    toks = sent.toks
    scs = scopes(toks)
    events: list[MedEvent] = []
    prev_end = 0
    example = skipped = False
    for i, m in enumerate(mentions):
        next_start = mentions[i + 1].start if i + 1 < len(mentions) else len(toks)
        # clause end after the mention
        end = next_start
        for k in range(m.end, next_start):
            if toks[k] in _CLAUSE_BREAK or (toks[k] == "," and k + 1 < len(toks) and toks[k + 1] in _IMPERATIVES):
                end = k  # "stop the hydrocortisone, apply ... 0.1 % twice daily": the dose is the next drug's
                break
        # region before the mention: from the previous drug (or clause start)
        rstart = prev_end
        for k in range(m.start - 1, prev_end - 1, -1):
            if toks[k] in _CLAUSE_BREAK:
                rstart = k + 1
                break
        region = " ".join(toks[rstart:m.start])
        example = is_example(region, sent.role, example and rstart == prev_end and prev_end > 0)
        after = " ".join(toks[m.end:end])
        action = _action(sent.role, region, after, " ".join(toks[m.end:next_start]),
                         events[-1] if events and rstart == prev_end else None)
        doses = find_doses(toks, m.end, end)
        dose = _dose_of(toks, m, doses, action) or _count_before(toks, m, rstart)
        freq = parse_frequency(after) or ("single dose" if _ONE_DOSE.search(region) else None)
        freq = _with_repeat(freq, " ".join(toks[m.end:next_start]))
        dose, freq = _daily_limit(toks, doses, dose, freq)
        if action == "mention" and events and rstart == prev_end and _AND_NEXT.search(region) and _regimen_follows(toks, m.end):
            action = events[-1].action if events[-1].action in ("start", "continue") else action  # D159
        if action == "stop" and "," in toks[m.end:(doses[0][0] if doses else end)]:
            dose, freq = None, None  # "stop melatonin, 15 milligrams at bedtime": another drug's regimen
        if m.method != "exact" and m.confidence < SAFE_FUZZY and dose is None and freq is None:
            action = "mention"  # a loose match of a drug named before: it may confirm the drug, never change it
        a, action = _fine_to_take(toks, assess(toks, (m.start, m.end), scs), action, sent.role)
        example = example or (sent.role == "clinician" and bool(_MAY_HELP.search(after)))
        unhelpful = bool(_NOT_HELPFUL.search(after)) and action not in ("stop", "change")  # "... so cut it back"
        listed_after_skip = skipped and rstart == prev_end and set(region.split()) <= _OR_GLUE  # "benzocaine or lidocaine"
        skipped = listed_after_skip or (example and dose is None) or unhelpful or not_a_regimen(
            toks, m.start, m.end, next_start if i + 1 < len(mentions) else None, region, CHILD_TAG in sent.tags)
        if skipped:
            prev_end = m.end
            continue
        if action == "start" and _ON_A_RESULT.search(" ".join(toks[max(prev_end, m.start - _IF_REACH):m.start])):
            prev_end = m.end
            continue  # "If the ferritin is low, we'll add iron.": a plan that waits on a test (D336)
        negated = _negated_use(toks, a, m.start, region, sent.role)
        if a.negated and not negated:
            prev_end = m.end
            continue  # "we do not have to make any adjustments to the metformin": no news about taking it
        if negated and sent.role != "clinician" and _NO_MORE.search(_own_clause(toks, a.negation_trigger or 0, m.end, end)):
            negated, action = False, "stop"  # "I'm not on lisinopril anymore": taken once, stopped now
        events.append(MedEvent(m.drug.name, action, dose, freq, sent.role, sent.is_question, negated,
                               m.confidence, sent.index, a.hypothetical, bool(_SWITCH_FROM.search(region))))
        prev_end = m.end
    return events


#: a condition on a test's result: "if the ferritin is low", "if the culture comes back positive", "if it grows MRSA"
_ON_A_RESULT = re.compile(r"\bif (?:the |your |her |his |it |that |this )?(?:[a-z0-9]+ ){0,3}?(?:is |are |comes back |come back |"
                          r"shows |turns out |looks )?(?:low|high|positive|negative|abnormal|elevated|borderline)\b"
                          r"|\bif (?:the |your |her |his )?(?:test|tests|culture|cultures|labs?|results?|blood work|swab|"
                          r"x ray|scan|biopsy)\b|\bif (?:it|the culture|the swab) grows\b")


#: how far before a drug its condition may open (and never before the drug listed before it)
_IF_REACH = 16


#: the words between two drugs of one list: "skip anything with benzocaine or lidocaine in it" skips both (D321)
_OR_GLUE = frozenset(", or and nor".split())


def _fine_to_take(toks: list[str], a: Assertion, action: str, role: str) -> tuple[Assertion, str]:
    """"The Advil is fine.": "is fine" after a drug says it may be taken, not that a complaint is over; from the
    clinician, the drug is continued (D280)."""
    at = a.negation_trigger
    if not a.negated or at is None or toks[at:at + 2] not in (["is", "fine"], ["are", "fine"]):
        return a, action
    return replace(a, negated=False, negation_trigger=None), "continue" if role == "clinician" and action == "mention" else action


#: a clinician naming a drug the patient took, in a relative clause after it: "the ibuprofen 400 mg you took
#: caused the ulcer", "the lisinopril you were on" (D161): what the patient took, never a prescription
_YOU_TOOK = re.compile(r"^(?:[\w.%]+ ){0,4}?(?:that |which )?(?:you|she|he|they) (?:have |had |would )?(?:took|taken"
                       r"|were taking|was taking|been taking|were on|was on|been on|used|tried|had)\b")


def _action(role: str, region: str, after: str, rest: str, previous: MedEvent | None) -> str:
    """The action on a drug: from the verb before it (``region``), the clause after it (``after``) and the
    rest of the sentence up to the next drug (``rest``); ``previous`` is the event of the drug listed just before."""
    action = switch_action(region, previous) or classify_action(region, role)
    if action == "mention" and previous is not None and _listed(region):
        action = previous.action  # "continue his lisinopril and his lasix": the verb covers the list
    if role != "clinician" and no_longer_taken(region, rest):
        action = "stop"
    elif role == "clinician" and action == "mention" and _STOP_IT.search(rest):
        action = "stop"  # "likely from the Sudafed, so stop it"
    elif role == "clinician" and action == "mention" and _CHANGE_IT.search(rest):
        action = "change"
    if action == "mention" and role == "clinician" and re.search(r"\b(increase|decrease|up|down|raise|lower|reduce)\b.*\bto\b", after):
        action = "change"
    if action == "mention" and role == "clinician" and _YOU_TOOK.search(after):
        action = "report"
    if action in ("mention", "start", "continue") and role == "clinician" and _MORE_OFTEN.match(after):
        action = "change"  # "Take the Tylenol more often, 1000 mg three times a day" (D346)
    return action


#: a schedule changed by how often, said right after the drug
_MORE_OFTEN = re.compile(r"^(?:a (?:little|bit) |much )?(?:more|less) (?:often|frequently|regularly)\b")


#: how far into the sentence after a plan its dose may come: "Half a capful, that's about 8.5 grams, ..." (D299)
_OPENS_WITHIN = 8


def _bare_dose_event(sent: Sentence, last_drug: str | None, meds: dict[str, _Med],
                     end: int | None = None, plan: str | None = None) -> MedEvent | None:
    """The regimen of a sentence (up to token ``end``) that names no drug, for the drug named last. ``plan``: the
    action of the clinician's sentence just before, which named that drug with no dose (D196)."""
    end = len(sent.toks) if end is None else end
    # "20 milligrams of lisinopril": a dose said of the drug that follows is that drug's (``_dose_of``)
    doses = [d for d in find_doses(sent.toks, 0, end) if not (sent.toks[d[0] + 2:d[0] + 3] == ["of"] and d[0] + 3 >= end - 1)]
    if not doses or last_drug is None:
        return None
    # "Three of the two hundred milligram tablets, three times a day." is 600 mg (D342)
    strength = _strength_first(doses)  # "Two tablets, which is 524 milligrams, four times a day" (D351)
    dose = _scaled(strength[1], _pill_count(sent.toks, strength[0]))
    freq = parse_frequency(" ".join(sent.toks[doses[0][0]:end]))
    for med in meds.values():
        if med.dose == dose and (freq is None or med.frequency == freq):
            return None  # a repeat of a regimen already recorded
    action = classify_action(" ".join(sent.toks[:doses[0][0]]), sent.role)
    if action in ("mention", "start") and sent.role != "clinician":
        action = "report"
    if sent.role == "clinician" and plan is not None and doses[0][0] <= _OPENS_WITHIN and action == "mention":
        # "I'd like to start rosuvastatin." "10 milligrams every evening." (D196); "So, nystatin suspension."
        # "Five milliliters, four times a day.": a drug named alone and then dosed is prescribed (D245)
        action = "start" if plan == "mention" else plan
    elif sent.role == "clinician" and action != "change":
        return None  # a clinician's new prescription of a drug we did not recognise
    target = meds.get(last_drug)
    if target is not None and target.dose is not None and action not in ("change",):
        return _strength_of_count(sent, doses[0], target, last_drug)
    return MedEvent(last_drug, action, dose, freq, sent.role, sent.is_question, False, 0.5, sent.index)


#: what may come before a strength that names the pills already counted: "The thousand milligram ones."
_STRENGTH_LEAD = frozenset("the those these it is they are yes yeah oh , .".split())


def _strength_of_count(sent: Sentence, first: tuple[int, str], target: "_Med", drug: str) -> MedEvent | None:
    """"One capsule every morning." "The thousand milligram ones.": the patient's next sentence names the strength
    of the pills they counted, so the dose is the count times it (1000 mg, D346); any other dose is another
    drug's."""
    at, strength = first
    count, _, unit = (target.dose or "").partition(" ")
    lead, named = set(sent.toks[:at]), sent.toks[at + 2:at + 3]
    if (sent.role == "clinician" or not unit.endswith(_COUNTED) or not is_number(count) or not strength.endswith(_MASS)
            or not lead <= _STRENGTH_LEAD or not lead & {"the", "those", "these"}
            or not (named and (named[0] in _PILLS or named[0] == "kind"))):
        return None
    return MedEvent(drug, "report", _scaled(strength, float(count)), None, sent.role, False, False, 0.5, sent.index)


_SENTENCE_MARKS = frozenset(". , ; : ? !".split())


#: the words a clinician may say around a drug named by itself: "So, nystatin suspension." (D245)
_NAMING_ONLY = frozenset("so okay ok then now next first second third and also the a an some oral liquid suspension "
                         "tablets tablet capsules capsule syrup regular generic plain".split()) | _TOPICAL_FORMS
#: what the drug is for, or whom, said before it: "For pain, ibuprofen." "So, for you, Missus Petrakis, azithromycin."
_FOR_LEAD = 6
_OPENERS = frozenset("so okay ok now and then".split())


def _named_alone(sent: Sentence, mentions: list[DrugMention]) -> bool:
    """The sentence says nothing but the drug (and a form or a filler word), after at most a short "for ..." lead
    set off by a comma (D346)."""
    inside = {k for m in mentions for k in range(m.start, m.end)}
    first = min((m.start for m in mentions), default=0)
    lead = next((k for k in range(first) if sent.toks[k] not in _SENTENCE_MARKS and sent.toks[k] not in _OPENERS), first)
    skip = first if (sent.toks[lead:lead + 1] == ["for"] and first - lead <= _FOR_LEAD + 2
                     and sent.toks[first - 1:first] == [","]) else 0
    return all(t in _SENTENCE_MARKS or t in _NAMING_ONLY for k, t in enumerate(sent.toks)
               if k not in inside and k >= skip)


def _bridged(last_plan: tuple[str, int, str] | None, sent: Sentence) -> tuple[str, int, str] | None:
    """The plan of the sentence just before kept across the one sentence after it, when that names no drug and no
    dose and asks nothing: "I'm adding diclofenac gel. It's an anti inflammatory you rub in. Four grams ..., four times a
    day." (D298)."""
    if (last_plan is None or last_plan[1] != sent.index - 1 or sent.is_question
            or find_doses(sent.toks, 0, len(sent.toks))):
        return None
    return last_plan


def _plan_without_dose(events: list[MedEvent], last_drug: tuple[str, int] | None, sent: Sentence,
                       mentions: list[DrugMention]) -> tuple[str, int, str] | None:
    """(drug, sentence index, action) when this clinician's sentence starts, changes or continues the drug it
    names last and gives it no dose, or names it alone: a dose that opens the next sentence is that drug's
    (D196, D245)."""
    ev = next((e for e in reversed(events) if last_drug is not None and e.drug == last_drug[0]), None)
    words = [t for t in sent.toks if t not in _SENTENCE_MARKS]
    if (ev is None or sent.role != "clinician" or sent.is_question or ev.dose is not None or ev.negated
            or (words and words[-1][:1].isdigit())):
        return None  # "aldactone twelve . five milligrams": a number split at its point is no new sentence
    if ev.action in ("start", "change", "continue") or (ev.action == "mention" and _named_alone(sent, mentions)):
        return ev.drug, sent.index, ev.action
    return None


#: an instruction that applies the drug just named by a pronoun: "Use it twice a week", "Rub it between the toes
#: twice a day" (D298)
_APPLIED_IT = re.compile(r"^(?:(?:so|and|then|just|now|okay|ok)\W+)*(?:use|apply|rub|put|spray|swish|take|give|massage|"
                         r"lather|spread|dab|paint) (?:\w+ ){0,2}?(?:it|them)\b")


def _first_clause_words(toks: list[str]) -> int:
    """The words before the first comma: "Two in the morning and two at night, since Friday." has 8 (D299)."""
    cut = toks.index(",") if "," in toks else len(toks)
    return len([t for t in toks[:cut] if t not in _SENTENCE_MARKS])


def _frequency_follows(sent: Sentence, last_drug: tuple[str, int], named_in: int | None,
                       meds: dict[str, _Med]) -> MedEvent | None:
    """"Amlodipine, five milligrams, for blood pressure. Once a day.": a short sentence that gives only a
    frequency (no drug, no dose), right after the speaker's sentence naming a drug that has none yet, gives that
    drug its frequency (D245)."""
    med = meds.get(last_drug[0])
    applied = _APPLIED_IT.match(sent.norm) is not None and last_drug[1] == sent.turn
    if (named_in is None or sent.index - named_in not in ((1, 2) if applied else (1,)) or sent.is_question
            or med is None or med.status is None or med.frequency is not None
            or (not applied and _first_clause_words(sent.toks) > 8)
            or find_doses(sent.toks, 0, len(sent.toks))):
        return None  # a sentence with a dose of its own is read by ``_bare_dose_event`` or not at all
    freq = parse_frequency(" ".join(sent.toks))
    if freq is None:
        return None
    return MedEvent(last_drug[0], "mention", None, freq, sent.role, False, False, 0.5, sent.index)


def _frequency_answer(sent: Sentence, last_drug: tuple[str, int], meds: dict[str, _Med],
                      turns: list[Turn]) -> MedEvent | None:
    """"Do you still take the atorvastatin?" "Yes, every night.": the first sentence of a patient's answer to a
    clinician's question naming one drug, with a frequency and no dose, gives that drug its frequency (D181)."""
    drug, turn = last_drug
    asked = next((t for t in turns if t.index == turn), None)
    answer = next((t for t in turns if t.index == sent.turn), None)
    if (sent.role == "clinician" or turn != sent.turn - 1 or asked is None or asked.role != "clinician"
            or not asked.sentences[-1].is_question or answer is None or answer.sentences[0] is not sent):
        return None
    from .symptoms import answer_polarity

    freq = parse_frequency(" ".join(sent.toks))
    med = meds.get(drug)
    if freq is None or med is None or med.frequency is not None or answer_polarity(sent) == "neg":
        return None
    return MedEvent(drug, "report", None, freq, sent.role, False, False, 0.5, sent.index)


_MED_Q = re.compile(r"\b(medications?|medicines?|meds|pills|prescriptions?|taking|take|taken|supplements?|vitamins?|inhalers?)\b")


def med_answer_turns(turns: list[Turn]) -> set[int]:
    """Indices of patient turns that answer a clinician's medication question."""
    out: set[int] = set()
    for i in range(1, len(turns)):
        prev, cur = turns[i - 1], turns[i]
        if prev.role != "clinician" or cur.role == "clinician":
            continue
        for s in prev.sentences:
            norm = re.sub(r"allerg\w* to (any )?(medicines?|medications?|meds|drugs)", " ", s.norm)
            if s.is_question and _MED_Q.search(norm):
                out.add(cur.index)
    return out


#: a clinician asking whether something was tried: "Have you tried ibuprofen?", "Did you take anything for it?"
_EVER = re.compile(r"\bever (?:had|taken|take|tried|used|been on|gotten|got)\b")
_TRIED_Q = re.compile(r"\b(?:have|did|has) (?:you|she|he) (?:tried|try|taken|take|used|use|had)\b")


def _tried_without_effect(turns: list[Turn], sent: Sentence, events: list[MedEvent]) -> list[MedEvent]:
    """"Have you tried ibuprofen?" "Yeah, it didn't do anything." and "Have you tried anything?" "Some Tylenol, but
    it didn't help.": tried without effect, as "I tried ibuprofen but it did not help" is (D194): stopped."""
    if not events:
        return events
    if sent.role == "clinician" and sent.is_question and _TRIED_Q.search(sent.norm):
        answer = next((t for t in turns if t.index == sent.turn + 1), None)
        said = answer.sentences[0].norm if answer is not None and answer.role != "clinician" and answer.sentences else ""
    elif sent.role != "clinician" and len(events) == 1 and _asked_tried(turns, sent.turn):
        said = sent.norm
    else:
        return events
    if not _NO_EFFECT.search(said):
        return events
    return [replace(ev, action="stop") if ev.action in ("report", "mention") else ev for ev in events]


def _asked_tried(turns: list[Turn], turn_index: int) -> bool:
    prev = next((t for t in turns if t.index == turn_index - 1), None)
    return prev is not None and prev.role == "clinician" and any(
        s.is_question and _TRIED_Q.search(s.norm) for s in prev.sentences)


def _answer_to(turns: list[Turn], turn_index: int) -> Sentence | None:
    """The first sentence of the patient's turn right after ``turn_index``."""
    nxt = next((t for t in turns if t.index == turn_index + 1), None)
    if nxt is None or nxt.role == "clinician" or not nxt.sentences:
        return None
    return nxt.sentences[0]


def _answered_no(turns: list[Turn], turn_index: int) -> bool:
    """The turn after ``turn_index`` is a patient's answer that starts with "no"."""
    from .symptoms import answer_polarity

    answer = _answer_to(turns, turn_index)
    return answer is not None and answer_polarity(answer) == "neg"


#: a clinician's question that offers a drug: "should we start", "would you be open to", "do you want to try" (D198)
_OFFER = re.compile(r"\b(?:should we|shall we|could we|can we|would you (?:like|want|be open|be willing|consider|prefer)"
                    r"|do you want|how about|what about|are you open|why do not we|would it be)\b")


_ACCEPT = re.compile(r"^\W*(?:okay|ok|sure|alright|all right|sounds good|let us|that is fine|fine|i will try|i can try"
                     r"|i could try|i would like|why not|definitely|absolutely)\b")
_RESERVED = re.compile(r"\b(?:but|rather not|not sure|think about|wait)\b")


def _accepts(turns: list[Turn], turn_index: int) -> bool:
    """The patient's turn right after ``turn_index`` accepts: "Yes.", "Sure.", "Okay, sounds good.", with no
    reservation ("Okay, but ...")."""
    from .symptoms import answer_polarity

    answer = _answer_to(turns, turn_index)
    if answer is None or _RESERVED.search(answer.norm):
        return False
    return answer_polarity(answer) in ("yes", "pos", "agree") or bool(_ACCEPT.search(answer.norm))


def _offers_settled(turns: list[Turn], sent: Sentence, events: list[MedEvent]) -> list[MedEvent]:
    """A drug the clinician offers in a question ("Would you be open to starting metformin?") is started when the
    patient accepts ("Sure."); declined, put off ("Let me think about it.") or unanswered, it is not a drug the
    patient takes (D198)."""
    if sent.role != "clinician" or not sent.is_question or not _OFFER.search(sent.norm):
        return events
    accepted = _accepts(turns, sent.turn)
    return [replace(ev, question=False) if accepted else ev for ev in events
            if ev.action != "start" or accepted]


#: the clinician's next sentence puts off the drug just named: "There's one called cilostazol ... I'd rather hold off
#: and see ...", "That works too, it's pyrantel. But I'm going to prescribe mebendazole." (D337)
_HOLD_OFF = re.compile(r"^(?:(?:but|so|and|okay|for now|honestly) ,? )*(?:i would rather (?:hold off|wait|not start)|"
                       r"let us (?:hold off|wait)|(?:we|i) (?:will|can|could) (?:hold off|wait on)|i am going to hold off|"
                       r"not yet\b|not for now\b)")
_INSTEAD = re.compile(r"^(?:but|instead)\b.*\b(?:prescribe|give you|start you|start her|start him|go with)\b")


def _held_off(turns: list[Turn], sent: Sentence, events: list[MedEvent]) -> list[MedEvent]:
    """A drug the clinician only names, or starts without a dose, and puts off in the next sentence is not started
    (D337)."""
    if sent.role != "clinician" or not events:
        return events
    own = turns[sent.turn].sentences
    nxt = next((s for s, prev in zip(own[1:], own) if prev.index == sent.index), None)
    if nxt is None or not (_HOLD_OFF.search(nxt.norm) or (_INSTEAD.search(nxt.norm) and find_drugs(nxt))):
        return events
    return [ev for ev in events if ev.action not in ("mention", "start") or ev.dose]


def extract_medications(turns: list[Turn], excluded: set[tuple[int, int]] | None = None) -> list[Medication]:
    """Medication list; ``excluded`` holds (sentence index, token start) of allergy substances."""
    excluded = excluded or set()
    sentences = [s for t in turns for s in t.sentences]
    # pass 1: confident drugs; pass 2: relax thresholds for drugs already seen
    known = frozenset(m.drug.name for s in sentences for m in find_drugs(s) if (s.index, m.start) not in excluded)
    meds: dict[str, _Med] = {}
    last_drug: tuple[str, int] | None = None
    last_plan: tuple[str, int, str] | None = None
    named_in: int | None = None
    alone_in: int | None = None
    order = 0
    med_answer = med_answer_turns(turns)
    others: set[str] = set()  # drugs a companion named as their own
    for sent in sentences:
        found = [m for m in find_drugs(sent, known, med_context=sent.turn in med_answer, include_weak=True)
                 if (sent.index, m.start) not in excluded]
        mentions = [m for m in found if not m.weak]
        if len(mentions) < len(found):
            last_drug = None  # a dose near an unclear drug name belongs to that drug, not the previous one
        mentions = restatements_dropped(sent.toks, mentions)
        events = _events_for_sentence(sent, mentions) if mentions else []
        if sent.role == "clinician" and sent.is_question and (_answered_no(turns, sent.turn) or _EVER.search(sent.norm)):
            events = []  # "Have you tried Azo?" "No." says nothing about the regimen, nor "Has she ever had X?" (D238)
        events = _held_off(turns, sent, _offers_settled(turns, sent, _tried_without_effect(turns, sent, events)))
        events = _others_dropped(sent, sentences, events, others, meds, mentions)
        plan = last_plan[2] if last_plan is not None and sent.index - last_plan[1] in (1, 2) else None
        if last_drug is not None and sent.turn - last_drug[1] <= 2 and (not found or sent.role != "clinician" or plan):
            # "... and Sudafed." "30 milligrams every six hours, plus atorvastatin ...": a regimen that opens the
            # sentence before any drug is the last drug's, as a sentence of its own would be (D171)
            ev = _bare_dose_event(sent, last_drug[0], meds, min((m.start for m in found), default=None), plan) \
                or (None if found else _frequency_answer(sent, last_drug, meds, turns)
                    or _frequency_follows(sent, last_drug, named_in, meds))
            if ev is not None:
                events = [ev, *events]
        _named_wrong(sent, found, last_drug, named_in, meds)
        if not found:
            _untaken(sent, last_drug, named_in, meds)
            events += _stopped_after_naming(sent, last_drug, alone_in)
        for ev in events:
            med = meds.get(ev.drug)
            if (med is None or med.status is None) and ev.question and ev.confidence < SAFE_FUZZY:
                continue  # a near-spelling in a question adds no drug ("give up gardening" near prednisone, D228)
            if med is None:
                med = meds[ev.drug] = _Med(ev.drug, order=order)
                order += 1
            med.confidence = max(med.confidence, ev.confidence)
            _apply(med, ev)
        if mentions:
            last_drug, named_in = (mentions[-1].drug.name, sent.turn), sent.index
            # the clinician naming it alone, or the patient asking of it alone ("And the Delsym?", D265)
            alone_in = sent.index if (sent.role == "clinician" or sent.is_question) and _named_alone(sent, mentions) else None
        last_plan = _plan_without_dose(events, last_drug, sent, mentions) if mentions else _bridged(last_plan, sent)
    out: list[Medication] = []
    for med in sorted(meds.values(), key=lambda m: m.order):
        if med.status is None:
            continue
        out.append({"name": med.name, "dose": med.dose, "frequency": med.frequency, "status": med.status,
                    "match_confidence": round(med.confidence, 3), "source": med.source})
    return _class_names_dropped(out)


#: "She gave me her leftover amoxicillin. I didn't take it, though." (D249)
_DID_NOT_TAKE_IT = re.compile(r"^(?:(?:but|and|well|so|actually|no) ,? )*i (?:did not|never|have not|have never) "
                              r"(?:actually |even |ever )?(?:take|took|taken|use|used|start|started|try|tried|touch|touched)"
                              r" (?:it|them|any|that|those)\b")


_STOP_THAT = re.compile(r"^(?:(?:so|and|then|please|just|okay|now|yes|yeah) ,? )*(?:you can |you could |go ahead and |feel free to )?"
                        r"(?:stop|discontinue|quit) (?:taking |using )?(?:it|them|that|those)\b")


def _stopped_after_naming(sent: Sentence, last_drug: tuple[str, int] | None, alone_in: int | None) -> list[MedEvent]:
    """"Now, the Aleve. Stop it.": the clinician names a drug by itself and stops it in the next sentence (D256);
    "And the Delsym?" "You can stop that.": the patient asks of it alone and the clinician stops it (D265)."""
    if last_drug is None or alone_in != sent.index - 1 or sent.role != "clinician" or not _STOP_THAT.match(sent.norm):
        return []
    return [MedEvent(last_drug[0], "stop", None, None, sent.role, False, False, 1.0, sent.index)]


def _untaken(sent: Sentence, last_drug: tuple[str, int] | None, named_in: int | None, meds: dict[str, _Med]) -> None:
    """A patient-side sentence right after the one naming a drug says it was never taken: the drug, only reported
    so far, is no medication (D249)."""
    med = _only_reported_before(sent, last_drug, named_in, meds)
    if med is not None and _DID_NOT_TAKE_IT.search(sent.norm) and not _ONE_TIME.search(sent.norm):
        med.status = None  # "I take ibuprofen daily. I didn't take it today." is a dose skipped, not a drug untaken
        med.untaken = True


def _only_reported_before(sent: Sentence, last_drug: tuple[str, int] | None, named_in: int | None,
                          meds: dict[str, _Med]) -> _Med | None:
    """The drug the sentence just before named, when this sentence is the patient side's and that drug is only
    reported so far: active, no plan, no dose, no frequency."""
    med = meds.get(last_drug[0]) if last_drug is not None else None
    if (med is None or sent.role == "clinician" or named_in != sent.index - 1 or med.status != "active" or med.planned
            or med.dose or med.frequency):
        return None
    return med


#: a patient-side sentence that corrects the drug just named: "The water pill. No, wait, it's the amlodipine." (D338)
_NO_WAIT = re.compile(r"^(?:no ,? )?(?:wait|sorry|i mean|i am sorry|scratch that|not that 1)\b")


def _named_wrong(sent: Sentence, found: list[DrugMention], last_drug: tuple[str, int] | None, named_in: int | None,
                 meds: dict[str, _Med]) -> None:
    """The drug the sentence before named, only reported so far, is taken back when this one corrects it with
    another drug (D338)."""
    med = _only_reported_before(sent, last_drug, named_in, meds)
    if med is not None and found and _NO_WAIT.match(sent.norm) and med.name not in {m.drug.name for m in found}:
        med.status = None
        med.untaken = True


_ONE_TIME = re.compile(r"\b(?:today|tonight|this morning|yesterday|last night|before (?:i came|coming)|yet)\b")


def _others_dropped(sent: Sentence, sentences: list[Sentence], events: list[MedEvent], others: set[str],
                    meds: dict[str, _Med], mentions: list[DrugMention]) -> list[MedEvent]:
    """No events from a sentence about someone else's drugs (their names go to ``others``), and no bare mention
    later of a drug that is only someone else's: the father's "they gave me a cream, Silvadene", then the
    clinician's "Silvadene is for real burns" (D274); "My friend from Zumba takes Myrbetriq." (D281)."""
    before = sentences[max(0, sent.index - 2):sent.index]
    if sent.role != "clinician" and _OTHERS_TAKE.search(sent.norm):
        others.update(m.drug.name for m in mentions if m.drug.name not in {ev.drug for ev in events})
    if _someone_elses(sent, before) or _names_what_they_take(sent, before):
        others.update(ev.drug for ev in events)
        others.update(m.drug.name for m in mentions if m.drug.name not in meds)  # skipped ones too (D338)
        return []
    if _asked_about(sent, before):  # asked about only: a later bare mention of it is no report either (D285)
        others.update(m.drug.name for m in mentions if m.drug.name not in meds)
        return [ev for ev in events if ev.action != "mention"]
    # "keep your Nexium for yourself": a drug only someone else takes, kept without a regimen, is not the patient's
    # (D312); "Rub it in twice a day" after naming the same drug is
    return [ev for ev in events if not (ev.drug in others and ev.drug not in meds and ev.action in ("mention", "continue")
                                        and ev.dose is None and ev.frequency is None)]


#: a patient-side question about a drug: "What about the Rogaine?", "Do I need an EpiPen, like my mom?" (D336)
_ASKS_ABOUT = re.compile(r"^(?:and |so |but |okay |well )?(?:(?:what|how) about|(?:do|would|will) i need|should i (?:get|buy|try|"
                         r"be on|have)|could i (?:get|try|have)|can i (?:get|try|have))\b")
#: ... or the name alone after the speaker said where they came across it: "I read about a pill on TikTok. Olumiant?"
_CAME_ACROSS = re.compile(r"\b(?:read|heard|saw|seen) (?:about|of|online|on|an ad|something)\b")


def _asked_about(sent: Sentence, before: list[Sentence]) -> bool:
    """A patient-side question that asks about a drug, not a report of taking it (D274)."""
    if sent.role == "clinician" or not sent.is_question:
        return False
    if _ASKS_ABOUT.search(sent.norm):
        return True
    words = [t for t in sent.toks if t.isalpha()]
    return len(words) <= 3 and bool(before) and before[-1].turn == sent.turn and bool(_CAME_ACROSS.search(before[-1].norm))


def _names_what_they_take(sent: Sentence, before: list[Sentence]) -> bool:
    """"My friend takes a pill for this. Oxybutynin, I think.": the drug named alone right after someone else's
    unnamed drug is theirs (D312)."""
    if sent.role == "clinician" or not before or before[-1].turn != sent.turn or not _OTHERS_TAKE.search(before[-1].norm):
        return False
    words = [t for t in sent.toks if t.isalpha() and t not in _APPOSITION_GLUE]
    return len(words) <= 3 and not drug_lexicon().matcher.find(list(before[-1].content))


def _someone_elses(sent: Sentence, before: list[Sentence]) -> bool:
    """A patient-side sentence about another person's drugs: a relative's own, in the first person, or "she's on ..."
    in the same turn, one or two sentences after the speaker named someone else (D234, D249). ``before``: the
    sentences just before this one."""
    if sent.role == "clinician":
        return False
    if sent.role == "other" and _SPEAKERS_OWN.search(sent.norm):
        return True
    return (any(prev.turn == sent.turn and _NAMED_OTHER.search(prev.norm) for prev in before[-2:])
            and bool(_PRONOUN_TAKES.search(sent.norm)))


def _class_names_dropped(meds: list[Medication]) -> list[Medication]:
    """A drug class said by its name ("my water pill": diuretic) is dropped when a drug of that class is in the
    list too: "the water pill" is then that drug said again (D219)."""
    by_name = drug_lexicon().by_name
    classes = [by_name[str(m["name"])].cls for m in meds if m["name"] in by_name]
    def named_by_a_drug(drug: Drug) -> bool:
        return sum(c.endswith(drug.cls) for c in classes) > 1
    return [m for m in meds if not ((d := by_name.get(str(m["name"]))) and "class_name" in d.flags and named_by_a_drug(d))]


def _apply(med: _Med, ev: MedEvent) -> None:
    if ev.hypothetical and ev.action not in ("start",):
        return
    if med.untaken and ev.action in ("mention", "report", "continue") and not (ev.dose or ev.frequency):
        return  # "She gave me her leftover amoxicillin. I didn't take it." ... "the amoxicillin was a bad idea" (D336)
    if ev.negated:
        if ev.role == "clinician" and not ev.question and med.reported:
            med.status = "stopped"
            med.planned = True
        return
    clinician_says = ev.role == "clinician" and not ev.question
    action = ev.action
    if not clinician_says and action in ("start", "change", "continue", "mention"):
        action = "report"
    if action == "stop" and ev.role != "clinician" and ev.question:
        action = "report"  # "Should he stop the Eliquis?": asked about, not done; it is taken (D256)
    if action == "stop" and not clinician_says:
        # the patient says they stopped it: record as stopped
        med.status = "stopped"
        med.stopped_by_patient = True
        return
    _ACTIONS.get(action, _apply_mention)(med, ev)
    if clinician_says and action in _PLAN_ACTIONS or med.status == "new":
        med.planned = True


def _take_event_regimen(med: _Med, ev: MedEvent) -> None:
    """The event's dose and frequency replace the medication's, where it states them."""
    med.dose = ev.dose or med.dose
    med.frequency = ev.frequency or med.frequency


def _fill_regimen(med: _Med, ev: MedEvent) -> None:
    """The event's dose and frequency fill only what the medication lacks; a bare "as needed" joins the
    schedule it has ("every six hours" and then "keep the Tylenol as needed": every 6 hours as needed, D169)."""
    med.dose = med.dose or ev.dose
    if med.frequency and ev.frequency == "as needed" and "as needed" not in med.frequency:
        med.frequency = f"{med.frequency} as needed"
    med.frequency = med.frequency or ev.frequency


def _apply_report(med: _Med, ev: MedEvent) -> None:
    med.reported = True
    if med.status is None:
        med.status = "active"
    if med.status == "active":
        _take_event_regimen(med, ev)


def _apply_stop(med: _Med, ev: MedEvent) -> None:
    med.status = "stopped"
    _fill_regimen(med, ev)


def _apply_change(med: _Med, ev: MedEvent) -> None:
    if med.status != "new":
        med.status = "changed"
    _take_event_regimen(med, ev)


def _apply_start(med: _Med, ev: MedEvent) -> None:
    if med.reported:
        if (ev.dose and med.dose and ev.dose != med.dose) or (ev.frequency and med.frequency and ev.frequency != med.frequency):
            med.status = "changed"
        elif med.status in (None, "stopped"):
            med.status = "active"
    elif med.status in (None, "active", "stopped"):
        med.status = "new"
    _take_event_regimen(med, ev)


def _apply_continue(med: _Med, ev: MedEvent) -> None:
    if med.status in (None, "stopped"):
        med.status = "active"
    _fill_regimen(med, ev)


def _apply_mention(med: _Med, ev: MedEvent) -> None:
    """A plain clinician mention."""
    if ev.dose and med.dose and ev.dose != med.dose and med.reported:
        med.status = "changed"
        _take_event_regimen(med, ev)
        return
    if med.status is None:
        # a new drug named with a dose in the clinician's plan is a prescription
        med.status = "new" if ev.dose and not med.reported else "active"
    _fill_regimen(med, ev)


_PLAN_ACTIONS = frozenset(("start", "change", "continue", "stop"))
_ACTIONS: dict[str, Callable[[_Med, MedEvent], None]] = {
    "report": _apply_report, "stop": _apply_stop, "change": _apply_change,
    "start": _apply_start, "continue": _apply_continue,
}


# --------------------------------------------------------------------------- allergies
@lru_cache(maxsize=1)
def _said_so_only() -> frozenset[str]:
    """Foods (D158), vitamins and supplements (D257), animals, pollen, dust and mold (D263): an allergy only with
    an allergy word or a reaction, not because they were named in the answer to "Any allergies?" ("Just fish oil
    and a multivitamin.")."""
    from .lexicon import load_json

    classes = frozenset(c["name"] for c in load_json("allergies.json")["classes"] if c.get("food") or c.get("environmental"))
    return classes | frozenset(d.name for d in drug_lexicon().drugs if d.cls in ("vitamin", "supplement"))


ALLERGY_TRIGGER = re.compile(r"\b(allergic|allergy|allergies|reaction|reactions)\b")
_NKDA = re.compile(r"\b(no|not|nkda|none|denies|never)\b.*\b(allerg\w*)|\b(allerg\w*)\b.*\b(none|no)\b|\bnkda\b")
_REACTION_LEAD = re.compile(r"^(it|they|that|this|which|she|he)\b|^(her|his|my|their) (lips?|face|tongue|throat|skin|eyes?)\b|\b(gives|gave|give|makes|made|make|causes|caused|cause|broke|break|get|got)\b"
                            r"|^(?:you|she|he|i) (?:threw up|vomited|swelled up)\b")  # "You threw up for two days on it" (D337)


def _substances(sent: Sentence, known: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, name) of allergy substances in a sentence (classes + drugs)."""
    subs, _ = allergy_lexicon()
    out: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for m in subs.find(sent.content):
        s, e = sent.raw_span(m.start, m.end)
        out.append((s, e, m.payload))
        taken.update(range(s, e))
    for dm in find_drugs(sent, known | allergy_prone()):
        if taken.intersection(range(dm.start, dm.end)):
            continue
        if dm.method != "exact" and dm.confidence < SAFE_FUZZY and dm.drug.name not in known:
            continue  # a weak match: needs_review (review.py), never an allergy
        if dm.method != "exact" and dm.context == "dose":
            continue
        out.append((dm.start, dm.end, dm.drug.name))
    out.sort()
    return out


def allergy_prone() -> frozenset[str]:
    """Drug classes people are often allergic to: their names are looked for with relaxed thresholds."""
    return frozenset(d.name for d in drug_lexicon().drugs
                     if d.cls.endswith("antibiotic") or d.cls in ("opioid", "nsaid"))


def _reactions(sent: Sentence, start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
    """Reactions after ``start``, most specific first (order of allergies.json)."""
    _, reactions = allergy_lexicon()
    rank = _reaction_rank()
    out = []
    for m in reactions.find(sent.content):
        s, _e = sent.raw_span(m.start, m.end)
        if s >= start and (end is None or s < end):
            out.append((s, m.payload))
    out.sort(key=lambda r: rank.get(r[1], 99))
    return out


def _reaction_rank() -> dict[str, int]:
    from .lexicon import load_json

    global _RANK
    if _RANK is None:
        _RANK = {r["name"]: i for i, r in enumerate(load_json("allergies.json")["reactions"])}
    return _RANK


_RANK: dict[str, int] | None = None


def extract_allergies(turns: list[Turn]) -> tuple[list[Allergy], set[tuple[int, int]], bool]:
    """(allergies, excluded drug spans, allergies explicitly denied)."""
    allergies: dict[str, Allergy] = {}
    excluded: set[tuple[int, int]] = set()
    denied = False
    known: frozenset[str] = frozenset()
    asked, named = (False, False), False
    for ti, turn in enumerate(turns):
        if turn.role == "clinician":
            for sent in turn.sentences:
                for start, name, reaction in _chart_allergies(sent, known):
                    _add_allergy(allergies, name, reaction)
                    excluded.add((sent.index, start))
            continue
        prev = turns[ti - 1] if ti > 0 else None
        # the allergy question goes on over the companions' and the patient's next answers while they name
        # substances: "Penicillin." "Mom, it's not penicillin. It's erythromycin." "Erythromycin. She's right." (D337)
        follows = prev is not None and prev.role != "clinician" and asked[0] and named
        asked = (True, False) if follows else _asked_before(prev)
        denied |= _turn_allergies(turn, asked, known, allergies, excluded, follows)
        if follows:
            excluded |= _corrected(turn, known, allergies)
        named = any(_substances(s, known) for s in turn.sentences)
    _into_ingredient(allergies)
    return list(allergies.values()), excluded, denied and not allergies


def _turn_allergies(turn: Turn, asked: tuple[bool, bool], known: frozenset[str], allergies: dict[str, Allergy],
                    excluded: set[tuple[int, int]], carried: bool = False) -> bool:
    """Adds the allergies a patient-side turn states to ``allergies`` and their spans, and those of substances that
    are no allergy of the patient's, to ``excluded``; whether it denies any allergy. ``carried``: the question was
    asked before an earlier answer; then only a sentence that names the substance again answers it (D337)."""
    allergy_question, med_question = asked
    sents = turn.sentences
    denied = allergy_question and bool(sents) and _answers_none(sents[0], known)
    taken_back = _taken_back_upto(sents)
    for si, sent in enumerate(sents):
        if _NKDA.search(sent.norm) and not _substances(sent, known):
            denied = True
            continue
        if si < taken_back:
            excluded |= {(sent.index, start) for start, _e, _n in _substances(sent, known)}
            continue
        excluded |= _containers(sent, known)
        if own := _companion_s_list(sents, si, known):
            excluded |= own
            continue
        follow = sents[si + 1] if si + 1 < len(sents) else None
        around = (sents[si - 1] if si else None, follow, sents[si + 2] if si + 2 < len(sents) else None)
        carried_here = not carried or _names_again(sent, known)
        for start, name, reaction in _sentence_allergies(sent, around, known, allergy_question and carried_here,
                                                         med_question):
            _add_allergy(allergies, name, reaction)
            excluded.add((sent.index, start))
        excluded |= relative_allergens(sent, known)
    return denied


#: the words of a later answer that names the allergy again: "It's erythromycin.", "Right. Penicillin.", "You're the
#: penicillin one." (D337)
_AGAIN_GLUE = frozenset("and or to just only um uh oh well yes yeah it is was right you are the 1 mom dad honey".split())


def _names_again(sent: Sentence, known: frozenset[str]) -> bool:
    subs = _substances(sent, known)
    return bool(subs) and _names_only(sent, subs, _AGAIN_GLUE)


#: a later answer that takes an allergy back: "it's not penicillin", "the codeine is mine" (D337)
_IS_MINE = re.compile(r"^(?:is|are|was|were) (?:mine|me|hers|his)\b")


def _corrected(turn: Turn, known: frozenset[str], allergies: dict[str, Allergy]) -> set[tuple[int, int]]:
    """The allergies named before that a companion's or the patient's next answer takes back ("Mom, it's not
    penicillin.", "The codeine is mine."): dropped from ``allergies``; their spans here are returned (D337)."""
    out: set[tuple[int, int]] = set()
    for sent in turn.sentences:
        for s, e, name in _substances(sent, known):
            if name in allergies and (sent.toks[s - 1:s] == ["not"] or sent.toks[max(0, s - 2):s] == ["not", "the"]
                                      or _IS_MINE.match(" ".join(sent.toks[e:e + 2]))):
                allergies.pop(name)
                out.add((sent.index, s))
    return out


def _into_ingredient(allergies: dict[str, Allergy]) -> None:
    """"Codeine. They gave me Tylenol with codeine ... and I threw up": a combination product told as what held an
    allergen named on its own is that allergen; its reaction goes to the ingredient (D311)."""
    for combo in [n for n in allergies if " " in n]:
        parts = set(combo.split())
        ingredient = next((n for n in allergies if n != combo and set(n.split()) < parts), None)
        if ingredient is not None:
            _add_allergy(allergies, ingredient, allergies.pop(combo)["reaction"])


#: a speaker taking back an allergy just named: "Cephalexin. No, wait, that's his sister. He doesn't have any." (D238)
_THAT_IS_SOMEONE = re.compile(r"\bthat (?:is|was) (?:my|his|her|their|your) (?:" + PERSONS + r")\b")
_HAS_NONE = re.compile(r"\b(?:does|do|did) not have any(?: allergies)?\W*$"
                       # "... said that's just a side effect, not an allergy" (D273)
                       r"|\b(?:that|it) (?:is|was) (?:just |only )?(?:a |an )?(?:side effect|intolerance)s?(?: ,)? (?:and )?not an? (?:true |real )?allergy\b")


def _taken_back_upto(sents: list[Sentence]) -> int:
    """The index of the last sentence of a turn that takes back what the sentences before it named, else -1."""
    return max((i for i, s in enumerate(sents) if i > 0 and (_THAT_IS_SOMEONE.search(s.norm) or _HAS_NONE.search(s.norm))),
               default=-1)


#: a clinician stating the patient's allergy, usually from the chart: "I have that you're allergic to
#: penicillin", "she is allergic to sulfa", "your allergies are codeine and latex"
_CHART_ALLERGY = re.compile(r"\b(?:you|she|he|patient)(?: are| is| also| still){0,2} allergic to\b"
                            r"|\b(?:your|her|his) (?:drug |medication )?allerg(?:y|ies) (?:is|are|include|to)\b")


#: what ends the stretch a chart statement speaks of: a new clause, a relative, another allergy statement
_CHART_END = re.compile(r"\b(?:mother|father|mom|dad|sister|brother|son|daughter|wife|husband|family|parents?|"
                        r"grand\w+|aunt|uncle|cousin|allergic|allerg(?:y|ies))\b|[.;:]"
                        r"|\b(?:so|but|because|then|which|instead|and) (?:we|i|you|she|he|they|let|will|would)\b"
                        r"|, (?:we|i|she|he|they|let|will|would)\b")
_CONDITIONAL = re.compile(r"\b(?:if|whether|in case|unless|suppose)\b")
#: a clinician putting a substance on the chart's allergy list: "I'm putting amoxicillin on her allergy list" (D238)
_LISTED = re.compile(r"\b(?:put|putting|add|adding|list|listing|mark|marking|note|noting|record|recording|flag|flagging|"
                     r"keep|keeping) (?P<what>(?:[\w-]+ ){1,4}?)(?:on|to|in) (?:your|her|his|their|the) (?:drug )?allerg(?:y|ies)"
                     r"(?: list)?\b")


def _chart_spans(norm: str) -> list[tuple[int, int]]:
    """Token spans a clinician's chart statement of the patient's allergies covers: from "allergic to" to
    the end of its clause, before a relative or another allergy statement; none after "if", "whether"."""
    cuts = [m.start() for m in _NEXT_CLAUSE.finditer(norm)]
    spans = []
    for m in _CHART_ALLERGY.finditer(norm):
        opened = max((c for c in cuts if c < m.start()), default=0)
        if _CONDITIONAL.search(norm[opened:m.start()]):
            continue
        ends = [c for c in cuts if c > m.end()] + [e.start() for e in _CHART_END.finditer(norm, m.end())]
        end = min(ends, default=len(norm))
        spans.append((len(norm[: m.end()].split()), len(norm[:end].split())))
    for m in _LISTED.finditer(norm):
        if not _CONDITIONAL.search(norm[:m.start()]):
            spans.append((len(norm[: m.start("what")].split()), len(norm[: m.end("what")].split())))
    return spans


def _chart_allergies(sent: Sentence, known: frozenset[str]) -> list[tuple[int, str, str | None]]:
    """(token start, substance, reaction) of the allergies a clinician's statement gives the patient;
    never from a question, a condition ("if you are allergic to ..."), a negation, a hypothetical or a
    relative ("and your mother is allergic to sulfa")."""
    spans = [] if sent.is_question else _chart_spans(sent.norm)
    if not spans:
        return _restated_reactions(sent, known)
    scs = scopes(sent.toks)
    out: list[tuple[int, str, str | None]] = []
    for s, e, name in _substances(sent, known):
        a = assess(sent.toks, (s, e), scs)
        if any(lo <= s < hi for lo, hi in spans) and not (a.negated or a.hypothetical or a.family):
            out.append((s, name, _first_reaction(sent, e)))
    return out


#: a clinician restating what a drug did to the patient: "So the Bactrim gave you hives." (D337)
_DID_TO_YOU = re.compile(r"\b(?:gave|made|caused) (?:you|her|him)\b")  # past: "makes you" is a warning


def _restated_reactions(sent: Sentence, known: frozenset[str]) -> list[tuple[int, str, str | None]]:
    """(token start, substance, reaction) of a clinician's statement that a drug gave the patient a reaction: "So the
    Bactrim gave you hives." (D337); never from a question, a condition, a negation or a relative."""
    if sent.is_question or not _DID_TO_YOU.search(sent.norm) or _CONDITIONAL.search(sent.norm):
        return []
    subs = _substances(sent, known)
    picked = adverse_allergens(sent, subs, None, _reactions(sent), []) if subs else []
    scs = scopes(sent.toks)
    return [(s, name, _first_reaction(sent, e)) for s, e, name in picked
            if not (a := assess(sent.toks, (s, e), scs)).negated and not a.hypothetical and not a.family]


_MED_QUESTION = re.compile(r"\b(taken|take|taking|medication|medications|medicines|meds|pills)\b")
_ALLERGIC_TO_MEDS = re.compile(r"(?:allerg\w*|reactions?|side effects?|problems?) (?:to|with|from) (?:any |a |an |the )?"
                               r"(?:medicines?|medications?|meds|drugs)"
                               r"|(?:medicines?|medications?|meds|drugs) that (?:do|did|does) not agree with")
#: a question about drugs the patient cannot take, in other words than allergy (D184)
_INTOLERANCE_Q = re.compile(r"\b(?:do|did|does) not agree with (?:you|her|him|them)\b|\bside effects? (?:to|from|with)\b")
_NONE_ANSWER = ("no", "none", "nope", "nothing", "not", "nkda", "never")


def _asked_before(prev: Turn | None) -> tuple[bool, bool]:
    """Whether the turn before asked about allergies (a clinician's question), and whether it asked
    about medications taken ("allergic to any medicines?" is no such question)."""
    if prev is None:
        return False, False
    allergy_question = prev.role == "clinician" and any(
        s.is_question and (ALLERGY_TRIGGER.search(s.norm) or _INTOLERANCE_Q.search(s.norm)) for s in prev.sentences)
    med_question = any(
        s.is_question and _MED_QUESTION.search(ALLERGY_TRIGGER.sub(" ", _ALLERGIC_TO_MEDS.sub("", s.norm)))
        for s in prev.sentences)
    return bool(allergy_question), bool(med_question)


def _answers_none(first: Sentence, known: frozenset[str]) -> bool:
    """An answer to "any allergies?" that opens with "no", "none", ... and names no substance."""
    words = [t for t in first.toks if t.isalpha()]
    return bool(words) and words[0] in _NONE_ANSWER and not _substances(first, known)


def _in_allergy_clause(norm: str, tok: int) -> bool:
    """The token lies in a clause that speaks of allergies (clauses cut before ", and I", ", you", ...:
    "allergic to penicillin, and sulfa too" is one clause)."""
    cuts = [0, *(len(norm[: m.start()].split()) for m in _NEXT_CLAUSE.finditer(norm)), len(norm.split()) + 1]
    for start, end in zip(cuts, cuts[1:]):
        if start <= tok < end:
            return bool(ALLERGY_TRIGGER.search(" ".join(norm.split()[start:end])))
    return True


#: allergies as what a drug is taken for ("Singulair, ten milligrams at night, for my allergies"): no allergy
_FOR_ALLERGIES = re.compile(r"\b(?:for|when|if) (?:my|your|her|his|their|the) (?:seasonal |spring |fall )?allerg(?:y|ies)"
                            r"(?: (?:act|acts|flare|flares|kick|kicks) up| (?:are|get|gets|is) bad)?\b")  # D337


def _sentence_allergies(sent: Sentence, around: tuple[Sentence | None, ...], known: frozenset[str],
                        allergy_question: bool, med_question: bool) -> list[tuple[int, str, str | None]]:
    """(token start, substance, reaction) of the allergies one sentence states; ``around``: the sentences of the
    turn before and after it, which may name the reaction ("It gives me hives"; "I got hives from the dye. The
    contrast.")."""
    follow = around[1]
    norm = _FOR_ALLERGIES.sub(lambda m: re.sub(r"\S+", "x", m.group(0)), sent.norm)  # token offsets hold
    explicit = bool(ALLERGY_TRIGGER.search(norm))
    subs = _substances(sent, known)
    asked = (allergy_question, med_question)
    inside = [sub for sub in subs if _in_allergy_clause(norm, sub[0])]
    if explicit and (inside or _NKDA.search(norm)):
        # a substance outside the clause that speaks of allergies needs its own evidence: "I take
        # tiotropium, and I have no drug allergies"; that clause naming none refers back otherwise
        # ("Amoxicillin, I am allergic")
        outside = [sub for sub in subs if sub not in inside]
        picked = sorted(inside + (_allergens(sent, follow, outside, False, asked) if outside else []))
    elif explicit:
        picked = subs
    else:
        picked = _allergens(sent, follow, subs, False, asked)
    picked = _before_denial_dropped(sent, picked)
    if not picked:
        return []
    scs = scopes(sent.toks)
    own_follow = follow if follow is None or not _substances(follow, known) else None  # "Penicillin. Sulfa gives me hives."
    out: list[tuple[int, str, str | None]] = []
    for idx, (s, e, name) in enumerate(picked):
        if _relative_s_allergy(sent, s):
            continue
        a = assess(sent.toks, (s, e), scs)
        if a.negated and not cannot_take_before(sent, s) and (
                not explicit or re.search(r"\bnot allergic\b|\bno allerg", norm)):
            continue
        if _CONTAINED_IN.search(" ".join(sent.toks[max(0, s - 4):s])):
            continue  # "Neomycin. The stuff in Neosporin.": the product that holds the allergen (D282)
        reaction = _reaction_of(sent, own_follow, picked, idx) or _reaction_told_after(sent, picked, around, known)
        said_so = explicit and (not inside or (s, e, name) in inside)  # "..., but Mateo eats peanut butter" (D248)
        if name in _said_so_only() and not said_so and reaction is None and not _bare_answer(sent, picked, allergy_question):
            continue  # "just fish oil", "I eat peanuts every day": a food is an allergy only when said so (D158)
        out.append((s, name, reaction))
    return out


#: a relative, the subject of "is allergic to": "my wife is allergic to sulfa" (D192)
_RELATIVE_ALLERGIC = re.compile(
    r"\b(?:my|a|one|her|his|their) (" + PERSONS + r"|baby)(?: of mine)? (?:(?:is|was|are|were|'s)(?: also| both)? allergic to"
    # ... or had a reaction to it, or takes it: "my sister had a bad reaction to penicillin", "my friend got
    # prednisone when she had a bad reaction" (D228)
    r"|(?:had|has|got|gets|had had) (?:an? )?(?:\w+ ){0,2}reactions? (?:to|from)"
    r"|" + _THEY_TAKE + r"|(?:is |was )?(?:also |supposedly |apparently |reportedly |probably )*(?=(?:[\w-]+ ){1,3}"
    r"allergic\b))\b")  # "her dad is supposedly penicillin allergic" (D238)
#: what, between that statement and a substance, hands the sentence back to the speaker
_ME_TOO = re.compile(r"\b(?:so am i|so do i|me too|as am i|i am too|i am as well|same here|both of us|we both)\b")
_BACK_TO_SPEAKER = re.compile(r"\b(?:i|me|my|i'm|but|though|while)\b|[.;:]")


#: a companion (role other) speaking of their own allergy: "I'm the one who's allergic to penicillin, not her",
#: "I'm the sulfa one in this family", "I have a latex allergy" (D248)
_SPEAKER_ALLERGIC = re.compile(r"\bi (?:am|was)(?: also| actually| the 1(?: who| that)?(?: is)?)* allergic\b"
                               r"|\bi am the [\w-]+ 1\b|\bi have an? [\w-]+ allergy\b"
                               # "I'm the one with the sulfa allergy" (D273)
                               r"|\bi am the 1 (?:with|(?:who|that) (?:has|had)) (?:an?|the) [\w-]+ allergy\b")
_TO_SOMEONE_ELSE = re.compile(r"\b(?:he|she|they|his|her|their|but)\b|[.;:]")


def _speaker_s_own_allergy(sent: Sentence, start: int) -> bool:
    """The substance at token ``start`` is the allergy of a companion who speaks of their own, said just before it
    (or just after: "a latex allergy") in the same clause (D248)."""
    if sent.role != "other":
        return False
    text = " ".join(sent.toks[:start])
    said = [m for m in _SPEAKER_ALLERGIC.finditer(" ".join(sent.toks[:start + 4])) if m.start() < len(text)]
    return bool(said) and not _TO_SOMEONE_ELSE.search(text[said[-1].end():])


def _companion_s_list(sents: list[Sentence], si: int, known: frozenset[str]) -> set[tuple[int, int]]:
    """"I'm the one who's allergic to everything. Sulfa, codeine, you name it.": the substances a companion lists
    right after speaking of their own allergies are theirs, unless the sentence turns to the patient (D337)."""
    sent = sents[si]
    if si == 0 or sent.role != "other" or not _SPEAKER_ALLERGIC.search(sents[si - 1].norm) or _TO_PATIENT.search(sent.norm.replace("you name it", "")):
        return set()
    return {(sent.index, s) for s, _e, _name in _substances(sent, known)}


_TO_PATIENT = re.compile(r"\b(?:he|she|they|his|her|him|their|them|you|your)\b")


def _relative_s_allergy(sent: Sentence, start: int) -> bool:
    """The substance at token ``start`` is what the speaker's relative is allergic to, said before it in the same
    clause; a son's or daughter's in a visit about the child (D192) is the patient's. A companion's own allergy
    counts as a relative's (D248)."""
    if _speaker_s_own_allergy(sent, start):
        return True
    text = " ".join(sent.toks[:start])
    said = list(_RELATIVE_ALLERGIC.finditer(" ".join(sent.toks[:start + 4])))
    said = [m for m in said if m.start() < len(text)]
    m = said[-1] if said else None  # the statement nearest the substance
    if m is None or _BACK_TO_SPEAKER.search(text[m.end():]) or _ME_TOO.search(sent.norm, m.end()):
        return False
    return not (CHILD_TAG in sent.tags and m.group(1) in ("son", "daughter", "baby"))


def relative_allergens(sent: Sentence, known: frozenset[str]) -> set[tuple[int, int]]:
    """(sentence index, token start) of each substance a relative is said to be allergic to: neither the patient's
    allergy nor a medication."""
    if not _RELATIVE_ALLERGIC.search(sent.norm) and not (sent.role == "other" and _SPEAKER_ALLERGIC.search(sent.norm)):
        return set()  # most sentences: no drug lookup again
    return {(sent.index, s) for s, _e, _name in _substances(sent, known) if _relative_s_allergy(sent, s)}


_ANSWER_GLUE = frozenset("and or to just only um uh oh well yes yeah".split())


def _bare_answer(sent: Sentence, picked: list[tuple[int, int, str]], allergy_question: bool) -> bool:
    """"Any allergies?" "Peanuts.": an answer that names only the substances."""
    return allergy_question and _names_only(sent, picked, _ANSWER_GLUE)


def _reaction_of(sent: Sentence, follow: Sentence | None, picked: list[tuple[int, int, str]],
                 idx: int) -> str | None:
    """The reaction to the ``idx``-th picked substance: one named after it (before the next substance),
    else in the next sentence ("It gives me hives"), else one named before it ("hives from penicillin"),
    else a symptom of the symptom lexicon the sentence ties to it ("it made my muscles ache")."""
    s, e, _name = picked[idx]
    nxt = picked[idx + 1][0] if idx + 1 < len(picked) else len(sent.toks)
    reaction = _first_reaction(sent, e, nxt)
    if reaction is None and idx == len(picked) - 1 and follow is not None and (
            _REACTION_LEAD.search(follow.norm) or _opens_with_reaction(follow)):
        reaction = _first_reaction(follow)
    if reaction is None:
        reaction = _first_reaction(sent, picked[idx - 1][1] if idx else 0, s)
    if reaction is None:
        reaction = next((name for pos, name in _symptom_reactions(sent) if e <= pos < nxt and name not in _BARE), None)
    return reaction


#: symptom names too bare to stand as a reaction without their place ("it made my ankles hurt")
_BARE = frozenset(("pain", "ache", "discomfort"))


#: a product named as what holds the allergen: "the stuff in Neosporin", "the ingredient in ..."
_HOLDER = r"\b(?:stuff|ingredient|ingredients|thing|chemical|what is) (?:that is )?in"
_CONTAINED_IN = re.compile(_HOLDER + r"(?: the)?$")  # right before the product's name
_HOLDS = re.compile(_HOLDER + r"\b")  # anywhere in the sentence


def _containers(sent: Sentence, known: frozenset[str]) -> set[tuple[int, int]]:
    """(sentence index, token start) of the products a patient-side sentence names as holding an allergen ("the
    stuff in Neosporin"): neither an allergy nor a medication (D285)."""
    if not _HOLDS.search(sent.norm):
        return set()
    return {(sent.index, s) for s, _e, _n in _substances(sent, known)
            if _CONTAINED_IN.search(" ".join(sent.toks[max(0, s - 4):s]))}


def _reaction_told_after(sent: Sentence, picked: list[tuple[int, int, str]], around: tuple[Sentence | None, ...],
                         known: frozenset[str]) -> str | None:
    """The reaction to an allergen said alone: the sentence before it ("I got hives from the dye. The contrast.",
    D268), else the first of the next two that names a reaction and no other substance ("Codeine. After my wisdom
    teeth I itched all over."; "Neomycin. The stuff in Neosporin. My skin blistered ...", D282)."""
    if not _names_only(sent, picked):
        return None
    if around[0] is not None and (before := _first_reaction(around[0])):
        return before
    for nxt in around[1:]:
        if nxt is None or (_substances(nxt, known) and not _HOLDS.search(nxt.norm)):
            return None
        if found := _first_reaction(nxt):
            return found
    return None


def _names_only(sent: Sentence, picked: list[tuple[int, int, str]], glue: frozenset[str] | None = None) -> bool:
    """"The contrast.": a sentence that only names the substances (besides ``glue`` words), as an apposition to
    the sentence before."""
    named = {k for s, e, _n in picked for k in range(s, e)}
    glue = _APPOSITION_GLUE if glue is None else glue
    return not [t for k, t in enumerate(sent.toks) if t.isalpha() and k not in named and t not in glue]


_APPOSITION_GLUE = _ANSWER_GLUE | frozenset("the a an that this it was i think guess maybe probably believe".split())


def _before_denial_dropped(sent: Sentence, picked: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """"Just a baby aspirin, 81 milligrams every morning, no allergies that I know of": when the only
    word about allergies is a plain denial, a substance named before it *and taken* (a dose after it, a
    verb of taking before it) is no allergen (D105). "Penicillin, but no other allergies" keeps penicillin."""
    near = list(_DENIAL_NEAR.finditer(sent.norm))
    deny = near[-1] if near else _NKDA.search(sent.norm)
    if deny is None or ALLERGY_TRIGGER.search(sent.norm[:deny.start()]) or _OTHER.search(deny.group(0)):
        return picked
    cut = len(sent.norm[:deny.start()].split())
    return [p for p in picked if p[0] >= cut or not (find_doses(sent.toks, p[1], p[1] + 4) or _taken(sent, p[0]))]


_OTHER = re.compile(r"\b(other|else|more|further)\b")
#: a denial next to its allergy word ("no known drug allergies", "not allergic"): the one the cut is made at,
#: not an earlier "no" of the sentence ("No, never; for sleep I take ..., no allergies", "no luck, I take ...")
_DENIAL_NEAR = re.compile(r"\b(?:no|not|none|denies|never)\b(?: [\w']+){0,3}? allerg\w*|\bnkda\b")


#: "ibuprofen does not cause me any problems", "amoxicillin has always been fine": no allergy
_TOLERATES = re.compile(r"\b(fine|no (problems?|issues?|trouble)|not \w+ (me )?(any )?(problems?|issues?|trouble)"
                        r"|tolerates?d?|never (had|have) (a |any )?(problems?|issues?|reactions?))\b")


def _tolerated(sent: Sentence, reactions: list[tuple[int, str]]) -> bool:
    """The answer says the drug is tolerated, or names a reaction only to deny it ("never gave me hives")."""
    return bool(_TOLERATES.search(sent.norm)) or bool(reactions) and not affirmed_reactions(sent, reactions)


#: a verb of taking, or of having the drug at hand: "I carry an EpiPen" names a medication, not an allergen (D218)
_TAKEN_BEFORE = re.compile(r"\b(take|takes|taking|use|uses|using|carry|carries|carrying|keep|keeps|have an?|has an?)\b")
#: "have" is having the drug at hand only when the sentence says where: "I always have an EpiPen with me"; "I have an
#: amoxicillin one" answers the allergy question
_AT_HAND = re.compile(r"\b(?:with me|on me|on hand|in my (?:purse|bag|car|pocket))\b")
_CANNOT = re.compile(r"\b(not|no|never|cannot|cant|n't|unable)\b")


def _taken(sent: Sentence, start: int) -> bool:
    """The substance is said to be taken now ("I take Claritin"): a present verb of taking before it, no
    negation ("she can't take ...") and no reaction in the sentence ("I take it and get hives")."""
    before = " ".join(sent.toks[max(0, start - 4):start])
    verb = _TAKEN_BEFORE.search(before)
    if verb is None or (verb.group(1).startswith(("have", "has")) and not _AT_HAND.search(" ".join(sent.toks[start:]))):
        return False
    return not _CANNOT.search(before) and not _reactions(sent)


def _allergens(sent: Sentence, follow: Sentence | None, subs: list[tuple[int, int, str]], explicit: bool,
               asked: tuple[bool, bool]) -> list[tuple[int, int, str]]:
    """The substances of a sentence that are allergens; ``asked``: (the clinician asked about
    allergies, the clinician asked about medications taken) just before."""
    if explicit:
        return subs  # "allergic to X", "penicillin allergy", "I had a reaction to sulfa"
    allergy_question, med_question = asked
    reactions = _reactions(sent)
    if allergy_question and not med_question and not _tolerated(sent, reactions):
        # answer to "any allergies?": named substances are allergens unless taken with a dose or said
        # to be taken ("I take Claritin every morning")
        return [s for s in subs if not find_doses(sent.toks, s[1], s[1] + 4) and not _taken(sent, s[0])]
    return adverse_allergens(sent, subs, follow, reactions + _symptom_reactions(sent),
                             _reactions(follow) if follow is not None else [])


def _symptom_reactions(sent: Sentence) -> list[tuple[int, str]]:
    """Symptoms of the symptom lexicon as reactions ("Levaquin, it made the tendons in my ankles hurt"),
    unless the sentence says the drug relieves something ("it stops the pain"; "so I stopped it" is the
    patient stopping the drug, no relief)."""
    if relieves(sent):
        return []
    return [(sent.raw_span(m.start, m.end)[0], m.payload.name) for m in symptom_lexicon().matcher.find(sent.content)]


def _opens_with_reaction(sent: Sentence) -> bool:
    """"Penicillin. Rash all over.": the next sentence is the reaction itself, said first (D263)."""
    reacts = _reactions(sent)
    words = [t for t in sent.toks if t.isalpha()]
    return bool(reacts) and len(words) <= 6 and min(pos for pos, _name in reacts) <= 1


def _first_reaction(sent: Sentence, start: int = 0, end: int | None = None) -> str | None:
    """The most specific reaction; two said side by side ("Sneezing and itchy eyes.") as both, in spoken order
    (D300)."""
    reacts = _reactions(sent, start, end)
    if not reacts:
        return None
    pair = _reaction_pair(sent, start, end)
    return pair or reacts[0][1]


def _reaction_pair(sent: Sentence, start: int, end: int | None) -> str | None:
    """"X and Y": two reactions whose words do not overlap, with only "and" or a comma between them."""
    _, lexicon = allergy_lexicon()
    spans = sorted((m.start, m.end, m.payload) for m in lexicon.find(sent.content)
                   if sent.raw_span(m.start, m.end)[0] >= start
                   and (end is None or sent.raw_span(m.start, m.end)[0] < end))
    if len(spans) != 2 or spans[0][1] > spans[1][0] or spans[0][2] == spans[1][2]:
        return None
    between = [t for t in sent.content[spans[0][1]:spans[1][0]] if t not in ("a", "an", "some")]
    return f"{spans[0][2]} and {spans[1][2]}" if between in (["and"], [","], [",", "and"]) else None


def _add_allergy(allergies: dict[str, Allergy], sub: str, reaction: str | None) -> None:
    if sub not in allergies:
        allergies[sub] = {"substance": sub, "reaction": reaction}
    elif reaction and not allergies[sub]["reaction"]:
        allergies[sub]["reaction"] = reaction
