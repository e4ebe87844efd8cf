"""Audio mix stage: dialogue, effects, footsteps, music and room tone on a stereo timeline,
mastered to -16 LUFS / -1 dBTP, and written as a 16-bit WAV.

:func:`mix` is the plain line mixer (peak-normalised) that previews use; :func:`mix_episode`
makes the finished soundtrack of a build.
"""

from __future__ import annotations

import hashlib
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from . import atomic, dsp, ir

from .voice import LineAudio, db_to_gain, resample

if TYPE_CHECKING:
    from .tracks import Tracks

MIX_RATE = 48000
CEILING_DBFS = -1.0
MAX_BOOST_DB = 12.0  # quiet mixes are raised at most this much, so whispers stay whispers


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
    """Peak including inter-sample overs (4x band-limited oversampling of every channel)."""
    from .loudness import true_peak as measure

    return measure(samples)


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


# ------------------------------------------------------------ the soundtrack

OS_LOWPASS_HZ = 2500.0
OS_GAIN_DB = -6.0
OS_WET = 0.45
VO_GAIN_DB = 2.0
VO_PROXIMITY = 0.26  # +2 dB below ~250 Hz: a voice close to the microphone
FOOTSTEP_DBFS = -22.0
USER_SFX_PEAK_DBFS = -12.0
CODEC_HEADROOM_DB = 0.5  # AAC and MP3 overshoot a little: master to -1.5 dBTP so the files stay under -1


def _add_stereo(out: np.ndarray, stereo: np.ndarray, offset: int) -> None:
    """Add an (n, 2) block into ``out`` at ``offset``, cutting what falls outside."""
    lo, hi = max(offset, 0), min(offset + len(stereo), len(out))
    if hi > lo:
        out[lo:hi] += stereo[lo - offset : hi - offset]


def _room_response(seed: str, seconds: float = 0.6, rt60: float = 0.5) -> np.ndarray:
    """A small room's stereo impulse response: 12 ms pre-delay, then decaying, darkening noise."""
    rng = dsp.seeded_rng("room", seed)
    n, pre = int(seconds * MIX_RATE), int(0.012 * MIX_RATE)
    t = np.arange(n - pre) / MIX_RATE
    tail = rng.standard_normal((n - pre, 2)) * np.exp(-6.91 * t / rt60)[:, None]
    tail = dsp.lowpass(tail, 4000.0, MIX_RATE)
    tail /= np.sqrt(np.sum(tail**2, axis=0, keepdims=True))
    return np.vstack([np.zeros((pre, 2)), tail])


def treat(samples: np.ndarray, channel: str, pan: float, seed: str) -> np.ndarray:
    """A line's mono samples as stereo for its channel: on screen (panned), off screen (O.S.:
    muffled, further away, in the room) or voice-over (V.O.: dry, centred, close)."""
    x = np.asarray(samples, np.float64)
    if channel == "vo":
        x = (x + VO_PROXIMITY * dsp.lowpass(x, 250.0, MIX_RATE)) * db_to_gain(VO_GAIN_DB)
        return np.outer(x, pan_gains(0.0))
    if channel == "os":
        ir_ = _room_response(seed)
        x = dsp.lowpass(dsp.lowpass(x, OS_LOWPASS_HZ, MIX_RATE), OS_LOWPASS_HZ, MIX_RATE) * db_to_gain(OS_GAIN_DB)
        dry = np.outer(np.pad(x, (0, len(ir_))), pan_gains(pan))
        wet = np.stack([dsp.fft_convolve(np.pad(x, (0, len(ir_))), ir_[:, c]) for c in range(2)], axis=1)
        return dry * (1.0 - OS_WET) + wet * OS_WET
    return np.outer(x, pan_gains(pan))


