"""Symptoms: lexicon spotting + ConText assertions + question/answer logic.

Rules, in order:

1. Mentions are found in every sentence: lexicon terms (longest match on the
   content view), concept regexes ("pain ... shoots down ... leg") and
   negative assertions ("my vision is fine" = no blurred vision).
2. Location-composable concepts (pain, swelling, weakness, numbness ...)
   pick up a body part right before ("leg weakness") or after ("numbness in
   your feet"); a location after a coordinated list applies to the whole
   list ("numbness or tingling in your feet").
3. Patient (or family-member) statements are findings; ConText decides
   negated / hypothetical / family / historical / uncertain.
4. A clinician's yes/no question is NOT a finding.  Its symptoms are
   "asked"; the next patient turn decides: explicit mentions win, and a
   leading "No," / "Nothing like that" denies whatever was asked and not
   affirmed; a leading "Yes" affirms a single asked symptom.
5. A generic mention ("no numbness") adopts the specific name of the asked
   or earlier symptom with the same base ("numbness in feet").
6. Durations ("for the last two weeks", "four days ago") attach to present
   symptoms of the same sentence, to the previous sentence for anaphora
   ("That was four days ago"), and to the whole patient turn when the turn
   states exactly one duration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from medisync.application.ports import Symptom as SymptomItem  # an insight item; lexicon.Symptom is a concept

from .adverse import CAUSAL_VERBS
from .context import Assertion, assess, said_resolved, scopes
from .spoken_for import CHILD_TAG, of_someone_named, said_of_child, speaks_of_self
from .lexicon import BodyPart, Symptom, SymptomLexicon, allergy_lexicon, descriptor_words, drug_lexicon, symptom_lexicon
from .text import FILLERS, MIN_WORD_PROBABILITY, Match, PhraseMatcher, Sentence, Turn, in_statement_order, phrase_key

_LOC_PREPS = frozenset("in on down around at behind into across".split())
_LIST_JOIN = frozenset("or and".split())
#: generic concepts that inherit the turn's body part ("it has been stiff and sore")
_INHERIT_LOC = frozenset(("pain", "stiffness"))
_NEG_START = frozenset("no nope not none nothing never neither nah negative".split())
_POS_START = ("yes", "yeah", "yep", "yup", "sometimes", "occasionally", "definitely", "actually", "i do", "i have", "a little", "some",
              # a yes with its circumstance: "Only when I walk up hills." (D215)
              "only when", "only if", "only after", "only at", "just when", "mostly when", "usually when",
              # a yes said by how much: "Is it itchy?" "Like crazy." (D305)
              "like crazy", "all the time", "constantly", "a lot", "so much", "terribly", "big time",
              "a couple of times", "a few times")
#: a yes said by how often it happened: "Any vomiting?" "Once, on the plane home." (D348); not "Once I stopped it"
_TIMES = frozenset(("once", "twice"))
_TIMES_NOT_BEFORE = frozenset("i you we he she they it the my his her".split())
_YESNO_START = frozenset("any anything do does did are is was were have has had ever no can could".split())
_WH = frozenset("what how when where why which who whom whose".split())
_ALLERGY_RE = re.compile(r"\b(allergic|allergy|allergies|reaction)\b|\b(gives|gave|give|makes|made|make|causes|caused)\s+(me\s+)?(\w+\s+){0,2}(hives|highs|rash|swell|swelling|vomit|itch|itchy|sick|nauseous|throw up|puke)")

# minutes describe an episode ("stiff for twenty minutes in the morning"), not how long
# the complaint has lasted, so they are not durations here
_UNIT_RE = r"(hour|hours|day|days|week|weeks|month|months|year|years)"
_QTY_RE = r"(\d+ (?:or|to) \d+|\d+(?:\.\d+)?|a|an|one|a couple of|couple of|a couple|couple|a few|few|several)"
_DURATION_PATTERNS = [
    re.compile(r"\bfor\s+(?:about\s+|around\s+|almost\s+|nearly\s+|over\s+|roughly\s+|maybe\s+|like\s+|a\s+good\s+)?(?:the\s+)?(?:last|past)?\s*" + _QTY_RE + r"\s+" + _UNIT_RE + r"\b"),
    # a date restated as a span: "since the end of august , so a good two months now"
    re.compile(r"[,;]\s+so\s+(?:about\s+|around\s+|almost\s+|nearly\s+|over\s+|roughly\s+|a\s+good\s+)?" + _QTY_RE
               + r"\s+" + _UNIT_RE + r"(?:\s+(?:now|ago)\b|\s*(?:[.,;]|$))"),
    re.compile(r"\b(?:the\s+)?(?:last|past)\s+" + _QTY_RE + r"\s+" + _UNIT_RE + r"\b"),
    re.compile(r"\b" + _QTY_RE + r"\s+" + _UNIT_RE + r"\s+(?:ago|back)\b"),
    re.compile(r"\b(?:started|began|since)\s+(?:about\s+|around\s+)?" + _QTY_RE + r"\s+" + _UNIT_RE + r"\b"),
    # "it's been about four days", "it has been going on two weeks"
    re.compile(r"\b(?:has|have|is|had)\s+been\s+(?:going on\s+)?(?:for\s+)?(?:about\s+|around\s+|almost\s+|nearly\s+"
               r"|over\s+|roughly\s+|a\s+good\s+)?" + _QTY_RE + r"\s+" + _UNIT_RE + r"\b"),
    # "back pain, going on two weeks now" (D179)
    re.compile(r"\bgoing on\s+(?:about\s+|almost\s+|nearly\s+)?" + _QTY_RE + r"\s+" + _UNIT_RE + r"\b"),
    # "two weeks now" at the start of a clause; "so that's two days now" (D165)
    re.compile(r"(?:^|[,;.]\s+|\b(?:it is|it has been|that is|that has been|this is|this has been|so|and|about|around)\s+)"
               + _QTY_RE + r"\s+" + _UNIT_RE
               + r"\s+now\b"),
    # a change over a time: "i have gained about 6 pounds in 2 months" (D103)
    re.compile(r"\b(?:gained|lost|put on|dropped)\b(?:\s+\S+){0,4}?\s+in\s+(?:the\s+)?(?:last\s+|past\s+)?"
               + _QTY_RE + r"\s+" + _UNIT_RE + r"\b"),
]
_ONSET_VERBS = ("came up|came on|started|began|appeared|showed up|broke out|woke up with|woke up to|developed|"
                "noticed|came down with")
_DURATION_SINGLE = [
    (re.compile(r"\b(?:the\s+)?day before yesterday\b"), "2 days"),  # not "yesterday" (D211)
    (re.compile(r"\b(?:the\s+)?(?:last|past)\s+(day|week|month|year)\b"), "1"),
    (re.compile(r"\bsince\s+(yesterday|last night)\b"), "1 day"),
    (re.compile(r"\bsince\s+last\s+(week|month|year)\b"), "1"),
    (re.compile(r"\bfor\s+(?:about\s+)?(?:a|one)\s+(day|week|month|year)\b"), "1"),
    # a symptom that began yesterday: "then yesterday a rash came up" (D106)
    # ... or that the patient woke up with, developed or noticed yesterday (D145)
    (re.compile(r"\b(?:yesterday|last night)\b(?:\s+\S+){0,6}?\s+(?:" + _ONSET_VERBS + r")\b|\b(?:" + _ONSET_VERBS
                + r")(?:\s+\S+){0,3}?\s+(?:yesterday|last night)\b"), "1 day"),
]
#: "two nights ago": that many days (D211)
_NIGHTS_AGO = re.compile(r"\b" + _QTY_RE + r"\s+nights?\s+(?:ago|back)\b")
#: a question that takes the symptom as present and asks since when: "how long have you had the
#: headaches?", "when did the palpitations start?", "how many days has the rash been there?"
_ONSET_Q = re.compile(r"\b(how long|when did|when (was|were)|since when|how many (days|weeks|months|years))\b"
                      r"|\b" + _QTY_RE + r"\s+" + _UNIT_RE + r"\s+of\b"  # "so about a week of pain?" (D106)
                      r"|\bbeen (?:there|going on|around|present|constant|bothering you|like that) since\b")  # D235
#: an answer that is only a duration ("about 3 months", "going on 10 days"): read as one only after
#: an onset question, where nothing else can be meant
_BARE_DURATION = re.compile(
    r"^(?:(?:so|about|around|almost|nearly|maybe|roughly|probably|like|over|um|uh|oh|well|going|on|i|think|"
    r"would|say|it|has|been|for)\s+(?:,\s+)?)*" + _QTY_RE + r"\s+" + _UNIT_RE + r"\b")  # "so , like , 3 months" (D277)
#: an answer that dates what was just named through a pronoun: "they started 3 months ago", "it has been 2 weeks"
_DATED_REFERENT = re.compile(r"^(?:(?:well|so|oh|um|uh|yeah|yes)\s*,?\s+)?(it|they|this|that|these|those)\s+"
                             r"(started|began|came on|has been|have been|has been going on|have been going on)\b")
_ANAPHORA_RE = re.compile(r"^(that|this|it|which|these|those|all of this|all this)\b|\bstarted\b|\bbegan\b")


def _qty(q: str) -> str | None:
    q = q.strip()
    if q in ("a", "an", "one"):
        return "1"
    if "couple" in q:
        return "2"
    if q in ("a few", "few", "several"):
        return "a few"
    span = re.fullmatch(r"(\d+) (?:or|to) (\d+)", q)
    if span:  # "two or three days": a range, as a clinician writes it
        return f"{span.group(1)}-{span.group(2)}" if int(span.group(1)) < int(span.group(2)) else None
    try:
        v = float(q)
    except ValueError:
        return None
    return str(int(v)) if v.is_integer() else str(v)


def _and_a_half(n: str, norm: str, end: int) -> str:
    """"a week and a half" is 1.5 weeks, not one (D180); a range or "a few" is left as it is."""
    if not re.match(r"\s+and a half\b", norm[end:]) or not n.replace(".", "", 1).isdigit():
        return n
    v = float(n) + 0.5
    return str(int(v)) if v.is_integer() else str(v)


def _unit(n: str, unit: str) -> str:
    base = unit.rstrip("s")
    if n == "1":
        return f"1 {base}"
    return f"{n} {base}s"


def parse_duration(norm: str) -> str | None:
    """'for the last 2 weeks' -> '2 weeks' (normalised text, digits)."""
    for pat in _DURATION_PATTERNS:
        m = pat.search(norm)
        if m:
            n = _qty(m.group(1))
            if n:
                return _unit(_and_a_half(n, norm, m.end(2)), m.group(2))
    if (nights := _NIGHTS_AGO.search(norm)) and (n := _qty(nights.group(1))):
        return _unit(n, "days")
    for pat, n in _DURATION_SINGLE:
        m = pat.search(norm)
        if m:
            return n if " " in n else _unit("1", m.group(1))  # "1 day", "2 days" are whole durations
    return None


#: a body location: the lexicon entry and the spoken words (content tokens)
Loc = tuple[BodyPart, tuple[str, ...]]


@dataclass
class Mention:
    sent: Sentence
    concept: Symptom
    start: int  # token span in sent.toks
    end: int
    cstart: int  # content span
    cend: int
    location: Loc | None = None
    forced_negative: bool = False
    assertion: Assertion = field(default_factory=Assertion)
    name: str = ""

    @property
    def generic(self) -> bool:
        return self.concept.loc is not None and self.location is None

    @property
    def base(self) -> str:
        return self.concept.base


def _loc(sent: Sentence, m: Match[BodyPart]) -> Loc:
    ts, te = sent.raw_span(m.start, m.end)
    return m.payload, tuple(t for t in sent.toks[ts:te] if t not in FILLERS)


def _compose(concept: Symptom, loc: Loc | None, matcher: PhraseMatcher[Symptom]) -> str:
    if loc is None or concept.loc is None:
        return concept.name
    body, spoken = loc
    if concept.loc == "prefix":
        name = f"{body.prefix} {concept.name}"
    else:
        name = f"{concept.name} in {' '.join(spoken) or body.suffix}"
    # a composed name that is itself a lexicon concept ("head pain" -> headache), unless that concept names
    # another, wider body part ("ankle swelling" stays, not "leg swelling": D150)
    key = phrase_key(name)
    for m in matcher.find(list(key)):
        if m.start == 0 and m.end == len(key) and m.payload.loc is None:
            parts = {b.payload.prefix for b in symptom_lexicon().body.find(list(phrase_key(m.payload.name)))}
            return name if parts - {body.prefix} else m.payload.name
    return name


class _Claims:
    """The content tokens held by the mentions found so far (regex matches over ``sent.norm``)."""

    def __init__(self, sent: Sentence) -> None:
        self.c2t = sent.char_to_tok()
        self.t2c = {t: c for c, t in enumerate(sent.cmap)}
        self.taken = [False] * len(sent.content)

    def _cspan(self, ts: int, te: int) -> tuple[int, int]:
        cs = next((self.t2c[t] for t in range(ts, te) if t in self.t2c), None)
        ce = next((self.t2c[t] + 1 for t in range(te - 1, ts - 1, -1) if t in self.t2c), None)
        if cs is None or ce is None:
            return 0, 0
        return cs, ce

    def claim(self, match: re.Match[str]) -> tuple[int, int, int, int] | None:
        """The match's token and content spans, if no earlier mention holds them (then they are held); a
        pattern with a group named ``term`` holds only that group ("nose ... (thick green stuff)")."""
        start, end = (match.start("term"), match.end("term")) if "term" in match.re.groupindex else match.span()
        ts, te = self.c2t[start], self.c2t[max(start, end - 1)] + 1
        cs, ce = self._cspan(ts, te)
        if ce <= cs or any(self.taken[cs:ce]):
            return None
        self.taken[cs:ce] = [True] * (ce - cs)
        return ts, te, cs, ce


#: "Both sides, but the right one's worse": a side counted or contrasted is a laterality, not the flank (D317)
_NOT_A_FLANK = frozenset("both each either other one that this opposite".split())


def sentence_bodies(sent: Sentence) -> list[Match[BodyPart]]:
    """The body parts a sentence names."""
    out = []
    for m in symptom_lexicon().body.find(sent.content):
        ts, _te = sent.raw_span(m.start, m.end)
        if m.payload.spoken in ("side", "sides") and ts > 0 and sent.toks[ts - 1] in _NOT_A_FLANK:
            continue
        out.append(m)
    return out


def find_mentions(sent: Sentence) -> list[Mention]:
    lex = symptom_lexicon()
    toks, content = sent.toks, sent.content
    claims = _Claims(sent)
    # concept regexes over the normalised text
    mentions = _pattern_mentions(sent, lex, claims)
    for m in lex.matcher.find(content, breaks=sent.comma_breaks()):
        if any(claims.taken[m.start:m.end]):
            continue
        ts, te = sent.raw_span(m.start, m.end)
        mentions.append(Mention(sent, m.payload, ts, te, m.start, m.end))
        claims.taken[m.start:m.end] = [True] * (m.end - m.start)
    mentions += _across_auxiliaries(sent, lex, claims.taken)
    bodies = sentence_bodies(sent)
    mentions += _predicate_mentions(sent, lex, claims.taken, bodies)
    mentions = [mn for mn in mentions if not _sleep_position(sent, mn)]
    # a symptom heard in a word the recogniser doubts is no finding (D119): "using his elbow while in pain"
    mentions = [mn for mn in mentions if not sent.heard_below(mn.start, mn.end, MIN_WORD_PROBABILITY)]
    mentions.sort(key=lambda mn: mn.cstart)
    _attach_locations(sent, mentions, bodies)
    _share_list_location(mentions, content)
    scs = scopes(toks)
    for mn in mentions:
        mn.assertion = assess(toks, (mn.start, mn.end), scs)
        if mn.forced_negative:
            mn.assertion.negated = True
        if CHILD_TAG in sent.tags and said_of_child(mn):
            mn.assertion.family = False  # the parent speaks of the patient (D192)
        if not mn.name:
            mn.name = _compose(mn.concept, mn.location, lex.matcher)
    return mentions


#: words between a symptom's subject and its participle: "my heart has been fluttering" (heart fluttering),
#: "my heart keeps racing" (content tokens, stemmed)
_AUX = frozenset("is are was were be been being has have had keep kept get got getting".split())
_MAX_AUX = 3


def _across_auxiliaries(sent: Sentence, lex: SymptomLexicon, taken: list[bool]) -> list[Mention]:
    """Mentions of a lexicon phrase split only by auxiliaries ("my heart has been fluttering"), where
    no other mention holds those words."""
    kept = [c for c, tok in enumerate(sent.content) if tok not in _AUX]
    if len(kept) == len(sent.content):
        return []
    out: list[Mention] = []
    for m in lex.matcher.find([sent.content[c] for c in kept]):
        cs, ce = kept[m.start], kept[m.end - 1] + 1
        if not 0 < (ce - cs) - (m.end - m.start) <= _MAX_AUX or any(taken[cs:ce]):
            continue  # contiguous (found already), too far apart, or held by another mention
        ts, te = sent.raw_span(cs, ce)
        out.append(Mention(sent, m.payload, ts, te, cs, ce))
        taken[cs:ce] = [True] * (ce - cs)
    return out


def _pattern_mentions(sent: Sentence, lex: SymptomLexicon, claims: _Claims) -> list[Mention]:
    """Mentions from the concept regexes, then from the negative assertions ("my vision is fine")."""
    mentions: list[Mention] = []
    norm = sent.norm
    for pat, concept in lex.patterns:
        for m in pat.finditer(norm):
            if (spans := claims.claim(m)) is not None:
                mentions.append(Mention(sent, concept, *spans))
    for pat, target in lex.negative_patterns:
        for m in pat.finditer(norm):
            if _NEGATORS.intersection(norm[:m.start()].split()[-2:]):
                continue  # "I'm not sleeping well" is no "sleeping well" (D146)
            if (mn := _negative_mention(sent, lex, claims, m, target)) is not None:
                mentions.append(mn)
    return mentions


_NEGATORS = frozenset("not never no nor".split())


def _negative_mention(sent: Sentence, lex: SymptomLexicon, claims: _Claims, m: re.Match[str],
                      target: str) -> Mention | None:
    name = target
    body = None
    if "{loc}" in target:
        loc = m.group("loc")
        bm = lex.body.find(list(phrase_key(loc)))
        if not bm:
            return None
        body = (bm[0].payload, tuple(loc.split()))
        name = target.replace("{loc}", body[0].prefix)
        concept = lex.symptoms[target.replace("{loc} ", "")]
    else:
        concept = lex.symptoms[target]
    spans = claims.claim(m)
    if spans is None:
        return None
    mn = Mention(sent, concept, *spans, location=body, forced_negative=True)
    mn.name = name
    return mn


#: the parts of a body part's surface said before it: "on the inside of both elbows", "the back of my hand"
_SURFACES = frozenset("inside outside back front side top bottom underside middle edge tip".split())
_SIDE_WORDS = frozenset("left right both".split())


def _surface_body(sent: Sentence, at: int, body_at_start: dict[int, Match[BodyPart]]) -> Match[BodyPart] | None:
    """The body part of "<prep> the <surface> of (the/my/both) <body part>" at content index ``at``."""
    content = sent.content
    if at + 2 >= len(content) or content[at] not in _LOC_PREPS or content[at + 1] not in _SURFACES:
        return None
    k = at + 2 + (content[at + 2] in _SIDE_WORDS)
    surface_tok = sent.cmap[at + 1]
    if k not in body_at_start or "of" not in sent.toks[surface_tok + 1:surface_tok + 2]:
        return None
    return body_at_start[k]


def _body_after_prep(content: list[str], at: int, body_at_start: dict[int, Match[BodyPart]]) -> Match[BodyPart] | None:
    """The body part of "<prep> (left/right/both) <body part>" at content index ``at``: "behind my left ear"."""
    if at >= len(content) or content[at] not in _LOC_PREPS:
        return None
    k = at + 1 + (at + 1 < len(content) and content[at + 1] in _SIDE_WORDS)
    return body_at_start.get(k)


#: symptom words said as an adjective right before the body part: "a stiff neck", "sore knees", "itchy eyes"
_BEFORE_PART = frozenset("stiff sore swollen itchy achy aching numb weak tender painful red puffy tingly "
                         "burning throbbing".split())


#: the verbs between a body part and what is said of it: "my knee is swollen", "my feet have been numb"
_LINKING = _AUX | frozenset("feel feels felt look looks seem seems gets keeps become becomes".split())


def _body_before_verb(content: list[str], at: int, body_at_end: dict[int, Match[BodyPart]]) -> Match[BodyPart] | None:
    """The body part that is the subject of one to three linking verbs right before content index ``at``, an
    intensifier or a negation among them ("my legs are all swollen", D204)."""
    k = at
    while k > 0 and at - k < 4 and content[k - 1] in _PREDICATE_GAP | _HOW_OFTEN:
        k -= 1
    gap = set(content[k:at])
    # "has either knee ever puffed up?", "my knee sometimes gives out": an adverb of frequency alone (D329)
    return body_at_end.get(k) if k < at and (gap & _LINKING or gap <= _HOW_OFTEN) else None


_HOW_OFTEN = frozenset("ever sometimes sometime often always never still occasionally".split())  # content is stemmed


#: what may stand between a body part and what is said of it: "my left eye has been red and goopy"
_PREDICATE_GAP = _LINKING | frozenset("not never always all so really still getting".split())
_MAX_PREDICATES = 4


def _predicate_mentions(sent: Sentence, lex: SymptomLexicon, taken: list[bool],
                        bodies: list[Match[BodyPart]]) -> list[Mention]:
    """A body part said to be what a lexicon term says before it (D156): "my left eye has been red and goopy"
    reads as "red eye" and "goopy eye", "my knee's swollen" as "swollen knee". Only after a linking verb, and
    only words no other mention holds, each of a list joined by "and" or "or"."""
    content, out = sent.content, []
    for body in bodies:
        k = body.end
        while k < len(content) and content[k] in _PREDICATE_GAP:
            k += 1
        if k == body.end or not set(content[body.end:k]) & _LINKING:
            continue
        out += _predicates_from(sent, lex, taken, k, content[body.start:body.end])
    return out


def _predicates_from(sent: Sentence, lex: SymptomLexicon, taken: list[bool], k: int,
                     body: list[str]) -> list[Mention]:
    """The lexicon terms the words from content token ``k`` make with ``body`` after them ("red" + "eye"),
    each of a list joined by "and" or "or"; marks their tokens taken."""
    content, out = sent.content, []
    for c in range(k, min(k + _MAX_PREDICATES, len(content))):
        if content[c] in _LIST_JOIN:
            continue
        phrase = [content[c], *body]
        found = [m for m in lex.matcher.find(phrase) if m.start == 0 and m.end == len(phrase)]
        if not found or taken[c]:
            break
        ts, te = sent.raw_span(c, c + 1)
        out.append(Mention(sent, found[0].payload, ts, te, c, c + 1))
        taken[c] = True
    return out


_POSITIONS = frozenset("side back stomach belly front left right arm shoulder hip".split())


def _sleep_position(sent: Sentence, mn: Mention) -> bool:
    """"I can't sleep on that side" says where sleep hurts, not that sleep fails (D156)."""
    after = sent.content[mn.cend:mn.cend + 3]
    return mn.concept.name == "insomnia" and bool(after) and after[0] == "on" and bool(_POSITIONS & set(after[1:]))


def _attach_locations(sent: Sentence, mentions: list[Mention], bodies: list[Match[BodyPart]]) -> None:
    """A location-composable mention takes the body part right after ("numbness in your feet"), right before
    it ("leg weakness"), or right after its adjective ("a stiff neck")."""
    content = sent.content
    body_at_start = {b.start: b for b in bodies}
    body_at_end = {b.end: b for b in bodies}
    mention_spans = {(mn.cstart, mn.cend) for mn in mentions}
    for mn in mentions:
        if mn.concept.loc is None or mn.location is not None:
            continue
        after = mn.cend
        surface = _surface_body(sent, after, body_at_start)
        if surface is not None:
            mn.location = _loc(sent, surface)
        elif (place := _body_after_prep(content, after, body_at_start)) is not None:
            mn.location = _loc(sent, place)
        elif mn.cstart in body_at_end and (body_at_end[mn.cstart].start, mn.cstart) not in mention_spans:
            mn.location = _loc(sent, body_at_end[mn.cstart])
        elif after in body_at_start and sent.toks[sent.cmap[after - 1]] in _BEFORE_PART:
            mn.location = _loc(sent, body_at_start[after])  # "a stiff neck", "swollen ankles" (D147)
        elif (subject := _body_before_verb(content, mn.cstart, body_at_end)) is not None:
            mn.location = _loc(sent, subject)  # "my knee is swollen", "my hands feel weak" (D149)


def _share_list_location(mentions: list[Mention], content: list[str]) -> None:
    """List propagation: "numbness or tingling in your feet"."""
    for i in range(len(mentions) - 1, 0, -1):
        cur = mentions[i]
        if cur.location is None:
            continue
        j = i - 1
        while j >= 0:
            prev, nxt = mentions[j], mentions[j + 1]
            between = content[prev.cend:nxt.cstart]
            if any(tok not in _LIST_JOIN for tok in between):
                break
            if prev.concept.loc is not None and prev.location is None:
                prev.location = cur.location
            j -= 1
    _carry_list_location(mentions, content)


def _carry_list_location(mentions: list[Mention], content: list[str]) -> None:
    """The other way: "any eye pain or redness?" is redness of the eye; only when the place is said before the
    list's first item, as a modifier of it (D266)."""
    for i in range(1, len(mentions)):
        prev, cur = mentions[i - 1], mentions[i]
        between = content[prev.cend:cur.cstart]
        if (cur.concept.loc is None or cur.location is not None or prev.location is None or not between
                or any(tok not in _LIST_JOIN for tok in between) or not _place_leads(prev, content)):
            continue
        cur.location = prev.location


