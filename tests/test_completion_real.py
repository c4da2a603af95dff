"""Inline completion with the real embedded model (Qwen2.5-Coder-0.5B on llama.cpp, the default request):
a completion comes back and passes every guard."""

from __future__ import annotations

from pathlib import Path

from outrigger.completion.completer import Completer
from outrigger.config import CompletionSettings, ModelSettings, Settings
from outrigger.model.client import ModelClient
from outrigger.spans import Position
from outrigger.workspace.files import Workspace
from outrigger.workspace.index import ProjectMap
from outrigger.workspace.syntax import syntax_errors

SOURCE = '''def average(values):
    """The mean of a non-empty list of numbers."""
    return sum(values) /{TRAILING_SPACE}


def spread(values):
    return max(values) - min(values)
'''.format(TRAILING_SPACE=" ")


async def test_the_embedded_model_completes_a_line_that_passes_the_guards(tmp_path: Path, embedded_model: str):
    (tmp_path / "stats.py").write_text(SOURCE)
    settings = Settings(model=ModelSettings(base_url=embedded_model))
    workspace = Workspace(tmp_path, settings.ignore)
    project_map = ProjectMap(workspace)
    project_map.build()
    model = ModelClient(settings.model)
    completer = Completer(workspace, project_map, model, CompletionSettings(), embedded=True)
    try:
        completion = await completer.complete("stats.py", Position(2, 25))
    finally:
        await model.aclose()

    assert completion is not None and completion.fill.prompt_tokens
    assert completion.checked.dropped_by is None, completion
    assert completion.text.strip() and not completion.checked.invented
    lines = SOURCE.split("\n")
    lines[2] += completion.text
    assert syntax_errors("stats.py", "\n".join(lines)) == []
