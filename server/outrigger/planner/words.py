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
from dataclasses import dataclass
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

    @property
    def kind(self) -> Intent | StepAction | None:
        return VERBS.get(self.text.lower()) if self.tag is Tag.VERB else None


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
_JOINS = frozenset({"and", "then", "also", "plus", "but"})
_OBJECT_END = frozenset({"from", "in", "into", "to", "inside", "within", "everywhere"})
_ASK = frozenset(
    "how what what's where where's why which who when is are does do did can could should would will".split()
)
_FILLER = frozenset("please pls plz thx thanks ty hey hi hello ok okay kindly now so".split())
_PRONOUNS = frozenset({"it", "them"})
_SUBJECTS = frozenset({"we", "you", "i", "they"})
_EXTENSIONS = "|".join(map(re.escape, file_extensions()))
_FILE = re.compile(rf"[\w./\\-]*\w\.(?:{_EXTENSIONS})(?::\d+)?", re.I)
_TOKEN = re.compile(
    rf"`(?P<code>[^`\n]+)`|(?P<this>\b(?:this|that)\s+one\b)"
    rf"|(?P<file>(?<![\w$]){_FILE.pattern}(?![\w~]))"
    r"|(?P<word>[\w$]+(?:\.[\w$]+)*(?:'[a-z]+)?(?P<call>\(\))?)"
    r"|(?P<mark>->|=>|→|,|\n|[.?!;:]+(?!\S)|(?<=\s)[-\u2013\u2014]+(?=\s))",
    re.I,
)
_CODE_SHAPE = re.compile(r"[_.$\d]|[a-z][A-Z]")


def tag(text: str, project_map: ProjectMap | None = None) -> list[Word]:
    """The request's words, tagged in one scan."""
    words: list[Word] = []
    for m in _TOKEN.finditer(text):
        raw, start, end = m.group(0), m.start(), m.end()
        clause_start = not words or words[-1].tag in (Tag.JOIN, Tag.BREAK, Tag.FILLER)
        if m.group("mark"):
            words.append(Word(raw.strip(), Tag.JOIN if raw == "," else Tag.BREAK, start, end))
        elif m.group("this"):
            words.append(Word(raw, Tag.PRONOUN, start, end))
        else:
            word = (m.group("code") or m.group("file") or m.group("word")).removesuffix("()")
            code = bool(m.group("code") or m.group("call")) or bool(_CODE_SHAPE.search(word))
            is_file = bool(m.group("file") or (m.group("code") and _FILE.fullmatch(word)))
            kind = Tag.FILE if is_file else _tag_of(word, code, clause_start, project_map)
            words.append(Word(word, kind, start, end, code))
        if len(words) > 1 and words[-2].text.lower() in ("this", "that") and words[-1].text.lower() in _OBJECT_END:
            words[-2] = Word(words[-2].text, Tag.PRONOUN, words[-2].start, words[-2].end)  # "call that from X"
        if len(words) > 1 and words[-2].tag is Tag.VERB and words[-1].text.lower() in _SUBJECTS:
            words[-2] = Word(words[-2].text, Tag.ASK, words[-2].start, words[-2].end)  # "have we got …?"
    if words and words[-1].text.lower() in ("this", "that"):
        words[-1] = Word(words[-1].text, Tag.PRONOUN, words[-1].start, words[-1].end)
    return words


def _tag_of(word: str, code: bool, clause_start: bool, project_map: ProjectMap | None) -> Tag:
    lower = word.lower()
    if clause_start and not code and lower in VERBS:
        return Tag.VERB
    if (code or lower not in REQUEST_WORDS) and project_map is not None and project_map.find(word.split("'")[0]):
        return Tag.SYMBOL
    if code:
        return Tag.WORD
    if lower in _PRONOUNS:
        return Tag.PRONOUN
    if lower in _ASK:
        return Tag.ASK
    if lower in _JOINS:
        return Tag.JOIN
    return Tag.FILLER if lower in _FILLER else Tag.WORD


@dataclass(frozen=True)
class Clause:
    words: list[Word]
    text: str

    @property
    def verb(self) -> Intent | StepAction | None:
        """What the clause's first word asks for, when it is a verb."""
        first = next((w for w in self.words if w.tag is not Tag.FILLER), None)
        return first.kind if first else None

    @property
    def commands(self) -> bool:
        return self.verb is not None and self.verb is not Intent.QUESTION


def clauses(text: str, project_map: ProjectMap | None = None) -> list[Clause]:
    """Each sentence, and inside a sentence that is not a question ("how do I rename X and update
    its callers?"), each part that starts with a verb after a join or a comma: "explain X and
    then fix it" → "explain X", "fix it"."""
    sentences: list[tuple[list[Word], str]] = [([], "")]
    for word in tag(text, project_map):
        if word.tag is Tag.BREAK:
            if "?" in word.text:
                sentences[-1][0].append(word)  # a question keeps its mark
            sentences[-1] = (sentences[-1][0], word.text)
            sentences.append(([], ""))
        else:
            sentences[-1][0].append(word)
    parts: list[list[Word]] = []
    for sentence, end in sentences:
        first = next((w for w in sentence if w.tag is not Tag.FILLER), None)
        asked = first is not None and first.tag is Tag.ASK and "?" in end
        parts.append([])
        for word in sentence:
            if word.tag is Tag.VERB and parts[-1] and parts[-1][-1].tag is Tag.JOIN and not asked:
                while parts[-1] and parts[-1][-1].tag is Tag.JOIN:
                    parts[-1].pop()
                parts.append([])
            parts[-1].append(word)
    meant = [part for part in parts if any(w.tag not in (Tag.JOIN, Tag.FILLER) for w in part)]
    return [Clause(part, text[part[0].start : part[-1].end]) for part in meant]


def commands(text: str, project_map: ProjectMap | None = None) -> list[str]:
    """The commands of the request, each with what follows it until the next command ("add x to
    a.js. It should be fast" is one): ["add x to a.js", "call it from y"]. A request that opens
    with a statement is one part ("x reads badly, make it y" is about x)."""
    parts = clauses(text, project_map)
    if not parts or not parts[0].commands:
        return [text.strip()] if text.strip() else []
    spans: list[tuple[int, int]] = []
    for part in parts:
        start, end = part.words[0].start, part.words[-1].end
        spans.append((start, end)) if part.verb is not None else spans.append((spans.pop()[0], end))
    return [text[start:end].strip(" ,.;") for start, end in spans]


def with_subject(clause: str, subject: str) -> str:
    """The clause with its first pronoun standing for `subject`: "call it from y" → "call x from y"."""
    pronoun = next((w for w in tag(clause) if w.tag is Tag.PRONOUN), None)
    return f"{clause[: pronoun.start]}{subject}{clause[pronoun.end :]}" if pronoun else clause


def symbols(text: str, project_map: ProjectMap) -> list[str]:
    """Names the map defines, in the order the request mentions them (qualified as written)."""
    seen: list[str] = []
    for word in tag(text, project_map):
        name = word.text.split("'")[0]
        if word.tag is Tag.SYMBOL and name not in seen:
            seen.append(name)
    return seen
