"""Storyboards: keyframe choice, captions, sheet and PDF, byte-stable files, and the visual regression check."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from screenplay_compiler import aigc, api, storyboard
from screenplay_compiler.cli import app

from .conftest import TWO_HANDER

SCRIPT = "Title: Board Test\n" + TWO_HANDER + """[WIDE]
MEI walks to JUN.
MEI: The bridge is out.
[CLOSE ON JUN]
JUN: 我们等潮水。
"""
PANEL = (160, 90)


class TestPick:
    @pytest.fixture
    def timed(self, line_audio):
        episode = api.compile_text(SCRIPT, "board.play").episode
        return episode, api.schedule(episode, line_audio(episode, 1.2), api.BuildSettings(width=160, height=90, fps=10))

    def test_a_panel_per_shot_and_per_major_action(self, timed):
        episode, tracks = timed
        keys = storyboard.pick(episode, tracks)
        assert [k.name for k in keys] == ["old-bridge-dawn.wide.mei-walk", "old-bridge-dawn.wide", "old-bridge-dawn.close-jun"]
        assert [k.caption.number for k in keys] == ["1a", "1b", "2"]
        walk, middle, close = keys
        wide = tracks.shots[0]
        assert middle.frame == wide.first_frame + wide.frame_count // 2
        assert wide.first_frame <= walk.frame < middle.frame
        assert walk.caption.words == "MEI walks to JUN." and middle.caption.words == "MEI: The bridge is out."
        assert close.caption.camera == "[CLOSE ON JUN]" and close.caption.words == "JUN: 我们等潮水。"
        assert close.caption.duration == pytest.approx(tracks.shots[1].frame_count / 10)

    def test_pages_hold_what_fits(self):
        panels = [(np.full((90, 160, 3), 30 * i, np.uint8), storyboard.Caption(str(i), f"s.{i}", "[WIDE]", "A: hi", 2.0))
                  for i in range(1, 8)]
        pages = storyboard.compose("T", "sub", panels, storyboard.page_layout())
        assert len(pages) == 2 and all(p.size == storyboard.A4_150DPI for p in pages)
        sheet = storyboard.compose("T", "sub", panels, storyboard.sheet_layout(160, len(panels)))
        assert len(sheet) == 1 and sheet[0].size[0] == 2 * 32 + 4 * 160 + 3 * 24

    def test_long_words_are_cut_to_two_lines(self):
        draw = storyboard.ImageDraw.Draw(Image.new("RGB", (10, 10)))
        font = storyboard.fonts.font(12)
        lines = storyboard._lines(draw, "word " * 80, font, 150, 2)
        assert len(lines) == 2 and lines[1].endswith("…")
        assert all(draw.textlength(line, font=font) <= 150 for line in lines)


class TestCompare:
    def save(self, folder, name, pixels):
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels).save(folder / f"{name}.png")

    def test_same_changed_added_removed(self, tmp_path):
        base = np.full((20, 40, 3), 100, np.uint8)
        moved = base.copy()
        moved[:5, :10] = 200  # 50 of 800 pixels: 6.25%
        slight = base + 3  # every pixel, but below the pixel threshold
        for name in ("a", "b", "c", "gone"):
            self.save(tmp_path / "keyframes", name, base)
        approved = storyboard.approved_images(tmp_path)  # finds keyframes/ inside a storyboard folder
        result = {d.name: d for d in storyboard.compare({"a": base, "b": moved, "c": slight, "new": base}, approved)}
        assert result["a"].status == "same" and result["a"].mean_abs == 0.0
        assert result["b"].status == "changed" and result["b"].changed == pytest.approx(0.0625)
        assert result["c"].status == "same" and result["c"].mean_abs == pytest.approx(3.0)
        assert result["new"].status == "added" and result["gone"].status == "removed"
        assert storyboard.compare({"b": moved}, approved, tolerance=0.1)[0].status == "same"

    def test_a_different_size_is_a_change(self):
        d = storyboard.difference("x", np.zeros((18, 32, 3), np.uint8), np.zeros((9, 16, 3), np.uint8), 0.01)
        assert d.status == "changed" and d.note == "size 16x9 -> 32x18"


# ---- end to end ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    root = tmp_path_factory.mktemp("board")
    script = root / "board.play"
    script.write_text(SCRIPT, encoding="utf-8")
    made, images = storyboard.make(script, root / "first", PANEL, cache_dir=root / "cache")
    return script, root, made, images


@pytest.mark.e2e
def test_files_are_written_and_byte_stable(board):
    script, root, made, images = board
    again, _ = storyboard.make(script, root / "second", PANEL, cache_dir=root / "cache")
    first, second = made.sheet.parent, again.sheet.parent
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == ["contact-sheet.png", "keyframes/old-bridge-dawn.close-jun.png", "keyframes/old-bridge-dawn.wide.mei-walk.png",
                     "keyframes/old-bridge-dawn.wide.png", "storyboard.json", "storyboard.pdf"]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    pdf = made.pdf.read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type /Page(?!s)", pdf)) == 1  # three panels: one A4 page
    assert b"CreationDate" not in pdf


@pytest.mark.e2e
def test_keyframes_are_the_episode_frames_and_the_sheet_is_labelled(board):
    script, root, made, images = board
    keyframe = np.asarray(Image.open(made.folder / "old-bridge-dawn.wide.png"))
    assert keyframe.shape == (90, 160, 3) and np.array_equal(keyframe, images["old-bridge-dawn.wide"])
    assert keyframe.std() > 10  # a picture, not a blank
    record = json.loads((made.folder.parent / "storyboard.json").read_text(encoding="utf-8"))
    assert [p["name"] for p in record["panels"]] == [k.name for k in made.keyframes]
    label = aigc.read_png_label(made.sheet)
    assert label and not aigc.label_problems(label) and json.loads(label)["Label"] == "1"
    sheet = np.asarray(Image.open(made.sheet).convert("RGB"))
    assert sheet.shape[1] == 2 * 32 + 3 * 160 + 2 * 24  # three panels in a row


@pytest.mark.e2e
def test_compare_passes_unchanged_and_flags_a_changed_costume(board, tmp_path):
    script, root, made, _ = board
    common = ["--panel", "160x90", "--cache-dir", str(root / "cache"), "--compare", str(made.sheet.parent)]
    same = CliRunner().invoke(app, ["storyboard", str(script), "-o", str(tmp_path / "same"), *common], catch_exceptions=False)
    assert same.exit_code == 0 and "all 3 keyframes match" in same.stdout
    edited = tmp_path / "board.play"
    edited.write_text(SCRIPT.replace("red coat", "green coat"), encoding="utf-8")
    changed = CliRunner().invoke(app, ["storyboard", str(edited), "-o", str(tmp_path / "changed"), *common], catch_exceptions=False)
    assert changed.exit_code == 1
    assert "changed  old-bridge-dawn.wide" in changed.stdout and "of pixels changed" in changed.stdout
    assert "old-bridge-dawn.close-jun" not in changed.stdout  # Mei is not in Jun's close-up


def test_compare_needs_a_folder(tmp_path):
    script = tmp_path / "board.play"
    script.write_text(SCRIPT, encoding="utf-8")
    result = CliRunner().invoke(app, ["storyboard", str(script), "--compare", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "no such folder of approved keyframes" in result.stderr
