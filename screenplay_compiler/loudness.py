"""Loudness (ITU-R BS.1770-4 / EBU R128) and mastering to a target: -16 LUFS, -1 dBTP.

Integrated loudness: K-weighting (a high shelf, then the RLB highpass, both biquads run
exactly by :func:`dsp.biquad`), mean squares over 400 ms blocks every 100 ms, an absolute
gate at -70 LUFS and a relative gate 10 LU below the absolute-gated loudness. True peak:
4x band-limited oversampling of the whole signal, in overlapping chunks.
"""

from __future__ import annotations

import math

import numpy as np

from . import dsp

TARGET_LUFS = -16.0
CEILING_DBTP = -1.0
ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
BLOCK_S = 0.4
STEP_S = 0.1
_OFFSET = -0.691
_OVERSAMPLE = 4
_TAPS_PER_PHASE = 16
_LOOKAHEAD_S = 0.005
HOLD_S = 0.08
_LIMIT_MARGIN_DB = 0.3  # the limiter aims this far under the ceiling (room for inter-sample overs)
_LIMIT_ROUNDS = 8
_SAFETY_DB = 0.1  # meters differ by a few hundredths of a dB (ffmpeg's interpolator is not ours)


def k_filters(rate: int) -> tuple[tuple, tuple]:
    """The two K-weighting biquads ``((b, a) shelf, (b, a) highpass)`` at ``rate`` Hz.

    The analogue prototypes (libebur128's constants) give BS.1770's published 48 kHz
    coefficients to nine digits and the same curve at any other rate.
    """
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf = ((vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0), \
        (1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0)
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1.0 + k / q + k * k
    highpass = (1.0, -2.0, 1.0), (1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0)
    return shelf, highpass


def _frames(samples: np.ndarray) -> np.ndarray:
    """Audio as float64 (n, channels)."""
    x = np.asarray(samples, np.float64)
    return x.reshape(len(x), -1)


def k_weight(samples: np.ndarray, rate: int) -> np.ndarray:
    """K-weighted copy of ``samples`` (n,) or (n, channels)."""
    (b1, a1), (b2, a2) = k_filters(rate)
    return dsp.biquad(dsp.biquad(_frames(samples), b1, a1), b2, a2)


def block_powers(samples: np.ndarray, rate: int) -> np.ndarray:
    """Channel-summed mean square of each 400 ms gating block (100 ms apart), K-weighted."""
    return _block_powers(k_weight(samples, rate), rate)


def _block_powers(y: np.ndarray, rate: int) -> np.ndarray:
    """Block mean squares of an already K-weighted (n, channels) signal."""
    size, step = int(round(BLOCK_S * rate)), int(round(STEP_S * rate))
    if len(y) < size:
        return np.zeros(0)
    energy = np.concatenate([[0.0], np.cumsum(np.sum(y * y, axis=1))])
    starts = np.arange(0, len(y) - size + 1, step)
    return (energy[starts + size] - energy[starts]) / size


def _lufs(power: float) -> float:
    """Loudness of a mean square."""
    return _OFFSET + 10.0 * math.log10(power) if power > 0 else -math.inf


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Gated integrated loudness in LUFS (-inf for silence or audio shorter than one block)."""
    return gated_loudness(block_powers(samples, rate))


def gated_loudness(z: np.ndarray) -> float:
    """BS.1770's two gates over block powers ``z``, then their loudness."""
    with np.errstate(divide="ignore"):
        levels = _OFFSET + 10.0 * np.log10(np.maximum(z, 1e-300))
    kept = z[levels > ABSOLUTE_GATE]
    if not len(kept):
        return -math.inf
    relative = _lufs(float(kept.mean())) + RELATIVE_GATE
    gated = z[(levels > ABSOLUTE_GATE) & (levels > relative)]
    return _lufs(float(gated.mean())) if len(gated) else -math.inf


def true_peak(samples: np.ndarray) -> float:
    """Largest absolute value of the 4x oversampled signal (linear, all channels).

    The in-between samples come from a 64-tap Kaiser-windowed sinc interpolator (16 taps per
    phase; BS.1770-4 Annex 2 suggests 48), applied to the whole signal.
    """
    x = _frames(samples)
    if x.size == 0:
        return 0.0
    peak = float(np.abs(x).max())
    half = _TAPS_PER_PHASE // 2
    padded = np.pad(x, ((half, half), (0, 0))).astype(np.float32)  # float32: peaks to 1e-7, twice as fast
    for phase in range(1, _OVERSAMPLE):
        y = np.zeros(x.shape, np.float32)
        for j, tap in enumerate(_phase_taps(phase).astype(np.float32)):
            y += tap * padded[j + 1 : j + 1 + len(x)]
        peak = max(peak, float(np.abs(y).max()))
    return peak


def _phase_taps(phase: int) -> np.ndarray:
    """Interpolator taps for the point ``phase / 4`` of the way from sample i to i + 1, applied to
    samples i - 7 .. i + 8."""
    half = _TAPS_PER_PHASE // 2
    offsets = np.arange(-half + 1, half + 1) - phase / _OVERSAMPLE
    window = np.kaiser(2 * _TAPS_PER_PHASE * _OVERSAMPLE + 1, 6.0)
    centre = _TAPS_PER_PHASE * _OVERSAMPLE
    taps = np.sinc(offsets) * np.interp(offsets * _OVERSAMPLE * 2 + centre, np.arange(len(window)), window)
    return taps / taps.sum()


def db(value: float) -> float:
    """Linear amplitude to dB (-inf for zero)."""
    return 20.0 * math.log10(value) if value > 0 else -math.inf


def limit(samples: np.ndarray, rate: int, ceiling: float, hold_s: float = HOLD_S) -> np.ndarray:
    """Look-ahead peak limiter: sample peaks stay under ``ceiling`` (linear), gain moves smoothly."""
    gain = limiter_gain(samples, rate, ceiling, hold_s)
    return (_frames(samples) * gain[:, None]).reshape(np.shape(samples))


def limiter_gain(samples: np.ndarray, rate: int, ceiling: float, hold_s: float = HOLD_S) -> np.ndarray:
    """The limiter's gain per sample: the minimum of the needed gain over 5 ms ahead and ``hold_s``
    behind, then averaged over 5 ms; at every peak the average only sees values at or below its need."""
    level = np.abs(_frames(samples)).max(axis=1)
    need = np.minimum(1.0, ceiling / np.maximum(level, 1e-12))
    ahead, hold = int(_LOOKAHEAD_S * rate), max(int(hold_s * rate), int(_LOOKAHEAD_S * rate) // 2)
    return dsp.moving_average(dsp.sliding_min(need, hold, ahead), ahead)


def master(samples: np.ndarray, rate: int, target: float = TARGET_LUFS, ceiling_dbtp: float = CEILING_DBTP) -> np.ndarray:
    """Gain to ``target`` LUFS integrated, then a limiter only where true peaks pass the ceiling.

    Limiting takes some loudness, which a make-up gain (``boost``) gives back, so each round
    limits that much lower and the made-up peaks land under the ceiling. The limiter's gain is
    slow beside the K-weighting filters, so a round's loudness is measured on the K-weighted
    signal times that gain (one filtering pass in all; the error is hundredths of a LU).
    """
    x = _frames(samples)
    weighted = k_weight(x, rate)
    loudness = gated_loudness(_block_powers(weighted, rate))
    if not math.isfinite(loudness):
        return np.asarray(samples, np.float64).copy()
    ceiling_dbtp -= _SAFETY_DB
    ceiling = 10.0 ** (ceiling_dbtp / 20.0)
    gain = 10.0 ** ((target - loudness) / 20.0)
    gained, weighted = x * gain, weighted * gain
    if true_peak(gained) <= ceiling:
        return gained.reshape(np.shape(samples))
    boost, envelope = 0.0, np.ones(len(x))
    for _ in range(_LIMIT_ROUNDS):
        envelope = limiter_gain(gained, rate, 10.0 ** ((ceiling_dbtp - _LIMIT_MARGIN_DB - boost) / 20.0))
        made_up = target - gated_loudness(_block_powers(weighted * envelope[:, None], rate))
        converged, boost = abs(made_up - boost) < 0.02, made_up
        if converged:
            break
    y = gained * (envelope * 10.0 ** (boost / 20.0))[:, None]
    return (y * min(1.0, ceiling / true_peak(y))).reshape(np.shape(samples))  # the ceiling wins over the target