def dialogue(episode: ir.Episode, tracks: "Tracks", audio: Mapping[str, LineAudio], n: int):
    """Every line placed and treated (stereo float32), and the (start, end) seconds each is heard."""
    lines = {e.id: e for shot in episode.shots for e in shot.events if isinstance(e, ir.Line)}
    out, spoken = np.zeros((n, 2), np.float32), []
    for p in tracks.audio:
        clip = audio[p.line_id]
        channel = lines[p.line_id].channel if p.line_id in lines else "on"
        samples = resample(clip.samples, clip.sample_rate, MIX_RATE) * db_to_gain(p.gain_db)
        _add_stereo(out, treat(samples, channel, p.pan, p.line_id), int(round(p.start * MIX_RATE)))
        spoken.append((p.start, p.start + clip.duration))
    return out, spoken


def footstep_times(clip) -> list[float]:
    """When the feet land during a walk (or run) clip: as the gait puts each heel down (a quarter
    stride in, then every half stride), so steps match the animation."""
    from .tracks import RUN_STRIDE, STRIDE

    stride = RUN_STRIDE if clip.kind == "run" else STRIDE
    if clip.distance <= 0 or clip.end <= clip.start:
        return []
    steps = int((clip.distance / stride - 0.25) / 0.5 + 1e-9) + 1
    return [clip.start + (stride * (0.25 + 0.5 * k) / clip.distance) * (clip.end - clip.start) for k in range(steps)]


def footsteps(tracks: "Tracks", n: int, out: np.ndarray | None = None) -> np.ndarray:
    """Footsteps for every walk, on the surface of the scene's set (stereo float32; added into
    ``out`` in place when given)."""
    from .sfx import SURFACE_FOR_SET, footstep

    out = np.zeros((n, 2), np.float32) if out is None else out
    for scene in tracks.scenes:
        surface = SURFACE_FOR_SET.get(scene.set, "stone")
        for actor in scene.actors:
            walks = [c for c in actor.clips if c.kind == "walk"]
            for i, t in enumerate(t for c in walks for t in footstep_times(c)):
                step = footstep(surface, i + len(actor.name)) * db_to_gain(FOOTSTEP_DBFS - 3.0 * (i % 2))
                _add_stereo(out, np.outer(step, pan_gains(0.0)), int(round(t * MIX_RATE)))
    return out


# Peak level of each Foley sound (dBFS, before mastering), set against the footsteps: a clap or a
# body hitting the floor is louder than a step, cloth and small objects are quieter.
FOLEY_DBFS = {"clap": -14.0, "scuff": -31.0, "land": -19.0, "body_fall": -17.0, "knee": -23.0, "cloth": -33.0,
              "settle": -29.0, "creak": -31.0, "slap": -23.0, "tap_cup": -26.0, "tap_box": -25.0, "whoosh": -31.0,
              "step": FOOTSTEP_DBFS}


def foley(tracks: "Tracks", n: int, out: np.ndarray | None = None) -> np.ndarray:
    """The body's sounds for every action (claps, jumps, falls, kneeling, sitting, pushes, hugs,
    objects, dance and run steps) on the scene's surface, centred like the footsteps (stereo
    float32; added into ``out`` in place when given)."""
    from .foley import actor_hits
    from .sfx import SURFACE_FOR_SET, foley as sound, footstep

    out = np.zeros((n, 2), np.float32) if out is None else out
    for scene in tracks.scenes:
        surface = SURFACE_FOR_SET.get(scene.set, "stone")
        for actor in scene.actors:
            for i, h in enumerate(actor_hits(scene.set, actor)):
                x = footstep(surface, i + len(actor.name)) if h.sound == "step" else sound(h.sound, surface, i + len(actor.name))
                x = x * db_to_gain(FOLEY_DBFS[h.sound] + h.gain_db)
                _add_stereo(out, np.outer(x, pan_gains(0.0)), int(round(h.t * MIX_RATE)))
    return out


