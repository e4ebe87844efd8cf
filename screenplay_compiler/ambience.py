"""Beds under the dialogue: room tone per set and weather, music cues, and ducking.

Room tone is layered from library effects (a quiet room indoors; wind, birds, crickets, traffic
or the river outdoors; rain when it rains), looped to the scene's length with crossfades and
decorrelated between left and right. Music follows the script's ``MUSIC:`` cues: looped,
faded in, faded out (or crossfaded into the next cue). Both dip under dialogue through a
gain envelope computed from when lines are spoken (150 ms attack ahead of a line, 400 ms release).
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from . import dsp, ir, sfx
from .loudness import integrated_loudness

if TYPE_CHECKING:
    from .tracks import SoundPlacement

RATE = sfx.RATE
MUSIC_DUCK_DB = -10.0
AMBIENCE_DUCK_DB = -4.0
DUCK_ATTACK_S = 0.15
DUCK_RELEASE_S = 0.4
MUSIC_LUFS = -28.0  # a music file is levelled to this (then its cue's gain) before ducking
END_FADE_S = 1.5  # music still playing at the end of the episode fades out over this
SCENE_XFADE_S = 0.5
LOOP_XFADE_S = 0.25
Layer = tuple[str, float, float | None]  # (effect id, RMS level dBFS, lowpass Hz or None)


# ------------------------------------------------------------------ looping


def loop(x: np.ndarray, n: int, offset: int = 0, xfade: int = int(LOOP_XFADE_S * RATE)) -> np.ndarray:
    """``n`` samples of ``x`` played from ``offset`` round and round, each seam crossfaded."""
    x = np.asarray(x)
    x = x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)
    if n <= 0 or len(x) == 0:
        return np.zeros((max(n, 0),) + x.shape[1:], x.dtype)
    xfade = min(xfade, len(x) // 4)
    period = len(x) - xfade
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, xfade))).reshape((-1,) + (1,) * (x.ndim - 1)) if xfade else None
    cycle = x[:period].copy()
    if xfade:  # the cycle's head blends in the tail that follows it, so cycle -> cycle is seamless
        cycle[:xfade] = x[:xfade] * ramp + x[period:] * (1.0 - ramp)
    reps = -(-(n + offset % period) // period)
    return np.concatenate([cycle] * reps)[offset % period : offset % period + n]


def add_faded(out: np.ndarray, piece, fade_in: int, fade_out: int, at: int = 0, duck=None) -> None:
    """Add a source into ``out[at:]`` in place, chunk by chunk (``piece(p, q)`` gives its samples
    p..q as a new array), its first ``fade_in`` samples rising and last ``fade_out`` falling (raised
    cosine), times ``duck(a, b)`` (a gain for samples a..b of ``out``) when given: no whole-length
    copy of the source or of its envelope is ever made."""
    n = len(out) - at
    rise, fall = _ramp(min(fade_in, n)), _ramp(min(fade_out, n))[::-1]
    for p, q in dsp.spans(n):
        env = np.ones(q - p, np.float32) if duck is None else duck(at + p, at + q)
        _overlay(env, rise, p, 0)
        _overlay(env, fall, p, n - len(fall))
        part = piece(p, q)
        part *= env.reshape((-1,) + (1,) * (part.ndim - 1))
        out[at + p : at + q] += part


def _ramp(length: int) -> np.ndarray:
    """The raised-cosine rise of :func:`dsp.fade`, ``length`` samples."""
    return 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, max(length, 0)))


def _overlay(env: np.ndarray, ramp: np.ndarray, p: int, at: int) -> None:
    """Multiply ``env`` (samples p.. of a timeline) by ``ramp`` placed at sample ``at``, where they overlap."""
    lo, hi = max(p, at), min(p + len(env), at + len(ramp))
    if hi > lo:
        env[lo - p : hi - p] *= ramp[lo - at : hi - at]


# ---------------------------------------------------------------- room tone


def layers(scene: ir.Scene) -> list[Layer]:
    """The library effects (and their RMS levels, before mastering, where a neutral line's speech
    sits at -26 dBFS) that make a scene's room tone."""
    if scene.interior:
        out: list[Layer] = [("room_tone", -63.0, None)]
        if scene.weather == "rain":
            out.append(("rain", -57.0, 1800.0))  # rain on the windows, muffled
        if scene.set == "street":
            out.append(("traffic", -65.0, 800.0))
        return out
    out = [("wind", -61.0 if scene.weather in ("fog", "snow") else -59.0, 1200.0 if scene.weather == "snow" else None)]
    if scene.weather == "rain":
        out.append(("rain", -49.0, None))
    elif scene.time_of_day == "night":
        out.append(("crickets", -61.0, None))
    elif scene.weather == "clear" and scene.set in ("park", "bridge"):
        out.append(("birds", -59.0, None))
    if scene.set == "bridge":
        out.append(("stream", -57.0, None))
    if scene.set == "street":
        out.append(("traffic", -55.0, None))
    return out


