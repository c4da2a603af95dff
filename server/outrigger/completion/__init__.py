"""Inline completion: fill-in-the-middle at the cursor, checked before it is shown.

context.py   what the model sees: bounded text around the cursor, signatures of nearby names
recent.py    chunks of the files opened and edited lately
fitting.py   that context trimmed to the model's window
fim.py       each model family's own FIM tokens, and the prompt they make
requests.py  one request per backend: `/v1/completions` (default), llama.cpp `/infill`, Ollama `suffix`
cut.py, repeats.py, names.py, syntax.py   the guards, one job each
guarded.py   the guards in order, counting what each dropped
completer.py the pipeline: context → fit → request → guards → `Completion`
"""
