"""Loudness (ITU-R BS.1770-4 / EBU R128) and mastering to a target: -16 LUFS, -1 dBTP.

Integrated loudness: K-weighting (a high shelf, then the RLB highpass, both biquads run
exactly by :func:`dsp.biquad`), mean squares over 400 ms blocks every 100 ms, an absolute
gate at -70 LUFS and a relative gate 10 LU below the absolute-gated loudness. True peak:
4x band-limited oversampling of the whole signal, in overlapping chunks.

Whole-episode signals are measured, limited and mastered in chunks of :data:`dsp.CHUNK`
samples (each with the filters' warm-up or the windows' reach), so memory grows by a few
bytes per sample however long the episode is.
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
WARMUP_S = 1.0  # K-weighting's impulse response (38 Hz highpass) falls below 1e-12 within this


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


def _view(samples: np.ndarray) -> np.ndarray:
    """Audio as (n, channels) in its own dtype (no copy)."""
    x = np.asarray(samples)
    return x.reshape(len(x), -1)


def _padded(x: np.ndarray, a: int, b: int, half: int) -> np.ndarray:
    """``x[a - half : b + half]`` of an (n, channels) array as float32, zeros past either end."""
    lo, hi = max(0, a - half), min(len(x), b + half)
    out = np.zeros((b - a + 2 * half,) + x.shape[1:], np.float32)
    out[lo - (a - half) : hi - (a - half)] = x[lo:hi]
    return out


def _padded_gain(gain, n: int, a: int, b: int, half: int) -> np.ndarray:
    """``gain(a - half, b + half)`` (a gain per sample) as a float32 column, zeros past either end."""
    lo, hi = max(0, a - half), min(n, b + half)
    out = np.zeros((b - a + 2 * half, 1), np.float32)
    out[lo - (a - half) : hi - (a - half), 0] = gain(lo, hi)
    return out


def k_weight(samples: np.ndarray, rate: int) -> np.ndarray:
    """K-weighted copy of ``samples`` (n,) or (n, channels)."""
    (b1, a1), (b2, a2) = k_filters(rate)
    return dsp.biquad(dsp.biquad(_frames(samples), b1, a1), b2, a2)


def k_energy_chunks(samples: np.ndarray, rate: int):
    """``(start, channel-summed K-weighted energy per sample)`` chunk by chunk, one channel at a time:
    each chunk is filtered from a second before it (the filters' memory has decayed below 1e-12 by
    then), so the chunks equal the whole-signal :func:`k_weight` to rounding, in bounded memory."""
    x = _view(samples)
    warm = int(WARMUP_S * rate)
    for a, b in dsp.spans(len(x)):
        lead = min(a, warm)
        energy = np.zeros(b - a)
        for c in range(x.shape[1]):
            energy += k_weight(x[a - lead : b, c], rate)[lead:, 0] ** 2
        yield a, energy


def block_powers(samples: np.ndarray, rate: int) -> np.ndarray:
    """Channel-summed mean square of each 400 ms gating block (100 ms apart), K-weighted."""
    return _powers_of_chunks(k_energy_chunks(samples, rate), len(samples), rate)


def _powers_of_chunks(chunks, n: int, rate: int) -> np.ndarray:
    """Block mean squares from ``(start, energy per sample)`` pairs covering ``n`` samples: the
    running energy is read at every block's start and end, so no whole-length array is made."""
    size, step = int(round(BLOCK_S * rate)), int(round(STEP_S * rate))
    starts = np.arange(0, n - size + 1, step) if n >= size else np.zeros(0, int)
    marks = np.union1d(starts, starts + size)
    energy = np.zeros(len(marks))
    total = 0.0
    for a, e in chunks:
        running = total + np.concatenate([[0.0], np.cumsum(e)])
        lo, hi = np.searchsorted(marks, a, side="left"), np.searchsorted(marks, a + len(e), side="right")
        energy[lo:hi] = running[marks[lo:hi] - a]
        total = float(running[-1])
    return (energy[np.searchsorted(marks, starts + size)] - energy[np.searchsorted(marks, starts)]) / size


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
    phase; BS.1770-4 Annex 2 suggests 48), run chunk by chunk with the taps' overlap.
    """
    x = _view(samples)
    return max((_chunk_true_peak(x, a, b) for a, b in dsp.spans(len(x))), default=0.0) if x.size else 0.0


def _chunk_true_peak(x: np.ndarray, a: int, b: int, scale: np.ndarray | float = 1.0) -> float:
    """True peak of ``x[a:b] * scale`` (``scale`` a number or one value per sample of the chunk, as
    ``(b - a + 16, 1)`` covering the taps' reach ``a - 8 .. b + 8``)."""
    half = _TAPS_PER_PHASE // 2
    padded = _padded(x, a, b, half) * scale  # float32: peaks to 1e-7, twice as fast
    n = b - a
    peak = float(np.abs(padded[half : half + n]).max())
    for phase in range(1, _OVERSAMPLE):
        y = np.zeros((n,) + x.shape[1:], np.float32)
        for j, tap in enumerate(_PHASE_TAPS[phase]):
            y += tap * padded[j + 1 : j + 1 + n]
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


_PHASE_TAPS = {phase: _phase_taps(phase).astype(np.float32) for phase in range(1, _OVERSAMPLE)}


def db(value: float) -> float:
    """Linear amplitude to dB (-inf for zero)."""
    return 20.0 * math.log10(value) if value > 0 else -math.inf


def limit(samples: np.ndarray, rate: int, ceiling: float, hold_s: float = HOLD_S) -> np.ndarray:
    """Look-ahead peak limiter: sample peaks stay under ``ceiling`` (linear), gain moves smoothly."""
    gain = limiter_gain(samples, rate, ceiling, hold_s)
    return (_frames(samples) * gain[:, None]).reshape(np.shape(samples))


def limiter_gain(samples: np.ndarray, rate: int, ceiling: float, hold_s: float = HOLD_S) -> np.ndarray:
    """The limiter's gain per sample: the minimum of the needed gain over 5 ms ahead and ``hold_s``
    behind, then averaged over 5 ms; at every peak the average only sees values at or below its
    need. Computed chunk by chunk (:func:`limiter_chunk`)."""
    x = _view(samples)
    out = np.empty(len(x))
    for a, b in dsp.spans(len(x)):
        out[a:b] = limiter_chunk(x, a, b, rate, ceiling, hold_s)
    return out


def limiter_chunk(x: np.ndarray, a: int, b: int, rate: int, ceiling: float, hold_s: float = HOLD_S) -> np.ndarray:
    """Samples a..b of :func:`limiter_gain` of the (n, channels) ``x``, read with the windows'
    reach on either side, so any range gives the same values as the whole signal."""
    ahead, hold = int(_LOOKAHEAD_S * rate), max(int(hold_s * rate), int(_LOOKAHEAD_S * rate) // 2)
    lo, hi = max(0, a - hold - ahead - 1), min(len(x), b + 2 * ahead + 1)
    level = np.abs(x[lo:hi]).max(axis=1).astype(np.float64)
    need = np.minimum(1.0, ceiling / np.maximum(level, 1e-12))
    return dsp.moving_average(dsp.sliding_min(need, hold, ahead), ahead)[a - lo : b - lo]


def master(samples: np.ndarray, rate: int, target: float = TARGET_LUFS, ceiling_dbtp: float = CEILING_DBTP,
           out: np.ndarray | None = None) -> np.ndarray:
    """Gain to ``target`` LUFS integrated, then a limiter only where true peaks pass the ceiling.

    Limiting takes some loudness, which a make-up gain (``boost``) gives back, so each round
    limits that much lower and the made-up peaks land under the ceiling. The limiter's gain is
    slow beside the K-weighting filters, so a round's loudness is measured on the K-weighted
    signal times that gain (one filtering pass in all; the error is hundredths of a LU).
    Everything runs in chunks (the limiter's gain is recomputed where it is needed, never kept
    whole): beside the audio, memory holds only the K-weighted energy per sample (float32). The result goes into ``out`` when given (it may be
    ``samples`` itself), else into a new array of the input's float dtype (float64 otherwise).
    """
    x = _view(samples)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    result = np.empty(x.shape, dtype) if out is None else _view(out)
    energy = np.empty(len(x), np.float32)
    loudness = gated_loudness(_powers_of_chunks(_kept(k_energy_chunks(x, rate), energy), len(x), rate))
    if not math.isfinite(loudness):
        result[...] = x
        return result.reshape(np.shape(samples))
    ceiling_dbtp -= _SAFETY_DB
    ceiling = 10.0 ** (ceiling_dbtp / 20.0)
    gain = 10.0 ** ((target - loudness) / 20.0)
    if true_peak(x) * gain <= ceiling:
        for a, b in dsp.spans(len(x)):
            result[a:b] = x[a:b].astype(np.float64) * gain
        return result.reshape(np.shape(samples))
    boost = 0.0
    for _ in range(_LIMIT_ROUNDS):
        limit_at = 10.0 ** ((ceiling_dbtp - _LIMIT_MARGIN_DB - boost) / 20.0) / gain  # before the gain
        chunks = ((a, energy[a:b] * (gain * limiter_chunk(x, a, b, rate, limit_at)) ** 2)
                  for a, b in dsp.spans(len(x)))
        made_up = target - gated_loudness(_powers_of_chunks(chunks, len(x), rate))
        converged, boost = abs(made_up - boost) < 0.02, made_up
        if converged:
            break
    del energy

    def envelope(a: int, b: int) -> np.ndarray:  # the limited, made-up gain of samples a..b
        return limiter_chunk(x, a, b, rate, limit_at) * (gain * 10.0 ** (boost / 20.0))

    half = _TAPS_PER_PHASE // 2
    peak = max(_chunk_true_peak(x, a, b, _padded_gain(envelope, len(x), a, b, half)) for a, b in dsp.spans(len(x)))
    scale = min(1.0, ceiling / peak)  # the ceiling wins over the target
    # A chunk's gain reads the audio a limiter's reach (< 0.1 s) before it, and ``result`` may be
    # ``x``: so each chunk's gain is made before the chunk ahead of it is overwritten.
    spans = list(dsp.spans(len(x)))
    gains = [envelope(*spans[0])] if spans else []
    for i, (a, b) in enumerate(spans):
        gains.append(envelope(*spans[i + 1]) if i + 1 < len(spans) else None)
        result[a:b] = x[a:b].astype(np.float64) * (gains.pop(0) * scale)[:, None]
    return result.reshape(np.shape(samples))


def _kept(chunks, into: np.ndarray):
    """Pass ``(start, chunk)`` pairs through, storing each chunk in ``into`` on the way."""
    for a, y in chunks:
        into[a : a + len(y)] = y
        yield a, y
