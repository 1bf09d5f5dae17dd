"""A small ConText-style assertion engine (Harkema et al. 2009, NegEx family).

Trigger terms open a scope forward ("no", "denies", "if", "my father") or
backward ("... is gone", "... runs in the family") over the sentence's
normalised tokens.  A scope ends at a termination term ("but", "however",
a clause-starting pronoun after a comma, sentence punctuation) or after a
fixed window.  A target span is *modified* by every trigger whose scope
covers it.

Modifiers:
    negated      "no numbness or tingling", "denies chest pain"
    hypothetical "come back sooner if you get numbness"
    family       "my father had diabetes"
    uncertain    "maybe a little fever"
    historical   "I used to get migraines"

Why hand-written rather than medspaCy/negspaCy: medspacy 1.3.1 pins
spacy<3.8 and numpy<2, which conflicts with the rest of this environment
(numpy 2.x); and the spoken, ASR-produced input needs the dialogue-level
rules (questions vs answers) that live in the extractors anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Sequence

# (trigger tokens, modifier, direction, window)
_PRE = "forward"
_POST = "backward"

_TRIGGERS: list[tuple[tuple[str, ...], str, str, int]] = []


def _add(phrases: str, modifier: str, direction: str, window: int) -> None:
    for p in phrases.split("|"):
        p = p.strip()
        if p:
            _TRIGGERS.append((tuple(p.split()), modifier, direction, window))


_add("no|not|denies|deny|denied|denying|without|never|nor|neither|none|nothing|nobody|negative for|"
     "no longer|free of|absence of|resolved|rules out|ruled out|rule out|not have|do not have|"
     "does not have|did not have|have not had|has not had|not had|not any|no more|not really|"
     "not been|has not been|have not been|never had|"
     # "I'm walking slow because it hurts, not because it's weak" (D302)
     "not because it is|not because it was|not because it feels|not because i am|not because i was|"
     "not because they are|not because they were|not because she is|not because he is", "negated", _PRE, 8)
_add("is fine|are fine|is gone|are gone|went away|has resolved|have resolved|is resolved|"
     "has stopped|have stopped|is normal|are normal|is better now|all gone|not a problem|"
     "is not a problem|not an issue|"
     # "The hot flashes are mostly done" (D279)
     "is over|are over|is done|are done|is mostly done|are mostly done|is pretty much done|are pretty much done|"
     "is pretty much gone|are pretty much gone", "negated", _POST, 5)
# "Rash, not that I've noticed." (D252): the denial said after the finding
_add("not that i have noticed|not that i noticed|not that i can tell|not that i am aware of|"
     "not that i have seen|not that we have noticed|not that we noticed", "negated", _POST, 4)
_add("if|in case|should you|watch for|look out for|unless|whether|in the event|"
     "call me if|call us if|return if|sooner if|signs of|symptoms of|worry about|"
     "warning signs|wish i|wish it|wish she|wish he|wish they|wished i|if only", "hypothetical", _PRE, 20)
# "I don't want to peel again": a fear, no finding (D318); its object is said at once, so a short window keeps
# "I'm scared of needles and I have a bad cough" a cough
_add("do not want to|does not want to|would not want to|afraid of|scared of|afraid i will|afraid it will",
     "hypothetical", _PRE, 4)
# the speaker's own earlier guess is no finding: "I figured it was heartburn." (D332)
_add("figured it was|thought it was|assumed it was|figured it is|thought it might be|figured it might be",
     "hypothetical", _PRE, 4)
# ... or the thought quoted after a comma: "Her hands twitched, and I thought, oh my God, a seizure." (D341)
_add("i thought ,|we thought ,|she thought ,|he thought ,", "hypothetical", _PRE, 6)
# "I wish I'd lost some weight" is no weight loss (D241); "No, I wish. Unfortunately I've gained" is an answer
_add("mother|father|mom|dad|brother|sister|grandmother|grandfather|grandma|grandpa|aunt|uncle|"
     "cousin|parents|parent|siblings|son|daughter|husband|wife|family history|family history of|"
     "runs in family|family member|"
     # people around the patient, plural or not family: "my kids both had a cough" (D186); a singular "child" or
     # "baby" is left out: a parent speaks of the patient so
     "kids|children|partner|boyfriend|girlfriend|roommate|roommates|coworker|coworkers|friend|friends",
     "family", _PRE, 10)
_add("runs in family|runs in my family|runs in the family|in my family|in the family", "family", _POST, 8)
_add("maybe|might|possibly|possible|probably|perhaps|not sure|i think|i guess|seems like|"
     "may have|could be|question of|questionable", "uncertain", _PRE, 6)
_add("used to|years ago|as a child|when i was younger|in the past|history of|previously had|"
     "long time ago|last year|as a baby|as an infant|as a toddler", "historical", _PRE, 8)
# said after the complaint: "I had a rash last summer" (D186); "since last year" is a pseudo-trigger (still going on)
_add("last year|last summer|last winter|last spring|last fall|as a child|as a kid|when i was younger|"
     "when i was a kid|as a baby|as an infant|as a toddler", "historical", _POST, 6)  # "as a baby" (D286)

#: pseudo-triggers: look like triggers but are not ("no change", "not only")
_PSEUDO: list[tuple[str, ...]] = [
    tuple(p.split()) for p in (
        "no change|not only|no increase|not necessarily|no further|not certain if|not sure if|"
        "not just|no problem|nothing else|not bad|not too bad|no matter|no doubt|not that i know of|"
        "if needed|if necessary|as needed|if you need|if it helps|do not know|does not know|did not know|"
        "since last year|since last summer|since last winter|since last spring|since last fall"
    ).split("|")
]

_TERMINATORS = frozenset(
    "but however although though except apart aside which who yet whereas while still "
    "because since otherwise".split()
)
_SUBJECTS = frozenset("i he she we they".split())
#: words after which a clause is what the negation speaks of: "I don't think I've had any tingling" (D173)
_COMPLEMENT_TAKERS = frozenset("think thought believe know knew remember recall guess suppose say said notice "
                               "noticed realize realized that if whether".split())
#: verbs that make a subject pronoun inside a negation's window the start of a new clause (D173)
_CLAUSE_VERBS = frozenset("take takes took use uses used get gets got feel feels felt am is was have has had "
                          "do does drink drinks eat eats sleep sleeps need needs".split())
_LIST_MARKS = frozenset(", or nor".split())
#: after a comma, what the negation's list gives way to: "no fever, just a cough", "no, only a cough" (D195)
_CONTRAST_ONLY = frozenset("just only mostly mainly".split())
_LIST_WINDOW = 24
_CLAUSE_PRONOUNS = frozenset("i it my she he we they that this there you me".split())
_PUNCT_STOP = frozenset(". ; : ? !".split())
#: how a consequence clause after ", so" begins: a subject or an instruction ("so stop the aspirin"), not a list
#: ("so things like fevers and back pain")
_CONSEQUENCE_START = _CLAUSE_PRONOUNS | frozenset("stop start take keep continue use cut let try call come go".split())


@dataclass
class Assertion:
    negated: bool = False
    hypothetical: bool = False
    family: bool = False
    uncertain: bool = False
    historical: bool = False
    negation_trigger: int | None = None  # token index of the negation trigger
    family_trigger: int | None = None  # token index of the experiencer trigger ("my daughter has a cough": 1)

    @property
    def is_patient_finding(self) -> bool:
        return not (self.hypothetical or self.family or self.historical)


def _match_at(toks: Sequence[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(toks[i:i + len(phrase)]) == phrase


def _family_possessive(toks: Sequence[str], i: int) -> bool:
    """Family words only count as experiencer triggers after a possessive."""
    j = i - 1
    return j >= 0 and toks[j] in ("my", "his", "her", "our", "their", "grand", "both", "whose")


def _forward_end(toks: Sequence[str], start: int, window: int, modifier: str) -> int:
    """Exclusive end of a forward scope starting at ``start``.  A negation that opens a list ("no fever,
    chills, night sweats, nausea, diarrhea or vomiting") covers the whole list, past its window (D93);
    "some" restarts the positive ("no fever some chills")."""
    if modifier == "negated" and any(t in _LIST_MARKS for t in toks[start:start + window]):
        window = max(window, _LIST_WINDOW)
    end = min(len(toks), start + window)
    k = start
    while k < end:
        tok = toks[k]
        if tok in _PUNCT_STOP:
            return k
        if tok in _TERMINATORS or (modifier == "negated" and tok == "some"):
            return k
        if modifier == "family" and tok in ("i", "me"):
            return k
        if tok == "," and k + 1 < len(toks):
            nxt = toks[k + 1]
            if modifier == "negated" and nxt in _CONTRAST_ONLY:
                return k  # "no fever, just a cough": the cough is what the patient has (D195)
            if nxt in _CLAUSE_PRONOUNS or (nxt == "so" and k + 2 < len(toks) and toks[k + 2] in _CONSEQUENCE_START):
                return k  # ", so stop the aspirin": a consequence is a clause of its own (D157)
            if nxt == "and" and k + 2 < len(toks) and (toks[k + 2] in _CLAUSE_PRONOUNS or _noun_clause(toks, k + 2)):
                return k
            if modifier == "negated" and nxt == "and" and k + 2 < len(toks) and toks[k + 2] in ("a", "an"):
                return k  # "... you're not anemic, and a basic metabolic panel": a new item, not the denied list (D333)
        if tok == "and" and k + 1 < len(toks) and toks[k + 1] in ("i", "it", "she", "he", "we", "they") and modifier != "hypothetical":
            return k
        if (modifier == "negated" and k > start and tok in _SUBJECTS and toks[k + 1:k + 2] and toks[k + 1] in _CLAUSE_VERBS
                and toks[k - 1] not in _COMPLEMENT_TAKERS):
            return k  # "No, never for sleep I take Benadryl": a subject and its verb open a clause (D173)
        k += 1
    return end


#: finite verbs that make ", and food tastes funny" a clause of its own (D168)
_FINITE = frozenset("is are was were has have tastes feels looks seems smells sounds hurts gets keeps".split())
_DETERMINERS = frozenset("the his her their our your".split())


def _noun_clause(toks: Sequence[str], at: int) -> bool:
    """A clause opening at ``at`` with a noun subject and its verb: "food tastes", "the room spins"."""
    subject = 2 if toks[at] in _DETERMINERS else 1
    return at + subject < len(toks) and toks[at + subject] in _FINITE and toks[at + subject - 1].isalpha()


def _backward_start(toks: Sequence[str], end: int, window: int) -> int:
    start = max(0, end - window)
    k = end - 1
    while k >= start:
        tok = toks[k]
        if tok in _PUNCT_STOP or tok in _TERMINATORS or tok == ",":
            return k + 1
        if tok == "and" and k + 1 < end and toks[k + 1] in _CLAUSE_PRONOUNS:
            return k + 1
        k -= 1
    return start


#: the triggers that say a complaint is over ("is fine", "is better now" say it is not, or less)
_RESOLVED = frozenset({("went", "away"), ("is", "gone"), ("are", "gone"), ("has", "resolved"), ("have", "resolved"),
                       ("is", "resolved"), ("all", "gone")})


def said_resolved(toks: Sequence[str], a: "Assertion") -> bool:
    """Whether the negation of ``a`` says the complaint is over ("the runny nose went away"), not that it never was."""
    at = a.negation_trigger
    return a.negated and at is not None and tuple(toks[at:at + 2]) in _RESOLVED


def _past_but_it(toks: Sequence[str], i: int, phrase: tuple[str, ...]) -> int:
    """Where a resolution trigger's backward scope starts looking: before ", but it" when it says "I had a rash,
    but it went away" (D186); at the trigger otherwise ("I have a headache, but it is better now" keeps it)."""
    if phrase not in _RESOLVED or i < 2 or toks[i - 1] not in ("it", "that", "they", "this") or toks[i - 2] != "but":
        return i
    return i - 3 if i >= 3 and toks[i - 3] == "," else i - 2


def _past_comma(toks: Sequence[str], i: int, phrase: tuple[str, ...]) -> int:
    """"Rash, not that I've noticed.": a "not that ..." denial speaks of what stands before its comma (D252)."""
    return i - 1 if phrase[:2] == ("not", "that") and i > 0 and toks[i - 1] == "," else i


@dataclass(frozen=True)
class Scope:
    modifier: str
    start: int  # token span covered (exclusive end)
    end: int
    trigger: tuple[int, int]


#: the triggers, longest first
_BY_LENGTH = sorted(_TRIGGERS, key=lambda t: -len(t[0]))


def scopes(toks: list[str]) -> list[Scope]:
    """All trigger scopes in a token list (the same list is read by every extractor of a visit: cached)."""
    return list(_scopes(tuple(toks)))


def _starts(toks: tuple[str, ...], phrase: tuple[str, ...], at: dict[str, list[int]]) -> Iterator[int]:
    """Where ``phrase`` stands in ``toks``, in order (looked up only where its first word is)."""
    return (i for i in at.get(phrase[0], ()) if i + len(phrase) <= len(toks) and _match_at(toks, i, phrase))


@lru_cache(maxsize=4096)
def _scopes(toks: tuple[str, ...]) -> tuple[Scope, ...]:
    at: dict[str, list[int]] = {}
    for i, tok in enumerate(toks):
        at.setdefault(tok, []).append(i)
    pseudo_taken: set[int] = set()
    for p in _PSEUDO:
        for i in _starts(toks, p, at):
            pseudo_taken.update(range(i, i + len(p)))
    out: list[Scope] = []
    used: set[int] = set()
    taken: set[tuple[int, int, str]] = set()  # (start, end, modifier) of each trigger that opened a scope
    # longest triggers first so "do not have" wins over "not"
    for phrase, modifier, direction, window in _BY_LENGTH:
        n = len(phrase)
        for i in _starts(toks, phrase, at):
            span = set(range(i, i + n))
            both_ways = direction == _POST and (i, i + n, modifier) in taken  # "last year I had" / "I had ... last year"
            if span & pseudo_taken or (span & used and not both_ways):
                continue
            if modifier == "family" and direction == _PRE and n == 1 and not _family_possessive(toks, i):
                continue
            if phrase == ("without",) and i + 1 < len(toks) and toks[i + 1].endswith("ing"):
                continue  # "without sounding good, like diarrhoea": negates the verb, not what follows
            if phrase == ("no",) and i + 1 < len(toks) and toks[i + 1] in _SUBJECTS:
                continue  # "no i wish, i have gained weight": an answer particle, not a determiner
            used |= span
            taken.add((i, i + n, modifier))
            if direction == _PRE:
                out.append(Scope(modifier, i + n, _forward_end(toks, i + n, window, modifier), (i, i + n)))
            else:
                out.append(Scope(modifier, _backward_start(toks, _past_comma(toks, _past_but_it(toks, i, phrase), phrase),
                                                           window), i, (i, i + n)))
    return tuple(out) + _trailing_no(toks, at) + _past_episode(toks, at) + _when_young(toks, at) + _when_i_had(toks, at)


_PAST_SUBJECTS = frozenset("i he she we they".split())
_STILL = frozenset("still now since currently anymore again".split())


def _past_episode(toks: tuple[str, ...], at: dict[str, list[int]]) -> tuple[Scope, ...]:
    """"I had heartburn years ago, after my gallbladder came out.": a past-tense "had" opening the sentence and
    "years / months ago" after the finding date an episode that is over, unless the sentence says it goes on
    ("still", "since", "now"; D254). "I've had it for two years" and "It started two years ago" are not this."""
    # "a few years back" is "a few years ago" (D318)
    ago = [i for w in ("ago", "back") for i in at.get(w, ()) if i >= 1 and toks[i - 1] in ("years", "months", "year", "month")]
    # "I got hives from the dye they used for a CT scan once." (D268)
    ago += [i for i in at.get("once", ()) if i == len(toks) - 1 or (i == len(toks) - 2 and toks[-1] in _PUNCT_STOP)]
    if not ago or len(toks) < 3 or toks[0] not in _PAST_SUBJECTS or toks[1] not in ("had", "got") or _STILL.intersection(toks):
        return ()
    return (Scope("historical", 2, ago[0], (ago[0], ago[0] + 1)),)


_YOUNG = frozenset("little small young younger tiny baby kid".split())


def _when_young(toks: tuple[str, ...], at: dict[str, list[int]]) -> tuple[Scope, ...]:
    """"When you were six, for strep, you broke out in hives", "I had croup when I was little": a time of the
    speaker's or patient's childhood dates what the clause around it tells as over (D279)."""
    out: list[Scope] = []
    for i in at.get("when", ()):
        w = toks[i + 1:i + 5]
        if len(w) < 3 or w[0] not in ("i", "you", "he", "she") or w[1] not in ("was", "were"):
            continue
        young = w[2] in _YOUNG or (w[2] == "a" and w[3:4] and w[3] in _YOUNG) or (w[2].isdigit() and int(w[2]) < 18)
        if not young:
            continue
        end = i + 4 + (w[2] == "a")
        k = end  # the "when" clause dates the main clause after its comma: no stop at ","
        while k < min(len(toks), end + 14) and toks[k] not in _PUNCT_STOP and toks[k] not in _TERMINATORS and toks[k] != "now":
            k += 1
        out += [Scope("historical", end, k, (i, end)),
                Scope("historical", _backward_start(toks, i, 8), i, (i, end))]
    return tuple(out)


_MONTHS = frozenset("january february march april may june july august september october november december "
                    "spring summer fall autumn winter christmas".split())


def _when_i_had(toks: tuple[str, ...], at: dict[str, list[int]]) -> tuple[Scope, ...]:
    """"eye drops left from when I had pink eye back in April": a "when I had X" clause that a past time dates, or
    that "from" opens (what is left from it), tells an episode that is over (D308)."""
    out: list[Scope] = []
    for i in at.get("when", ()):
        if toks[i + 1:i + 2] not in (("i",), ("he",), ("she",)) or toks[i + 2:i + 3] not in (("had",), ("got",)):
            continue
        k = i + 3
        while k < min(len(toks), i + 12) and toks[k] not in _PUNCT_STOP and toks[k] not in _TERMINATORS:
            k += 1
        clause = toks[i + 3:k]
        dated = "ago" in clause or any(w in _MONTHS and p in ("in", "back", "last", "this") for p, w in zip(clause, clause[1:]))
        if dated or (i >= 1 and toks[i - 1] == "from"):
            out.append(Scope("historical", i + 3, k, (i, i + 3)))
    return tuple(out)


def _trailing_no(toks: tuple[str, ...], at: dict[str, list[int]]) -> tuple[Scope, ...]:
    """"Fever, no. I had a cold in November.": a "no" that closes the clause after a comma denies what stands
    before the comma (D253)."""
    return tuple(Scope("negated", _backward_start(toks, i - 1, 4), i - 1, (i, i + 1)) for i in at.get("no", ())
                 if i >= 2 and toks[i - 1] == "," and (i + 1 == len(toks) or toks[i + 1] in _PUNCT_STOP))


def assess(toks: list[str], span: tuple[int, int], precomputed: list[Scope] | None = None) -> Assertion:
    """Assertion for the token span ``[start, end)`` of ``toks``."""
    result = Assertion()
    start, end = span
    for sc in precomputed if precomputed is not None else scopes(toks):
        # a trigger inside the target (lexicon term "no energy"), or one the target begins inside ("have not"
        # before the term "not (been) sleeping well"), does not count
        if sc.trigger[0] < end and sc.trigger[1] > start:
            continue
        if sc.start <= start < sc.end or (sc.start < end <= sc.end):
            if sc.modifier == "negated":
                result.negated = True
                result.negation_trigger = sc.trigger[0]
            elif sc.modifier == "hypothetical":
                result.hypothetical = True
            elif sc.modifier == "family":
                result.family = True
                result.family_trigger = sc.trigger[0]
            elif sc.modifier == "uncertain":
                result.uncertain = True
            elif sc.modifier == "historical":
                result.historical = True
    return result