def _place_leads(m: Mention, content: list[str]) -> bool:
    """The mention's place is said first, at its start or just before it ("eye pain", "knee swelling")."""
    words = tuple(m.location[1]) if m.location is not None else ()
    n = len(words)
    return bool(n) and (tuple(content[max(0, m.cstart - n):m.cstart]) == words or tuple(content[m.cstart:m.cstart + n]) == words)


def answer_polarity(sent: Sentence) -> str | None:
    """"neg" for an answer that starts with "no" / "nothing" or says "I haven't noticed any", "pos" for "yes, I
    have" / "a little", "yes" for a bare yes, "agree" for "correct" / "that's right", else None."""
    return _answer_polarity(sent)


_LIKE_BEFORE = re.compile(r"\b(?:is|was|feels|felt|feel)(?: (?:kind of|sort of|almost|just|more))? like(?: an?)?$")
_IN_ANOTHER_PART = re.compile(r"^(?:in|on|of) (?:my|his|her|the|your) (?P<part>\w+)")


def _simile(sent: Sentence, m: "Mention") -> bool:
    """"It's like a toothache in my wrist.": a symptom named as a comparison for another body part is no finding
    (D258); "It's like a burning feeling when I pee" still names one (no other part follows)."""
    before = " ".join(sent.toks[:m.start])
    after = _IN_ANOTHER_PART.match(" ".join(sent.toks[m.end:m.end + 4]))
    return bool(_LIKE_BEFORE.search(before) and after is not None and symptom_lexicon().body.find([after.group("part")]))


