"""Moving a definition between files in code: imports follow it, nothing is left unused and
the new file ends as files do. Each case is checked by running the moved code."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from outrigger.actions.moves import move_definition
from outrigger.errors import Refused

UTILS = textwrap.dedent(
    """\
    import json
    import os
    from datetime import date, timedelta


    def shout(text):
        return text.upper()


    def tomorrow(day: date) -> str:
        return json.dumps((day + timedelta(days=1)).isoformat())


    def home():
        return os.getcwd()
    """
)

REPORT = textwrap.dedent(
    """\
    import utils


    def headline(day):
        from utils import shout, tomorrow

        return shout(tomorrow(day)) + utils.tomorrow(day)
    """
)


def move(files: dict[str, str], name: str, source: str, target: str):
    return move_definition(name, source, target, files.get, sorted(files))


def run(tmp_path, files: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)


def test_the_moved_code_takes_only_the_imports_it_uses_and_the_source_drops_them():
    moved = move({"utils.py": UTILS}, "tomorrow", "utils.py", "dates.py")

    assert moved.texts["dates.py"].startswith(
        "import json\nfrom datetime import date, timedelta\n\n\ndef tomorrow(day: date) -> str:"
    )
    assert moved.texts["dates.py"].endswith("isoformat())\n")  # one newline, no blank line at the end
    source = moved.texts["utils.py"]
    assert "import json" not in source and "from datetime" not in source  # only tomorrow used them
    assert source.startswith("import os\n")  # home still uses os
    assert any("no longer imports `json`, `date`, `timedelta`" in note for note in moved.notes)


def test_imports_inside_functions_and_module_attributes_are_repointed(tmp_path):
    files = {"utils.py": UTILS, "report.py": REPORT}

    moved = move(files, "tomorrow", "utils.py", "dates.py")

    report = moved.texts["report.py"]
    assert "    from utils import shout\n    from dates import tomorrow\n" in report  # indentation kept
    assert "dates.tomorrow(day)" in report and report.startswith("import dates\n")
    files.update(moved.texts)
    check = "import datetime, report; print(report.headline(datetime.date(2024, 1, 1)))"
    result = run(tmp_path, files, check)
    assert result.returncode == 0, result.stderr
    assert "2024-01-02" in result.stdout


def test_a_package_init_keeps_its_imports_for_those_who_import_from_it():
    init = "from os import getcwd\n\n\ndef here():\n    return getcwd()\n"

    moved = move({"pkg/__init__.py": init}, "here", "pkg/__init__.py", "pkg/where.py")

    assert "from os import getcwd" in moved.texts["pkg/__init__.py"]


def test_a_name_listed_in_all_is_not_dropped():
    text = '__all__ = ["json"]\nimport json\n\n\ndef dump(x):\n    return json.dumps(x)\n'

    moved = move({"a.py": text}, "dump", "a.py", "b.py")

    assert "import json" in moved.texts["a.py"]


def test_an_import_sharing_its_line_with_other_code_refuses_the_move():
    files = {"utils.py": UTILS, "report.py": "def f(d):\n    if d: from utils import tomorrow\n    return d\n"}

    with pytest.raises(Refused, match="report.py"):
        move(files, "tomorrow", "utils.py", "dates.py")


def test_an_es_module_move_writes_imports_as_the_project_does_with_their_extension(tmp_path):
    # Node's ES modules need the ".js" (a specifier without it fails with ERR_MODULE_NOT_FOUND).
    files = {
        "package.json": '{"type": "module"}\n',
        "src/recipes.js": 'import { Loaf } from "./oven.js";\n\nexport function formatPrice(cents) {\n'
        "  return `$${cents / 100}`;\n}\n\nexport function priceOf(loaf) {\n  return formatPrice(loaf.grams);\n}\n",
        "src/oven.js": "export class Loaf {\n  constructor(grams) {\n    this.grams = grams;\n  }\n}\n",
        "test/check.js": 'import { formatPrice, priceOf } from "../src/recipes.js";\nimport { Loaf } from "../src/oven.js";\n'
        'if (formatPrice(250) !== "$2.5" || priceOf(new Loaf(100)) !== "$1") process.exit(3);\n',
    }

    moved = move(files, "formatPrice", "src/recipes.js", "src/money.js")

    assert 'import { formatPrice } from "./money.js";' in moved.texts["src/recipes.js"]
    assert 'import { formatPrice } from "../src/money.js";' in moved.texts["test/check.js"]
    result = subprocess.run(
        ["node", "test/check.js"], cwd=_written(tmp_path, {**files, **moved.texts}), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_a_typescript_import_written_with_js_for_a_ts_file_is_re_aimed():
    files = {
        "src/rates.ts": "export function cost(kg: number): number {\n  return kg * 2;\n}\n",
        "src/label.ts": 'import { cost } from "./rates.js";\n\nexport const tag = (kg: number) => `${cost(kg)}`;\n',
    }

    moved = move(files, "cost", "src/rates.ts", "src/pricing.ts")

    assert 'import { cost } from "./pricing.js";' in moved.texts["src/label.ts"]


def _written(root, files: dict[str, str]):
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root
