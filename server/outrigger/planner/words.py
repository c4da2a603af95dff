"""One pass over the request's words. Each word is tagged once — a verb of an intent or a
step (intents.py), a symbol the map defines, a file, a pronoun, a question word, a join or a
break, filler — and a small grammar over the tags splits the request into clauses, once.

A word is a symbol only when the map defines it and it is either written as code (backticks,
`snake_case`, `camelCase`, `Repo.save`, `f()`) or not one of the words requests are made of:
"explain" and "it" never name code. A word is a verb only where a clause can start (after a
break, a join or a comma), so a function called `clean` is still a name in "document clean".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from outrigger.plan import Intent, StepAction
from outrigger.planner.intents import VERBS
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.languages import file_extensions


class Tag(StrEnum):
    VERB = "verb"  # asks for an intent or a step, where a clause starts
    SYMBOL = "symbol"  # a name the map defines
    FILE = "file"  # a path with an extension a language has
    PRONOUN = "pronoun"  # it, them, this one: the symbol named before it
    ASK = "ask"  # a question word
    JOIN = "join"  # and, then, a comma: a clause may start after it
    BREAK = "break"  # . ? ! ; : a dash between spaces, a new line: a clause ends
    FILLER = "filler"  # politeness, greetings, text-speak
    WORD = "word"


@dataclass(frozen=True)
class Word:
    text: str  # as written, without backticks
    tag: Tag
    start: int  # where it is in the request
    end: int
    code: bool = False  # written as code
    kind: Intent | StepAction | None = None  # a verb's: what it asks for
    quoted: bool = False  # in backticks, or a call: `name`, name()


# Words requests are made of: a function may be called `update`, but "update the docs" does not
# name it. Backticks (or a code shape) always do.
REQUEST_WORDS = frozenset(
    """a an the this that these those it its to for of in on at by with from into onto as and or not no
    add append insert rename fix rewrite refactor change update modify remove delete replace implement
    create write make convert move document annotate simplify improve optimize give put call called name
    named names new old type types hint hints docstring docstrings comment comments doc docs jsdoc please
    function method class variable symbol file code everywhere throughout instead should be is are was
    now from then so me my our your we you i it's everything all every each same do does did""".split()
)
DOC_WORDS = frozenset(
    "docstring docstrings doc docs docblock docblocks documentation document documented documenting comment comments "
    "commented".split()
)
TYPES_WORDS = frozenset({"type hint", "type hints", "type hinted", "type hinting"}) | frozenset(
    "typehint typehints annotation annotations annotate types".split()
)
_JOINS = frozenset({"and", "then", "also", "plus", "but"})
_OBJECT_END = frozenset({"from", "in", "into", "to", "inside", "within", "everywhere"})
ASK_WORDS = frozenset(
    "how what what's where where's why which who when is are does do did can could should would will".split()
)
_MODALS = frozenset("should would could can will must shall".split())
_EXPECTING = frozenset("be not never also still always only".split())  # "should be 3600000", "must not crash"
_FILLER = frozenset(
    """please pls plz thx thanks ty hey hi hello yo ok okay kindly now so great cool nice perfect just only simply
    first firstly secondly next finally lastly afterwards""".split()  # "first document X, then simplify it"
)
_PRONOUNS = frozenset({"it", "them"})
_ADDRESSED = frozenset({"we", "you", "i", "they", "me", "us"})
_EXTENSIONS = "|".join(map(re.escape, file_extensions()))
_FILE = re.compile(rf"[\w./\\-]*[\w/\\-]\.(?:{_EXTENSIONS})(?::\d+)?", re.I)  # src/../.env too
_TOKEN = re.compile(
    rf"`(?P<code>[^`\n]+)`|(?P<this>\b(?:this|that)\s+one\b)|(?P<phrase>\b(?:get\s+rid|throw\s+away)\b)|(?P<term>\btype[\s-]*hint(?:s|ed|ing)?\b)"
    rf"|(?P<file>(?<![\w$]){_FILE.pattern}(?![\w~]))"
    r"|(?P<word>[\w$]+(?:\.[\w$]+)*(?:'[a-z]+)?(?P<call>\(\))?)"
    r"|(?P<mark>->|=>|→|,|\n|[.?!;:]+(?!\S)|(?<=\s)[-\u2013\u2014]+(?=\s))",
    re.I,
)
_ARGUMENTS = re.compile(r"(?<=[\w$])\(([^()`]+)\)")
_CALL = re.compile(r"([\w$.]+)\([^()]*\)")
_CODE_SHAPE = re.compile(r"[_.$\d]|[a-z][A-Z]")