_OF_NEXT = re.compile(r" of\b")  # "in the back of my head": the part is a region of another


def _pain_elsewhere(sent: Sentence, m: "Mention") -> "Mention":
    """"A deep, dull toothache in the shoulder": a pain named after its own site, said of another part, is pain of
    that part (D331); "a headache in the back of my head" keeps its site."""
    if m.concept.parent != "pain" or m.concept.loc is not None:
        return m
    after = _IN_ANOTHER_PART.match(" ".join(sent.toks[m.end:m.end + 5]))
    lex = symptom_lexicon()
    parts = lex.body.find([after.group("part")]) if after is not None and not _OF_NEXT.match(after.string, after.end()) else []
    if not parts:
        return m
    part = parts[0].payload
    own = {b.payload.prefix for b in lex.body.find(list(phrase_key(m.concept.name)))}
    if part.prefix in own or not own:
        return m
    located = Mention(m.sent, lex.symptoms["pain"], m.start, m.end, m.cstart, m.cend, (part, (after.group("part"),)),
                      m.forced_negative, m.assertion)
    located.name = _compose(located.concept, located.location, lex.matcher)
    return located


#: what is still to come: "Two cups. That's going to hurt." (D327)
_TO_COME = re.compile(r"\b(?:going to|gonna)(?: \w+)?$")


def _anothers(sent: Sentence, m: "Mention") -> bool:
    """"I figured it was heartburn. His heartburn, actually.": in the patient's own words, a symptom said as his or
    her (or their) belongs to someone else, unless the visit is about a child the speaker speaks for (D332)."""
    return (sent.role == "patient" and CHILD_TAG not in sent.tags and m.start > 0
            and sent.toks[m.start - 1] in ("his", "her", "their"))


def _yet_to_come(sent: Sentence, m: "Mention") -> bool:
    """A symptom the speaker expects, not one they have: "That's going to hurt." (D327)."""
    return bool(_TO_COME.search(" ".join(sent.toks[max(0, m.start - 3):m.start])))


def _echo(sent: Sentence) -> bool:
    """"Fever? No.": the asked word said back as a question, a beat before the answer (D253)."""
    words = [t for t in sent.toks if t.isalpha()]
    return sent.is_question and 0 < len(words) <= 3 and words[0] not in ("i", "my", "is", "am", "do", "does")


def _echo_denied(turn: Turn, sent: Sentence) -> bool:
    """The echo is answered "no" by the sentence after it: the word said back is no finding ("Headaches? All
    the time." keeps it)."""
    k = next((i for i, s in enumerate(turn.sentences) if s is sent), None)
    return (_echo(sent) and k is not None and k + 1 < len(turn.sentences)
            and _answer_polarity(turn.sentences[k + 1]) == "neg")


#: a first sentence that only prefaces the answer: "I've looked. No blood." (D253)
_PREFACE = re.compile(r"^(?:i|we) (?:have |had |just |did )?(?:looked|checked|watched|asked (?:him|her)|thought about it)\W*$")


def _opening_polarity(sentences: list[Sentence]) -> str | None:
    """The polarity of an answer: of its first sentence, or of the second after an echo of the question ("Fever?
    No.") or a preface ("I've looked. No blood.", D253)."""
    first = sentences[0]
    if len(sentences) > 1 and (_echo(first) or _PREFACE.match(first.norm)):
        return _answer_polarity(sentences[1])
    return _answer_polarity(first)


