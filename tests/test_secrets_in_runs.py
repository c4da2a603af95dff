"""Secrets never reach the model through what proposed code prints or returns (issue 19,
finding 3): secret files are not in the scratch copy, the environment is scrubbed, and what an
example gives or a failing test says is redacted (scanner patterns and every value of the
workspace's `.env`) and capped before a retry quotes it. A scripted hostile model tries; every
assertion is on the prompts the fake model server received."""

from __future__ import annotations

import json

import pytest

from agent_helpers import make_agent
from outrigger.guards.secret_values import REDACTED, redact, values_in

ENV_VALUE = "tok-9f8e7d6c5b4a3921"
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
OPENAI_KEY = "sk-proj-abcdefghijklmnopqrstuvwx0123"
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7d41d8cd98f\n-----END RSA PRIVATE KEY-----"
SECRETS = [ENV_VALUE, AWS_KEY, OPENAI_KEY, "MIIEowIBAAKCAQEA7d41d8cd98f", "env-d41d8cd98f00"]

PRICES = "VAT = 0.2\n\n\ndef with_vat(net):\n    return net + VAT\n"


@pytest.fixture
def root(tmp_path, monkeypatch):
    root = tmp_path / "shop"
    root.mkdir()
    (root / "prices.py").write_text(PRICES)
    (root / ".env").write_text(f"SECRET_TOKEN={ENV_VALUE}\nDEBUG=1\n")
    (root / "id_rsa").write_text(PRIVATE_KEY + "\n")
    # A committed settings file that happens to hold the same token: copied, so readable.
    (root / "settings.py").write_text(f'TOKEN = "{ENV_VALUE}"\nAWS = "{AWS_KEY}"\nKEY = "{OPENAI_KEY}"\n')
    monkeypatch.setenv("DEPLOY_SECRET", "env-d41d8cd98f00")
    return root


def hostile_fix(expression: str) -> str:
    return f"def with_vat(net):\n    {expression}\n"


def prompts(fake_model) -> str:
    return json.dumps(fake_model.bodies())


async def test_what_a_failed_example_gives_is_redacted_before_the_retry(root, fake_model):
    leaking = (
        "import os, pathlib\n"
        "    env = pathlib.Path('.env').read_text() if pathlib.Path('.env').exists() else 'no-env'\n"
        "    key = pathlib.Path('id_rsa').read_text() if pathlib.Path('id_rsa').exists() else 'no-key'\n"
        "    from settings import TOKEN, AWS, KEY\n"
        "    return '|'.join([env, key, TOKEN, AWS, KEY, os.environ.get('DEPLOY_SECRET', 'no-var')])"
    )
    fake_model.script(hostile_fix(leaking), hostile_fix("return net * (1 + VAT)"))
    agent = make_agent(root, fake_model.base_url)

    outcome = await agent.ask("with_vat(10) should return 12.0 but it returns 10.2")

    assert outcome.kind == "edit", outcome.message
    retry = fake_model.bodies()[1]["messages"][-1]["content"]
    assert "gives" in retry and REDACTED in retry and "no-env" in retry and "no-var" in retry
    for secret in SECRETS:
        assert secret not in prompts(fake_model), secret


async def test_a_failing_tests_output_is_redacted_before_the_retry(root, fake_model):
    (root / "tests").mkdir()
    (root / "tests" / "test_prices.py").write_text(
        "import sys\nsys.path.insert(0, '.')\nfrom prices import with_vat\n\n\n"
        "def test_nothing_costs_nothing():\n    got = with_vat(0)\n    assert got == 0.2, got\n"
    )
    leaking = "from settings import TOKEN, AWS, KEY\n    return len(net) if net else f'{TOKEN} {AWS} KEY={KEY}'"
    fake_model.script(hostile_fix(leaking), hostile_fix(leaking))
    agent = make_agent(root, fake_model.base_url)

    outcome = await agent.ask("fix with_vat: it should add the VAT to the net price")

    assert outcome.kind == "refused"
    retry = fake_model.bodies()[-1]["messages"][-1]["content"]
    assert "made the project's tests fail" in retry and REDACTED in retry, retry
    for secret in SECRETS:
        assert secret not in prompts(fake_model), secret
        assert secret not in outcome.message, secret


def test_redaction_knows_scanner_shapes_and_the_workspaces_values(tmp_path):
    (tmp_path / ".env").write_text(f"export API={ENV_VALUE}\nPORT=8080\n")
    (tmp_path / ".netrc").write_text("machine example.com login ann password hunter2hunter2\n")
    known = values_in([tmp_path / ".env", tmp_path / ".netrc"])
    text = (
        f"token {ENV_VALUE} on port 8080, {AWS_KEY}, {OPENAI_KEY}, {GITHUB_TOKEN}\n{PRIVATE_KEY}\n"
        "password=Zx8!qv7#Lp2@ client_secret: 'f0e4c2f76c58916ec258f246851bea09' url postgres://ann:pw@db/x\n"
        "hunter2hunter2 primary_key=id"
    )

    redacted = redact(text, known)

    for secret in (ENV_VALUE, AWS_KEY, OPENAI_KEY, GITHUB_TOKEN, "MIIEow", "Zx8!qv7", "f0e4c2f7", "ann:pw", "hunter2"):
        assert secret not in redacted, secret
    assert "port 8080" in redacted and "primary_key=id" in redacted
    assert len(redact("x" * 10_000)) <= 2000


LOCAL_VALUE = "q7Lx2Vb9Nw4Rt6Yp"  # no secret-like name, no scanner shape
LOCAL_URL = "https://svc.internal:8443/hooks/4f1c"


async def test_a_gitignored_files_values_never_reach_the_retry(root, fake_model):
    """Outrigger never reads a file `.gitignore` leaves out for the model, but it is in the
    scratch copy (tests may need it): a hostile fix returning its values must not carry them
    into the retry prompt through the failing test's output (round 6)."""
    (root / ".gitignore").write_text("local_settings.py\nlocal/\n")
    (root / "local_settings.py").write_text(f'SIGNING = "{LOCAL_VALUE}"\nHOST = "localhost"\n')
    (root / "local").mkdir()
    (root / "local" / "hooks.json").write_text(json.dumps({"hook": LOCAL_URL, "retries": 3}, indent=1) + "\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_prices.py").write_text(
        "import sys\nsys.path.insert(0, '.')\nfrom prices import with_vat\n\n\n"
        "def test_nothing_costs_nothing():\n    got = with_vat(0)\n    assert got == 0.2, got\n"
    )
    leaking = (
        "from local_settings import SIGNING, HOST\n    return f\"{SIGNING} {HOST} {open('local/hooks.json').read()}\""
    )
    fake_model.script(hostile_fix(leaking), hostile_fix(leaking))
    agent = make_agent(root, fake_model.base_url)

    outcome = await agent.ask("fix with_vat: it should add the VAT to the net price")

    assert outcome.kind == "refused"
    retry = fake_model.bodies()[-1]["messages"][-1]["content"]
    assert "made the project's tests fail" in retry and REDACTED in retry and "localhost" in retry, retry
    for secret in (LOCAL_VALUE, LOCAL_URL):
        assert secret not in prompts(fake_model), secret
        assert secret not in outcome.message, secret
