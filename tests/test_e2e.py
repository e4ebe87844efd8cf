"""End to end: build a short low-resolution clip and check its streams, pixels, audio and subtitles."""

from __future__ import annotations

import dataclasses
import hashlib

import av
import numpy as np
import pytest

from screenplay_compiler import api, ir
from screenplay_compiler.animate import frame_at
from screenplay_compiler.camera import project

from .conftest import decode_audio, decode_video

pytestmark = pytest.mark.e2e

SCRIPT = """Title: Test Clip
CAST
MEI: young woman, black ponytail, red coat
JUN: tall man, short brown hair, blue jacket

EXT. OLD BRIDGE - DAWN
[WIDE]
MEI waves.
[CLOSE ON MEI]
MEI (worried): The bridge is out. We have to go back.
(beat 1.5s)
[CLOSE ON JUN]
JUN (calm): Then we wait for the tide.
"""
SETTINGS = dict(width=320, height=180, fps=12, draft=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    script = root / "clip.play"
    script.write_text(SCRIPT, encoding="utf-8")
    settings = api.BuildSettings(cache_dir=root / "cache", **SETTINGS)
    out = root / "out" / "clip.mp4"
    tracks = api.build(script, out, settings).tracks
    episode = api.compile_file(script).episode
    return script, out, tracks, episode, settings






def test_streams(built):
    _, out, tracks, _, _ = built
    with av.open(str(out)) as f:
        video, audio = f.streams.video[0], f.streams.audio[0]
        assert video.codec_context.name == "h264" and video.codec_context.pix_fmt == "yuv420p"
        assert (video.codec_context.width, video.codec_context.height) == (320, 180)
        assert float(video.average_rate) == pytest.approx(12)
        assert audio.codec_context.name == "aac" and audio.rate == 48000 and audio.channels == 2
        assert float(f.duration / av.time_base) == pytest.approx(tracks.duration, abs=0.1)
    assert tracks.duration >= 5.0
    head = out.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))