def _answer_polarity(sent: Sentence) -> str | None:
    words = [t for t in sent.toks if t.isalpha()]
    while words and words[0] in ("well", "um", "uh", "oh", "so", "and", "actually", "honestly", "doctor"):
        if words[0] == "actually":
            return "pos"
        words = words[1:]
    if not words:
        return None
    if words[0] in _NEG_START:
        return "neg"
    if words[:1] == ["i"] and words[1:2] in (["do"], ["have"]) and words[2:3] in (["not"], ["never"]):
        return "neg" if len(words) == 3 or _denies_in_words(words[3:]) else None  # "I don't remember": nothing (D175)
    if words[0] in _AGREE or words[:3] in (["that", "is", "right"], ["that", "is", "correct"]):
        return "agree"
    if all(w in _BARE_YES for w in words):
        return "yes"
    if words[0] in _TIMES and words[1:2] != ["again"] and not set(words[1:2]) & _TIMES_NOT_BEFORE:
        return "pos"
    text = " ".join(words[:3])
    if any(text == p or text.startswith(p + " ") for p in _POS_START):
        return None if _describes_another(words) else "pos"
    return None


def _describes_another(words: list[str]) -> bool:
    """"A little red spot under her nostril": "a little" / "some" that opens a description of something else,
    not a yes ("A little.", "Some days.", D295)."""
    amount = 2 if words[:2] == ["a", "little"] else 1 if words[:1] == ["some"] else 0
    return bool(amount) and len(words) > amount and words[amount] in descriptor_words()


#: an answer that confirms what was asked, as it was asked: "So no cough?" "Correct." (D178)
_AGREE = frozenset("correct right exactly".split())
#: a yes and nothing more, which says nothing to a question asked in the negative ("No fever?" "Yeah.")
_BARE_YES = frozenset("yes yeah yep yup mhm".split())
#: "I haven't noticed any", "I haven't had that", "I don't think so": a denial in the patient's words (D178)
_NOTICED = frozenset("noticed had seen felt experienced".split())
_NOTICED_WHAT = frozenset("any anything it that those them".split())


def _denies_in_words(rest: list[str]) -> bool:
    """The words after "I have not" / "I do not" deny: "noticed (any)", "had that", "think so", "believe so"."""
    if rest[:2] in (["think", "so"], ["believe", "so"]):
        return True
    rest = rest[:-1] if rest[-1:] == ["no"] else rest
    return 0 < len(rest) <= 2 and rest[0] in _NOTICED and (len(rest) == 1 or rest[1] in _NOTICED_WHAT)


def _asked_polarity(q: Mention, answer_pol: str | None) -> str | None:
    """The answer's polarity for one asked symptom: a confirmation of a question asked in the negative denies
    it ("So no cough?" "Correct."); a bare "yes" to such a question says nothing (D178). A question that names the
    symptom's absence ("Are you sleeping okay?") is answered the other way round: "No" says the symptom is there,
    "yes" or "right" that it is not (D215)."""
    if q.forced_negative and answer_pol is not None:
        return "pos" if answer_pol == "neg" else "neg"
    if answer_pol == "agree":  # "it looks like you suffer from itching with X?" "That's correct.": history, left
        return "neg" if q.assertion.negated else None
    if answer_pol == "yes":
        return None if q.assertion.negated else "pos"
    return answer_pol


def _is_yes_no(sent: Sentence) -> bool:
    words = [t for t in sent.toks if t.isalpha()]
    while words and words[0] in ("and", "so", "okay", "ok", "now", "also", "then", "um", "uh", "well"):
        words = words[1:]
    if not words:
        return False
    if words[0] in _WH:
        return len(words) > 1 and words[1] == "about"  # "what about chest pain?"
    return words[0] in _YESNO_START or sent.text.rstrip().endswith("?")


@dataclass
class _Finding:
    name: str
    base: str
    present: bool
    explicit: bool
    order: float
    duration: str | None = None
    uncertain: bool = False
    sent_index: int = 0


def _is_allergy_sentence(sent: Sentence) -> bool:
    return bool(_ALLERGY_RE.search(sent.norm))


#: "... gave me Bactrim ..., and I broke out in hives after three days" (D341)
_BROKE_OUT = re.compile(r"\b(?:broke|break|breaks) out in (?:a |an )?(?:\w+ )?(?:hives|rash|welts|blisters)\b")


def _drug_reaction(sent: Sentence) -> bool:
    """A sentence that names a drug and breaking out in a rash: the drug's reaction, not a complaint of the visit."""
    return (bool(_BROKE_OUT.search(sent.norm)) and not _DESPITE.search(sent.norm)
            and bool(drug_lexicon().matcher.find(sent.content)))


#: the rash goes on despite the drug: "I take Zyrtec but I still broke out in hives again" is the complaint
_DESPITE = re.compile(r"\b(?:but|still|again|even|despite|although|though)\b")


def _allergy_clause_start(sent: Sentence) -> int:
    """Token index where the clause of the allergy statement starts (0: the whole sentence)."""
    m = _ALLERGY_RE.search(sent.norm)
    if m is None:
        return 0
    tok = len(sent.norm[: m.start()].split())
    for k in range(tok - 1, -1, -1):
        if sent.toks[k] in (",", ";", "but"):
            return k
    return 0


def _is_reaction(sent: Sentence, m: Mention) -> bool:
    """The mention is a reaction of the reaction lexicon ("hives", "cough", "throw up"), not any symptom:
    "I got hives from penicillin" drops hives, "Penicillin, and a rash since Monday" keeps the rash only
    when a clause lies between."""
    _, reactions = allergy_lexicon()
    return any(r.start < m.cend and m.cstart < r.end for r in reactions.find(sent.content))


#: how far after the causal verb a symptom is still the reaction it tells ("it made the tendons in my ankles hurt")
_CAUSED_REACH = 6


def _told_as_reaction(sent: Sentence, m: Mention, at: int) -> bool:
    """The mention tells the reaction to the allergen at token ``at``: a reaction of the reaction lexicon in
    its clause, or any symptom within a few words after a causal verb that follows it ("Levaquin, it made
    the tendons in my ankles hurt")."""
    lo, hi = _clause_of(sent.toks, at)
    if not lo <= m.start < hi:
        return False
    if _is_reaction(sent, m):
        return True
    verbs = [k for k in range(at + 1, m.start) if sent.toks[k] in CAUSAL_VERBS]
    return bool(verbs) and m.start - verbs[0] <= _CAUSED_REACH


def _names_reaction(sent: Sentence) -> bool:
    """A sentence right after an allergy statement that names a reaction."""
    _, reactions = allergy_lexicon()
    return bool(reactions.find(sent.content))


def _continues_reaction(sent: Sentence) -> bool:
    """A sentence after an allergy statement that tells the reaction ("Hives, all over."); one that gives its
    symptom a duration is a complaint of its own ("Penicillin gives me hives. I've had a cough for a week.")."""
    return _names_reaction(sent) and parse_duration(sent.norm) is None


_FILLERS = frozenset(", um uh er eh like".split())


#: what a "when ..." clause right before a symptom makes it: a dose's occasion ("two puffs when he's wheezy") or what
#: makes another complaint worse ("it's worse when I'm nervous or tired"), not a finding of its own (D318)
_OCCASION = re.compile(r"\b(?:puffs?|tablets?|pills?|capsules?|drops?|sprays?|doses?|as needed|worse|better|worst)"
                       r"(?: \w+){0,2}? (?:when|whenever|if) (?:i|he|she|you|it|they)(?: am| is| are| get| gets| feel| feels)?"
                       r"(?: (?:really|very|so|a little|a bit|more))?(?: \w+ (?:or|and))?$")


def _is_indication(sent: Sentence, m: Mention) -> bool:
    """'I take omeprazole for heartburn': the symptom is the drug's indication; "two puffs when he's wheezy" its
    occasion, and "worse when I'm nervous or tired" what worsens another complaint (D318)."""
    if _OCCASION.search(" ".join(sent.toks[max(0, m.start - 10):m.start])):
        return True
    before = [t for t in sent.toks[max(0, m.start - 8):m.start] if t not in _FILLERS][-3:]  # "for, um, anxiety" (D200)
    if "for" not in before and not ("helps" in before or "help" in before):
        return False
    if re.search(r"\b\d+(\.\d+)? (mg|mcg|g|units|puffs?|tablets?|pills?)\b", sent.norm):
        return True
    return bool(drug_lexicon().matcher.find(sent.content))


_PATIENT_LIKE = ("patient", "other", "unknown")


def extract_symptoms(turns: list[Turn], allergens: set[tuple[int, int]] | None = None) -> list[SymptomItem]:
    """The visit's symptoms; ``allergens``: (sentence index, token) of each substance the allergy reader took
    as an allergen (``extract_allergies``): a reaction of the reaction lexicon in its clause is no current
    symptom ("I got hives from penicillin"), nor is one in a next sentence that refers back to it
    ("Ciprofloxacin. That one gave me a rash.")."""
    by_sentence: dict[int, list[int]] = {}
    for si, at in allergens or ():
        by_sentence.setdefault(si, []).append(at)
    findings: dict[str, _Finding] = {}
    asked: list[Mention] = []  # specific names asked so far (for generic adoption)
    known_specific: list[Mention] = []
    said_before: _TurnSaid | None = None
    companion_told: set[str] = set()  # findings a companion asserted that the patient has not said since
    first_said: dict[str, Mention] = {}  # each finding's first mention, for an onset question's referent (D316)
    for ti, turn in enumerate(turns):
        if turn.role == "clinician":
            # specific symptoms the clinician names (even outside a recognised
            # question) let a later generic answer adopt the specific name
            for s in turn.sentences:
                asked.extend(m for m in find_mentions(s) if not m.generic)
            continue
        asked_here = _asked_in(turns[ti - 1] if ti > 0 and turns[ti - 1].role == "clinician" else None)
        # also every clinician question so far feeds generic adoption
        asked.extend(mq for mq in asked_here if not mq.generic)
        said = _turn_mentions(turn, asked_here, by_sentence, _continued(turns, ti, said_before),
                              ti > 0 and _asks_where_it_hurts(turns[ti - 1]), _part_asked_about(turns, ti, said_before))
        if ti > 0 and turns[ti - 1].role == "clinician":
            said.mentions = [(m, d) for m, d in said.mentions if not _read_back(m, turns[ti - 1])]
        said_earlier, said_before = said_before, said
        _normal_output_answers(said, asked_here)
        if ti > 0 and _asks_history(turns[ti - 1]):
            said.mentions = [(m, d) for m, d in said.mentions if _NOW.search(m.sent.norm)]
        # answer-level resolution of asked symptoms
        answer_pol = None
        if asked_here and turn.role in _PATIENT_LIKE and turn.sentences:
            answer_pol = _opening_polarity(turn.sentences)
        told = _told_of_patient(said.mentions)
        explicit_bases = {m.base for m, _ in told} | {m.concept.name for m, _ in told}
        _adopt_specific_names(said.mentions, asked_here, asked + known_specific)
        _record_said(findings, said, turn.role, companion_told, known_specific)
        for m, _d in told:
            first_said.setdefault(m.name, m)
        if asked_here:
            single_duration = next(iter(said.durations)) if len(said.durations) == 1 else None
            _reported_fever(findings, asked_here, turn, explicit_bases, answer_pol)
            _resolve_asked(findings, asked_here, told, explicit_bases, answer_pol, single_duration)
            _resolve_fine_parts(findings, asked_here, said.mentions, turn)
        prev = turns[ti - 1] if ti > 0 and turns[ti - 1].role == "clinician" else None
        if prev is not None and turn.role in _PATIENT_LIKE and turn.sentences:
            onset = (_onset_asked(prev) or _onset_referents(prev, said_earlier if _answered_before(turns, ti) else None)
                     or _told_in_answer(prev, said) or _sole_complaint(prev, findings, first_said))
            _resolve_onset(findings, onset, said, turn.sentences, _settled_in(said))
            _confirmed_onset(findings, onset or _dated_told(said, turn), turns[ti + 1:ti + 4])
            _resolve_dated(findings, prev, turn.sentences[0])
    _drop_generic_duplicates(findings)
    return [_as_item(f) for f in sorted(findings.values(), key=lambda x: x.order)]


