"""The language table: one row per language Outrigger parses.

A row says where the grammar comes from, which files it reads, which leaves are
identifiers (what a rename may touch), how the language writes doc comments and
names. What counts as a definition lives next to it in `queries/<query>.scm`, a
tree-sitter tag query. Adding a language is one row here and one query file.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath


@dataclass(frozen=True)
class DocStyle:
    """How a language documents a definition."""

    noun: str  # what the action is called: "docstring", "JSDoc", "doc comment"
    line: str | None = None  # every line starts with this: "///", "#", "---"
    block: tuple[str, str] | None = None  # or one block: ("/**", "*/"), ('"""', '"""')
    inside: bool = False  # Python: the docstring is the first statement of the body
    starts_with_name: bool = False  # Go: "// Name does …"

    def describe(self, name: str) -> str:
        """The convention in a few words, for a prompt or a message."""
        if self.inside and self.block:
            return f"a {self.block[0]} docstring as the first statement of `{name}`'s body"
        marker = f"{self.block[0]} … {self.block[1]}" if self.block else f"{self.line} lines"
        start = f', starting with "{name}"' if self.starts_with_name else ""
        return f"a {marker} comment directly above `{name}`{start}"

    def leading(self, lines: list[str], name: str | None = None) -> list[str]:
        """The doc comment that opens `lines` (a definition with what is above it), in
        this convention; [] when there is none. Attributes above the code end it."""
        if self.inside or not lines:
            return []
        if self.block:
            opener, closer = self.block
            if not lines[0].lstrip().startswith(opener):
                return []
            for end, line in enumerate(lines):
                if closer in (line.lstrip()[len(opener) :] if end == 0 else line):
                    return lines[: end + 1]
            return []
        assert self.line is not None
        prefix = self.line
        count = 0
        while count < len(lines) and _line_comment(lines[count], prefix):
            count += 1
        comment = lines[:count]
        if comment and self.starts_with_name and name is not None:
            first = comment[0].lstrip()[len(prefix) :].strip()
            if not re.match(rf"(?:(?:A|An|The)\s+)?{re.escape(name)}\b", first):
                return []
        return comment


def _line_comment(line: str, prefix: str) -> bool:
    stripped = line.lstrip()
    if not stripped.startswith(prefix):
        return False
    # `////` is a rule in Rust and C#, `----` one in Lua: not a doc comment.
    return not stripped[len(prefix) :].startswith(prefix[-1])


@dataclass(frozen=True)
class NameRule:
    """What a new name must look like."""

    reserved: frozenset[str]
    unicode: bool = True  # letters beyond ASCII (Unicode XID, as `str.isidentifier`)
    extra: str = ""  # characters allowed besides letters, digits and `_` (`$` in JS)
    suffixes: str = ""  # one of these may end the name (Ruby's `valid?`, `save!`)
    case_insensitive: bool = False  # PHP's keywords
    capitalized_kinds: frozenset[str] = frozenset()  # kinds whose names start upper-case
    joiners: bool = False  # JS: ZWNJ / ZWJ may follow the first character
    nfkc: bool = False  # Python reads names in NFKC form: one that is not (`ｇet`, `ﬁle`) means another

    def problem(self, name: str, title: str | None, kind: str | None = None) -> str | None:
        """Why `name` cannot name a `kind` symbol of the language called `title`, in a
        sentence; None when it can."""
        plain = name[:-1] if self.suffixes and name[-1:] in self.suffixes else name
        for char in self.extra:
            plain = plain.replace(char, "_")
        if self.joiners and plain[1:]:
            plain = plain[0] + plain[1:].replace("\u200c", "_").replace("\u200d", "_")
        if self.nfkc and unicodedata.normalize("NFKC", name) != name:
            return (
                f"`{name}` is not a valid {title} name as written: {title} would read it as "
                f"`{unicodedata.normalize('NFKC', name)}`."
            )
        if not plain.isidentifier() or (not self.unicode and not plain.isascii()):
            letters = "letters" if self.unicode else "ASCII letters"
            extra = "".join(f", `{char}`" for char in self.extra)
            noun = f"{title} name" if title else "name"
            return f"`{name}` is not a valid {noun}: use {letters}, digits, `_`{extra}, not starting with a digit."
        if (name.lower() if self.case_insensitive else name) in self.reserved:
            return f"`{name}` is a reserved word in {title}; choose another name."
        if kind in self.capitalized_kinds and not name[0].isupper():
            return f"`{name}` cannot name a {title} {kind}: it must start with an upper-case letter."
        return None


@dataclass(frozen=True)
class Language:
    name: str  # the table key, what `language_for` returns
    title: str  # for people: "C++"
    extensions: tuple[str, ...]
    grammar: tuple[str, str]  # the grammar package and its function returning the language
    identifiers: frozenset[str]  # leaf types a rename touches; never inside strings or comments
    doc: DocStyle
    names: NameRule
    query: str = ""  # queries/<query>.scm; the row's name when empty
    comments: frozenset[str] = frozenset({"comment"})
    wrappers: frozenset[str] = frozenset()  # nodes wrapping one definition: `export`, decorators
    attributes: frozenset[str] = frozenset()  # siblings above a definition that belong to it
    # Leaf types that are identifiers only under certain parents (Bash: a `word` naming a command).
    identifiers_under: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def query_file(self) -> str:
        return f"{self.query or self.name}.scm"


_JS_RESERVED = frozenset(
    "break case catch class const continue debugger default delete do else enum export extends "
    "false finally for function if import in instanceof new null return super switch this throw "
    "true try typeof var void while with yield let static implements interface package private "
    "protected public await arguments eval undefined".split()
)
_JS_IDENTIFIERS = frozenset(
    {
        "identifier",
        "property_identifier",
        "private_property_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
        "statement_identifier",
    }
)
_JSDOC = DocStyle("JSDoc", block=("/**", "*/"))
_JS_NAMES = NameRule(_JS_RESERVED, extra="$", joiners=True)
_JS_WRAPPERS = frozenset({"export_statement", "lexical_declaration", "variable_declaration"})
_C_RESERVED = frozenset(
    "auto break case char const continue default do double else enum extern float for goto if inline int "
    "long register restrict return short signed sizeof static struct switch typedef union unsigned void "
    "volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert "
    "_Thread_local alignas alignof bool constexpr false nullptr static_assert thread_local true typeof "
    "typeof_unqual".split()
)
_CPP_RESERVED = _C_RESERVED | frozenset(
    "and and_eq asm bitand bitor catch char8_t char16_t char32_t class compl concept consteval constinit "
    "const_cast co_await co_return co_yield decltype delete dynamic_cast explicit export friend mutable "
    "namespace new noexcept not not_eq operator or or_eq private protected public reinterpret_cast "
    "requires static_cast template this throw try typeid typename using virtual wchar_t xor xor_eq".split()
)
_C_IDENTIFIERS = frozenset({"identifier", "field_identifier", "type_identifier", "statement_identifier"})
_C_DOC = DocStyle("doc comment", block=("/**", "*/"))

LANGUAGES: dict[str, Language] = {
    row.name: row
    for row in (
        Language(
            "python",
            "Python",
            (".py", ".pyi"),
            ("tree_sitter_python", "language"),
            frozenset({"identifier"}),
            DocStyle("docstring", block=('"""', '"""'), inside=True),
            NameRule(frozenset(keyword.kwlist), nfkc=True),
            wrappers=frozenset({"decorated_definition"}),
        ),
        Language(
            "javascript",
            "JavaScript",
            (".js", ".mjs", ".cjs", ".jsx"),  # the JavaScript grammar reads JSX too
            ("tree_sitter_javascript", "language"),
            _JS_IDENTIFIERS,
            _JSDOC,
            _JS_NAMES,
            wrappers=_JS_WRAPPERS,
        ),
        Language(
            "typescript",
            "TypeScript",
            (".ts", ".mts", ".cts"),
            ("tree_sitter_typescript", "language_typescript"),
            _JS_IDENTIFIERS | {"type_identifier"},
            _JSDOC,
            _JS_NAMES,
            wrappers=_JS_WRAPPERS,
        ),
        Language(
            "tsx",
            "TypeScript",
            (".tsx",),
            ("tree_sitter_typescript", "language_tsx"),
            _JS_IDENTIFIERS | {"type_identifier"},
            _JSDOC,
            _JS_NAMES,
            query="typescript",
            wrappers=_JS_WRAPPERS,
        ),
        Language(
            "rust",
            "Rust",
            (".rs",),
            ("tree_sitter_rust", "language"),
            frozenset({"identifier", "type_identifier", "field_identifier", "shorthand_field_identifier"}),
            DocStyle("doc comment", line="///"),
            NameRule(
                frozenset(
                    "as break const continue crate else enum extern false fn for if impl in let loop match mod "
                    "move mut pub ref return self Self static struct super trait true type unsafe use where "
                    "while async await dyn abstract become box do final macro override priv typeof unsized "
                    "virtual yield try gen _".split()
                )
            ),
            comments=frozenset({"line_comment", "block_comment"}),
            attributes=frozenset({"attribute_item"}),
        ),
        Language(
            "go",
            "Go",
            (".go",),
            ("tree_sitter_go", "language"),
            frozenset({"identifier", "field_identifier", "type_identifier", "package_identifier", "label_name"}),
            DocStyle("doc comment", line="//", starts_with_name=True),
            NameRule(
                frozenset(
                    "break case chan const continue default defer else fallthrough for func go goto if import "
                    "interface map package range return select struct switch type var _".split()
                )
            ),
            wrappers=frozenset({"type_declaration", "var_declaration", "const_declaration"}),
        ),
        Language(
            "java",
            "Java",
            (".java",),
            ("tree_sitter_java", "language"),
            frozenset({"identifier", "type_identifier"}),
            DocStyle("Javadoc", block=("/**", "*/")),
            NameRule(
                frozenset(
                    "abstract assert boolean break byte case catch char class const continue default do double "
                    "else enum extends final finally float for goto if implements import instanceof int interface "
                    "long native new package private protected public return short static strictfp super switch "
                    "synchronized this throw throws transient try void volatile while true false null _".split()
                ),
                extra="$",
            ),
            comments=frozenset({"line_comment", "block_comment"}),
        ),
        Language(
            "c",
            "C",
            (".c",),
            ("tree_sitter_c", "language"),
            _C_IDENTIFIERS,
            _C_DOC,
            NameRule(_C_RESERVED, unicode=False),
        ),
        Language(
            "cpp",
            "C++",
            # Headers: the C++ grammar reads C headers too, the C grammar cannot read C++ ones.
            (".cpp", ".cc", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h"),
            ("tree_sitter_cpp", "language"),
            _C_IDENTIFIERS | {"namespace_identifier"},
            _C_DOC,
            NameRule(_CPP_RESERVED, unicode=False),
            wrappers=frozenset({"template_declaration"}),
        ),
        Language(
            "csharp",
            "C#",
            (".cs",),
            ("tree_sitter_c_sharp", "language"),
            frozenset({"identifier"}),
            # C#'s own convention is `///` XML documentation; `/** */` is legal but rare.
            DocStyle("doc comment", line="///"),
            NameRule(
                frozenset(
                    "abstract as base bool break byte case catch char checked class const continue decimal default "
                    "delegate do double else enum event explicit extern false finally fixed float for foreach goto "
                    "if implicit in int interface internal is lock long namespace new null object operator out "
                    "override params private protected public readonly ref return sbyte sealed short sizeof "
                    "stackalloc static string struct switch this throw true try typeof uint ulong unchecked unsafe "
                    "ushort using virtual void volatile while".split()
                )
            ),
        ),
        Language(
            "ruby",
            "Ruby",
            (".rb", ".rake", ".gemspec"),
            ("tree_sitter_ruby", "language"),
            frozenset({"identifier", "constant"}),
            DocStyle("doc comment", line="#"),
            NameRule(
                frozenset(
                    "__ENCODING__ __LINE__ __FILE__ BEGIN END alias and begin break case class def defined? do "
                    "else elsif end ensure false for if in module next nil not or redo rescue retry return self "
                    "super then true undef unless until when while yield".split()
                ),
                suffixes="?!",
                capitalized_kinds=frozenset({"class", "module", "constant"}),
            ),
        ),
        Language(
            "php",
            "PHP",
            (".php",),
            ("tree_sitter_php", "language_php"),
            # `$total` is one token: renaming the function `total` leaves the variable alone.
            frozenset({"name", "variable_name"}),
            DocStyle("PHPDoc", block=("/**", "*/")),
            NameRule(
                frozenset(
                    "__halt_compiler abstract and array as break callable case catch class clone const continue "
                    "declare default die do echo else elseif empty enddeclare endfor endforeach endif endswitch "
                    "endwhile eval exit extends final finally fn for foreach function global goto if implements "
                    "include include_once instanceof insteadof interface isset list match namespace new or print "
                    "private protected public readonly require require_once return static switch throw trait try "
                    "unset use var while xor yield int float bool string true false null void iterable object "
                    "mixed never".split()
                ),
                case_insensitive=True,
            ),
        ),
        Language(
            "lua",
            "Lua",
            (".lua",),
            ("tree_sitter_lua", "language"),
            frozenset({"identifier"}),
            DocStyle("doc comment", line="---"),
            NameRule(
                frozenset(
                    "and break do else elseif end false for function goto if in local nil not or repeat return "
                    "then true until while".split()
                ),
                unicode=False,
            ),
        ),
        Language(
            "bash",
            "Bash",
            (".sh", ".bash"),
            ("tree_sitter_bash", "language"),
            frozenset({"variable_name"}),
            DocStyle("comment", line="#"),
            NameRule(
                frozenset(
                    "case coproc do done elif else esac fi for function if in select then time until while".split()
                ),
                unicode=False,
            ),
            wrappers=frozenset({"declaration_command"}),
            identifiers_under={"word": frozenset({"command_name", "function_definition"})},
        ),
    )
}

_BY_EXTENSION = {extension: row.name for row in LANGUAGES.values() for extension in row.extensions}
_ANY_NAME = NameRule(frozenset(), extra="$")


# Text files people name in requests whose language Outrigger has no grammar for: the editor
# may still have symbols for them, and questions about them are answered.
OTHER_TEXT_EXTENSIONS = frozenset(
    ".md .markdown .txt .rst .json .jsonc .yaml .yml .toml .ini .cfg .conf .env .html .htm .css .scss .less .xml "
    ".sql .kt .kts .swift .scala .dart .ex .exs .erl .hs .ml .clj .r .jl .zig .nim .vue .svelte .gradle .cmake "
    ".mk .proto .graphql .tf .ps1 .bat .m .mm .fs .vb .pl .pm .groovy".split()
)


def file_extensions() -> list[str]:
    """Every extension a request may name a file by, longest first (for a regex alternation)."""
    known = set(_BY_EXTENSION) | OTHER_TEXT_EXTENSIONS
    return sorted((extension.lstrip(".") for extension in known), key=lambda e: (-len(e), e))


def language_for(path: str) -> str | None:
    """The table key of the language `path` is written in, or None when Outrigger has
    no grammar for it (those files still take the editor's symbols)."""
    return _BY_EXTENSION.get(PurePosixPath(path).suffix.lower())


def has_grammar(path: str) -> bool:
    """False means: no symbols of our own, no identifier occurrences, no syntax check."""
    return language_for(path) is not None


def row(language: str) -> Language:
    return LANGUAGES[language]


def title(language: str | None) -> str:
    """`"C++"` for `"cpp"`; "code" when there is no grammar."""
    return LANGUAGES[language].title if language in LANGUAGES else "code"


def doc_style(language: str | None) -> DocStyle | None:
    """The language's doc-comment convention; None without a grammar."""
    return LANGUAGES[language].doc if language in LANGUAGES else None


def name_problem(language: str | None, name: str, kind: str | None = None) -> str | None:
    """Why `name` cannot be the new name of a `kind` symbol in `language` — one sentence a
    user can act on — or None when it can. Without a grammar, any plain identifier goes."""
    if not name:
        return "The new name is empty."
    if language not in LANGUAGES:
        return _ANY_NAME.problem(name, None)
    return LANGUAGES[language].names.problem(name, LANGUAGES[language].title, kind)
