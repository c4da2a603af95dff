"""The local-imports guard: a new file's imports of the workspace's own modules must name files
the workspace has; packages and the standard library are not its to judge."""

from __future__ import annotations

from outrigger.guards.local_imports import unresolved_imports

FILES = {"src/kennel.js", "src/util/index.js", "src/types.ts", "shelter/__init__.py", "shelter/dogs.py"}


def test_script_specifiers_resolve_with_or_without_extensions():
    text = (
        'const a = require("../src/kennel");\nconst b = require("../src/util");\n'
        'import { T } from "../src/types.js";\nimport fs from "node:fs";\nconst c = require("../src/cats");\n'
    )
    assert unresolved_imports("test/a.test.js", text, FILES.__contains__) == ["../src/cats"]


def test_python_imports_of_workspace_packages_must_name_a_module():
    text = "import os\nfrom datetime import date\nfrom shelter.dogs import Dog\nfrom shelter.cats import Cat\nfrom .dogs import bark\n"
    assert unresolved_imports("shelter/test_x.py", text, FILES.__contains__) == ["shelter.cats"]