#: a short sentence said back, with no one in it: "Red, hot, fever, call. Got it."
_READ_BACK_WORDS = 8
_SOMEONE = re.compile(r"\b(?:i|me|my|he|she|him|her|his|we|our|they|it)\b")


def _read_back(m: Mention, prev: Turn) -> bool:
    """The patient reads back the clinician's warning signs: a finding of a short sentence with no one in it that the
    clinician's turn just before named only as what to watch for ("If it turns red, hot, or you get a fever, call
    me." "Red, hot, fever, call. Got it.", D341)."""
    words = [t for t in m.sent.toks if t.isalpha()]
    if len(words) > _READ_BACK_WORDS or _SOMEONE.search(m.sent.norm):
        return False
    said = [x for s in prev.sentences for x in find_mentions(s) if x.base == m.base]
    return bool(said) and all(x.assertion.hypothetical for x in said)


#: the findings a "normal" output stands for when nothing of its kind was asked: "my pee looks normal" (lexicon.py)
_NORMAL_OUTPUT = {"blood in urine": "urine", "diarrhea": "stool"}
_STOOL_FINDINGS = frozenset({"diarrhea", "constipation", "pale stools", "black stools", "blood in stool"})


def _output_of(name: str) -> str | None:
    return "urine" if "urine" in name else "stool" if "stool" in name or name in _STOOL_FINDINGS else None


def _normal_output_answers(said: _TurnSaid, asked_here: list[Mention]) -> None:
    """"Dark urine, the color of tea? Pale stools, like clay?" "My pee looks normal. My bowel movements are normal
    too.": an output said to be normal denies what was just asked of it (dark urine, pale stools), not the finding it
    stands for unasked (blood in urine, diarrhea) (D329)."""
    out: list[tuple[Mention, str | None]] = []
    for m, d in said.mentions:
        group = _NORMAL_OUTPUT.get(m.concept.name) if m.forced_negative else None
        asked = [q for q in asked_here if group is not None and _output_of(q.name) == group]
        if not asked or any(q.name == m.name for q in asked):
            out.append((m, d))
            continue
        for q in asked:
            mn = Mention(m.sent, q.concept, m.start, m.end, m.cstart, m.cend, q.location, True, m.assertion, q.name)
            out.append((mn, None))
    said.mentions = out


def _told_of_patient(mentions: list[tuple[Mention, str | None]]) -> list[tuple[Mention, str | None]]:
    """The mentions that tell of the patient, or deny: one that is no finding of theirs ("I wish I'd lost some
    weight", D241) leaves its question to the answer's polarity (D304)."""
    return [(m, d) for m, d in mentions if m.assertion.is_patient_finding or m.assertion.negated]


def _record_said(findings: dict[str, _Finding], said: _TurnSaid, role: str, companion_told: set[str],
                 known_specific: list[Mention]) -> None:
    """Record what a patient-side turn says of the patient. A companion's claim the patient then denies of
    themself is disputed, and is written as possible for the clinician to settle: "She's lost weight, look at
    her." "Mom. I haven't lost weight." (D301)."""
    for m, dur in said.mentions:
        a = m.assertion
        if not a.is_patient_finding:
            continue
        present = not a.negated
        # "I don't have a fever now" denies only the present, not the companion's "a fever for two days"
        disputed = (not present and role == "patient" and m.name in companion_told and not _NOW.search(m.sent.norm))
        _record(findings, m.name, m.base, present, True, m.sent.index + m.cstart / 100.0,
                dur if present else None, a.uncertain and present)
        if disputed:
            findings[m.name].present, findings[m.name].uncertain = True, True
        elif said_resolved(m.sent.toks, a):  # "Runny nose ... The runny nose went away after a week" (D313)
            findings[m.name].present, findings[m.name].duration = False, None
        if role == "other" and present:
            companion_told.add(m.name)
        elif role == "patient":
            companion_told.discard(m.name)
        if not m.generic:
            known_specific.append(m)


def _asked_in(prev_clin: Turn | None) -> list[Mention]:
    """The symptoms a clinician's yes/no questions just before asked about (not hypothetical, not a relative's)."""
    asked_here: list[Mention] = []
    if prev_clin is not None:
        for s in prev_clin.sentences:
            if s.is_question and _is_yes_no(s) and not _is_allergy_sentence(s):
                asked_here.extend(m for m in find_mentions(s) if not m.assertion.hypothetical and not m.assertion.family)
    return asked_here


#: a question about the past: "any other medical history?", "have you ever had ...?"
_HISTORY_Q = re.compile(r"\b(medical history|past medical|medical problems in the past|ever had|ever been|in the past)\b")
#: an answer that still speaks of now
_NOW = re.compile(r"\b(now|still|currently|at the moment|these days|today|again)\b")


def _asks_history(prev: Turn) -> bool:
    """The clinician's turn asks about the patient's past, so a symptom in the answer is history."""
    return prev.role == "clinician" and any(s.is_question and _HISTORY_Q.search(s.norm) for s in prev.sentences)


def _onset_asked(prev_clin: Turn) -> list[Mention]:
    """The symptoms a clinician's onset question ("how long have you had X?") takes as present."""
    return [m for s in prev_clin.sentences if s.is_question and _ONSET_Q.search(s.norm)
            for m in find_mentions(s) if m.assertion.is_patient_finding and not m.assertion.negated]


#: an onset question that points back by a pronoun or by nothing; "when was your last bowel movement?" names its own
_REFERENT_ONSET_Q = re.compile(
    r"^(?:(?:and|so|okay|ok|alright|all right|and so)\W+)*(?:how long(?: ago)?(?: (?:has|have|did|is|was) (?:it|this|that|"
    r"they|these|those|all this|all of this)(?: been)?(?: going on| lasted| last| had)?)?(?: for)?|when did (?:it|this|that|"
    r"they|these(?: 2| ones)?|those(?: 2| ones)?|all this|all of this) (?:first )?(?:start|begin|come on|show up|appear|"
    r"pop up|come up|crop up|kick in)|since when"
    r"|how long have you (?:had|been having|noticed) (?:it|this|that|them|these|those)"  # D229
    r"|when did you (?:first )?(?:notice|start noticing|start to notice|start having|start getting|start feeling|"
    r"first have|first get) (?:it|this|that|them|these|those))\W*$")  # D247


def _answered_before(turns: list[Turn], ti: int) -> bool:
    """The turn before the clinician's question was the patient's ("I've had heartburn." / "When did it start?")."""
    return ti >= 2 and turns[ti - 2].role in _PATIENT_LIKE


#: the speaker sets aside what they just named as not the visit's reason: "a little cough at night, but honestly
#: that's not why we're here" (D259)
NOT_THE_REASON = re.compile(r"\b(?:that|this|it) is not (?:why (?:we are|i am|she is|he is|we came|i came)"
                            r"|the (?:reason|main thing|big thing)|what (?:we are|i am) here for)\b")


def _part_asked_about(turns: list[Turn], ti: int, said_before: "_TurnSaid | None") -> Loc | None:
    """"What's bothering you?" "My hip. ... I can't lie on that side." "When did it start?" "... By Halloween it was
    aching.": the part the patient answered with alone is the place of the pain the answer to "when did it start?"
    tells (D297)."""
    if said_before is None or said_before.opening_part is None or not _answered_before(turns, ti):
        return None
    asked = turns[ti - 1]
    return said_before.opening_part if any(_REFERENT_ONSET_Q.match(s.norm) for s in asked.sentences) else None


def _told_in_answer(prev_clin: Turn, said: _TurnSaid) -> list[Mention]:
    """"When did it start?" asked of a complaint told with no symptom word ("My hip."): the present complaints the
    answer itself tells undated ("By Halloween it was aching ... So five weeks or so.", D297)."""
    if not any(_REFERENT_ONSET_Q.match(s.norm) for s in prev_clin.sentences):
        return []
    return _one_undated(said)


def _one_undated(said: _TurnSaid) -> list[Mention]:
    """The one present complaint a turn tells, undated; none when it tells more than one ("I woke up with it
    yesterday ... The day before, I had an ache behind my ear.")."""
    told = [m for m, _ in said.mentions if not m.assertion.negated and m.assertion.is_patient_finding]
    return told if len({m.name for m in told}) == 1 and all(d is None for m, d in said.mentions if m in told) else []


