"""Numpy signal processing shared by the sound stages (there is no scipy in the venv).

IIR filters are exact: a biquad's recursive part is split into two first-order sections
over its (complex) poles, and each section runs block by block in closed form
(``y[n] = p**n * (y[-1] * p + sum_k p**-k x[k])``), with only the block boundaries carried
in a Python loop. Blocks are short enough that ``|p|**-block`` stays below 1e8, so the
cancellation error is below 1e-8 of full scale; :func:`one_pole_reference` is the plain
loop the tests compare against.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

_MAX_GROWTH = 1e8  # bound on |p|**-block: the relative rounding error of a block is about this * 1e-16
_MAX_BLOCK = 4096
CHUNK = 1 << 19  # samples per chunk of the whole-episode stages (about 11 s at 48 kHz): memory stays flat


def spans(n: int, size: int | None = None):
    """``(start, stop)`` of the chunks of ``size`` (default :data:`CHUNK`) samples that cover ``n`` samples."""
    size = size or CHUNK
    return ((a, min(n, a + size)) for a in range(0, n, size))


def seeded_rng(*parts: str) -> np.random.Generator:
    """A random generator seeded from content (sha256 of ``parts``), never from the clock."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


# ------------------------------------------------------------------ IIR filters


def _block_for(pole: complex) -> int:
    """The longest block for which ``|pole|**-block`` stays below the growth bound."""
    r = abs(pole)
    if r < 1e-12:
        return 1
    if r >= 1.0:
        return _MAX_BLOCK
    return max(1, min(_MAX_BLOCK, int(math.log(_MAX_GROWTH) / -math.log(r))))


