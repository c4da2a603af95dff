import shutil
from pathlib import Path

import pytest

from outrigger.errors import Refused
from outrigger.spans import Position, Range
from outrigger.workspace import ProjectMap, Symbol, Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "benchmarks" / "workspaces"


def project(tmp_path, fixture=None, files=None):
    if fixture:
        shutil.copytree(FIXTURES / fixture, tmp_path, dirs_exist_ok=True)
    for path, text in (files or {}).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    project_map = ProjectMap(Workspace(tmp_path))
    project_map.build()
    return project_map


@pytest.fixture
def js(tmp_path):
    return project(tmp_path / "js", "js_auth")


@pytest.fixture
def py(tmp_path):
    return project(tmp_path / "py", "py_items")


def names(symbols):
    return [(s.kind, s.qualified_name) for s in symbols]


def lines(r: Range):
    return (r.start.line, r.end.line)


# -- extraction -------------------------------------------------------------------------------


def test_fixture_symbols(js, py):
    assert js.files() == ["src/auth.js", "src/session.js", "src/user.js", "test.js", "utils.js"]
    assert names(js.symbols("src/auth.js")) == [
        ("variable", "TOKEN_PREFIX"),
        ("function", "validateToken"),
        ("function", "validateUser"),
        ("function", "validateSession"),
    ]
    assert names(js.symbols("src/session.js")) == [
        ("class", "SessionStore"),
        ("method", "SessionStore.constructor"),
        ("method", "SessionStore.add"),
        ("method", "SessionStore.describe"),
    ]
    assert ("function", "clamp") in names(js.symbols("utils.js"))
    assert names(py.symbols("items.py")) == [
        ("variable", "ITEMS"),
        ("function", "get_item"),
        ("function", "get_items"),
        ("function", "get_item_count"),
        ("class", "Inventory"),
        ("method", "Inventory.__init__"),
        ("method", "Inventory.add"),
        ("method", "Inventory.total"),
    ]
    assert js.skipped == {} and py.skipped == {}


def test_jsdoc_is_inside_the_range_and_selection_is_the_name(js):
    token = js.require_symbol("validateToken", "src/auth.js")
    assert lines(token.range) == (4, 12)  # from `/**` to the closing brace
    assert lines(token.code_range) == (7, 12)  # the declaration alone
    assert token.selection == Range.of(7, 9, 7, 22)
    session = js.require_symbol("validateSession", "src/auth.js")
    assert lines(session.range) == (18, 22)  # the `//` comment above counts too


def test_javascript_and_typescript_declarations(tmp_path):
    source = """\
export function a() {}
export const b = () => 1, c = function () {};
const d = async (x) => x;
let e = 5;
export default class F extends Base {
  static make() {}
  handle = () => {};
  count = 0;
}
export interface G { x: number }
type H = string | G;
export enum I { One, Two }
export abstract class J { abstract run(): void; }
function* k() {}
const L = class {};
const { destructured } = obj;
const fs = require("fs");
"""
    project_map = project(tmp_path, files={"m.ts": source})
    assert names(project_map.symbols("m.ts")) == [
        ("function", "a"),
        ("function", "b"),
        ("function", "c"),
        ("function", "d"),
        ("variable", "e"),
        ("class", "F"),
        ("method", "F.make"),
        ("method", "F.handle"),
        ("interface", "G"),
        ("type", "H"),
        ("enum", "I"),
        ("class", "J"),
        ("function", "k"),
        ("class", "L"),
    ]
    a = project_map.require_symbol("a", "m.ts")
    assert a.range.start == Position(0, 0)  # includes `export`
    b = project_map.require_symbol("b", "m.ts")
    assert b.range == Range.of(1, 13, 1, 24)  # one of two declarators: just its own text