def _onset_referents(prev_clin: Turn, said_earlier: "_TurnSaid | None") -> list[Mention]:
    """The symptoms an onset question that names none asks about ("How long?", "When did it start?", "How long
    has that been going on?"): those the patient's turn just before named as present without a duration (D179)."""
    if said_earlier is None or not _bare_onset_question(prev_clin):
        return []
    return [m for m, dur in said_earlier.mentions if dur is None and m.assertion.is_patient_finding
            and not m.assertion.negated and not NOT_THE_REASON.search(m.sent.norm)]  # set aside: not asked of (D259)


def _bare_onset_question(prev_clin: Turn) -> bool:
    """The clinician's turn asks when "it" started and names no symptom ("When did it start?")."""
    return (any(_REFERENT_ONSET_Q.match(s.norm) for s in prev_clin.sentences)
            and not any(find_mentions(s) for s in prev_clin.sentences))


def _sole_complaint(prev_clin: Turn, findings: dict[str, _Finding], first_said: dict[str, Mention]) -> list[Mention]:
    """"My hands shake." ... "When I'm using my hands." "And when did it start?": an onset question that names
    nothing, after a turn that named nothing, asks about the one complaint told so far, when there is exactly one
    present and undated (D316)."""
    if not _bare_onset_question(prev_clin):
        return []
    present = [f for f in findings.values() if f.present and f.explicit]
    if len(present) != 1 or present[0].duration is not None or present[0].name not in first_said:
        return []
    said = first_said[present[0].name]
    return [] if NOT_THE_REASON.search(said.sent.norm) else [said]  # set aside: not asked of (D259)


def _resolve_dated(findings: dict[str, _Finding], prev_clin: Turn, first: Sentence) -> None:
    """"Tell me about the headaches." "They started three months ago.": an answer that opens by dating,
    through a pronoun and in a sentence naming no symptom, the one symptom the clinician's turn named
    gives it that duration (D110)."""
    duration = parse_duration(first.norm)
    if not duration or not _DATED_REFERENT.search(first.norm) or find_mentions(first):
        return
    named = [m for s in prev_clin.sentences for m in find_mentions(s)
             if m.assertion.is_patient_finding and not m.assertion.negated]
    if len({m.name for m in named}) == 1:
        q = named[0]
        _record(findings, q.name, q.base, True, False, q.sent.index + q.cstart / 100.0, duration, False)


def _settled_in(said: _TurnSaid) -> set[str]:
    """The symptoms (base and concept names) an answer names with a duration of their own, or denies (D277)."""
    return {k for m, d in said.mentions if d is not None or m.assertion.negated for k in (m.base, m.concept.name)}


def _resolve_onset(findings: dict[str, _Finding], onset_asked: list[Mention], said: _TurnSaid,
                   answer: list[Sentence], explicit_bases: set[str]) -> None:
    """"How long have you had the headaches?" "About three months.": the asked symptom is present
    with the answer's duration, when the answer gives exactly one duration and does not deny it; a
    symptom the answer names itself with its own duration, or denies, is left to what the answer says
    (``explicit_bases``); one it names again undated ("By Halloween it was aching ... So five weeks or so.")
    takes the answer's figure (D277).  The figure may come after a first sentence that dates it otherwise
    ("Since early summer. I'd say three months.", D229)."""
    if not onset_asked or _answer_polarity(answer[0]) == "neg":
        return
    durations = said.durations or {d for s in answer[:_ONSET_REACH] if (d := _bare_duration(s.norm))}
    if len(durations) > 1 and len(durations - said.worse_since) == 1:  # "Eight months ago. The last two it's worse."
        durations = durations - said.worse_since
    # the speaker's own reckoning wins: "... for two weeks. By Halloween it was aching ... So five weeks or so." (D283)
    reckoned = {d for s in answer[:_ONSET_REACH] if s.norm.startswith("so ") and (d := _bare_duration(s.norm))}
    if len(reckoned) == 1:
        durations = reckoned
    elif not durations and (span := _weekday_span(answer)):
        durations = {span}
    if len(durations) != 1:
        return
    duration = next(iter(durations))
    for q in onset_asked:
        if q.base in explicit_bases or q.name in explicit_bases:
            continue
        _record(findings, q.name, q.base, True, False, q.sent.index + q.cstart / 100.0, duration, False)


def _confirmed_onset(findings: dict[str, _Finding], onset_asked: list[Mention], after: list[Turn]) -> None:
    """"When did it start?" "The night of the party. That was Saturday, and today's Wednesday." "So four days.":
    the clinician's own short reckoning right after an answer that dated the onset without a figure is the
    duration of what was asked about (D255); the clinician's next turn may come after a relative's correction and the
    patient's reply to it too ("About five months, then.", D283). After such a correction the last short figure said
    wins over the answer's: "Three weeks, about." "It's more than that ..." "Fine, four weeks." (D316). The
    clinician's reckoning wins over a figure the answer gave too: "Right after the Super Bowl ... sitting on that couch
    for five hours." "So about ten months." (D336)."""
    k = next((i for i, t in enumerate(after) if t.role == "clinician"), len(after))
    figures = [d for t in after[:k + 1] if t.sentences and (d := _revised_figure(t))]
    if not onset_asked or not figures:
        return
    for q in onset_asked:
        found = findings.get(q.name)
        if found is not None and found.present:
            found.duration = figures[-1]


def _revised_figure(turn: Turn) -> str | None:
    """The figure a turn after an onset answer gives: its first sentence's short figure, or, in a patient-side
    correction or reply to one, the speaker's own short reckoning further on: "Oh. Yeah, band camp. I forgot about
    that. So four months, I guess." (D327)."""
    if (d := _short_figure(turn.sentences[0])) or turn.role == "clinician":
        return d
    return next((d for s in turn.sentences[1:_ONSET_REACH] if s.norm.startswith("so ") and (d := _short_figure(s))), None)


def _short_figure(first: Sentence) -> str | None:
    """The duration a short statement gives: "So about three years.", "Fine, four weeks." (at most five words)."""
    if first.is_question or len([t for t in first.toks if t.isalpha()]) > 5 or _LENGTH_OF.search(first.norm):
        return None
    return _bare_duration(first.norm)


#: a figure that is the length of something else: "So two weeks of antibiotics then."
_LENGTH_OF = re.compile(r"\b(?:minute|hour|day|night|week|month|year)s? (?:of|on|off)\b")


#: a day or a time that dates an onset without a figure: "on Sunday night I got this cramp", "the weekend before last"
_DATE_WORD = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last night|"
                        r"last week|last weekend|this morning|weekend before last|week before last)\b")


def _dated_told(said: _TurnSaid, turn: Turn) -> list[Mention]:
    """The present complaints a patient-side turn tells and dates without a figure, unasked: the clinician's own
    short reckoning right after it ("So three days.") is their duration (D297)."""
    if not any(_DATE_WORD.search(s.norm) for s in turn.sentences) or said.durations:
        return []
    return _one_undated(said)


#: sentences of an answer to "how long ...?" that may give the figure (5 since D283: "The Turkey Trot. Thanksgiving
#: morning. I ran it way too fast ... It was tight that afternoon ... So eleven days.")
_ONSET_REACH = 5


def _bare_duration(norm: str) -> str | None:
    """A sentence, or a clause of it after a comma, that is only a duration ("It's been a while, six weeks maybe",
    D287)."""
    for clause in (norm, *norm.split(" , ")[1:]):
        m = _BARE_DURATION.search(clause)
        n = _qty(m.group(1)) if m else None
        if m and n:
            return _unit(_and_a_half(n, clause, m.end(2)), m.group(2))
    return None


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")
_TODAY_IS = re.compile(r"\b(?:today is|today s|today) (" + "|".join(_WEEKDAYS) + r")\b")


def _weekday_span(answer: list[Sentence]) -> str | None:
    """"It started Monday. Today is Thursday.": the days from the weekday the answer dates the onset to the weekday
    it says today is (D287)."""
    text = " ".join(s.norm for s in answer[:_ONSET_REACH])
    today = _TODAY_IS.search(text)
    if today is None:
        return None
    days = set(_WEEKDAY.findall(text[:today.start()]))
    if len(days) != 1:
        return None
    n = (_WEEKDAYS.index(today.group(1)) - _WEEKDAYS.index(days.pop())) % 7 or 7
    return f"{n} day" + ("s" if n > 1 else "")


@dataclass
class _TurnSaid:
    """A patient turn read sentence by sentence: its mentions (with their durations) and what carries over."""
    mentions: list[tuple[Mention, str | None]] = field(default_factory=list)
    durations: set[str] = field(default_factory=set)
    worse_since: set[str] = field(default_factory=set)  # durations of sentences that date a worsening (D231)
    last_body: Loc | None = None
    located_pain: Loc | None = None
    prev_present: list[Mention] = field(default_factory=list)
    dated_before: str | None = None  # the duration of the sentence just before, when it dated nothing
    topic: Loc | None = None  # the body part the sentence just before was, alone ("My right shoulder.")
    opening_part: Loc | None = None  # the first sentence of the turn that was a body part alone ("My hip.", D297)


def _continued(turns: list[Turn], ti: int, said_before: "_TurnSaid | None") -> list[Mention]:
    """The present complaints of the patient-side turn just before, when this patient-side turn follows it with
    no clinician between: "I've been running to the bathroom ... and I've thrown up." (the patient) "So that's two
    days now." (his wife) dates them (D165)."""
    if said_before is None or ti == 0 or turns[ti - 1].role not in _PATIENT_LIKE or turns[ti].role not in _PATIENT_LIKE:
        return []
    return said_before.prev_present


#: the clinician asking where the pain is: "What's hurting?", "Where does it hurt?", "Where's the pain?" (D278)
_WHERE_IT_HURTS = re.compile(r"\b(?:what is (?:hurting|sore)|what hurts|where does it (?:hurt|ache)|where is (?:the|your) pain"
                             r"|where is it (?:hurting|sore)|where are you (?:hurting|sore))\b")


def _asks_where_it_hurts(turn: Turn) -> bool:
    return turn.role == "clinician" and any(s.is_question and _WHERE_IT_HURTS.search(s.norm) for s in turn.sentences[-2:])


_OWNED = frozenset(("my", "the", "this", "his", "her"))


