"""Every diagnostic code, each with a script that triggers it and its exact rendered text.

tests/golden/diagnostics/<name>/main.play triggers the diagnostic named <name> (other files
in the folder are what it uses); expected.txt is what `sdc check` prints. Refresh with
--update-golden.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from screenplay_compiler.cli import app
from screenplay_compiler.diagnostics import CODES

from .conftest import ROOT

CASES = ROOT / "tests" / "golden" / "diagnostics"
runner = CliRunner()


def test_every_code_has_a_case():
    assert sorted(p.name for p in CASES.iterdir() if p.is_dir()) == sorted(CODES)


def test_every_code_is_documented():
    doc = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    missing = [name for name in CODES if f"`{name}`" not in doc]
    assert not missing, f"docs/language.md does not list {missing}"


@pytest.mark.parametrize("name", sorted(CODES))
def test_rendered_text(name, golden, monkeypatch):
    monkeypatch.chdir(CASES / name)
    result = runner.invoke(app, ["check", "main.play"], catch_exceptions=False)
    data = json.loads(runner.invoke(app, ["check", "--format", "json", "main.play"], catch_exceptions=False).stdout)
    assert name in {d["name"] for d in data}, f"main.play does not trigger {name}: {data}"
    errors = any(d["severity"] == "error" for d in data)
    assert result.exit_code == (1 if errors else 0)
    assert "Traceback" not in result.output
    golden(CASES / name / "expected.txt", result.stderr)