def test_leading_comments_rules(tmp_path):
    source = """\
const x = 1; // trailing note about x
function a() {}

// separated by a blank line

function b() {}
/* block */
// line
function c() {}
class K { // opening
  /** doc */
  m() {}
}
"""
    project_map = project(tmp_path, files={"m.js": source})
    assert lines(project_map.require_symbol("a", "m.js").range) == (1, 1)
    assert lines(project_map.require_symbol("b", "m.js").range) == (5, 5)
    assert lines(project_map.require_symbol("c", "m.js").range) == (6, 8)
    assert lines(project_map.require_symbol("K.m", "m.js").range) == (10, 11)


def test_python_definitions(tmp_path):
    source = '''\
import os

A = 1
B: int = 2
C, D = 3, 4


@cache
@retry(times=2)
async def fetch(url):
    """Docstrings live inside the body."""
    return url


class Outer(Base):
    # about first
    def first(self):
        def nested():
            pass

    @property
    def second(self):
        return 2

    class Inner:
        def deep(self):
            pass


if os.environ.get("X"):
    def conditional():
        pass
'''
    project_map = project(tmp_path, files={"m.py": source})
    assert names(project_map.symbols("m.py")) == [
        ("variable", "A"),
        ("variable", "B"),
        ("variable", "C"),
        ("variable", "D"),
        ("function", "fetch"),
        ("class", "Outer"),
        ("method", "Outer.first"),
        ("method", "Outer.second"),
        ("class", "Outer.Inner"),
        ("method", "Inner.deep"),
        ("function", "conditional"),
    ]
    fetch = project_map.require_symbol("fetch", "m.py")
    assert lines(fetch.range) == (7, 11)  # the decorators belong to the definition
    assert fetch.selection == Range.of(9, 10, 9, 15)
    assert lines(project_map.require_symbol("Outer.first", "m.py").range) == (15, 18)
    assert lines(project_map.require_symbol("Outer.second", "m.py").range) == (20, 22)


def test_columns_count_code_points(tmp_path):
    project_map = project(tmp_path, files={"m.js": "const café = 'é'; function naïve() {}\n"})
    naive = project_map.require_symbol("naïve", "m.js")
    assert naive.selection == Range.of(0, 27, 0, 32)
    assert project_map.occurrences("café") == {"m.js": [Range.of(0, 6, 0, 10)]}


# -- lookups ----------------------------------------------------------------------------------


def test_find_and_dotted_names(js):
    assert [s.path for s in js.find("validateUser")] == ["src/auth.js"]
    assert names(js.find("SessionStore.add")) == [("method", "SessionStore.add")]
    assert js.find("Other.add") == []
    assert js.find("validateToken", "src/user.js") == []


def test_symbol_at_is_innermost(js):
    assert js.symbol_at("src/session.js", Position(10, 6)).qualified_name == "SessionStore.add"
    assert js.symbol_at("src/session.js", Position(7, 0)).qualified_name == "SessionStore"
    assert js.symbol_at("src/auth.js", Position(5, 3)).name == "validateToken"  # in the JSDoc
    assert js.symbol_at("src/auth.js", Position(13, 0)) is None


def test_close_matches(js, py):
    assert js.close_matches("validateTokn")[0] == "validateToken"
    assert py.close_matches("getItem")[0] == "get_item"
    assert py.close_matches("Inventory.ad")[0] == "Inventory.add"
    assert js.close_matches("zzz") == []
    assert len(js.close_matches("validate")) <= 5


def test_similar_symbol_is_suggested_never_chosen(tmp_path):
    project_map = project(tmp_path, files={"src/auth.js": "function validateUser(u) {}\n"})
    with pytest.raises(Refused) as error:
        project_map.require_symbol("validateToken", "src/auth.js")
    assert str(error.value) == ("`validateToken` is not defined in src/auth.js; did you mean `validateUser`?")
    with pytest.raises(Refused, match="not defined anywhere in the workspace; did you mean `validateUser`"):
        project_map.require_symbol("validateToken", None)