def tag(text: str, project_map: ProjectMap | None = None) -> list[Word]:
    """The request's words, tagged in one scan."""
    words: list[Word] = []
    arguments = [range(*m.span(1)) for m in _ARGUMENTS.finditer(text)]
    for m in _TOKEN.finditer(text):
        raw, start, end = m.group(0), m.start(), m.end()
        if any(start in inside for inside in arguments):
            continue  # "plural(ms, n, name) should …": a call's arguments are no words of the request
        clause_start = clause_opens(words, len(words))
        if m.group("mark"):
            words.append(Word(raw.strip(), Tag.JOIN if raw == "," else Tag.BREAK, start, end))
        elif m.group("this"):
            words.append(Word(raw, Tag.PRONOUN, start, end))
        elif m.group("term"):  # "type hints", one word: a verb only where a clause starts
            term = "type " + raw.lower()[4:].strip(" -\t\n")
            # "add a docstring and type hints to X": a second thing added, not a command of its own
            listed = len(words) > 1 and words[-1].tag is Tag.JOIN and words[-2].text.lower() in DOC_WORDS
            commanded = clause_start and not listed
            words.append(
                Word(term, Tag.VERB if commanded else Tag.WORD, start, end, kind=VERBS["type"] if commanded else None)
            )
        elif m.group("phrase"):  # a verb of two words: "get rid (of)"
            verb = "_".join(raw.lower().split())
            words.append(Word(verb, Tag.VERB if clause_start else Tag.WORD, start, end, kind=VERBS[verb]))
        else:
            word = (m.group("code") or m.group("file") or m.group("word")).removesuffix("()")
            word = called.group(1) if (called := _CALL.fullmatch(word)) else word  # `find(title)`: find
            code = bool(m.group("code") or m.group("call")) or bool(_CODE_SHAPE.search(word))
            is_file = bool(m.group("file") or (m.group("code") and _FILE.fullmatch(word)))
            kind = Tag.FILE if is_file else _tag_of(word, code, clause_start, project_map)
            if kind is Tag.SYMBOL and not code and words and words[-1].text.lower() in _ADDRESSED:
                kind = Tag.WORD  # "can I get …", "do we use …": the asker's verb, whatever the map defines
            asked = VERBS.get(word.lower()) if kind is Tag.VERB else None
            quoted = bool(m.group("code") or m.group("call"))
            words.append(Word(word, kind, start, end, code, asked, quoted))
        if len(words) > 1 and words[-2].text.lower() in ("this", "that") and words[-1].text.lower() in _OBJECT_END:
            words[-2] = Word(words[-2].text, Tag.PRONOUN, words[-2].start, words[-2].end)  # "call that from X"
        if len(words) > 1 and words[-1].text.lower() in _ADDRESSED and clause_opens(words, len(words) - 2):
            # "have we got …?", "walk me through X", "let me know why": asked, not commanded.
            words[-2] = Word(words[-2].text, Tag.VERB, words[-2].start, words[-2].end, kind=Intent.QUESTION)
    if words and words[-1].text.lower() in ("this", "that"):
        words[-1] = Word(words[-1].text, Tag.PRONOUN, words[-1].start, words[-1].end)
    if any(w.tag is Tag.SYMBOL and w.code for w in words):
        words = [replace(w, tag=Tag.WORD) if _prose(words, i) else w for i, w in enumerate(words)]
    return words


KINDS = ("function", "method", "class", "helper", "variable", "constant", "struct", "interface")
_ARTICLES = frozenset("a an the this that its".split())
_BEFORE_TARGETS = frozenset("to for on of in".split())