@functools.lru_cache(maxsize=None)
def _levelled(effect_id: str, rms_dbfs: float, cutoff: float | None) -> np.ndarray:
    """A library effect, optionally lowpassed, scaled to an RMS level."""
    x = sfx.render(effect_id).astype(np.float64)
    if cutoff:
        x = dsp.lowpass(dsp.lowpass(x, cutoff, RATE), cutoff, RATE)
    rms = math.sqrt(float(np.mean(x * x))) or 1.0
    out = (x * (10 ** (rms_dbfs / 20) / rms)).astype(np.float32)
    out.flags.writeable = False
    return out


def scene_tone(scene: ir.Scene, n: int) -> np.ndarray:
    """``n`` samples of a scene's room tone, stereo float32; the two sides start at different points."""
    out = np.zeros((n, 2), np.float32)
    add_faded(out, _tone_source(scene), 0, 0)
    return out


def _tone_source(scene: ir.Scene):
    """``piece(p, q)``: samples p..q of a scene's room tone (every layer looped, left and right apart)."""
    loops = []
    for i, (effect_id, level, cutoff) in enumerate(layers(scene)):
        x = _levelled(effect_id, level, cutoff)
        left, right = dsp.seeded_rng("room tone", scene.id, str(i), effect_id).integers(0, len(x), 2)
        loops.append((x, int(left), int(right)))

    def piece(p: int, q: int) -> np.ndarray:
        out = np.zeros((q - p, 2), np.float32)
        for x, left, right in loops:
            out[:, 0] += loop(x, q - p, left + p)
            out[:, 1] += loop(x, q - p, right + p)
        return out

    return piece


def room_tone(episode: ir.Episode, spans: Iterable[tuple[str, float, float]], n: int) -> np.ndarray:
    """The room tone of every (scene id, start, end) span, crossfaded at scene changes (float32)."""
    out = np.zeros((n, 2), np.float32)
    add_room_tone(out, episode, spans)
    return out


