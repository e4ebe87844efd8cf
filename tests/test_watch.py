"""Watch mode: a save with new content rebuilds (reusing the cache), a broken save reports its
diagnostics and keeps watching, a save without changes renders nothing, and Ctrl-C exits 130."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from screenplay_compiler import api, segments, watch
from screenplay_compiler.cli import app

from .conftest import TWO_HANDER, decode_video

SCRIPT = "Title: Watch Test\n" + TWO_HANDER + """[WIDE]
MEI: The bridge is out.
[CLOSE ON JUN]
JUN: Then we wait.
"""


class TestFiles:
    def test_digest_follows_content_not_mtime(self, tmp_path):
        path = tmp_path / "a.play"
        path.write_text("one", encoding="utf-8")
        files = watch.Files()
        first = files.digest((path,))
        os.utime(path, ns=(1, 1))  # touched: read again, same content
        assert files.digest((path,)) == first
        path.write_text("two", encoding="utf-8")
        assert files.digest((path,)) != first
        path.unlink()
        assert files.digest((path,)) != first

    def test_used_files_follow_use_lines(self, tmp_path):
        (tmp_path / "cast.play").write_text("CAST\nMEI: young woman, red coat\n", encoding="utf-8")
        script = tmp_path / "ep.play"
        script.write_text('use "cast.play"\n\nEXT. OLD BRIDGE - DAWN\n[WIDE]\nMEI: Hi.\n', encoding="utf-8")
        assert [p.name for p in watch.used_files(script)] == ["ep.play", "cast.play"]
        script.write_text("CAST\nMEI: ((( broken\n", encoding="utf-8")
        assert [p.name for p in watch.used_files(script)] == ["ep.play"]


@pytest.mark.e2e
def test_edits_rebuild_broken_saves_report_and_unchanged_saves_render_nothing(tmp_path):
    script = tmp_path / "ep.play"
    script.write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "preview.mp4"
    settings = api.BuildSettings(width=160, height=90, fps=8, draft=True, cache_dir=tmp_path / "cache")
    saves = [
        lambda: script.write_text(SCRIPT, encoding="utf-8"),  # saved again, unchanged
        lambda: script.write_text(SCRIPT.replace("Then we wait.", "Then we swim."), encoding="utf-8"),
        lambda: script.write_text(SCRIPT.replace("JUN: Then", "JUNE: Then"), encoding="utf-8"),  # unknown speaker
        lambda: script.write_text(SCRIPT, encoding="utf-8"),  # back as it was: all from the cache
    ]
    outcomes, ticks = [], iter(range(1000))

    def sleep(seconds: float) -> None:
        if saves:
            saves.pop(0)()

    rebuilds = watch.watch(script, out, settings, outcomes.append, sleep=sleep, clock=lambda: float(next(ticks)), polls=5)
    assert rebuilds == 4 and len(outcomes) == 4  # the unchanged save made none
    first, edit, broken, fixed = outcomes
    assert first.ok and len(first.report.rendered) == 2 and first.seconds == 1.0
    assert edit.ok and list(edit.report.rendered) == ["old-bridge-dawn.close-jun"] and edit.report.reused == ("old-bridge-dawn.wide",)
    assert not broken.ok and broken.error is None
    assert any(d.code == "unknown-character" and "JUNE" in d.message for d in broken.diagnostics) and broken.text
    assert fixed.ok and fixed.report.rendered == {} and len(fixed.report.reused) == 2
    assert out.is_file() and len(decode_video(out)) == first.report.tracks.frame_count


def test_ctrl_c_exits_130(tmp_path, monkeypatch):
    script = tmp_path / "ep.play"
    script.write_text(SCRIPT, encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(watch, "watch", interrupted)
    result = CliRunner().invoke(app, ["watch", str(script), "-o", str(tmp_path / "p.mp4")])
    assert result.exit_code == 130 and "stopped watching" in result.stdout and "Traceback" not in result.output


def test_cli_prints_diagnostics_and_a_summary_per_rebuild(tmp_path, monkeypatch, capsys):
    script = tmp_path / "ep.play"
    script.write_text(SCRIPT.replace("JUN: Then", "JUNE: Then"), encoding="utf-8")

    def once(script, out, settings, on_outcome, **kwargs):
        on_outcome(watch.rebuild(script, out, settings))
        return 1

    monkeypatch.setattr(watch, "watch", once)
    result = CliRunner().invoke(app, ["watch", str(script), "-o", str(tmp_path / "p.mp4"), "--cache-dir", str(tmp_path / "c")])
    assert result.exit_code == 0
    assert "unknown character 'JUNE'" in result.stderr and "not rebuilt (1 error(s) in the script)" in result.stderr


# ---- drafts: the animatic that watch rebuilds --------------------------------------------------


@pytest.mark.parametrize("fps,draft,hold", [(30, True, 3), (24, True, 2), (12, True, 1), (30, False, 1)])
def test_drafts_hold_drawings_like_an_animatic(fps, draft, hold):
    assert segments.frame_hold(fps, draft) == hold


def test_a_draft_segment_holds_each_drawing_for_three_frames(tmp_path, line_audio, monkeypatch):
    from screenplay_compiler.encode import SegmentWriter

    episode = api.compile_text(SCRIPT, "ep.play").episode
    tracks = api.schedule(episode, line_audio(episode, 1.0), api.BuildSettings(width=160, height=90, fps=30))
    shot = tracks.shots[0]
    settings = api.BuildSettings(width=160, height=90, fps=30, draft=True, cache_dir=None)
    assert settings.video().preset == "ultrafast" and settings.output_facts()["hold"] == 3
    written = []
    real = SegmentWriter.write
    monkeypatch.setattr(SegmentWriter, "write", lambda self, frame: (written.append(frame.tobytes()), real(self, frame))[1])
    job = segments.RenderJob(episode_json="", tracks_json="", shot_id=shot.id, width=160, height=90, fps=30, draft=True,
                             crf=settings.crf)
    segments.write_segment(episode, tracks, shot, job, tmp_path / "s.mp4")
    assert len(written) == shot.frame_count == len(decode_video(tmp_path / "s.mp4"))
    drawings = [written[i:i + 3] for i in range(0, len(written), 3)]
    assert all(len(set(d)) == 1 for d in drawings)  # each drawing held for three frames
    assert len(set(d[0] for d in drawings)) > len(drawings) // 2  # and the picture moves between drawings


def test_draft_keys_hash_the_drawn_frames_and_the_length(line_audio):
    episode = api.compile_text(SCRIPT, "ep.play").episode
    tracks = api.schedule(episode, line_audio(episode, 1.0), api.BuildSettings(width=160, height=90, fps=30))
    shot = tracks.shots[0]
    count = shot.frame_count - shot.frame_count % 3 + 1  # its last frame is a drawing
    a, b = (shot.model_copy(update={"frame_count": n}) for n in (count, count + 1))  # b adds a held frame
    key = segments.shot_key(episode, tracks, a, "facts", hold=3)
    assert key == segments.shot_key(episode, tracks, a, "facts", hold=3)
    assert segments.shot_key(episode, tracks, b, "facts", hold=3) != key
    assert segments.shot_key(episode, tracks, a, "facts") != key