def test_require_symbol(js):
    assert js.require_symbol("validateToken", None).path == "src/auth.js"
    assert js.require_symbol("validateToken", "./src\\auth.js").name == "validateToken"
    assert js.require_symbol("SessionStore.describe", None).kind == "method"
    with pytest.raises(Refused) as error:
        js.require_symbol("validateToken", "src/user.js")
    assert str(error.value) == "`validateToken` is not defined in src/user.js. It is defined in src/auth.js."
    with pytest.raises(Refused, match="did you mean `validateToken`"):
        js.require_symbol("validateTokn", "src/auth.js")
    with pytest.raises(Refused, match=r"`nothingLikeIt` is not defined in utils.js. It defines `isBlank`"):
        js.require_symbol("nothingLikeIt", "utils.js")


def test_require_symbol_defined_in_several_files(tmp_path):
    project_map = project(tmp_path, files={"a.js": "function helper() {}\n", "b/c.js": "function helper() {}\n"})
    with pytest.raises(Refused) as error:
        project_map.require_symbol("helper", None)
    assert (
        str(error.value)
        == "`helper` is defined 2 times: `helper` (a.js:1), `helper` (b/c.js:1). Name the one you mean with its "
        "file (“helper in b/c.js”) or with its line (b/c.js:1), or put the cursor on it."
    )
    assert project_map.require_symbol("helper", "b/c.js").path == "b/c.js"


def test_require_symbol_across_files_offers_classes(tmp_path):
    files = {
        "q.js": "class Queue {\n  push(x) {}\n}\nclass Stack {\n  push(x) {}\n}\n",
        "l.js": "function push(x) {}\n",
    }
    project_map = project(tmp_path, files=files)
    with pytest.raises(Refused) as error:
        project_map.require_symbol("push", None)
    assert str(error.value).startswith(
        "`push` is defined 3 times: `push` (l.js:1), `Queue.push` (q.js:2), `Stack.push` (q.js:5). Name the one you "
        "mean with its class (`Queue.push`), with its file"
    )


def test_require_symbol_several_in_one_file(tmp_path):
    source = "class A:\n    def run(self): pass\n\nclass B:\n    def run(self): pass\n"
    project_map = project(tmp_path, files={"m.py": source})
    with pytest.raises(Refused) as error:
        project_map.require_symbol("run", "m.py")
    assert str(error.value) == (
        "`run` is defined 2 times in m.py: `A.run` (line 2), `B.run` (line 5). Name the one you mean with its "
        "class (`A.run`) or its line (m.py:2), or put the cursor on it."
    )
    assert project_map.require_symbol("B.run", "m.py").container == "B"
    assert project_map.require_symbol("run", "m.py", line=5).container == "B"  # as the message offers
    with pytest.raises(Refused, match=r"`run` is not at m.py:3; it is defined at m.py:2, m.py:5\."):
        project_map.require_symbol("run", "m.py", line=3)


def test_require_file(js):
    assert js.require_file("src/auth.js") == "src/auth.js"
    assert js.require_file("package.json") == "package.json"  # exists, though not indexed
    with pytest.raises(Refused) as error:
        js.require_file("src/auht.js")
    assert str(error.value) == "`src/auht.js` does not exist in the workspace; did you mean `src/auth.js`?"
    assert js.require_symbol("validateToken", "auth.js").path == "src/auth.js"  # the one file of that name
    with pytest.raises(Refused, match="points outside the workspace"):
        js.require_symbol("validateToken", "../src/auth.js")
    with pytest.raises(Refused, match="Windows drive path"):
        js.require_file("C:\\src\\auth.js")


def test_require_file_refuses_secrets(js):
    (js.workspace.root / ".env").write_text("TOKEN=1\n")
    with pytest.raises(Refused, match="ignore list"):
        js.require_file(".env")


# -- occurrences ------------------------------------------------------------------------------