def _prose(words: list[Word], index: int) -> bool:
    """ "a customer got an invoice showing … formatCents should print …", "the harbour master asks
    what safe_hour means": a plain word the map happens to define (a test's variable, a module)
    is a word of the sentence when the request writes the code it names as code — unless it
    stands where a target goes: first in its sentence without an article ("total needs a
    docstring"), after a verb, a question word ("isnt total slow?") or to/for/on/of/in, before a kind of code ("the total function"),
    or listed with a name ("total and grandTotal")."""
    word = words[index]
    if word.tag is not Tag.SYMBOL or word.code:
        return False
    at = index - 1
    while at >= 0 and (words[at].tag is Tag.FILLER or words[at].text.lower() in _ARTICLES):
        at -= 1
    before = words[at] if at >= 0 else None
    after = words[index + 1] if index + 1 < len(words) else None
    listed = any(
        0 <= i < len(words)
        and words[i].tag is Tag.JOIN
        and 0 <= i + step < len(words)
        and words[i + step].tag is Tag.SYMBOL
        for i, step in ((index - 1, -1), (index + 1, 1))
    )
    subject = (before is None or before.tag in (Tag.BREAK, Tag.JOIN)) and at == index - 1
    asked = (
        before is not None and before.text.lower().replace("'", "").removesuffix("nt") in ASK_WORDS
    )  # "isnt X slow?"
    targeted = asked or (before is not None and (before.tag is Tag.VERB or before.text.lower() in _BEFORE_TARGETS))
    return not (listed or subject or targeted or (after is not None and after.text.lower() in KINDS))


def clause_opens(words: list[Word], index: int) -> bool:
    """Whether a clause can start at `index`: first, or after a join, a break or filler."""
    return index == 0 or words[index - 1].tag in (Tag.JOIN, Tag.BREAK, Tag.FILLER)


def _tag_of(word: str, code: bool, clause_start: bool, project_map: ProjectMap | None) -> Tag:
    lower = word.lower()
    if clause_start and not code and lower in VERBS:
        return Tag.VERB
    if (code or lower not in REQUEST_WORDS) and project_map is not None and project_map.find(word.split("'")[0]):
        return Tag.SYMBOL
    if code:
        return Tag.WORD
    if lower.split("'")[0] in _PRONOUNS:  # "it's" too
        return Tag.PRONOUN
    if lower in ASK_WORDS:
        return Tag.ASK
    if lower in _JOINS:
        return Tag.JOIN
    return Tag.FILLER if lower in _FILLER else Tag.WORD


def opening(words: list[Word]) -> Word | None:
    """The first word that is not filler: what a clause opens with."""
    return next((w for w in words if w.tag is not Tag.FILLER), None)


@dataclass(frozen=True)
class Clause:
    words: list[Word]
    text: str

    @property
    def first(self) -> Word | None:
        return opening(self.words)

    @property
    def verb(self) -> Intent | StepAction | None:
        """What the clause's first word asks for, when it is a verb."""
        return self.first.kind if self.first else None

    @property
    def asks(self) -> bool:
        """Opens with a question word or a verb of telling, or ends with "?". A modal with no
        subject after it states what is expected ("should be 3600000", "must not crash")."""
        first = self.first
        opens_asking = first is not None and first.tag is Tag.ASK
        if first is not None and opens_asking and first.text.lower() in _MODALS:
            after = self.words[self.words.index(first) + 1 :][:1]
            opens_asking = not (after and after[0].text.lower() in _EXPECTING)
        return opens_asking or self.verb is Intent.QUESTION or self.text.endswith("?")

    @property
    def commands(self) -> bool:
        return self.verb is not None and self.verb is not Intent.QUESTION


@dataclass(frozen=True)
class Reading(Clause):
    """A request read once: its words tagged against the map, and its clauses."""

    clauses: list[Clause]

    @property
    def question(self) -> bool:
        """True when the words say the user wants to know, not to change: a clause asks (a
        question word or a verb of telling first — "explain", "give me", "have we got" — or a
        "?" at its end) and none commands a change ("add a docstring to X?" still changes X; "X
        is confusing. explain it" asks, the statement saying why)."""
        parts = self.clauses
        return any(part.asks for part in parts) and not any(part.commands for part in parts)