def one_pole(x: np.ndarray, pole: complex) -> np.ndarray:
    """Exact ``y[n] = x[n] + pole * y[n-1]`` (zero initial state) along the first axis."""
    x = np.asarray(x)
    complex_ = np.iscomplexobj(x) or isinstance(pole, complex)
    dtype = np.complex128 if complex_ else np.float64
    n = len(x)
    if n == 0 or pole == 0:
        return x.astype(dtype, copy=True)
    block = _block_for(pole)
    if block < 8:  # a fast-decaying pole: a short exact-to-1e-16 FIR is cheaper than tiny blocks
        return _fir_pole(x.astype(dtype), pole)
    nb = -(-n // block)
    padded = np.zeros((nb * block,) + x.shape[1:], dtype)
    padded[:n] = x
    blocks = padded.reshape((nb, block) + x.shape[1:])
    k = np.arange(block).reshape((1, block) + (1,) * (x.ndim - 1))
    up, down = np.power(pole, k, dtype=dtype), np.power(pole, -k, dtype=dtype)
    zero_state = np.cumsum(blocks * down, axis=1) * up
    # The state entering block b obeys the same recursion over blocks, with pole**block.
    ends = one_pole(zero_state[:, -1], pole**block)
    carry = np.concatenate([np.zeros((1,) + x.shape[1:], dtype), ends[:-1]])
    y = zero_state + carry[:, None] * (up * pole)
    return y.reshape((nb * block,) + x.shape[1:])[:n]


def _fir_pole(x: np.ndarray, pole: complex) -> np.ndarray:
    """``one_pole`` for |pole| well below 1: convolve with the impulse response until it is < 1e-17."""
    taps = max(1, int(math.ceil(math.log(1e-17) / math.log(abs(pole)))))
    h = np.power(pole, np.arange(taps))
    y = x.copy()
    for k in range(1, taps):
        y[k:] += h[k] * x[:-k]
    return y


def one_pole_reference(x: np.ndarray, pole: complex) -> np.ndarray:
    """The plain sample loop :func:`one_pole` must match (tests only: slow)."""
    y = np.zeros(len(x), np.complex128)
    prev = 0.0
    for i, v in enumerate(x):
        prev = v + pole * prev
        y[i] = prev
    return y


def biquad(x: np.ndarray, b: tuple[float, float, float], a: tuple[float, float, float]) -> np.ndarray:
    """Exact direct-form biquad ``b / a`` (a[0] == 1) along the first axis, zero initial state."""
    x = np.asarray(x, np.float64)
    v = b[0] * x
    v[1:] += b[1] * x[:-1]
    v[2:] += b[2] * x[:-2]
    p1, p2 = (complex(p) for p in np.roots([1.0, a[1], a[2]]))
    if abs(p1 - p2) < 0.05 * max(abs(p1), 1e-12):  # (nearly) a double pole: cascade the sections
        return one_pole(one_pole(v, p1), p2).real
    # Partial fractions: 1/((1 - p1/z)(1 - p2/z)) = (p1/(p1-p2))/(1 - p1/z) + (p2/(p2-p1))/(1 - p2/z);
    # conjugate poles need only one complex pass (the second term is its conjugate).
    if abs(p1 - p2.conjugate()) < 1e-12 * max(abs(p1), 1.0) and abs(p1.imag) > 0:
        return 2.0 * (p1 / (p1 - p2) * one_pole(v, p1)).real
    return (p1 / (p1 - p2) * one_pole(v, p1) + p2 / (p2 - p1) * one_pole(v, p2)).real


def lowpass(x: np.ndarray, cutoff: float, rate: int) -> np.ndarray:
    """First-order (6 dB/octave) lowpass at ``cutoff`` Hz: a gentle, phase-smooth roll-off."""
    p = math.exp(-2.0 * math.pi * cutoff / rate)
    return (1.0 - p) * one_pole(np.asarray(x, np.float64), p)


def highpass(x: np.ndarray, cutoff: float, rate: int) -> np.ndarray:
    """First-order highpass at ``cutoff`` Hz (the input minus its lowpass)."""
    x = np.asarray(x, np.float64)
    return x - lowpass(x, cutoff, rate)


def bandpass(x: np.ndarray, low: float, high: float, rate: int) -> np.ndarray:
    """A gentle band between ``low`` and ``high`` Hz (first-order slopes on both sides)."""
    return lowpass(highpass(x, low, rate), high, rate)


def resonator(x: np.ndarray, freq: float, q: float, rate: int) -> np.ndarray:
    """Two-pole resonance at ``freq`` Hz with quality ``q``, unity gain at the peak."""
    r = math.exp(-math.pi * freq / (q * rate))
    theta = 2.0 * math.pi * freq / rate
    a = (1.0, -2.0 * r * math.cos(theta), r * r)
    return biquad(x, ((1.0 - r * r) / 2.0, 0.0, -(1.0 - r * r) / 2.0), a)


# ----------------------------------------------------------------- STFT


def stft(x: np.ndarray, n_fft: int = 1024, hop: int = 256) -> np.ndarray:
    """Centred, Hann-windowed short-time spectra, shape (frames, n_fft // 2 + 1)."""
    x = np.asarray(x, np.float64)
    pad = np.pad(x, (n_fft // 2, n_fft // 2 + hop))
    frames = 1 + (len(pad) - n_fft) // hop
    idx = np.arange(n_fft)[None, :] + hop * np.arange(frames)[:, None]
    return np.fft.rfft(pad[idx] * np.hanning(n_fft + 1)[:-1], axis=1)


def istft(spec: np.ndarray, length: int, n_fft: int = 1024, hop: int = 256) -> np.ndarray:
    """Inverse of :func:`stft` by weighted overlap-add; returns exactly ``length`` samples."""
    window = np.hanning(n_fft + 1)[:-1]
    frames = np.fft.irfft(spec, n=n_fft, axis=1) * window
    total = n_fft + hop * (len(spec) - 1)
    out, norm = np.zeros(total), np.zeros(total)
    for i, frame in enumerate(frames):
        out[i * hop : i * hop + n_fft] += frame
        norm[i * hop : i * hop + n_fft] += window**2
    out = out / np.maximum(norm, 1e-8)
    return out[n_fft // 2 : n_fft // 2 + length]


def fft_convolve(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Linear convolution of two 1-D signals, ``len(x)`` samples long (the tail is cut)."""
    n = len(x) + len(h) - 1
    size = 1 << (n - 1).bit_length()
    return np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(h, size), size)[: len(x)]


# ------------------------------------------------------------ envelopes


def sliding_min(x: np.ndarray, before: int, after: int) -> np.ndarray:
    """``min(x[n - before : n + after + 1])`` for every n (van Herk / Gil-Werman, O(n))."""
    x = np.asarray(x, np.float64)
    w = before + after + 1
    n = len(x)
    pad = np.full(before + n + after, np.inf)
    pad[before : before + n] = x
    nb = -(-len(pad) // w)
    blocks = np.full(nb * w, np.inf)
    blocks[: len(pad)] = pad
    blocks = blocks.reshape(nb, w)
    prefix = np.minimum.accumulate(blocks, axis=1).ravel()
    suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[:n], prefix[w - 1 : w - 1 + n])


def moving_average(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average over ``width`` samples (edges use the edge value)."""
    if width <= 1:
        return np.asarray(x, np.float64).copy()
    half = width // 2
    pad = np.pad(np.asarray(x, np.float64), (half, width - half), mode="edge")
    c = np.concatenate([[0.0], np.cumsum(pad)])
    return (c[width:] - c[:-width])[: len(x)] / width


def fade(n: int, length: int, rising: bool = True) -> np.ndarray:
    """A raised-cosine ramp of ``length`` samples padded with ones to ``n`` samples."""
    out = np.ones(n)
    length = min(length, n)
    if length > 0:
        ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, length))
        if rising:
            out[:length] = ramp
        else:
            out[n - length :] = ramp[::-1]
    return out


# ----------------------------------------------------- time and pitch


def time_stretch(x: np.ndarray, factor: float, rate: int) -> np.ndarray:
    """WSOLA: ``factor`` times as long at the same pitch (30 ms frames, +-8 ms alignment search)."""
    x = np.asarray(x, np.float64)
    n_out = max(1, int(round(len(x) * factor)))
    if abs(factor - 1.0) < 1e-6 or len(x) < 8:
        return x[:n_out].copy() if n_out <= len(x) else np.pad(x, (0, n_out - len(x)))
    size = max(16, int(0.03 * rate)) // 2 * 2
    hop, tol = size // 2, int(0.008 * rate)
    window = np.hanning(size + 1)[:-1]  # periodic Hann: overlapping halves sum to one
    # Output sample j comes from input sample (j - size) / factor: the first frame only fades
    # in, so the result starts one frame in, where every sample is covered by two windows.
    left = tol + size + int(math.ceil(size / factor))
    src = np.pad(x, (left, tol + 3 * size + int(math.ceil(3 * hop / factor))))
    frames = (size + n_out) // hop + 2
    out = np.zeros(frames * hop + size)
    prev = None
    for k in range(frames):
        nominal = left + int(round((k * hop - size) / factor))
        pos = nominal if prev is None else _best_offset(src, nominal, tol, src[prev + hop : prev + hop + size])
        out[k * hop : k * hop + size] += src[pos : pos + size] * window
        prev = pos
    return out[size : size + n_out]


def _best_offset(src: np.ndarray, nominal: int, tol: int, template: np.ndarray) -> int:
    """The frame start within ``tol`` of ``nominal`` that best continues ``template``."""
    region = src[nominal - tol : nominal + tol + len(template)]
    if len(region) < len(template) or not np.any(template):
        return nominal
    score = np.correlate(region, template, mode="valid")
    return nominal - tol + int(np.argmax(score))


def pitch_shift(x: np.ndarray, semitones: float, rate: int) -> np.ndarray:
    """Shift pitch (and formants) by ``semitones`` keeping the length: stretch, then resample back."""
    from .voice import resample_to_length

    if abs(semitones) < 1e-6:
        return np.asarray(x, np.float64).copy()
    factor = 2.0 ** (semitones / 12.0)
    return resample_to_length(time_stretch(x, factor, rate), len(x)).astype(np.float64)