def test_frames_are_neither_blank_nor_identical(built):
    _, out, tracks, _, _ = built
    frames = decode_video(out)
    assert len(frames) == tracks.frame_count
    firsts = [frames[s.first_frame + s.frame_count // 2] for s in tracks.shots]
    assert all(f.std() > 20 for f in firsts)
    for a, b in zip(firsts, firsts[1:]):
        assert np.abs(a.astype(int) - b.astype(int)).mean() > 10


def _mouth_box(episode, tracks, name: str, t: float, size: int = 5):
    """Pixel box around a character's mouth at ``t`` (projected through the shot camera)."""
    state = frame_at(episode, tracks, t)
    actor = next(a for a in state.actors if a.name == name)
    h = actor.appearance.height_m
    import math
    fx, fz = math.sin(actor.yaw + actor.pose.head_yaw), math.cos(actor.yaw + actor.pose.head_yaw)
    point = (actor.x + fx * 0.09, h * 0.885, actor.z + fz * 0.09)
    x, y, _ = project(state.camera, point, tracks.width / tracks.height)
    px, py = int((x + 1) / 2 * tracks.width), int((1 - y) / 2 * tracks.height)
    return slice(py - size, py + size), slice(px - size, px + size)


@pytest.mark.parametrize("index,name", [(0, "MEI"), (1, "JUN")])
def test_speaker_mouth_moves_while_speaking(built, index, name):
    _, out, tracks, episode, _ = built
    frames = decode_video(out)
    cue = tracks.cues[index]
    speaking = range(int(cue.start * 12) + 1, int(cue.end * 12) - 1)
    rows, cols = _mouth_box(episode, tracks, name, (speaking[0] + speaking[-1]) / 24)
    crops = np.stack([frames[i][rows, cols].astype(float) for i in speaking])
    motion = np.abs(np.diff(crops, axis=0)).mean()
    after = range(int(cue.end * 12) + 3, min(int(cue.end * 12) + 12, len(frames)))
    still = np.stack([frames[i][rows, cols].astype(float) for i in after])
    assert motion > 2.0 * max(np.abs(np.diff(still, axis=0)).mean(), 0.5)


def test_audio_speech_in_lines_quiet_in_beats(built):
    _, out, tracks, _, _ = built
    samples, rate = decode_audio(out)
    assert len(samples) / rate == pytest.approx(tracks.duration, abs=0.05)
    rms = lambda a, b: float(np.sqrt(np.mean(samples[int(a * rate) : int(b * rate)] ** 2)))
    for cue in tracks.cues:
        assert rms(cue.start, cue.end) > 0.02
    beat_start, beat_end = tracks.cues[0].end + 0.4, tracks.cues[1].start - 0.2
    assert beat_end - beat_start > 1.0
    # A beat holds only the set's room tone: 20 dB or more under the speech.
    assert rms(beat_start, beat_end) < 0.1 * min(rms(c.start, c.end) for c in tracks.cues)


def test_subtitles_beside_the_video(built):
    _, out, tracks, _, _ = built
    srt = out.with_suffix(".srt").read_text(encoding="utf-8")
    assert srt.count(" --> ") == len(tracks.cues) == 2
    assert "The bridge is out." in srt and "Then we wait for the tide." in srt
    vtt = out.with_suffix(".vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n") and vtt.count(" --> ") == 2 and "<v JUN>Then we wait for the tide." in vtt


def test_rebuild_is_byte_identical_and_reuses_voices(built, tmp_path):
    script, out, tracks, _, settings = built
    again = tmp_path / "again.mp4"
    tracks2 = api.build(script, again, settings).tracks
    assert ir.to_json(tracks2) == ir.to_json(tracks)
    assert hashlib.sha256(again.read_bytes()).hexdigest() == hashlib.sha256(out.read_bytes()).hexdigest()
    assert again.with_suffix(".srt").read_bytes() == out.with_suffix(".srt").read_bytes()


def test_failed_build_keeps_the_previous_video(built, monkeypatch, tmp_path):
    script, out, _, _, settings = built
    settings = dataclasses.replace(settings, cache_dir=tmp_path / "cold")  # nothing cached: it must render
    before = out.read_bytes()
    from screenplay_compiler.render import renderer

    calls = {"n": 0}
    real = renderer.Renderer.render_rgba

    def render_then_stop(self, frame):
        calls["n"] += 1
        if calls["n"] == 20:
            raise KeyboardInterrupt
        return real(self, frame)

    monkeypatch.setattr(renderer.Renderer, "render_rgba", render_then_stop)
    with pytest.raises(KeyboardInterrupt):
        api.build(script, out, settings)
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["clip.mp4", "clip.provenance.json", "clip.srt", "clip.vtt"]


@pytest.mark.e2e
def test_the_chinese_keyword_example_builds_to_a_video(tmp_path):
    """examples/ye-yu.play uses no English keyword; it builds, speaks Mandarin and subtitles in Chinese."""
    from .conftest import ROOT

    out = tmp_path / "ye-yu.mp4"
    settings = api.BuildSettings(width=160, height=90, fps=10, cache_dir=tmp_path / "cache")
    api.build(ROOT / "examples" / "ye-yu.play", out, settings)
    frames = decode_video(out)
    assert frames[0].shape == (90, 160, 3) and len(frames) > 50
    samples, rate = decode_audio(out)
    assert rate == 48000 and float(np.sqrt(np.mean(samples ** 2))) > 0.01
    srt = out.with_suffix(".srt").read_text(encoding="utf-8")
    assert "桥断了。" in srt and "我们等不到天亮了。潮水不会退的。" in srt
    episode = api.compile_file(ROOT / "examples" / "ye-yu.play").episode
    assert {c.voice.engine for c in episode.characters} == {"espeak"} and episode.scenes[0].weather == "rain"