def _answered_place(sent: Sentence) -> list[Mention]:
    """"What's hurting?" "The back of my right heel.": the body part the answer's first sentence names as the
    speaker's is where the pain is (D278)."""
    lex = symptom_lexicon()
    parts = [(m, sent.raw_span(m.start, m.end)) for m in sentence_bodies(sent)]
    owned = [(m, span) for m, span in parts if set(sent.toks[max(0, span[0] - 3):span[0]]) & _OWNED]
    if not owned:
        return []
    (part, (ts, te)), concept = owned[-1], lex.symptoms["pain"]
    loc = _loc(sent, part)
    mn = Mention(sent, concept, ts, te, part.start, part.end, location=loc,
                 assertion=assess(sent.toks, (ts, te), scopes(sent.toks)))
    mn.name = _compose(concept, loc, lex.matcher)
    return [mn]


def _turn_mentions(turn: Turn, asked_here: list[Mention], allergens: dict[int, list[int]],
                   continued: list[Mention], pain_asked: bool = False, part: Loc | None = None) -> _TurnSaid:
    said = _TurnSaid(prev_present=list(continued), last_body=part)
    prev_allergy = prev_allergen = allergen_before = False
    for si, sent in enumerate(turn.sentences):
        # the reaction told a sentence or two after its allergen: "Neomycin. The stuff in the ointment. My skin
        # blistered." (D295)
        near_allergen = prev_allergen or (sent.index - 2 in allergens and sent.index - 2 >= turn.sentences[0].index)
        allergy_here = _is_allergy_sentence(sent) or _drug_reaction(sent) or (
            prev_allergy and _continues_reaction(sent)) or (
            allergen_before and _refers_back(sent.norm) and _names_reaction(sent)) or (
            near_allergen and (bool(_REACTS.match(sent.norm)) or _fragment(sent)) and _continues_reaction(sent))
        prev_allergy, prev_allergen = allergy_here, sent.index in allergens
        allergen_before = allergen_before or prev_allergen
        if (turn.role not in _PATIENT_LIKE or (sent.is_question and not in_statement_order(sent)) or speaks_of_self(sent)
                or _echo_denied(turn, sent) or of_someone_named(sent, turn.sentences[max(0, si - 2):si])):
            continue
        # in an allergy statement only the clauses before it can hold symptoms ("no vomiting and
        # no rash, he is not allergic to any medicines" when ASR runs two sentences together)
        limit = _allergy_clause_start(sent) if allergy_here else None
        if limit == 0:
            continue
        ats = allergens.get(sent.index, [])
        ms = [m for m in find_mentions(sent) if not _is_indication(sent, m) and (limit is None or m.end <= limit)
              and not any(_told_as_reaction(sent, m, at) for at in ats) and not _simile(sent, m)
              and not _yet_to_come(sent, m) and not _anothers(sent, m)]
        ms = [_pain_elsewhere(sent, m) for m in ms]
        ms += _topic_predicates(sent, said.topic, ms)
        if pain_asked and not ms and sent is turn.sentences[0]:
            ms = _answered_place(sent)
        _inherit_location(sent, ms, asked_here, said)
        _add_mentions(sent, ms, said)
    return said


#: the speaker telling how they react, right after naming an allergen: "Penicillin. I get hives." (D218); "Latex. My
#: hands break out in an itchy rash from the gloves." (D262)
_REACTS = re.compile(r"^(?:and |so |yeah |um )?(?:i|he|she|(?:my|his|her) \w+) (?:always |just )?(?:get|gets|got|break|breaks|broke|"
                     r"swell|swells|swelled|had|develop|develops|developed|itch|itched|puff|puffed|"
                     r"blister|blisters|blistered|peeled|burned|turned|went)\b")  # "My skin blistered and wept" (D295)
#: a sentence that refers back to the allergen of the one before: "That one gave me a rash."
_REFERS_BACK = re.compile(r"^(it|that|this|they|those|which)\b")
#: ... or names it by a pronoun after a preposition: "I got hives from it", "He broke out in a rash with it" (D199)
_REFERS_BACK_IN = re.compile(r"\b(?:from|with|to|after|on|off) (?:it|that|them|those|this)\b"
                             # "Bactrim. I had it for a staph thing ..., and I got a rash" (D318)
                             r"|^(?:and |so )?i (?:had|took|was given|was on|tried|used) (?:it|that|them|those|this)\b")


def _fragment(sent: Sentence) -> bool:
    """"Hives from head to toe.": a short sentence that opens with its reaction, with no subject (D263)."""
    words = [t for t in sent.toks if t.isalpha()]
    return 0 < len(words) <= _FRAGMENT_WORDS and words[0] not in _CLAUSE_PRONOUNS_ALL


#: "Hives, head to toe, after my wisdom teeth." (8 words, D341)
_FRAGMENT_WORDS = 9


_CLAUSE_PRONOUNS_ALL = frozenset("i you he she it we they my his her their this that there".split())


def _refers_back(norm: str) -> bool:
    return _REFERS_BACK.match(norm) is not None or _REFERS_BACK_IN.search(norm) is not None
#: where a clause ends inside a sentence: "I got hives from penicillin, and now I have a fever"
_CLAUSE_END = frozenset((";", "but"))
_CLAUSE_SUBJECTS = frozenset("i we she he they now".split())


def _clause_of(toks: list[str], at: int) -> tuple[int, int]:
    """The token span of the clause holding token ``at``: cut at ";", "but", and ", and"/", so"/"and"
    before a new subject."""
    cuts = [0]
    for k, tok in enumerate(toks):
        nxt = toks[k + 1] if k + 1 < len(toks) else ""
        after = toks[k + 2] if k + 2 < len(toks) else ""
        if tok in _CLAUSE_END or (tok == "," and nxt in ("and", "so") and after in _CLAUSE_SUBJECTS) or (
                tok == "and" and nxt in _CLAUSE_SUBJECTS):
            cuts.append(k)
    cuts.append(len(toks))
    for lo, hi in zip(cuts, cuts[1:]):
        if lo <= at < hi:
            return lo, hi
    return 0, len(toks)


def _inherit_location(sent: Sentence, ms: list[Mention], asked_here: list[Mention], said: _TurnSaid) -> None:
    """Generic pain/stiffness takes the body part the turn has named."""
    lex = symptom_lexicon()
    all_bodies = sentence_bodies(sent)
    for mn in ms:
        if mn.base in _INHERIT_LOC and not mn.assertion.negated:
            if mn.location is not None:
                said.located_pain = mn.location
            else:
                within = [b for b in all_bodies if mn.cstart <= b.start and b.end <= mn.cend]
                if within:
                    said.located_pain = _loc(sent, within[-1])
    _topic_pain(sent, ms, said)
    inside = {k for mn in ms for k in range(mn.cstart, mn.cend)}
    bodies = [b for b in sentence_bodies(sent) if b.start not in inside]
    for mn in ms:
        if mn.generic and mn.concept.name in _INHERIT_LOC and not mn.assertion.negated:
            if any(q.base == mn.base and not q.generic for q in asked_here):
                continue  # adopted from the question below
            loc = said.located_pain
            if loc is None:
                before = [b for b in bodies if b.end <= mn.cstart]
                loc = _loc(sent, before[-1]) if before else said.last_body
            if loc is not None:
                mn.location = loc
                mn.name = _compose(mn.concept, loc, lex.matcher)
    if bodies:
        said.last_body = _loc(sent, bodies[-1])
    bare = _bare_body(sent, all_bodies) if not ms else None
    # "My feet. They burn at night. And they tingle.": the part stays the topic while "it"/"they" tells of it (D227)
    said.topic = bare or (said.topic if not all_bodies and _OF_IT.search(sent.norm) else None)
    said.opening_part = said.opening_part or bare


#: words a sentence that is only a body part may hold besides it: "My right shoulder.", "My nose, doc."
_TOPIC_GLUE = frozenset("my his her their the left right both doc doctor um uh well just".split())


def _bare_body(sent: Sentence, bodies: list[Match[BodyPart]]) -> Loc | None:
    """The body part a sentence is, alone: the answer "My right shoulder." to "What brings you in?"."""
    if len(bodies) != 1:
        return None
    rest = [t for k, t in enumerate(sent.content) if not bodies[0].start <= k < bodies[0].end]
    return _loc(sent, bodies[0]) if all(t in _TOPIC_GLUE or not t.isalpha() for t in rest) else None


def _topic_predicates(sent: Sentence, topic: Loc | None, ms: list[Mention]) -> list[Mention]:
    """"My nose, doc. It's been running like a faucet.": what "it" is said to be, right after a sentence that
    named only a body part, read with that part as D156 reads "my nose has been running" (D167)."""
    content = sent.content
    if topic is None or "it" not in content:
        return []
    start = k = content.index("it") + 1
    while k < len(content) and content[k] in _PREDICATE_GAP:
        k += 1
    if k == start or not set(content[start:k]) & _LINKING:
        return []
    taken = [False] * len(content)
    for mn in ms:
        taken[mn.cstart:mn.cend] = [True] * (mn.cend - mn.cstart)
    found = _predicates_from(sent, symptom_lexicon(), taken, k, list(topic[1]))
    scs = scopes(sent.toks)
    for mn in found:
        mn.assertion = assess(sent.toks, (mn.start, mn.end), scs)
        mn.name = mn.concept.name
    return found


#: a sentence that goes on telling of the part just named: "It ...", "And they ...", "At night, like they're on fire."
_OF_IT = re.compile(r"\b(?:it|they)\b")


def _topic_pain(sent: Sentence, ms: list[Mention], said: _TurnSaid) -> None:
    """"My right shoulder. It hurts on the outside of my arm.": the pain whose subject is "it", right after a
    sentence that named only a body part, is of that part; the place after it says where it is felt (D166).
    "My feet. They tingle.": a symptom that takes a place, said of "they", is of the part too (D227)."""
    if said.topic is None:
        return
    lex = symptom_lexicon()
    for mn in ms:
        if mn.assertion.negated:
            continue
        if (mn.concept.name in _INHERIT_LOC and "it" in sent.toks[:mn.start]) or (
                mn.concept.loc is not None and mn.location is None and "they" in sent.toks[:mn.start]):
            mn.location = said.topic
            mn.name = _compose(mn.concept, said.topic, lex.matcher)


_CLAUSE_JOINTS = frozenset("and but then so".split())


def _clause_durations(toks: list[str]) -> list[tuple[int, str | None]]:
    """(start token, duration) of each clause of a sentence, split at ";" and at "," before "and", "but",
    "then" or "so": "a runny nose two days ago, and last night a cough" dates each complaint by its own clause."""
    starts = [0] + [k + 1 for k, tok in enumerate(toks[:-1])
                    if tok == ";" or (tok == "," and toks[k + 1] in _CLAUSE_JOINTS)]
    ends = starts[1:] + [len(toks)]
    return [(a, parse_duration(" ".join(toks[a:b]))) for a, b in zip(starts, ends)]