def test_occurrences_are_exact_identifiers(js):
    found = js.occurrences("validateToken")
    assert found == {
        "src/auth.js": [Range.of(7, 9, 7, 22), Range.of(15, 39, 15, 52), Range.of(24, 19, 24, 32)],
        "src/user.js": [Range.of(0, 22, 0, 35), Range.of(12, 7, 12, 20)],
        "test.js": [Range.of(2, 8, 2, 21), Range.of(7, 19, 7, 32), Range.of(8, 19, 8, 32), Range.of(9, 19, 9, 32)],
    }  # the comment on user.js line 11 mentions it twice and is not counted
    assert js.occurrences("validateTokens") == {}
    assert js.occurrences("validate") == {}


def test_occurrences_skip_strings_and_comments(tmp_path):
    source = """\
// get uses get
const label = "get";
const api = { get, fetch: get };
const { get: alias } = api;
api.get(`${get} get`);
class C { get() {} }
/* get */
"""
    project_map = project(tmp_path, files={"m.js": source})
    found = project_map.occurrences("get")["m.js"]
    assert [r.start for r in found] == [
        Position(2, 14),  # shorthand property
        Position(2, 26),  # value
        Position(3, 8),  # destructuring key
        Position(4, 4),  # member access
        Position(4, 11),  # inside the template substitution
        Position(5, 10),  # method name
    ]


def test_occurrences_in_python_and_typescript(tmp_path, py):
    assert set(py.occurrences("get_item")) == {"items.py", "pricing.py", "tests/test_items.py"}
    assert len(py.occurrences("get_item")["items.py"]) == 3
    assert "store.py" not in py.occurrences("get_item")  # only get_items / get_item_count there
    ts = project(tmp_path, files={"t.ts": "type Token = string;\nfunction f(t: Token): Token { return t; }\n"})
    assert len(ts.occurrences("Token")["t.ts"]) == 3


def test_occurrences_follow_updates(js):
    js.workspace.open_document("src/user.js", "validateToken(validateToken);\n", 2)
    assert len(js.occurrences("validateToken")["src/user.js"]) == 2  # stale until update
    js.update("src/user.js")
    assert js.occurrences("validateToken")["src/user.js"] == [Range.of(0, 0, 0, 13), Range.of(0, 14, 0, 27)]
    js.workspace.open_document("src/user.js", "// nothing\n", 3)
    js.update("src/user.js")
    assert "src/user.js" not in js.occurrences("validateToken")


# -- editor symbols and incremental updates ---------------------------------------------------


def editor_symbol(name, line):
    where = Range.of(line, 0, line, 10)
    return Symbol(name=name, kind="function", path="ignored", range=where, selection=where)


def test_editor_symbols_are_authoritative_until_the_file_changes(js):
    js.set_editor_symbols("src/user.js", [editor_symbol("createUser", 2), editor_symbol("fromEditor", 9)])
    assert [s.source for s in js.symbols("src/user.js")] == ["editor", "editor"]
    assert js.symbols("src/user.js")[0].path == "src/user.js"
    assert js.require_symbol("fromEditor", None).source == "editor"
    assert js.find("renewToken") == []
    js.update("src/user.js")
    assert {s.source for s in js.symbols("src/user.js")} == {"index"}
    assert js.find("fromEditor") == []


def test_empty_editor_symbols_fall_back_to_the_index(js):
    js.set_editor_symbols("src/user.js", [editor_symbol("x", 0)])
    js.set_editor_symbols("src/user.js", [])
    assert names(js.symbols("src/user.js")) == [("function", "createUser"), ("function", "renewToken")]


def test_editor_symbols_for_an_unindexed_file_are_listed(js):
    js.set_editor_symbols("src/other.py", [editor_symbol("helper", 0)])
    assert "src/other.py" in js.files()


def test_editor_symbols_work_for_files_without_a_grammar(js):
    (js.workspace.root / "deploy.tf").write_text('resource "aws_s3_bucket" "logs" {}\n')
    js.build()
    assert "deploy.tf" not in js.files()  # no grammar: not indexed by Outrigger itself
    js.set_editor_symbols("deploy.tf", [editor_symbol("logs", 0)])
    assert js.require_symbol("logs", "deploy.tf").source == "editor"
    assert js.occurrences("logs") == {}  # no identifiers without a grammar: renames cannot touch it
    js.update("deploy.tf")  # changed on disk: the editor's ranges are stale, nothing replaces them
    assert "deploy.tf" not in js.files()


