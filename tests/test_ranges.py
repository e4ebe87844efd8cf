"""Range builds: --scene, --shots and --from-line pick shots; a range's frames are the full build's."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from screenplay_compiler import api, ranges
from screenplay_compiler.cli import app
from screenplay_compiler.label import LABEL_SECONDS
from screenplay_compiler.ranges import RangeError, Selection

from .conftest import TWO_HANDER, decode_audio, decode_video

SCRIPT = "Title: Range Test\n" + TWO_HANDER + """[WIDE]
MEI walks to JUN.
MEI: The bridge is out.
[CLOSE ON JUN]
JUN: Then we wait.

EXT. CITY PARK - DAY
[WIDE]
JUN: Here.
[CLOSE ON MEI]
MEI waves.
"""
# Source lines: heading 6, shot 1 at 7-9, shot 2 at 10-12, heading 13, shot 3 at 14-15, shot 4 at 16-17.
IDS = ("old-bridge-dawn.wide", "old-bridge-dawn.close-jun", "city-park-day.wide", "city-park-day.close-mei")


@pytest.fixture(scope="module")
def episode():
    return api.compile_text(SCRIPT, "range.play").episode


@pytest.fixture
def tracks(episode, line_audio):
    return api.schedule(episode, line_audio(episode, 1.0), api.BuildSettings(width=160, height=90, fps=10))


def ids(selection: Selection, episode) -> tuple[str, ...]:
    return ranges.shot_ids(selection, episode, SCRIPT.count("\n"))


class TestSelection:
    def test_shot_ids_are_as_expected(self, episode):
        assert tuple(s.id for s in episode.shots) == IDS

    def test_exactly_one_kind(self):
        with pytest.raises(RangeError, match="choose one"):
            Selection()
        with pytest.raises(RangeError, match="--scene, --shots"):
            Selection(scene="1", shots="2")

    @pytest.mark.parametrize("selection,suffix", [
        (Selection(scene="2"), "-scene-2"), (Selection(shots="4-7"), "-shots-4-7"), (Selection(shots="-3"), "-shots-3"),
        (Selection(from_line=120), "-from-line-120"), (Selection(scene="City Park"), "-scene-city-park"),
    ])
    def test_suffix(self, selection, suffix):
        assert selection.suffix == suffix


class TestScenes:
    def test_by_number_and_id(self, episode):
        assert ids(Selection(scene="2"), episode) == IDS[2:]
        assert ids(Selection(scene="old-bridge-dawn"), episode) == IDS[:2]

    def test_out_of_range(self, episode):
        with pytest.raises(RangeError, match=r"scene 3 is out of range: the episode has 2 scenes \(1-2\)"):
            ids(Selection(scene="3"), episode)

    def test_unknown_id_suggests(self, episode):
        with pytest.raises(RangeError, match="no scene 'city-park-dusk' \\(did you mean 'city-park-day'\\?\\)"):
            ids(Selection(scene="city-park-dusk"), episode)


class TestShots:
    @pytest.mark.parametrize("spec,expect", [
        ("2-3", IDS[1:3]), ("2-", IDS[1:]), ("-2", IDS[:2]), ("3", IDS[2:3]), ("4 - 4", IDS[3:]),
        ("old-bridge-dawn.close-jun..city-park-day.wide", IDS[1:3]), ("city-park-day.wide..", IDS[2:]),
        ("..old-bridge-dawn.close-jun", IDS[:2]), ("city-park-day.close-mei", IDS[3:]), ("2..3", IDS[1:3]),
    ])
    def test_forms(self, episode, spec, expect):
        assert ids(Selection(shots=spec), episode) == expect

    @pytest.mark.parametrize("spec,message", [
        ("5", r"shot 5 is out of range: the episode has 4 shots \(1-4\)"),
        ("0-2", "shot 0 is out of range"),
        ("3-2", "shot 3 comes after shot 2"),
        ("city-park-day.wid", "no shot 'city-park-day.wid' \\(did you mean 'city-park-day.wide'\\?\\)"),
        ("-", "names no shots"),
    ])
    def test_errors(self, episode, spec, message):
        with pytest.raises(RangeError, match=message):
            ids(Selection(shots=spec), episode)


class TestFromLine:
    @pytest.mark.parametrize("line,first", [(6, 0), (7, 0), (9, 0), (10, 1), (12, 1), (13, 2), (16, 3), (17, 3)])
    def test_the_shot_holding_the_line_to_the_end(self, episode, line, first):
        assert ids(Selection(from_line=line), episode) == IDS[first:]

    def test_before_the_first_scene(self, episode):
        with pytest.raises(RangeError, match="line 3 is before the first scene \\(line 6\\)"):
            ids(Selection(from_line=3), episode)

    @pytest.mark.parametrize("line", [0, 18, 500])
    def test_outside_the_script(self, episode, line):
        with pytest.raises(RangeError, match=f"line {line} is not in the script"):
            ids(Selection(from_line=line), episode)


class TestSpan:
    def test_frames_are_the_full_episode_frames(self, episode, tracks):
        span = ranges.resolve(Selection(shots="2-3"), episode, tracks, 17)
        shots = tracks.shots[1:3]
        assert span.shot_ids == IDS[1:3]
        assert span.first_frame == shots[0].first_frame
        assert span.frame_count == sum(s.frame_count for s in shots)
        assert span.start == pytest.approx(shots[0].first_frame / 10)

    def test_limit_keeps_timing(self, episode, tracks):
        span = ranges.resolve(Selection(scene="2"), episode, tracks)
        limited = ranges.limit(tracks, span)
        assert [s.id for s in limited.shots] == list(IDS[2:])
        assert limited.shots == tracks.shots[2:] and limited.scenes == tracks.scenes
        assert ranges.limit(tracks, None) is tracks

    def test_cues_are_clipped_shifted_and_renumbered(self, episode, tracks):
        span = ranges.resolve(Selection(shots="2-"), episode, tracks)
        cues = ranges.cues_in(tracks.cues, span)
        assert [c.text for c in cues] == ["Then we wait.", "Here."]
        assert [c.index for c in cues] == [1, 2]
        first = tracks.cues[1]
        assert cues[0].start == pytest.approx(first.start - span.start, abs=1e-6)
        assert all(0 <= c.start < c.end <= span.duration for c in cues)

    def test_a_cue_across_the_edge_is_clipped(self, episode, tracks):
        cut = ranges.Span(IDS[:1], 0, round(tracks.cues[0].start * 10) + 3, 10)  # ends 0.3 s into the first line
        cues = ranges.cues_in(tracks.cues, cut)
        assert len(cues) == 1 and cues[0].end == pytest.approx(cut.duration)

    def test_audio_is_the_full_mix_during_the_span(self):
        rate = 1000
        samples = np.ones((5000, 2), np.float32)
        span = ranges.Span(("a",), 20, 30, 10)  # 2.0 s .. 5.0 s
        cut = ranges.cut_audio(samples, span, rate)
        assert cut.shape == (3000, 2)
        assert np.all(cut[100:-100] == 1.0)
        assert cut[0, 0] == 0.0 and cut[-1, 0] < 0.5  # faded edges: no click
        short = ranges.cut_audio(samples[:4000], span, rate)
        assert short.shape == (3000, 2) and np.all(short[-500:] == 0.0)


# ---- end to end: a range build reuses the full build's segments and shows the same frames ------


@pytest.fixture(scope="module")
def full_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranges")
    script = root / "range.play"
    script.write_text(SCRIPT, encoding="utf-8")
    settings = api.BuildSettings(width=160, height=90, fps=8, draft=True, cache_dir=root / "cache")
    report = api.build(script, root / "full.mp4", settings)
    return script, root, report


@pytest.mark.e2e
def test_range_build_shows_the_full_builds_frames_and_reuses_its_shots(full_build):
    """Only the visible AI label differs: every video shows it at its own start, so the shots under
    it are drawn again; the rest come from the full build's cache, pixel for pixel."""
    script, root, full = full_build
    result = CliRunner().invoke(app, ["build", str(script), "--shots", "2-4", "--draft", "--resolution", "160x90", "--fps", "8",
                                      "--cache-dir", str(root / "cache"), "--out-dir", str(root), "--explain"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = root / "range-shots-2-4.mp4"
    assert "3 shot(s)" in result.stdout and "city-park-day.close-mei: reused from the cache" in result.stdout
    span = ranges.resolve(Selection(shots="2-4"), api.compile_file(script).episode, full.tracks)
    frames, whole = decode_video(out), decode_video(root / "full.mp4")
    assert len(frames) == span.frame_count
    assert not np.array_equal(frames[0], whole[span.first_frame])  # the label band at the range's start
    last = full.tracks.shots[3]
    assert last.first_frame - span.first_frame >= LABEL_SECONDS * 8  # past the label: the cached segment itself
    for f in range(last.first_frame, last.first_frame + last.frame_count):
        assert np.array_equal(frames[f - span.first_frame], whole[f]), f
    samples, rate = decode_audio(out)
    assert len(samples) / rate == pytest.approx(span.duration, abs=0.05)
    srt = out.with_suffix(".srt").read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:0") and "Then we wait." in srt and "Here." in srt and "bridge is out" not in srt


def test_range_errors_are_clear(tmp_path):
    script = tmp_path / "range.play"
    script.write_text(SCRIPT, encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(script), "--scene", "9", "--out-dir", str(tmp_path)])
    assert result.exit_code == 1 and "scene 9 is out of range" in result.stderr
    assert "Traceback" not in result.output and not list(tmp_path.glob("*.mp4"))