def _clause_duration(dated: list[tuple[int, str | None]], at: int, sentence: str | None) -> str | None:
    """The duration of the clause holding token ``at``, or of the nearest clause before it that has one; the
    sentence's own when its clauses do not give two different durations (D145)."""
    if len({d for _, d in dated if d}) < 2:
        return sentence
    before = [d for start, d in dated if start <= at and d]
    return before[-1] if before else next(d for _, d in dated if d)


#: a sentence that dates a change of the complaint, not its start: "the last couple of months it's much worse"
_WORSENING = re.compile(r"\b(worse|worsening|worsened|flared( up)?|flaring|got bad|gotten bad|picked up|ramped up)\b")

#: a sentence that dates itself otherwise takes no duration from the one before
_OWN_TIME = re.compile(r"\b(now|today|tonight|yesterday|since|after|afterwards|then|later|this morning|last night|"
                       r"in the (morning|evening|afternoon)|at night|\d+ (seconds?|minutes?|hours?))\b")


def _add_mentions(sent: Sentence, ms: list[Mention], said: _TurnSaid) -> None:
    """Add the sentence's mentions; its duration goes to its present symptoms, else (or for "That
    was four days ago") to the previous sentence's; a turn's first duration that dates nothing before it
    dates the next sentence's present symptoms ("That was Saturday, two days ago. It swelled up.", D153)."""
    dur = parse_duration(sent.norm)
    present_here = [m for m in ms if m.assertion.is_patient_finding and not m.assertion.negated]
    carried, said.dated_before = said.dated_before, None
    carried = None if _OWN_TIME.search(sent.norm) else carried  # "I went on a trip two weeks ago. Now I have..."
    if dur:
        said.durations.add(dur)
        if _WORSENING.search(sent.norm):
            said.worse_since.add(dur)
        if said.prev_present and (not present_here or _ANAPHORA_RE.search(sent.norm)):
            for m in said.prev_present:
                said.mentions.append((m, dur))
        elif not present_here and not said.prev_present and not _DATED_REFERENT.search(sent.norm):
            said.dated_before = dur  # not "They started three months ago": that dates what was asked (D110)
    dated = _clause_durations(sent.toks)
    for m in ms:
        said.mentions.append((m, _clause_duration(dated, m.start, dur or carried) if m in present_here else None))
    if present_here:
        said.prev_present = present_here


def _adopt_specific_names(mentions: list[tuple[Mention, str | None]], asked_here: list[Mention],
                          earlier: list[Mention]) -> None:
    """A generic mention ("no numbness") takes the name of the asked, else an earlier, specific one."""
    for m, _ in mentions:
        if m.generic:
            cands = [q for q in reversed(asked_here) if q.base == m.base and not q.generic]
            if not cands:
                cands = [q for q in reversed(earlier) if q.base == m.base and not q.generic]
            if cands:
                m.name = cands[0].name


def _resolve_asked(findings: dict[str, _Finding], asked_here: list[Mention], mentions: list[tuple[Mention, str | None]],
                   explicit_bases: set[str], answer_pol: str | None, single_duration: str | None) -> None:
    """Asked symptoms the answer did not mention: denied by a leading "No", affirmed by a leading
    "Yes" when only one was asked; ``mentions``: the answer's own (``_told_of_patient``)."""
    mentioned_names = {m.name for m, _ in mentions}
    for q in asked_here:
        if q.name in mentioned_names or q.base in explicit_bases and any(
            mm.base == q.base and (mm.generic or mm.name == q.name) for mm, _ in mentions
        ):
            continue
        if q.name in explicit_bases:
            continue
        pol = _asked_polarity(q, answer_pol)
        if pol == "neg":
            _record(findings, q.name, q.base, False, False, q.sent.index + q.cstart / 100.0, None, False)
        elif pol == "pos" and len({x.name for x in asked_here}) == 1:
            _record(findings, q.name, q.base, True, False, q.sent.index + q.cstart / 100.0,
                    single_duration, False)


_FINE_PART = re.compile(r"\b(?P<part>\w+(?: \w+)?) (?:is|are|feels?|seems?|looks?) (?:just |totally |completely )?"
                        r"(?:fine|ok|okay|normal|good|alright|all right)\b"
                        # "My neck doesn't bother me at all." (D347)
                        r"|\b(?:my|his|her|the) (?P<part2>\w+(?: \w+)?) (?:does|do|did|has|have) (?:not|never) "
                        r"(?:bother|bothered|bothering|hurt|hurts|hurting)\b")


def _resolve_fine_parts(findings: dict[str, _Finding], asked_here: list[Mention],
                        mentions: list[tuple[Mention, str | None]], turn: Turn) -> None:
    """An asked symptom of a body part the answer says is fine is denied: "any pain in your teeth?" "my teeth
    are fine" (D148). Only a symptom asked with that place, and not mentioned in the answer."""
    lex = symptom_lexicon()
    fine = {b.payload.prefix for sent in turn.sentences for m in _FINE_PART.finditer(sent.norm)
            if not _NEGATORS.intersection(sent.norm[:m.start()].split()[-1:])
            for b in lex.body.find(list(phrase_key(m.group("part") or m.group("part2"))))[-1:]}
    fine_functions = {name for sent in turn.sentences for m in _FINE_FUNCTION.finditer(sent.norm)
                      for name in _FUNCTION_CONCEPTS[m.group("fn")]}
    named = {m.name for m, _ in mentions}
    for q in asked_here:
        if q.name in named or q.name in findings:
            continue
        if _of_fine_part(q, fine) or q.concept.name in fine_functions:
            _record(findings, q.name, q.base, False, False, q.sent.index + q.cstart / 100.0, None, False)


def _of_fine_part(q: Mention, fine: set[str]) -> bool:
    """The asked symptom is of a part said to be fine: asked with it ("pain in your teeth"), or named by it ("Any
    back pain?" "My back's fine.", D295)."""
    if q.location is not None:
        return q.location[0].prefix in fine
    return any(set(part.split()) <= set(q.name.split()) for part in fine)


#: a body function the answer says works: "I can see fine", "I empty fine", "I'm sleeping okay" (D295)
_FINE_FUNCTION = re.compile(r"\b(?:i|he|she|we)(?: can| could| am| is)? (?P<fn>see|hear|breathe|breathing|swallow|walk|"
                            r"walking|sleep|sleeping|pee|urinate|empty|eat|eating|smell)(?: \w+)? (?:just )?"
                            r"(?:fine|ok|okay|well|normally|clearly|alright|all right)\b")
_VISION = ("blurred vision", "double vision", "vision changes")
_FUNCTION_CONCEPTS: dict[str, tuple[str, ...]] = {
    "see": _VISION, "hear": ("hearing loss",), "breathe": ("shortness of breath",),
    "breathing": ("shortness of breath",), "swallow": ("difficulty swallowing",),
    "walk": ("difficulty walking", "limping"), "walking": ("difficulty walking", "limping"),
    "sleep": ("insomnia",), "sleeping": ("insomnia",), "eat": ("loss of appetite",), "eating": ("loss of appetite",),
    "pee": ("painful urination", "urinary hesitancy", "weak urine stream", "incomplete bladder emptying"),
    "urinate": ("painful urination", "urinary hesitancy", "weak urine stream", "incomplete bladder emptying"),
    "empty": ("incomplete bladder emptying",), "smell": ("loss of taste or smell",),
}


def _drop_generic_duplicates(findings: dict[str, _Finding]) -> None:
    """Generic leftovers that duplicate a specific finding of the same base."""
    lex = symptom_lexicon()
    for name in list(findings):
        f = findings[name]
        concept = lex.symptoms.get(name)
        if concept is not None and concept.loc is not None:
            specifics = [g for g in findings.values() if g.base == name and g.name != name and g.present == f.present]
            if specifics:
                if f.duration and not specifics[0].duration:
                    specifics[0].duration = f.duration
                del findings[name]


def _as_item(f: _Finding) -> SymptomItem:
    item: SymptomItem = {"name": f.name, "present": f.present, "duration": f.duration}
    if f.uncertain:
        item["certainty"] = "uncertain"
    return item


#: a temperature the patient read: "I checked once, it was 101", "my temp hit 38.5" (D252)
_READING = re.compile(r"\b(?:it was|it is|was|temp(?:erature)?(?: was| is)?|hit|got (?:up )?to|read|reading|spiked to|"
                      r"went up to|up to)\s+(?:about |around |like |almost |over )?(?P<t>\d{2,3}(?:\.\d)?)\b"
                      r"(?! (?:pounds|lbs|kilos|years|minutes|hours|days|over|/))")


def _febrile(norm: str) -> bool:
    """A reading of 100.4 F (38.0 C) or more, and not more than a body can be."""
    return any(100.4 <= (t := float(m["t"])) <= 107 or 38.0 <= t <= 42 for m in _READING.finditer(norm))


def _reported_fever(findings: dict[str, _Finding], asked_here: list[Mention], turn: Turn, explicit_bases: set[str],
                    answer_pol: str | None) -> None:
    """"Any fever?" "I get chills at night, and I checked once, it was 101.": a febrile reading in an answer that
    neither says nor denies the fever is the fever asked about (D252)."""
    fever = next((q for q in asked_here if q.base == "fever" and not q.generic), None)
    if fever is None or "fever" in explicit_bases or answer_pol == "neg" or turn.role not in _PATIENT_LIKE:
        return
    if any(_febrile(sent.norm) for sent in turn.sentences):
        _record(findings, fever.name, fever.base, True, False, fever.sent.index + fever.cstart / 100.0, None, False)


def _record(findings: dict[str, _Finding], name: str, base: str, present: bool, explicit: bool,
            order: float, duration: str | None, uncertain: bool) -> None:
    old = findings.get(name)
    if old is None:
        findings[name] = _Finding(name, base, present, explicit, order, duration, uncertain)
        return
    if explicit or not old.explicit:
        if explicit and not old.explicit:
            old.present = present
        elif explicit:
            # later explicit statements override (corrections), positive wins ties
            old.present = present or old.present if old.explicit else present
        old.explicit = old.explicit or explicit
    if duration and not old.duration:
        old.duration = duration
    if not old.present:
        old.duration = None
    old.uncertain = old.uncertain and uncertain
