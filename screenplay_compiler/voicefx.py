"""Voice colour after synthesis: a per-character timbre, breathiness and a sobbing shake.

Every engine's line passes through here, so five characters on one voice model still sound
like five people: each name seeds a small formant shift (the spectral envelope is stretched
while the harmonics stay put, so pitch does not move), a spectral tilt and some breath.
All of it works on a short-time spectrum; the envelope is the liftered cepstrum of a frame.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from . import dsp

N_FFT = 1024
HOP = 256
_LIFTER_S = 0.0018  # quefrencies below 1.8 ms are the envelope; a voice's pitch period is longer
_MAX_GAIN_DB = 12.0
_FORMANT_SPREAD = 0.09  # formant factors lie within 1 +- this
_TILT_SPREAD_DB = 2.5  # dB per octave either way
_BREATH_MAX = 0.12
_TREMOLO_HZ = 5.5


@dataclass(frozen=True)
class Timbre:
    """A character's voice colour: formant scale, spectral tilt (dB/octave about 1 kHz), breath."""

    formant: float = 1.0
    tilt_db: float = 0.0
    breath: float = 0.0

    @property
    def neutral(self) -> bool:
        """True when applying the timbre would change nothing."""
        return self.formant == 1.0 and self.tilt_db == 0.0 and self.breath == 0.0


def timbre_for(name: str) -> Timbre:
    """The seeded timbre of the character called ``name`` (an empty name: no change)."""
    if not name:
        return Timbre()
    digest = hashlib.sha256(f"timbre|{name}".encode("utf-8")).digest()
    u = [int.from_bytes(digest[i : i + 4], "big") / 2**32 for i in (0, 4, 8)]
    return Timbre(formant=round(1.0 + _FORMANT_SPREAD * (2.0 * u[0] - 1.0), 4),
                  tilt_db=round(_TILT_SPREAD_DB * (2.0 * u[1] - 1.0), 3),
                  breath=round(_BREATH_MAX * u[2], 3))


def _envelope(log_mag: np.ndarray, rate: int) -> np.ndarray:
    """Smooth log-magnitude envelope of each frame (cepstral liftering)."""
    cep = np.fft.irfft(log_mag, n=N_FFT, axis=1)
    keep = max(4, int(_LIFTER_S * rate))
    cep[:, keep : N_FFT - keep + 1] = 0.0
    return np.fft.rfft(cep, axis=1).real


def _warp(env: np.ndarray, factor: float) -> np.ndarray:
    """The envelope stretched along frequency by ``factor`` (linear interpolation between bins)."""
    pos = np.arange(env.shape[1]) / factor
    i0 = np.clip(np.floor(pos).astype(int), 0, env.shape[1] - 1)
    i1 = np.clip(i0 + 1, 0, env.shape[1] - 1)
    w = np.clip(pos - i0, 0.0, 1.0)
    return env[:, i0] * (1.0 - w) + env[:, i1] * w


def _noise_phase(shape: tuple[int, int], seed: str) -> np.ndarray:
    """Unit phasors with uniformly random angles, seeded from content."""
    return np.exp(2j * np.pi * dsp.seeded_rng(seed).random(shape))


def colour(samples: np.ndarray, rate: int, timbre: Timbre, breath: float = 0.0, seed: str = "") -> np.ndarray:
    """Apply a timbre and ``breath`` (0 voiced .. 1 whispered) to mono ``samples``."""
    breath = max(breath, timbre.breath)
    if len(samples) < N_FFT or (timbre.formant == 1.0 and timbre.tilt_db == 0.0 and breath <= 0.0):
        return np.asarray(samples, np.float32).copy()
    spec = dsp.stft(samples, N_FFT, HOP)
    mag = np.abs(spec)
    log_mag = np.log(mag + 1e-9)
    env = _envelope(log_mag, rate)
    gain = _warp(env, timbre.formant) - env if timbre.formant != 1.0 else np.zeros_like(env)
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / rate)
    octaves = np.log2(np.maximum(freqs, 62.5) / 1000.0)
    gain += timbre.tilt_db * octaves[None, :] * math.log(10.0) / 20.0
    limit = _MAX_GAIN_DB * math.log(10.0) / 20.0
    spec = spec * np.exp(np.clip(gain, -limit, limit))
    if breath > 0.0:
        spec = _breathe(spec, env + gain, breath, seed)
    return dsp.istft(spec, len(samples), N_FFT, HOP).astype(np.float32)


def _breathe(spec: np.ndarray, env: np.ndarray, amount: float, seed: str) -> np.ndarray:
    """Blend in noise shaped like the envelope at the frame's energy (whisper: no voicing left)."""
    noise = np.exp(env) * _noise_phase(spec.shape, f"breath|{seed}")
    noise *= np.linspace(0.6, 1.4, spec.shape[1])[None, :]  # breath is brighter than voice
    energy = np.sqrt(np.sum(np.abs(spec) ** 2, axis=1, keepdims=True))
    noise *= energy / np.maximum(np.sqrt(np.sum(np.abs(noise) ** 2, axis=1, keepdims=True)), 1e-12)
    return spec * math.sqrt(1.0 - amount) + noise * math.sqrt(amount)


def shake(samples: np.ndarray, rate: int, depth: float) -> np.ndarray:
    """A sob or a laugh: amplitude pulsing at 5.5 Hz, ``depth`` 0..1."""
    if depth <= 0.0:
        return np.asarray(samples, np.float32).copy()
    t = np.arange(len(samples)) / rate
    env = 1.0 - depth * (0.5 + 0.5 * np.sin(2.0 * np.pi * _TREMOLO_HZ * t))
    return (samples * env).astype(np.float32)