def add_room_tone(out: np.ndarray, episode: ir.Episode, spans: Iterable[tuple[str, float, float]], duck=None) -> None:
    """:func:`room_tone` added into the stereo ``out`` in place (times ``duck(a, b)`` when given)."""
    n, xfade = len(out), int(SCENE_XFADE_S * RATE)
    for scene_id, start, end in spans:
        a, b = max(0, int(round(start * RATE)) - xfade // 2), min(n, int(round(end * RATE)) + xfade // 2)
        if b > a:
            add_faded(out[: b], _tone_source(episode.scene(scene_id)), xfade if a > 0 else 0, xfade if b < n else 0,
                      at=a, duck=duck)


# -------------------------------------------------------------------- music


def music_segments(cues: Sequence["SoundPlacement"], end: float) -> list[tuple["SoundPlacement", float, float, float]]:
    """(cue, start, stop, fade-out seconds) for each music cue that plays (a cue with no path stops)."""
    out, playing = [], None
    for cue in sorted(cues, key=lambda c: c.start):
        if playing is not None:
            fade = cue.fade_out if cue.path is None else (cue.fade_in or playing.fade_out)
            out.append((playing, playing.start, cue.start, fade))
        playing = cue if cue.path else None
    if playing is not None:
        fade = playing.fade_out or END_FADE_S
        out.append((playing, playing.start, max(playing.start, end - fade), fade))
    return out


@functools.lru_cache(maxsize=16)
def _music_file(path: str) -> np.ndarray:
    """A music file decoded to 48 kHz stereo and levelled to MUSIC_LUFS."""
    from .audiofile import decode

    x = decode(Path(path), RATE, channels=2)
    loud = integrated_loudness(x, RATE)
    out = (x * 10 ** ((MUSIC_LUFS - loud) / 20) if math.isfinite(loud) else x).astype(np.float32)
    out.flags.writeable = False
    return out


def music_bed(cues: Sequence["SoundPlacement"], base_dir: Path | None, n: int) -> np.ndarray:
    """All music cues mixed into ``n`` stereo float32 samples: looped, faded in and out."""
    out = np.zeros((n, 2), np.float32)
    add_music(out, cues, base_dir)
    return out


def add_music(out: np.ndarray, cues: Sequence["SoundPlacement"], base_dir: Path | None, duck=None) -> None:
    """:func:`music_bed` added into the stereo ``out`` in place (times ``duck(a, b)`` when given)."""
    n = len(out)
    for cue, start, stop, fade_out in music_segments(cues, n / RATE):
        path = Path(cue.path)
        full = path if path.is_absolute() or base_dir is None else Path(base_dir) / path
        a = int(round(start * RATE))
        length = min(n, int(round((stop + fade_out) * RATE))) - a
        if length <= 0:
            continue
        x, gain = _music_file(str(full)), np.float32(10 ** (cue.gain_db / 20))
        add_faded(out[: a + length], lambda p, q: loop(x, q - p, p) * gain,
                  int(round(cue.fade_in * RATE)), min(length, int(round(fade_out * RATE))), at=a, duck=duck)


# ------------------------------------------------------------------ ducking


def speech_amount(intervals: Iterable[tuple[float, float]], n: int) -> np.ndarray:
    """0..1 per sample: 1 while someone speaks, ramping up over the 150 ms before a line and
    down over the 400 ms after it (computed at 1 kHz, then interpolated)."""
    t, control = speech_control(intervals, n)
    return np.interp(np.arange(n) / RATE, t, control)


def speech_control(intervals: Iterable[tuple[float, float]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`speech_amount` at 1 kHz: (times in seconds, amounts), small beside the audio."""
    ms = int(math.ceil(n / RATE * 1000)) + 1
    control = np.zeros(ms)
    t = np.arange(ms) / 1000.0
    for start, end in intervals:
        lo, hi = max(0, int((start - DUCK_ATTACK_S) * 1000)), min(ms, int((end + DUCK_RELEASE_S) * 1000) + 2)
        if hi <= lo:
            continue
        tt = t[lo:hi]
        up = np.clip((tt - (start - DUCK_ATTACK_S)) / DUCK_ATTACK_S, 0, 1)
        down = np.clip(1 - (tt - end) / DUCK_RELEASE_S, 0, 1)
        control[lo:hi] = np.maximum(control[lo:hi], np.minimum(up, down))
    return t, control


def duck_gain(amount: np.ndarray, depth_db: float) -> np.ndarray:
    """Linear gain that dips by ``depth_db`` where ``amount`` is 1 (smooth in dB)."""
    return 10 ** (depth_db * amount / 20)


def ducker(control: tuple[np.ndarray, np.ndarray], depth_db: float):
    """``duck(a, b)``: the float32 gain of samples a..b that dips by ``depth_db`` under speech
    (``control`` from :func:`speech_control`): :func:`duck_gain` of :func:`speech_amount`, a chunk at a time."""
    t, amounts = control

    def duck(a: int, b: int) -> np.ndarray:
        return duck_gain(np.interp(np.arange(a, b) / RATE, t, amounts), depth_db).astype(np.float32)

    return duck