def effects(tracks: "Tracks", base_dir: Path | None, n: int, out: np.ndarray | None = None) -> np.ndarray:
    """The script's sound effects: library effects (centred) and user files (as recorded), stereo
    float32 (added into ``out`` in place when given)."""
    from . import sfx

    out = np.zeros((n, 2), np.float32) if out is None else out
    for p in tracks.sounds:
        if p.kind != "sound":
            continue
        x = np.outer(sfx.render(p.effect), pan_gains(0.0)) if p.effect else _levelled_file(sfx.load(p.path, base_dir))
        _add_stereo(out, x * db_to_gain(p.gain_db), int(round(p.start * MIX_RATE)))
    return out


def _levelled_file(x: np.ndarray) -> np.ndarray:
    """A user's sound file at the library's reference peak (files come at any level)."""
    peak = float(np.abs(x).max()) if x.size else 0.0
    return x * (db_to_gain(USER_SFX_PEAK_DBFS) / peak) if peak > 0 else x


def mix_episode(episode: ir.Episode, tracks: "Tracks", audio: Mapping[str, LineAudio],
                base_dir: Path | None = None) -> np.ndarray:
    """The finished stereo soundtrack: dialogue over effects, footsteps, ducked music and room tone,
    mastered to -16 LUFS integrated with true peaks at or below -1.5 dBTP (-1 after AAC/MP3).

    Every layer is float32 and is added into the dialogue in place, one at a time, so memory
    peaks at a few float32 copies of the episode (see :func:`loudness.master`)."""
    from . import ambience
    from .loudness import master

    n = max(0, int(round(tracks.duration * MIX_RATE)))
    total, spoken = dialogue(episode, tracks, audio, n)
    control = ambience.speech_control(spoken, n)
    ambience.add_music(total, [p for p in tracks.sounds if p.kind == "music"], base_dir,
                       ambience.ducker(control, ambience.MUSIC_DUCK_DB))
    ambience.add_room_tone(total, episode, [(s.id, s.start, s.end) for s in tracks.scenes],
                           ambience.ducker(control, ambience.AMBIENCE_DUCK_DB))
    effects(tracks, base_dir, n, out=total)
    footsteps(tracks, n, out=total)
    foley(tracks, n, out=total)
    master(total, MIX_RATE, ceiling_dbtp=CEILING_DBFS - CODEC_HEADROOM_DB, out=total)
    return np.clip(total, -1.0, 1.0, out=total)


def _dither_seed(samples: np.ndarray) -> int:
    """Seed for the dither, derived from the audio itself (deterministic, content-addressed)."""
    digest = hashlib.sha256()
    flat = np.ascontiguousarray(samples).reshape(-1)
    for a, b in dsp.spans(len(flat)):  # the bytes in order, without a whole copy of them
        digest.update(flat[a:b].tobytes())
    return int.from_bytes(digest.digest()[:8], "big")


def to_pcm16(samples: np.ndarray) -> np.ndarray:
    """Float [-1, 1] to int16 with TPDF dither; exact digital silence stays silent.

    The dither is the difference of two uniform draws over the whole signal; the second
    generator starts where the first one's draws end (PCG64's ``advance``), so the samples are
    converted chunk by chunk to the same bytes as one whole-signal pass."""
    samples = np.asarray(samples)
    seed = _dither_seed(samples)
    first, second = np.random.default_rng(seed), np.random.default_rng(seed)
    second.bit_generator.advance(samples.size)  # one 64-bit draw per float64
    out = np.empty(samples.shape, "<i2")
    for a, b in dsp.spans(len(samples), dsp.CHUNK // 4):
        x = np.asarray(samples[a:b], np.float64) * 32767.0
        dither = first.random(x.shape) - second.random(x.shape)  # triangular, +-1 LSB
        dither[x == 0.0] = 0.0
        out[a:b] = np.clip(np.round(x + dither), -32768, 32767)
    return out


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write mono (n,) or multichannel (n, c) float audio as 16-bit PCM, atomically."""
    path = Path(path)
    pcm = to_pcm16(samples)
    channels = 1 if pcm.ndim == 1 else pcm.shape[1]
    with atomic.writer(path) as fh, wave.open(fh, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        for a, b in dsp.spans(len(pcm)):
            wav.writeframes(pcm[a:b].tobytes())
