"""The visible AI label and burned-in subtitles: wording, layout at 16:9, 9:16 and 1:1, pixels."""

from __future__ import annotations

import numpy as np
import pytest

from screenplay_compiler import api, label
from screenplay_compiler.frame import Overlay
from screenplay_compiler.label import LabelError, LabelSpec, OverlayPlan, check_plan, label_problems, overlays_at
from screenplay_compiler.render.text import composite, ink_height, layout, masks
from screenplay_compiler.subtitles import width as columns
from screenplay_compiler.tracks import TrackSettings, build_tracks

from .conftest import LABEL_SCRIPT, tone

SIZES = [(1280, 720), (720, 1280), (720, 720), (320, 180), (180, 320), (160, 90)]


def _tracks(width: int = 320, height: int = 180, fps: int = 12):
    """Timed tracks of the shared label script with synthetic voices."""
    episode = api.compile_text(LABEL_SCRIPT, "label.play").episode
    audio = {e.id: tone(1.0) for s in episode.shots for e in s.events if type(e).__name__ == "Line"}
    return build_tracks(episode, audio, TrackSettings(fps=fps, width=width, height=height))


def _drawn(overlay: Overlay, width: int, height: int) -> np.ndarray:
    """The overlay composited over a mid-grey frame."""
    return composite(np.full((height, width, 4), 128, np.uint8), (overlay,))


class TestWording:
    def test_default_label_is_compliant(self):
        assert label_problems(LabelSpec()) == []
        assert "AI" in label.DEFAULT_TEXT and "生成" in label.DEFAULT_TEXT

    @pytest.mark.parametrize("text", ["人工智能合成", "AI合成", "AI-generated 生成"])
    def test_accepted_wordings(self, text):
        assert label_problems(LabelSpec(text)) == []

    @pytest.mark.parametrize("text,why", [("Generated", "'AI' or '人工智能'"), ("AI made this", "'生成' or '合成'"),
                                          ("AI生成 \U0010fffd", "cannot draw")])
    def test_rejected_wordings(self, text, why):
        assert any(why in p for p in label_problems(LabelSpec(text)))

    def test_rejected_corner_duration_and_size(self):
        problems = label_problems(LabelSpec(corner="middle", seconds=1.5, height=0.04))
        assert len(problems) == 3


class TestLayout:
    @pytest.mark.parametrize("size", SIZES)
    def test_label_fits_and_is_tall_enough(self, size):
        width, height = size
        lay = layout(LabelSpec().overlay(), width, height)
        assert lay.glyph_px >= 0.05 * min(width, height)
        assert 0 <= lay.x and lay.x + lay.width <= width and 0 <= lay.y and lay.y + lay.height <= height

    @pytest.mark.parametrize("size", SIZES)
    def test_drawn_label_text_height_is_measured_at_least_5_percent(self, size):
        width, height = size
        frame = _drawn(LabelSpec().overlay(), width, height)
        lay = layout(LabelSpec().overlay(), width, height)
        box = frame[lay.y : lay.y + lay.height, lay.x : lay.x + lay.width, 0]
        assert ink_height(box >= 160) >= 0.05 * min(width, height)

    @pytest.mark.parametrize("corner", label.CORNERS)
    def test_corners(self, corner):
        lay = layout(LabelSpec(corner=corner).overlay(), 640, 360)
        assert (lay.x < 320) == ("left" in corner) and (lay.y < 180) == corner.startswith("top")

    def test_cjk_glyphs_are_drawn_not_boxes(self):
        """Each CJK character rasterises to its own shape (a missing glyph would be the same box)."""
        shapes = {ch: _drawn(Overlay(ch, height=0.2), 200, 200).tobytes() for ch in "生成人工智能"}
        assert len(set(shapes.values())) == 6
        notdef = _drawn(Overlay("\U0010fffd", height=0.2), 200, 200).tobytes()
        assert notdef not in shapes.values()

    def test_composite_is_deterministic_and_keeps_alpha(self):
        a, b = _drawn(LabelSpec().overlay(), 320, 180), _drawn(LabelSpec().overlay(), 320, 180)
        assert np.array_equal(a, b) and (a[..., 3] == 128).all()

    def test_text_mask_is_white_and_band_dark(self):
        frame = _drawn(LabelSpec().overlay(), 320, 180)
        text, band = masks(LabelSpec().overlay(), 320, 180)
        assert frame[..., 0][text].mean() > 230 and frame[..., 0][band].mean() < 40

    def test_label_too_long_for_the_frame_is_an_error(self):
        tracks = _tracks(160, 90)
        with pytest.raises(LabelError, match="does not fit"):
            check_plan(OverlayPlan(LabelSpec("AI生成" + "x" * 80)), tracks)


class TestSubtitles:
    LONG = "The bridge is out. The river took the middle span last night, and nobody saw it go."

    @pytest.mark.parametrize("size", [(640, 360), (180, 320), (320, 320)])
    def test_wrapped_within_the_frame_never_splitting_words(self, size):
        width, height = size
        lay = layout(label.subtitle_overlay(self.LONG), width, height)
        assert lay.x >= 0 and lay.x + lay.width <= width and len(lay.lines) > 1
        assert " ".join(lay.lines).split() == self.LONG.split()
        assert all(columns(line) <= 42 for line in lay.lines)

    def test_chinese_subtitle_wraps_between_characters(self):
        text = "桥断了。昨晚河水冲走了中间那一段，我们得回去，等到中午潮水退了再说。"
        lay = layout(label.subtitle_overlay(text), 180, 320)
        assert "".join(lay.lines) == text and len(lay.lines) > 1
        assert not any(line[0] in "，。" for line in lay.lines)


class TestTiming:
    def test_label_shows_for_the_first_two_seconds_only(self):
        tracks = _tracks()
        plan = OverlayPlan(LabelSpec())
        shown = [bool(overlays_at(plan, tracks, f / 12)) for f in range(tracks.frame_count)]
        assert shown[:24] == [True] * 24 and not any(shown[24:])

    def test_repeat_at_the_end(self):
        tracks = _tracks()
        plan = OverlayPlan(LabelSpec(repeat_end=True))
        shown = [bool(overlays_at(plan, tracks, f / 12)) for f in range(tracks.frame_count)]
        assert all(shown[-24:]) and all(shown[:24])

    def test_subtitles_follow_cues_and_clear_a_bottom_label(self):
        tracks = _tracks()
        cue = tracks.cues[0]
        plan = OverlayPlan(LabelSpec(corner="bottom-left"), subtitles=True)
        during = overlays_at(plan, tracks, cue.start + 0.05)
        assert [o.anchor for o in during] == ["bottom-left", "bottom"] and during[1].lift > 0
        assert overlays_at(OverlayPlan(subtitles=True), tracks, cue.start + 0.05)[0].lift == 0
        assert overlays_at(OverlayPlan(subtitles=True), tracks, cue.end + 0.01) == ()

    def test_no_plan_no_overlays(self):
        assert overlays_at(label.NO_OVERLAYS, _tracks(), 0.0) == ()

    def test_a_partial_build_shows_the_label_at_its_own_start(self):
        tracks = _tracks()
        plan = OverlayPlan(LabelSpec(repeat_end=True), first_frame=10, frame_count=30)
        shown = [bool(overlays_at(plan, tracks, f / 12)) for f in range(tracks.frame_count)]
        assert not any(shown[:10]) and all(shown[10:40]) and not any(shown[40:])  # start 10-33, end 16-39
