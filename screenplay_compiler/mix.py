"""Audio mix stage: place line audio on a stereo timeline and write a 16-bit WAV."""

from __future__ import annotations

import hashlib
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from . import atomic

from .voice import LineAudio, db_to_gain, resample

MIX_RATE = 48000
CEILING_DBFS = -1.0
MAX_BOOST_DB = 12.0  # quiet mixes are raised at most this much, so whispers stay whispers
_OVERSAMPLE = 4
_PEAK_WINDOWS = 32
_PEAK_HALF_WIDTH = 32


@dataclass(frozen=True)
class Placement:
    """One line of audio on the timeline: when it starts, how loud, where it sits (pan -1..1)."""

    start: float
    audio: LineAudio
    gain_db: float = 0.0
    pan: float = 0.0


def pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power (sin/cos) left and right gains for pan in [-1, 1]."""
    theta = (min(max(pan, -1.0), 1.0) + 1.0) * np.pi / 4.0
    return float(np.cos(theta)), float(np.sin(theta))


def _add(out: np.ndarray, samples: np.ndarray, offset: int, gains: tuple[float, float]) -> None:
    """Add mono ``samples`` into stereo ``out`` at ``offset``, cutting what falls outside."""
    lo, hi = max(offset, 0), min(offset + len(samples), len(out))
    if hi <= lo:
        return
    part = samples[lo - offset : hi - offset].astype(np.float64)
    out[lo:hi, 0] += part * gains[0]
    out[lo:hi, 1] += part * gains[1]


def true_peak(samples: np.ndarray) -> float:
    """Peak including inter-sample overs: 4x oversampling of the loudest blocks of each channel."""
    frames = np.asarray(samples, np.float64).reshape(len(samples), -1)
    if frames.size == 0:
        return 0.0
    return max(_channel_true_peak(frames[:, ch]) for ch in range(frames.shape[1]))


def _channel_true_peak(x: np.ndarray) -> float:
    """True-peak estimate of one channel."""
    block = 2 * _PEAK_HALF_WIDTH
    n_blocks = -(-len(x) // block)
    padded = np.zeros(n_blocks * block)
    padded[: len(x)] = x
    block_peaks = np.abs(padded).reshape(n_blocks, block).max(axis=1)
    top = np.argpartition(block_peaks, -min(_PEAK_WINDOWS, n_blocks))[-_PEAK_WINDOWS:]
    peak = float(block_peaks.max())
    for b in top:
        lo, hi = max(0, b * block - block), min(len(x), (b + 2) * block)
        window = x[lo:hi] * _edge_taper(hi - lo, block)  # no wrap-around step at the edges
        peak = max(peak, float(np.abs(_upsample(window, _OVERSAMPLE)).max()))
    return peak


def _edge_taper(n: int, ramp: int) -> np.ndarray:
    """Ones with raised-cosine ramps of ``ramp`` samples at both ends."""
    w = np.ones(n)
    r = min(ramp, n // 2)
    if r:
        up = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, r))
        w[:r], w[n - r :] = up, up[::-1]
    return w


def _upsample(x: np.ndarray, factor: int) -> np.ndarray:
    """FFT (band-limited) upsampling of a short window by an integer factor."""
    n = len(x)
    spec = np.fft.rfft(x.astype(np.float64))
    out = np.zeros(n * factor // 2 + 1, np.complex128)
    out[: len(spec)] = spec
    return np.fft.irfft(out, n=n * factor) * factor


def normalize(samples: np.ndarray) -> np.ndarray:
    """One static gain (no pumping) that puts the true peak at the ceiling, boost capped."""
    peak = true_peak(samples)
    if peak <= 1e-9:
        return samples
    gain = min(db_to_gain(CEILING_DBFS) / peak, db_to_gain(MAX_BOOST_DB))
    return samples * gain


def mix(placements: Sequence[Placement], duration: float, sample_rate: int = MIX_RATE) -> np.ndarray:
    """Sum placed lines into a stereo float32 buffer of ``duration`` seconds, peak-safe."""
    out = np.zeros((max(0, int(round(duration * sample_rate))), 2), np.float64)
    for p in placements:
        samples = resample(p.audio.samples, p.audio.sample_rate, sample_rate)
        left, right = pan_gains(p.pan)
        gain = db_to_gain(p.gain_db)
        _add(out, samples, int(round(p.start * sample_rate)), (left * gain, right * gain))
    return np.clip(normalize(out), -1.0, 1.0).astype(np.float32)


def _dither_seed(samples: np.ndarray) -> int:
    """Seed for the dither, derived from the audio itself (deterministic, content-addressed)."""
    return int.from_bytes(hashlib.sha256(np.ascontiguousarray(samples).tobytes()).digest()[:8], "big")


def to_pcm16(samples: np.ndarray) -> np.ndarray:
    """Float [-1, 1] to int16 with TPDF dither; exact digital silence stays silent."""
    x = np.asarray(samples, np.float64) * 32767.0
    rng = np.random.default_rng(_dither_seed(samples))
    dither = rng.random(x.shape) - rng.random(x.shape)  # triangular, +-1 LSB
    dither[x == 0.0] = 0.0
    return np.clip(np.round(x + dither), -32768, 32767).astype("<i2")


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write mono (n,) or multichannel (n, c) float audio as 16-bit PCM, atomically."""
    path = Path(path)
    pcm = to_pcm16(samples)
    channels = 1 if pcm.ndim == 1 else pcm.shape[1]
    with atomic.writer(path) as fh, wave.open(fh, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm.tobytes())