def test_update_indexes_every_language_with_a_grammar(js):
    (js.workspace.root / "tools").mkdir()
    (js.workspace.root / "tools" / "gauge.rs").write_text("pub fn read_gauge() -> u8 {\n    1\n}\n")
    (js.workspace.root / "tools" / "Gauge.java").write_text("class Gauge {\n    int readGauge() { return 1; }\n}\n")
    js.update("tools/gauge.rs")
    js.update("tools/Gauge.java")
    assert js.require_symbol("read_gauge", None).path == "tools/gauge.rs"
    assert js.require_symbol("Gauge.readGauge", None).kind == "method"
    fresh = project(js.workspace.root)
    assert {"tools/gauge.rs", "tools/Gauge.java"} <= set(fresh.files())


def test_update_uses_the_overlay_then_disk(js):
    js.workspace.open_document("utils.js", "function onlyInEditor() {}\n", 4)
    js.update("utils.js")
    assert names(js.symbols("utils.js")) == [("function", "onlyInEditor")]
    js.workspace.close_document("utils.js")
    js.update("utils.js")
    assert ("function", "isBlank") in names(js.symbols("utils.js"))


def test_update_adds_and_removes_files(js):
    new = js.workspace.root / "src" / "token.ts"
    new.write_text("export function issueToken(): string { return 'tok_1'; }\n")
    js.update("src/token.ts")
    assert js.require_symbol("issueToken", None).path == "src/token.ts"
    new.unlink()
    js.update("src/token.ts")
    assert "src/token.ts" not in js.files()
    js.update("package.json")  # not a source file: nothing to index
    assert "package.json" not in js.files()


def test_update_of_a_file_that_became_binary_lists_it_as_skipped(js):
    (js.workspace.root / "utils.js").write_bytes(b"\x00\x01\x02")
    js.update("utils.js")
    assert "utils.js" not in js.files()
    assert "binary" in js.skipped["utils.js"]


def test_build_skips_unreadable_files_without_crashing(tmp_path):
    (tmp_path / "bad.py").write_bytes("name = 'café'\n".encode("latin-1"))
    (tmp_path / "blob.js").write_bytes(b"\x00\x00")
    (tmp_path / "good.py").write_text("def ok():\n    pass\n")
    (tmp_path / "broken.js").write_text("function half( {\n")
    project_map = ProjectMap(Workspace(tmp_path))
    project_map.build()
    assert project_map.files() == ["broken.js", "good.py"]
    assert set(project_map.skipped) == {"bad.py", "blob.js"}
    assert "not UTF-8" in project_map.skipped["bad.py"]


def test_gitignored_and_secret_files_are_not_indexed(tmp_path):
    project_map = project(
        tmp_path,
        "js_auth",
        files={
            ".gitignore": "generated/\n",
            "generated/api.js": "function gen() {}\n",
            "secrets.js": "const key = 1;\n",
        },
    )
    assert "generated/api.js" not in project_map.files()
    assert "secrets.js" not in project_map.files()
    assert project_map.find("gen") == []


def test_five_thousand_files_are_all_indexed(tmp_path):
    # Speed is measured by the benchmark (`outrigger bench`), not asserted here.
    body = "".join(f"def f{n}(x):\n    return x + {n}\n\n" for n in range(10))
    for package in range(50):
        folder = tmp_path / f"pkg{package}"
        folder.mkdir()
        for module in range(100):
            (folder / f"m{module}.py").write_text(body)
    project_map = ProjectMap(Workspace(tmp_path))
    project_map.build()
    assert len(project_map.files()) == 5000
    assert len(project_map.find("f3")) == 5000
