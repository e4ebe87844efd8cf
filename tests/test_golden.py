"""Golden IR for every example: tests/golden/ir/<stem>.json. Refresh with --update-golden."""

from __future__ import annotations

import pytest

from screenplay_compiler import ir
from screenplay_compiler.api import compile_file

from .conftest import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden" / "ir"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_ir_matches_golden(path, golden):
    got = ir.to_json(compile_file(path).episode)
    golden(GOLDEN / f"{path.stem}.json", got)


def test_every_example_has_a_golden_file():
    assert {p.stem for p in EXAMPLES} == {g.stem for g in GOLDEN.glob("*.json")}
