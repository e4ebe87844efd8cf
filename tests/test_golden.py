"""Golden IR for every example: tests/golden/ir/<stem>.json. Refresh with --update-golden."""

from __future__ import annotations

import difflib

import pytest

from screenplay_compiler import ir
from screenplay_compiler.api import compile_file

from .conftest import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden" / "ir"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_ir_matches_golden(path, update_golden):
    got = ir.to_json(compile_file(path.relative_to(ROOT)).episode)
    golden = GOLDEN / f"{path.stem}.json"
    if update_golden or not golden.exists():
        old = golden.read_text(encoding="utf-8") if golden.exists() else ""
        print("".join(difflib.unified_diff(old.splitlines(True), got.splitlines(True), str(golden), "new")))
        golden.write_text(got, encoding="utf-8")
        if not update_golden:
            pytest.fail(f"{golden} was missing and has been written; check it in")
    assert got == golden.read_text(encoding="utf-8")


def test_every_example_has_a_golden_file():
    assert {p.stem for p in EXAMPLES} == {g.stem for g in GOLDEN.glob("*.json")}
