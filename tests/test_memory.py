"""Bounded memory in the audio stage: chunked loudness, true peak, limiter and dither equal the
whole-signal computations, and a mix's peak memory grows by a few bytes per sample."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from .conftest import tone
from screenplay_compiler import api, dsp, loudness, mix

SR = 48000


def _noise(seconds: float, seed: int = 0) -> np.ndarray:
    """Stereo noise with a slow swell (so blocks differ), float32."""
    n = int(seconds * SR)
    swell = 0.05 + 0.2 * np.sin(np.linspace(0, 9, n)) ** 2
    return (np.random.default_rng(seed).standard_normal((n, 2)) * swell[:, None]).astype(np.float32)


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of about 0.2 s, so a few seconds of audio cross many chunk boundaries."""
    monkeypatch.setattr(dsp, "CHUNK", 10007)


class TestChunkedEqualsWhole:
    def test_block_powers(self, small_chunks):
        x = _noise(6.0)
        y = loudness.k_weight(x, SR)
        energy = np.concatenate([[0.0], np.cumsum(np.sum(y * y, axis=1))])
        starts = np.arange(0, len(y) - 19200 + 1, 4800)
        whole = (energy[starts + 19200] - energy[starts]) / 19200
        got = loudness.block_powers(x, SR)
        assert got.shape == whole.shape
        assert np.abs(got / whole - 1).max() < 1e-9

    def test_true_peak(self, small_chunks):
        x = _noise(2.0, seed=1)
        x[10007 * 3 - 1] = 0.9  # an over right at a chunk boundary
        x[10007 * 3] = -0.9
        chunked = loudness.true_peak(x)
        dsp_chunk = dsp.CHUNK
        dsp.CHUNK = len(x)
        try:
            whole = loudness.true_peak(x)
        finally:
            dsp.CHUNK = dsp_chunk
        assert chunked == pytest.approx(whole, rel=1e-6) and chunked > 0.9

    def test_limiter_gain(self, small_chunks):
        x = _noise(3.0, seed=2).astype(np.float64)
        x[:: SR // 7] = 0.95
        gain = loudness.limiter_gain(x, SR, 0.5)
        need = np.minimum(1.0, 0.5 / np.maximum(np.abs(x).max(axis=1), 1e-12))
        ahead, hold = int(0.005 * SR), int(loudness.HOLD_S * SR)
        whole = dsp.moving_average(dsp.sliding_min(need, hold, ahead), ahead)
        assert np.abs(gain - whole).max() < 1e-9  # the whole-signal running sum rounds a little worse

    def test_master_matches_with_any_chunking(self, small_chunks):
        x = _noise(4.0, seed=3) * 0.2
        x[:: SR // 3] = 0.99  # clicks: the limiter works
        small = loudness.master(x, SR)
        dsp.CHUNK = 1 << 19
        whole = loudness.master(x, SR)
        assert small.dtype == np.float32 and np.abs(small - whole).max() < 1e-6
        assert loudness.db(loudness.true_peak(small)) <= -1.0

    def test_master_in_place(self, small_chunks):
        x = _noise(3.0, seed=4) * 0.2
        x[:: 10007 // 2] = 0.99  # clicks at and near chunk boundaries: the limiter reads back across them
        expected = loudness.master(x, SR)
        got = loudness.master(x, SR, out=x)
        assert got.base is x or got is x
        np.testing.assert_array_equal(x, expected)

    def test_dither_chunks_give_the_one_pass_bytes(self, small_chunks):
        x = _noise(1.5, seed=5)
        x[:100] = 0.0
        scaled = np.asarray(x, np.float64) * 32767.0
        rng = np.random.default_rng(mix._dither_seed(x))
        dither = rng.random(scaled.shape) - rng.random(scaled.shape)
        dither[scaled == 0.0] = 0.0
        one_pass = np.clip(np.round(scaled + dither), -32768, 32767).astype("<i2")
        np.testing.assert_array_equal(mix.to_pcm16(x), one_pass)


def test_ducked_music_added_in_place_equals_the_whole_bed_times_its_gain(tmp_path, small_chunks):
    from screenplay_compiler import ambience
    from screenplay_compiler.tracks import SoundPlacement

    t = np.arange(SR * 3) / SR
    mix.write_wav(tmp_path / "m.wav", np.stack([0.3 * np.sin(2 * np.pi * 220 * t), 0.3 * np.sin(2 * np.pi * 330 * t)], 1), SR)
    cues = [SoundPlacement(event_id="a", kind="music", start=0.5, path="m.wav", gain_db=-3, fade_in=1.0, fade_out=0.5),
            SoundPlacement(event_id="b", kind="music", start=5.0, path="m.wav", fade_in=2.0, fade_out=1.0)]
    n, speech = SR * 10, [(2.0, 3.0), (6.0, 7.5)]
    whole = ambience.music_bed(cues, tmp_path, n) * ambience.duck_gain(ambience.speech_amount(speech, n), -10.0)[:, None]
    out = np.zeros((n, 2), np.float32)
    ambience.add_music(out, cues, tmp_path, ambience.ducker(ambience.speech_control(speech, n), -10.0))
    assert np.abs(out).max() > 0.01 and np.abs(out - whole).max() < 1e-6


SCRIPT_HEAD = """Title: Memory
CAST
MEI: young woman, black ponytail, red coat
JUN: tall man, short brown hair, blue jacket

EXT. OLD BRIDGE - DAY
"""


def _mix_peak(lines: int) -> tuple[int, int]:
    """(frames, peak traced bytes) of mixing a two-hander of ``lines`` three-second lines."""
    body = "".join(f"{'MEI' if i % 2 else 'JUN'} (calm): Line number {i + 1}.\n" for i in range(lines))
    compiled = api.compile_text(SCRIPT_HEAD + body, "memory.play")
    clip = tone(3.0)
    audio = {e.id: clip for s in compiled.episode.shots for e in s.events if type(e).__name__ == "Line"}
    tracks = api.schedule(compiled.episode, audio, api.BuildSettings(width=160, height=90, fps=12))
    mix.mix_episode(compiled.episode, tracks, audio, None)  # warm the effect caches
    tracemalloc.start()
    try:
        out = mix.mix_episode(compiled.episode, tracks, audio, None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return len(out), peak


def test_mix_memory_grows_by_a_few_bytes_per_sample():
    """A float32 stereo copy is 8 bytes a frame; the whole stage stays within about three of them
    (the old float64 mix took some 250), plus chunk-sized working space."""
    short_frames, short_peak = _mix_peak(6)
    long_frames, long_peak = _mix_peak(20)
    assert long_frames / SR > 60
    per_frame = (long_peak - short_peak) / (long_frames - short_frames)
    assert per_frame < 20, f"{per_frame:.1f} bytes per frame"
    assert long_peak < 24 * long_frames + 120e6, f"{long_peak / 1e6:.0f} MB for {long_frames / SR:.0f} s"