def read(text: str, project_map: ProjectMap | None = None) -> Reading:
    """The request's words, tagged once, and its clauses."""
    words = tag(text, project_map)
    return Reading(words, text, _clauses(words, text))


def commands(reading: Reading) -> list[Reading]:
    """The commands of the request, each with what follows it until the next command ("add x
    to a.js. It should be fast" is one): "add x to a.js", "call it from y". A request that opens
    with a statement is one part ("x reads badly, make it y" is about x)."""
    parts = reading.clauses
    if not parts or not parts[0].commands:
        return [reading]
    spans: list[tuple[int, int]] = []
    for part in parts:
        start, end = part.words[0].start, part.words[-1].end
        spans.append((start, end)) if part.verb is not None else spans.append((spans.pop()[0], end))
    return [within(reading, start, end) for start, end in spans]


def within(reading: Reading, start: int, end: int | None = None, around: str = " ,.;") -> Reading:
    """The part of the request from `start` to `end`, without the marks `around` it, read from
    the words already tagged."""
    written = reading.text[start:end]
    text = written.strip(around)
    base = start + len(written) - len(written.lstrip(around))
    inside = [w for w in reading.words if base <= w.start and w.end <= base + len(text)]
    words = [replace(w, start=w.start - base, end=w.end - base) for w in inside]
    return Reading(words, text, _clauses(words, text))


def statement(reading: Reading) -> tuple[Reading, Reading] | None:
    """The statement a request opens with, without the marks that end it, and the commands after
    it ("formatDate should live in its own file. Move it to src/dates.js"); None when the request
    opens with a command or has none."""
    at = next((i for i, part in enumerate(reading.clauses) if part.commands), 0)
    if at == 0:
        return None
    start = reading.clauses[at].words[0].start
    return within(reading, 0, start, around=" ,;:.-\u2013\u2014"), within(reading, start)


def _clauses(words: list[Word], text: str) -> list[Clause]:
    """Each sentence, and inside a sentence that is not a question ("how do I rename X and update
    its callers?"), each part that starts with a verb after a join or a comma: "explain X and
    then fix it" → "explain X", "fix it"."""
    sentences: list[tuple[list[Word], str]] = [([], "")]
    for word in words:
        if word.tag is Tag.BREAK:
            if "?" in word.text:
                sentences[-1][0].append(word)  # a question keeps its mark
            sentences[-1] = (sentences[-1][0], word.text)
            sentences.append(([], ""))
        else:
            sentences[-1][0].append(word)
    parts: list[list[Word]] = []
    for sentence, end in sentences:
        first = opening(sentence)
        asked = first is not None and first.tag is Tag.ASK and "?" in end
        parts.append([])
        for word in sentence:
            spoken = [w for w in parts[-1] if w.tag is not Tag.FILLER]  # ", just fix it": the verb opens
            if word.tag is Tag.VERB and spoken and spoken[-1].tag is Tag.JOIN and not asked:
                while parts[-1] and parts[-1][-1].tag in (Tag.JOIN, Tag.FILLER):
                    parts[-1].pop()
                parts.append([])
            parts[-1].append(word)
    meant = [part for part in parts if any(w.tag not in (Tag.JOIN, Tag.FILLER) for w in part)]
    return [Clause(part, text[part[0].start : part[-1].end]) for part in meant]


def with_subject(clause: Reading, subject: str) -> str:
    """The text with its first pronoun standing for `subject`: "call it from y" → "call x from y"."""
    pronoun = next((w for w in clause.words if w.tag is Tag.PRONOUN), None)
    if pronoun is None:
        return clause.text
    said = f"{subject} is" if pronoun.text.lower() == "it's" else subject
    return f"{clause.text[: pronoun.start]}{said}{clause.text[pronoun.end :]}"


