"""Mix stage: placement, panning, resampling, levels and WAV output."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from screenplay_compiler import mix, voice

SR = 22050


def tone(freq: float, seconds: float, amp: float = 0.5, sr: int = SR) -> voice.LineAudio:
    """A sine burst with short fades, as a LineAudio."""
    t = np.arange(int(seconds * sr)) / sr
    x = amp * np.sin(2 * np.pi * freq * t)
    fade = min(len(x) // 2, int(0.005 * sr))
    x[:fade] *= np.linspace(0, 1, fade)
    x[len(x) - fade :] *= np.linspace(1, 0, fade)
    return voice.LineAudio(x.astype(np.float32), sr, ())


def dominant_freq(x: np.ndarray, sr: int) -> float:
    """Frequency of the strongest FFT bin (Hann window)."""
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / sr)[np.argmax(spec)])


def window_rms(x: np.ndarray, sr: int, seconds: float = 0.05) -> np.ndarray:
    """RMS per window of ``seconds``."""
    n = int(sr * seconds)
    frames = x[: len(x) // n * n].reshape(-1, n, *x.shape[1:])
    return np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=tuple(range(1, frames.ndim))))


class TestMix:
    """Placement, panning, gain and the peak ceiling."""

    def test_shape_dtype_and_length(self):
        out = mix.mix([mix.Placement(0.5, tone(300, 0.5))], duration=2.0)
        assert out.shape == (2 * mix.MIX_RATE, 2) and out.dtype == np.float32

    def test_placement_offset_and_silence_elsewhere(self):
        out = mix.mix([mix.Placement(1.25, tone(300, 0.5))], duration=3.0)
        loud = np.flatnonzero(np.abs(out).max(axis=1) > 1e-4)
        assert loud[0] == pytest.approx(1.25 * mix.MIX_RATE, abs=int(0.006 * mix.MIX_RATE))
        assert loud[-1] == pytest.approx(1.75 * mix.MIX_RATE, abs=int(0.006 * mix.MIX_RATE))
        assert not np.any(out[: int(1.2 * mix.MIX_RATE)]) and not np.any(out[int(1.8 * mix.MIX_RATE) :])
        levels = window_rms(out, mix.MIX_RATE)
        assert levels[26:34].min() > 0.1 and levels[:24].max() == 0.0

    def test_overlaps_sum(self):
        a = mix.mix([mix.Placement(0.0, tone(300, 1.0, amp=0.4))], 1.0)
        both = mix.mix([mix.Placement(0.0, tone(300, 1.0, amp=0.4))] * 2, 1.0)
        assert mix.true_peak(both) == pytest.approx(mix.true_peak(a), rel=1e-3)  # both at the ceiling
        raw = mix.mix([mix.Placement(0.0, tone(300, 1.0, amp=0.1)), mix.Placement(0.5, tone(300, 0.5, amp=0.1))], 1.0)
        first, second = np.abs(raw[: mix.MIX_RATE // 2]).max(), np.abs(raw[mix.MIX_RATE // 2 + 500 :]).max()
        assert second == pytest.approx(2 * first, rel=0.02)

    def test_constant_power_pan(self):
        left, right = mix.pan_gains(0.0)
        assert left == pytest.approx(right) and left**2 + right**2 == pytest.approx(1.0)
        out = mix.mix([mix.Placement(0.0, tone(300, 0.5), pan=-1.0)], 0.5)
        assert np.abs(out[:, 1]).max() < 1e-6 and np.abs(out[:, 0]).max() > 0.5
        for pan in (-0.6, 0.3, 1.0):
            gl, gr = mix.pan_gains(pan)
            assert gl**2 + gr**2 == pytest.approx(1.0)

    def test_gain_db_is_relative(self):
        out = mix.mix([mix.Placement(0.0, tone(300, 0.5)), mix.Placement(1.0, tone(300, 0.5), gain_db=-12.0)], 1.5)
        ratio = np.abs(out[mix.MIX_RATE :]).max() / np.abs(out[: mix.MIX_RATE // 2]).max()
        assert ratio == pytest.approx(10 ** (-12 / 20), rel=0.01)

    def test_peak_ceiling_and_no_clipping(self):
        hot = [mix.Placement(0.0, tone(440, 1.0, amp=0.99)) for _ in range(4)]
        out = mix.mix(hot, 1.0)
        assert mix.true_peak(out) <= 10 ** (mix.CEILING_DBFS / 20) * 1.001
        assert np.abs(out).max() < 1.0

    def test_quiet_mix_boost_is_capped(self):
        out = mix.mix([mix.Placement(0.0, tone(300, 0.5, amp=0.001))], 0.5)
        assert np.abs(out).max() == pytest.approx(0.001 * np.sqrt(0.5) * 10 ** (mix.MAX_BOOST_DB / 20), rel=0.02)

    def test_deterministic(self):
        places = [mix.Placement(0.1, tone(250, 0.4), pan=0.3), mix.Placement(0.3, tone(500, 0.4), pan=-0.2)]
        assert np.array_equal(mix.mix(places, 1.0), mix.mix(places, 1.0))

    def test_lines_past_the_end_are_cut(self):
        out = mix.mix([mix.Placement(0.8, tone(300, 0.5)), mix.Placement(-0.2, tone(300, 0.5))], 1.0)
        assert out.shape == (mix.MIX_RATE, 2) and np.abs(out[-10:]).max() > 0


class TestResample:
    """The band-limited resampler used by the mix."""

    @pytest.mark.parametrize("freq", [220.0, 1000.0, 5000.0])
    def test_preserves_sine_frequency(self, freq):
        up = voice.resample(tone(freq, 1.0).samples, SR, mix.MIX_RATE)
        assert len(up) == mix.MIX_RATE
        assert dominant_freq(up, mix.MIX_RATE) == pytest.approx(freq, abs=1.5)

    def test_preserves_level_and_has_no_aliasing(self):
        x = tone(1000.0, 1.0, amp=0.5).samples
        up = voice.resample(x, SR, mix.MIX_RATE)
        mid = up[mix.MIX_RATE // 4 : 3 * mix.MIX_RATE // 4]
        assert np.abs(mid).max() == pytest.approx(0.5, rel=0.01)
        spec = np.abs(np.fft.rfft(mid * np.hanning(len(mid))))
        freqs = np.fft.rfftfreq(len(mid), 1 / mix.MIX_RATE)
        assert spec[freqs > 11025].max() < 1e-3 * spec.max()

    def test_downsample_removes_content_above_nyquist(self):
        x = tone(10000.0, 1.0, sr=mix.MIX_RATE).samples
        down = voice.resample(x, mix.MIX_RATE, 16000)
        assert np.abs(down[2000:-2000]).max() < 0.01


class TestWav:
    """16-bit WAV output: round trip, dither, atomic writes."""

    def test_round_trip(self, tmp_path):
        out = mix.mix([mix.Placement(0.2, tone(440, 0.5))], 1.0)
        path = tmp_path / "mix.wav"
        mix.write_wav(path, out, mix.MIX_RATE)
        with wave.open(str(path), "rb") as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, mix.MIX_RATE)
            assert wav.getnframes() == len(out)
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").reshape(-1, 2)
        assert np.abs(pcm / 32767.0 - out).max() <= 2.0 / 32767.0
        assert not np.any(pcm[: int(0.15 * mix.MIX_RATE)]), "digital silence stays silent (no dither)"

    def test_mono_and_deterministic_dither(self, tmp_path):
        x = tone(440, 0.3).samples * 0.01
        a, b = tmp_path / "a.wav", tmp_path / "b.wav"
        mix.write_wav(a, x, SR)
        mix.write_wav(b, x, SR)
        assert a.read_bytes() == b.read_bytes()
        with wave.open(str(a), "rb") as wav:
            assert wav.getnchannels() == 1

    def test_atomic_no_temp_left_and_replaces(self, tmp_path):
        path = tmp_path / "out.wav"
        path.write_bytes(b"old")
        mix.write_wav(path, np.zeros((100, 2), np.float32), mix.MIX_RATE)
        assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]
        assert path.read_bytes()[:4] == b"RIFF"

    def test_failed_write_leaves_old_file(self, tmp_path):
        path = tmp_path / "out.wav"
        path.write_bytes(b"old")
        with pytest.raises(wave.Error):
            mix.write_wav(path, np.zeros((10, 2), np.float32), sample_rate=0)
        assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["out.wav"]
