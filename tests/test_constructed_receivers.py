"""A receiver built by a constructor is of the type it builds (issue 20, item 7): a method
rename (`Ledger.Total` → `Sum`, with `Budget.Total` staying) follows `l := NewLedger()`,
`b := &Budget{}`, `let mut l = Ledger::open()`, `l = Ledger()` without stopping at each call."""

from __future__ import annotations

from pathlib import Path

from agent_helpers import make_agent

GO = {
    "go.mod": "module example.com/books\n\ngo 1.21\n",
    "ledger.go": (
        "package books\n\ntype Ledger struct{ rows []int }\n\n"
        "func NewLedger(rows ...int) *Ledger { return &Ledger{rows: rows} }\n\n"
        "func Open(path string) (*Ledger, error) { return NewLedger(), nil }\n\n"
        "func (l *Ledger) Total() int {\n\tsum := 0\n\tfor _, r := range l.rows {\n\t\tsum += r\n\t}\n\treturn sum\n}\n"
    ),
    "budget.go": (
        "package books\n\ntype Budget struct{ limit int }\n\n"
        "func (b *Budget) Total() int { return b.limit }\n\n"
        "func Left(l *Ledger, b *Budget) int { return b.Total() - l.Total() }\n"
    ),
    "wrap.go": (
        "package books\n\n// Totaler is anything with a total.\ntype Totaler interface {\n\tTotal() int\n}\n\n"
        "type Wrapped struct {\n\tinner Totaler // a Budget or a Ledger\n}\n\n"
        "func (w Wrapped) Twice() int { return 2 * w.inner.Total() }\n"
    ),
    "ledger_test.go": (
        'package books\n\nimport "testing"\n\n'
        "func TestTotals(t *testing.T) {\n\tl := NewLedger(1, 2)\n\tb := &Budget{limit: 5}\n"
        "\tif l.Total() != 3 || b.Total() != 5 {\n\t\tt.Fatal(l.Total(), b.Total())\n\t}\n}\n\n"
        'func TestOpen(t *testing.T) {\n\topened, err := Open("x")\n\tif err != nil || opened.Total() != 0 {\n\t\tt.Fatal(err)\n\t}\n}\n'
    ),
}

RUST = {
    "Cargo.toml": '[package]\nname = "books"\nversion = "0.1.0"\nedition = "2021"\n',
    "src/lib.rs": (
        "pub struct Ledger { rows: Vec<i32> }\n\nimpl Ledger {\n"
        "    pub fn open(rows: Vec<i32>) -> Self { Ledger { rows } }\n"
        "    pub fn total(&self) -> i32 { self.rows.iter().sum() }\n}\n\n"
        "pub struct Budget { pub limit: i32 }\n\nimpl Budget {\n    pub fn total(&self) -> i32 { self.limit }\n}\n\n"
        "pub fn left(l: &Ledger, b: &Budget) -> i32 { b.total() - l.total() }\n\n"
        "#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn totals() {\n"
        "        let mut l = Ledger::open(vec![1, 2]);\n        let b = Budget { limit: 5 };\n"
        "        assert_eq!(l.total() + b.total(), 8);\n        l.rows.push(1);\n    }\n}\n"
    ),
}

PYTHON = {
    "books/ledger.py": (
        "class Ledger:\n    def __init__(self, *rows):\n        self.rows = list(rows)\n\n"
        "    def total(self):\n        return sum(self.rows)\n\n\n"
        "class Budget:\n    def __init__(self, limit):\n        self.limit = limit\n\n"
        "    def total(self):\n        return self.limit\n"
    ),
    "check_ledger.py": (
        "from books.ledger import Budget, Ledger\n\n\ndef run():\n    l = Ledger(1, 2)\n    b = Budget(5)\n"
        "    return l.total() + b.total()\n"
    ),
}


def workspace(tmp_path: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


async def renamed(tmp_path: Path, fake_model, files: dict[str, str], request: str) -> dict[str, str]:
    agent = make_agent(workspace(tmp_path, files), fake_model.base_url)
    agent.settings.tests.run = "never"
    outcome = await agent.ask(request)
    assert outcome.kind == "edit", outcome.message
    assert not outcome.notes or "receiver's name" not in " ".join(outcome.notes)
    return {e.path: e.new_text for e in outcome.edits}


async def test_go_receivers_from_a_constructor_function_and_a_struct_literal(tmp_path, fake_model):
    texts = await renamed(tmp_path, fake_model, GO, "the Total method of Ledger should be called Sum")
    test = texts["ledger_test.go"]
    assert "l.Sum() != 3 || b.Total() != 5" in test and "t.Fatal(l.Sum(), b.Total())" in test
    assert "return b.Total() - l.Sum()" in texts["budget.go"]
    assert "opened.Sum() != 0" in test  # bound with the error: `opened, err := Open(…)`
    assert "wrap.go" not in texts  # the interface's own `Total()` and a field holding the interface
    assert "func (l *Ledger) Sum() int" in texts["ledger.go"]


async def test_rust_receiver_from_an_associated_function_returning_self(tmp_path, fake_model):
    texts = await renamed(tmp_path, fake_model, RUST, "rename Ledger::total to grand_total")
    lib = texts["src/lib.rs"]
    assert "assert_eq!(l.grand_total() + b.total(), 8)" in lib and "b.total() - l.grand_total()" in lib
    assert "pub fn grand_total(&self)" in lib and "pub fn total(&self) -> i32 { self.limit }" in lib


async def test_python_receiver_from_a_class_call(tmp_path, fake_model):
    texts = await renamed(tmp_path, fake_model, PYTHON, "rename Ledger.total to sum_rows")
    assert "return l.sum_rows() + b.total()" in texts["check_ledger.py"]
