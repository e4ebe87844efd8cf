"""Loudness (ITU-R BS.1770-4), true peak, the limiter and mastering; the exact IIR filters under them."""

from __future__ import annotations

import re
import subprocess

import imageio_ffmpeg
import numpy as np
import pytest

from screenplay_compiler import dsp, loudness, mix

SR = 48000


def sine(freq: float, seconds: float, dbfs: float, channels: int = 2) -> np.ndarray:
    """A sine at ``dbfs`` peak on every channel."""
    t = np.arange(int(seconds * SR)) / SR
    x = 10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t)
    return np.stack([x] * channels, axis=1)


def programme(seed: int = 1) -> np.ndarray:
    """Twenty seconds of uneven stereo material: tone bursts, noise, a long quiet stretch."""
    rng = np.random.default_rng(seed)
    t = np.arange(20 * SR) / SR
    left = 0.2 * np.sin(2 * np.pi * 440 * t) * (t < 6) + 0.05 * rng.standard_normal(len(t)) * (t > 4)
    right = 0.1 * rng.standard_normal(len(t)) * (np.sin(2 * np.pi * 0.4 * t) > 0) + 0.002 * rng.standard_normal(len(t))
    return np.stack([left, right], axis=1)


def ffmpeg_ebur128(path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBFS) as ffmpeg's ebur128 filter measures a file."""
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path),
           "-af", "ebur128=peak=true", "-f", "null", "-"]
    log = subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
    summary = log[log.rindex("Summary:"):]
    return (float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1)),
            float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1)))


class TestFilters:
    """The exact block-wise IIR recursion."""

    @pytest.mark.parametrize("pole", [0.995, 0.5 + 0.7j, 0.856 * np.exp(0.16j), -0.9, 0.1, 1e-4, 0.99999])
    def test_one_pole_matches_the_sample_loop(self, pole):
        x = np.random.default_rng(0).standard_normal(3000)
        got = dsp.one_pole(x.astype(complex), complex(pole))
        assert np.abs(got - dsp.one_pole_reference(x, pole)).max() < 1e-9

    def test_biquads_match_direct_form(self):
        x = np.random.default_rng(1).standard_normal(4000)
        (b1, a1), (b2, a2) = loudness.k_filters(SR)
        for b, a in ((b1, a1), (b2, a2), ((0.2, 0.1, 0.0), (1.0, -0.5, 0.06))):
            y, x1, x2, y1, y2 = np.zeros(len(x)), 0.0, 0.0, 0.0, 0.0
            for i, v in enumerate(x):
                y[i] = b[0] * v + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
                x2, x1, y2, y1 = x1, v, y1, y[i]
            assert np.abs(dsp.biquad(x, b, a) - y).max() < 1e-9

    def test_k_filters_are_the_published_48k_coefficients(self):
        (b1, a1), (b2, a2) = loudness.k_filters(48000)
        np.testing.assert_allclose(b1, [1.53512485958697, -2.69169618940638, 1.19839281085285], atol=1e-9)
        np.testing.assert_allclose(a1, [1.0, -1.69065929318241, 0.73248077421585], atol=1e-9)
        np.testing.assert_allclose(b2, [1.0, -2.0, 1.0])
        np.testing.assert_allclose(a2, [1.0, -1.99004745483398, 0.99007225036621], atol=1e-9)


class TestIntegratedLoudness:
    """BS.1770-4 integrated loudness and its gates."""

    def test_ebu_reference_sine(self):
        # EBU Tech 3341: a 1 kHz stereo sine at -23 dBFS reads -23.0 LUFS.
        assert loudness.integrated_loudness(sine(1000, 10, -23.0), SR) == pytest.approx(-23.0, abs=0.05)

    def test_silence_and_short_audio_are_minus_infinity(self):
        assert loudness.integrated_loudness(np.zeros((SR * 2, 2)), SR) == -np.inf
        assert loudness.integrated_loudness(sine(1000, 0.3, -10), SR) == -np.inf

    def test_absolute_gate_ignores_silence(self):
        # Ungated, ten silent seconds after five of tone would read 4.8 LU lower; gated, only the
        # three blocks that straddle the end of the tone count, a tenth of a LU or so.
        tone = sine(1000, 5, -20)
        padded = np.vstack([tone, np.zeros((SR * 10, 2))])
        assert loudness.integrated_loudness(padded, SR) == pytest.approx(loudness.integrated_loudness(tone, SR), abs=0.2)

    def test_relative_gate_ignores_quiet_passages(self):
        loud, quiet = sine(1000, 5, -20), sine(1000, 5, -45)  # 25 LU quieter: under the -10 LU gate
        both = loudness.integrated_loudness(np.vstack([loud, quiet]), SR)
        assert both == pytest.approx(loudness.integrated_loudness(loud, SR), abs=0.2)

    def test_matches_ffmpeg_ebur128(self, tmp_path):
        x = programme()
        path = tmp_path / "programme.wav"
        mix.write_wav(path, x, SR)
        ours = loudness.integrated_loudness(x, SR)
        theirs, peak = ffmpeg_ebur128(path)
        assert ours == pytest.approx(theirs, abs=0.1)
        assert loudness.db(loudness.true_peak(x)) == pytest.approx(peak, abs=0.3)


class TestPeaksAndMastering:
    """True peak, the limiter and the -16 LUFS / -1 dBTP master."""

    def test_true_peak_finds_inter_sample_overs(self):
        t = np.arange(4800)
        x = np.sin(np.pi / 2 * t + np.pi / 4)  # a quarter-rate sine sampled at +-0.707
        assert np.abs(x).max() == pytest.approx(0.7071, abs=1e-3)
        assert loudness.true_peak(x) == pytest.approx(1.0, abs=0.02)

    def test_limiter_keeps_sample_peaks_under_the_ceiling(self):
        rng = np.random.default_rng(2)
        x = np.clip(rng.standard_normal((SR * 3, 2)) * 0.05, -0.3, 0.3)
        x[::12000] = 0.95  # a spike every quarter of a second
        y = loudness.limit(x, SR, 0.5)
        assert np.abs(y).max() <= 0.5 * (1 + 1e-9)
        far = np.abs((np.arange(len(x)) % 12000) - 6000) < 2000  # well away from every spike
        np.testing.assert_allclose(y[far], x[far])

    def test_master_hits_target_and_ceiling(self, tmp_path):
        rng = np.random.default_rng(3)
        speechy = rng.standard_normal((SR * 8, 2)) * np.repeat(rng.random(80) > 0.4, SR // 10)[:, None] * 0.05
        speechy[:: 9000] *= 12.0  # peaky: the gain alone would push true peaks over
        y = loudness.master(speechy, SR)
        assert loudness.integrated_loudness(y, SR) == pytest.approx(-16.0, abs=0.2)
        assert loudness.db(loudness.true_peak(y)) <= -1.0
        path = tmp_path / "m.wav"
        mix.write_wav(path, y, SR)
        lufs, peak = ffmpeg_ebur128(path)
        assert abs(lufs + 16.0) <= 1.0 and peak <= -1.0

    def test_master_without_overs_is_a_pure_gain(self):
        x = sine(1000, 5, -40)
        y = loudness.master(x, SR)
        ratio = y[1000:-1000] / x[1000:-1000]
        assert np.ptp(ratio[np.abs(x[1000:-1000]) > 1e-3]) < 1e-9
        assert loudness.integrated_loudness(y, SR) == pytest.approx(-16.0, abs=0.01)

    def test_master_leaves_silence_alone(self):
        assert not np.any(loudness.master(np.zeros((SR, 2)), SR))
