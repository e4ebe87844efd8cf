"""``sdc cast``: turnaround and expression sheets drawn by the real renderer."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from screenplay_compiler import aigc, castsheet
from screenplay_compiler.cli import app

SCRIPT = """CAST
MEI: young woman, black ponytail, red coat
老王: old man, grey hair, green jacket, glasses

EXT. PARK - DAY
MEI: Hello.
"""


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    root = tmp_path_factory.mktemp("cast")
    script = root / "ep.play"
    script.write_text(SCRIPT, encoding="utf-8")
    return script, root, castsheet.make(script, root / "a")


def test_one_labelled_sheet_per_character(sheets):
    _, _, made = sheets
    assert [s.name for s in made] == ["MEI", "老王"]
    assert made[0].path.name == "mei.png" and made[1].path.name.startswith("cast-")
    for s in made:
        with Image.open(s.path) as im:
            assert im.size == (2 * 16 + 3 * 220 + 16 + 5 * 132, 64 + 330 + 22 + 16)
        assert aigc.label_problems(aigc.read_png_label(s.path)) == []


def test_same_script_same_bytes(sheets):
    script, root, made = sheets
    again = castsheet.make(script, root / "b")
    assert [s.path.read_bytes() for s in made] == [s.path.read_bytes() for s in again]


def test_views_and_expressions_differ(sheets):
    _, _, made = sheets
    px = np.asarray(Image.open(made[0].path).convert("RGB")).astype(int)
    views = [px[64 : 64 + 330, 16 + i * 220 : 16 + (i + 1) * 220] for i in range(3)]
    for a, b in ((0, 1), (1, 2), (0, 2)):
        assert np.abs(views[a] - views[b]).mean() > 1.0
    left = 2 * 16 + 3 * 220
    faces = [px[64 + r * 165 : 64 + (r + 1) * 165 - 20, left + c * 132 : left + (c + 1) * 132] for r in (0, 1) for c in range(5)]
    for i in range(len(faces)):
        for j in range(i + 1, len(faces)):
            assert np.abs(faces[i] - faces[j]).mean() > 0.3, (castsheet.EXPRESSIONS[i], castsheet.EXPRESSIONS[j])
    ink = px[64 + 165 - 17 : 64 + 165, left : left + 132]  # the caption "neutral" is drawn over the first face
    assert (ink.min(axis=2) > 230).sum() > 20  # white letters


def test_cli(tmp_path):
    script = tmp_path / "ep.play"
    script.write_text(SCRIPT, encoding="utf-8")
    result = CliRunner().invoke(app, ["cast", str(script), "-o", str(tmp_path / "out")], catch_exceptions=False)
    assert result.exit_code == 0 and "mei.png" in result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.png"))[-1] == "mei.png"
    missing = CliRunner().invoke(app, ["cast", str(tmp_path / "nope.play")])
    assert missing.exit_code == 1 and "Traceback" not in missing.output