def subject_of(words: list[Word]) -> str | None:
    """What a statement is about: the first name of its last part (parts end at joins and
    breaks) that names one. "precisedelta is fine but naturaltime is broken" is about
    naturaltime; "late_fee shouldn't read the DAILY_RATE constant" is about late_fee. A part
    that opens with a pronoun is about what the part before was: "isnt X slow? it calls Y a lot"
    is about X."""
    about, named_in_part, opens = None, False, True
    for word in words:
        if word.tag in (Tag.JOIN, Tag.BREAK):
            named_in_part, opens = False, True
            continue
        if opens and word.tag is not Tag.FILLER:
            named_in_part, opens = word.tag is Tag.PRONOUN and about is not None, False
        if word.tag is Tag.SYMBOL and not named_in_part:
            about, named_in_part = word.text.split("'")[0], True
    return about


def symbols(text: str, project_map: ProjectMap) -> list[str]:
    """Names the map defines, in the order the request mentions them (qualified as written)."""
    return names_in(tag(text, project_map))


def names_in(words: list[Word]) -> list[str]:
    """The words tagged as symbols, each once, in order."""
    return list(dict.fromkeys(word.text.split("'")[0] for word in words if word.tag is Tag.SYMBOL))


# Where code lives: "shouldn't X live in a new y.py?", "X belongs in y.py", "X would sit better in y.py".
_PLACE = frozenset("live lives living belong belongs sit sits go goes moved better placed kept".split())


def placed(words: list[Word], project_map: ProjectMap) -> tuple[str, str] | None:
    """(symbol, file) when the words put the one symbol they name in another file: a move."""
    named = [w for w in words if w.tag is Tag.SYMBOL]
    files = [w for w in words if w.tag is Tag.FILE]
    place = next((w for w in words if w.text.lower() in _PLACE), None)
    if len(named) != 1 or len(files) != 1 or place is None or not named[0].start < place.start < files[0].start:
        return None
    if any(w.tag is Tag.BREAK and place.start < w.start < files[0].start for w in words):
        return None  # "X should live in its own file. Move it to y.py": the move says where
    if files[0].text in {s.path for s in project_map.find(named[0].text)}:
        return None  # where it already is: not a move
    return named[0].text, files[0].text


# A polite or hedged opening is made of these words, and addresses someone ("could you …",
# "mind adding …", "I'd like to …"): "would you be so kind as to", "when you get a chance".
_ASKER = frozenset("you u we i i'd we'd you'd let's mind somebody someone anyone anybody".split())
COURTESY_WORDS = _ASKER | frozenset(
    """could can would will shall may might please kindly just go ahead and be so kind as to like want need
    when get got a chance moment minute if possible maybe perhaps also think it it'd would great nice good
    feel free was were hoping wondering able quickly""".split()
)


def imperative(sentence: str) -> str | None:
    """The command inside a polite or hedged sentence, from its first verb of a change on:
    "would you be so kind as to add X" → "add X", "mind adding X?" → "add X?", "hey, when you
    get a chance could you fix X" → "fix X". None when any word before that verb is not a
    courtesy ("X is slow, can you fix it" keeps what it says of X; "how do you add …?" asks)."""
    words = tag(sentence)
    for index, word in enumerate(words):
        verb = verb_of(word.text)
        if verb and not word.code and VERBS[verb] is not Intent.QUESTION:
            before = [w.text.lower() for w in words[:index] if w.tag not in (Tag.FILLER, Tag.JOIN)]
            if index and all(w in COURTESY_WORDS for w in before) and (not before or set(before) & _ASKER):
                as_written = "_".join(word.text.lower().split()) == verb  # not "adding"
                return sentence[word.start :] if as_written else f"{verb}{sentence[word.end :]}"
            return None
        if word.tag not in (Tag.FILLER, Tag.JOIN) and word.text.lower() not in COURTESY_WORDS:
            return None
    return None


def verb_of(word: str, ending: str = "ing") -> str | None:
    """The verb a word is, or its form with `ending` is: "adding" → "add", "renaming" →
    "rename"; with "ed", "fixed" → "fix", "annotated" → "annotate", "tidied" → "tidy"."""
    lower = "_".join(word.lower().split())
    if lower in VERBS:
        return lower
    stem = lower.removesuffix(ending)
    if stem == lower:
        return None
    doubled = stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else ""
    tidied = stem[:-1] + "y" if stem.endswith("i") else ""
    return next((verb for verb in (stem, stem + "e", doubled, tidied) if verb in VERBS), None)
