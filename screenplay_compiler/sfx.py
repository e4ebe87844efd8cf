"""Sound effects: a library of procedurally synthesised effects, and the user's own files.

Every effect is made in numpy at 48 kHz from noise, damped resonances (modal synthesis) and
envelopes, seeded from its name, so the same effect is the same samples everywhere.
:func:`resolve` turns what a script says (``SFX: door slams``, ``SFX: 关门``) into an effect id;
:data:`NAMES` lists every name it accepts, for did-you-mean.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ._lazy import lazy

np = lazy("numpy", globals(), "np")  # the compiler checks SFX names without loading numpy
dsp = lazy("screenplay_compiler.dsp", globals(), "dsp")

RATE = 48000
Synth = Callable[["np.random.Generator"], "np.ndarray"]


@dataclass(frozen=True)
class Effect:
    """One library effect: how it is made, how loud it plays, and the names that call it."""

    id: str
    level_dbfs: float  # peak level before its event gain (a neutral line's speech sits at -26 dBFS RMS)
    make: Synth
    names: tuple[str, ...]


# ------------------------------------------------------------ building blocks


def _t(seconds: float) -> np.ndarray:
    """Sample times for ``seconds`` of audio."""
    return np.arange(int(round(seconds * RATE))) / RATE


def _decay(seconds: float, tau: float) -> np.ndarray:
    """An exponential decay with time constant ``tau``."""
    return np.exp(-_t(seconds) / tau)


def _modes(seconds: float, modes: list[tuple[float, float, float]], rng: np.random.Generator) -> np.ndarray:
    """A struck object: a sum of (frequency Hz, decay s, amplitude) damped sines, each a little
    detuned; they start from rest (sine phase), so the strike itself does not click."""
    t = _t(seconds)
    out = np.zeros(len(t))
    for freq, tau, amp in modes:
        out += amp * np.exp(-t / tau) * np.sin(2 * np.pi * freq * rng.uniform(0.995, 1.005) * t)
    return out


def _noise(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """White noise."""
    return rng.standard_normal(int(round(seconds * RATE)))


def _brown(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """Brown (1/f^2) noise, leaky-integrated so it has no DC drift, unit RMS."""
    x = dsp.one_pole(_noise(seconds, rng), 0.999)
    x -= x.mean()
    return x / (np.sqrt(np.mean(x**2)) + 1e-12)


def _place(out: np.ndarray, sound: np.ndarray, at: float, gain: float = 1.0) -> None:
    """Add ``sound`` into ``out`` starting at ``at`` seconds (cut at the end)."""
    i = int(round(at * RATE))
    if i >= len(out):
        return
    n = min(len(sound), len(out) - i)
    out[i : i + n] += gain * sound[:n]


def _swept(seconds: float, rng: np.random.Generator, centre: Callable[[np.ndarray], np.ndarray],
           width_oct: float) -> np.ndarray:
    """Noise through a band (``width_oct`` octaves wide) whose centre moves with time."""
    x = _noise(seconds, rng)
    spec = dsp.stft(x, 1024, 256)
    times = np.arange(len(spec)) * 256 / RATE
    freqs = np.maximum(np.fft.rfftfreq(1024, 1 / RATE), 1.0)
    octs = np.log2(freqs[None, :] / centre(times)[:, None])
    spec *= np.exp(-0.5 * (octs / (width_oct / 2.355)) ** 2)
    return dsp.istft(spec, len(x), 1024, 256)


def _slow_random(seconds: float, rng: np.random.Generator, rate_hz: float) -> np.ndarray:
    """A smooth random curve in [0, 1] that changes about ``rate_hz`` times a second."""
    n = int(round(seconds * RATE))
    knots = rng.random(int(seconds * rate_hz) + 3)
    x = np.linspace(0, len(knots) - 1, n)
    i = np.minimum(x.astype(int), len(knots) - 2)
    u = x - i
    u = u * u * (3 - 2 * u)
    return knots[i] * (1 - u) + knots[i + 1] * u


def _click(rng: np.random.Generator, freq: float, tau: float = 0.004, q: float = 8.0) -> np.ndarray:
    """A short resonant click (a key, a tick, a droplet)."""
    burst = _noise(0.004, rng) * _decay(0.004, 0.001)
    return dsp.resonator(np.pad(burst, (0, int(tau * 8 * RATE))), freq, q, RATE)


# ------------------------------------------------------------------ effects


def door_slam(rng):
    """A heavy door slamming: a low thump, the latch's crack, a rattle and the room."""
    thump = _modes(1.2, [(62, 0.18, 1.0), (97, 0.12, 0.7), (143, 0.08, 0.5), (231, 0.05, 0.3)], rng)
    crack = dsp.lowpass(_noise(1.2, rng) * _decay(1.2, 0.012), 4000, RATE) * 1.5
    rattle = dsp.bandpass(_noise(1.2, rng), 900, 4000, RATE) * _decay(1.2, 0.05) * (1 + np.sin(2 * np.pi * 31 * _t(1.2)))
    room = dsp.lowpass(_noise(1.2, rng), 1200, RATE) * _decay(1.2, 0.25) * 0.15
    return thump + crack + 0.4 * rattle + room


def knock(rng):
    """Three knocks on a wooden door."""
    out = np.zeros(int(1.0 * RATE))
    for i, at in enumerate((0.0, 0.21, 0.42)):
        wood = _modes(0.3, [(182, 0.05, 1.0), (415, 0.03, 0.6), (790, 0.02, 0.35)], rng)
        wood += dsp.lowpass(_noise(0.3, rng), 3000, RATE) * _decay(0.3, 0.004) * 0.8
        _place(out, wood, at + rng.uniform(-0.01, 0.01), 1.0 - 0.1 * i)
    return out


SURFACES = ("stone", "wood", "grass")
SURFACE_FOR_SET = {"street": "stone", "bridge": "wood", "park": "grass", "room": "wood"}


def footstep(surface: str, index: int) -> np.ndarray:
    """One footfall on ``surface`` (eight seeded variants, so a walk does not machine-gun)."""
    return _footstep(surface, index % 8).copy()


@functools.lru_cache(maxsize=64)
def _footstep(surface: str, variant: int) -> np.ndarray:
    """A cached footfall (heel then toe)."""
    rng = dsp.seeded_rng("footstep", surface, str(variant))
    n = 0.35
    if surface == "grass":
        heel = dsp.lowpass(dsp.bandpass(_noise(n, rng), 500, 3000, RATE), 3000, RATE) * _decay(n, 0.035)
    elif surface == "wood":
        heel = _modes(n, [(110, 0.05, 1.0), (260, 0.03, 0.6), (520, 0.02, 0.3)], rng)
        heel += dsp.lowpass(_noise(n, rng), 2500, RATE) * _decay(n, 0.006) * 0.7
    else:
        heel = dsp.bandpass(_noise(n, rng), 200, 5000, RATE) * _decay(n, 0.008) * 1.5
        heel += _modes(n, [(90, 0.03, 0.6)], rng)
    toe = np.zeros_like(heel)
    _place(toe, heel * 0.45, rng.uniform(0.06, 0.09))
    out = heel + toe
    return (out / (np.abs(out).max() + 1e-12)).astype(np.float32)


def footsteps(rng, surface: str = "stone"):
    """Six steps at a walking pace."""
    out = np.zeros(int(3.2 * RATE))
    for i in range(6):
        _place(out, footstep(surface, i), 0.1 + i * 0.52 + rng.uniform(-0.02, 0.02), 0.8 + 0.2 * (i % 2))
    return out


# ------------------------------------------------------------------- foley


def foley(sound: str, surface: str, index: int) -> np.ndarray:
    """One Foley sound of the body (see :data:`FOLEY_SOUNDS`) on ``surface``, peak 1 (eight seeded
    variants, so repeated claps or thuds are never the same samples twice in a row)."""
    return _foley(sound, surface, index % 8).copy()


@functools.lru_cache(maxsize=256)
def _foley(sound: str, surface: str, variant: int) -> np.ndarray:
    """A cached Foley sound, peak-normalised; it starts on its transient (sample 0 is the contact)."""
    rng = dsp.seeded_rng("foley", sound, surface, str(variant))
    out = _FOLEY[sound](rng, surface, variant)
    out *= dsp.fade(len(out), int(0.02 * RATE), rising=False)
    return (out / (np.abs(out).max() + 1e-12)).astype(np.float32)


def _burst(seconds: float, rng: np.random.Generator, low: float, high: float, tau: float) -> np.ndarray:
    """Band-limited noise that starts at full level and decays with time constant ``tau``."""
    return dsp.bandpass(_noise(seconds, rng), low, high, RATE) * _decay(seconds, tau)


def _rustle(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """Cloth moving: bright noise in a dozen small uneven swells that rise and die away."""
    grain = 0.3 + 0.7 * _slow_random(seconds, rng, 25.0) ** 2
    swell = np.sin(np.pi * np.minimum(1.0, _t(seconds) / seconds)) ** 0.7
    attack = np.minimum(1.0, _t(seconds) / 0.004)  # a soft edge, not a click
    return dsp.bandpass(_noise(seconds, rng), 900, 6000, RATE) * grain * swell * np.maximum(attack, swell)


def _ground(seconds: float, rng: np.random.Generator, surface: str, pitch: float = 1.0) -> np.ndarray:
    """What the floor adds to a blow: wood booms, stone cracks gritty, grass only muffles."""
    if surface == "wood":
        return _modes(seconds, [(105 * pitch, 0.09, 1.0), (240 * pitch, 0.05, 0.6), (470 * pitch, 0.03, 0.3)], rng)
    if surface == "grass":
        return _burst(seconds, rng, 300, 2500, 0.03) * 0.6
    return _burst(seconds, rng, 600, 6000, 0.01) * 1.2 + _modes(seconds, [(85 * pitch, 0.04, 0.5)], rng)


def _thump(seconds: float, rng: np.random.Generator, freqs: tuple[float, ...], tau: float) -> np.ndarray:
    """A soft, heavy body hitting something: low damped modes and a dull knock of noise."""
    modes = [(f * rng.uniform(0.95, 1.05), tau / (1 + i), 1.0 / (1 + i)) for i, f in enumerate(freqs)]
    return _modes(seconds, modes, rng) + dsp.lowpass(_noise(seconds, rng), 900, RATE) * _decay(seconds, 0.012) * 0.8


def _clap(rng, surface, variant):
    """Two palms meeting: a sharp band of noise through the cupped hands' resonance."""
    body = _burst(0.15, rng, 700, 5000, rng.uniform(0.005, 0.008))
    cup = dsp.resonator(body, rng.uniform(900, 1500), 4.0, RATE)
    return body + 1.5 * cup


def _scuff(rng, surface, variant):
    """A shoe pushing off: a short gritty slide on the ground."""
    s = 0.18
    slide = _burst(s, rng, 400, 5000 if surface != "grass" else 2500, 0.045) * np.minimum(1.0, _t(s) / 0.008)
    return slide + 0.3 * _ground(s, rng, surface, 1.3)


def _land(rng, surface, variant):
    """Both feet landing from a jump: two heels a few milliseconds apart and the body's weight."""
    out = _thump(0.5, rng, (70, 130), 0.08) + 0.8 * _ground(0.5, rng, surface)
    _place(out, footstep(surface, variant).astype(np.float64), 0.0, 0.8)
    _place(out, footstep(surface, variant + 1).astype(np.float64), rng.uniform(0.012, 0.03), 0.7)
    return out


def _body_fall(rng, surface, variant):
    """A body hitting the ground: a deep thud, the floor's answer, a limb a beat later and cloth."""
    out = _thump(0.9, rng, (48, 82, 130), 0.2) * 1.4 + _ground(0.9, rng, surface, 0.8)
    _place(out, _thump(0.3, rng, (95, 170), 0.06) * 0.45 + 0.3 * _ground(0.3, rng, surface), rng.uniform(0.07, 0.11))
    _place(out, _rustle(0.5, rng) * 0.35, 0.01)
    return out


def _knee(rng, surface, variant):
    """A knee meeting the floor: a short knock of bone through cloth."""
    out = _thump(0.35, rng, (110, 220), 0.04) + 0.6 * _ground(0.35, rng, surface, 1.2)
    _place(out, _rustle(0.3, rng) * 0.3, 0.0)
    return out


def _cloth(rng, surface, variant):
    """Clothes shifting as the body moves."""
    return _rustle(rng.uniform(0.3, 0.45), rng)


def _settle(rng, surface, variant):
    """Sitting down: the weight settling (a soft low bump) under rustling clothes."""
    out = _thump(0.4, rng, (75, 140), 0.05) * 0.6
    _place(out, _rustle(0.35, rng) * 0.8, 0.0)
    return out


def _creak(rng, surface, variant):
    """A chair taking the weight: a short stick-slip creak through a small wooden body."""
    s = 0.3
    rate = 90 + 90 * _slow_random(s, rng, 8.0)
    pulses = np.diff(np.floor(np.cumsum(rate) / RATE), prepend=0.0) * rng.uniform(0.5, 1.0, int(s * RATE))
    body = sum(dsp.resonator(pulses, f * rng.uniform(0.95, 1.05), 18.0, RATE) * a for f, a in ((780, 1.0), (1650, 0.5), (2900, 0.3)))
    return body * np.sin(np.pi * _t(s) / s) ** 0.5


def _slap(rng, surface, variant):
    """A hand striking someone's chest: a flat slap muffled by cloth."""
    out = _burst(0.25, rng, 300, 3500, 0.012) + _thump(0.25, rng, (140,), 0.03) * 0.5
    _place(out, _rustle(0.2, rng) * 0.3, 0.005)
    return out


def _tap_cup(rng, surface, variant):
    """A cup set on (or lifted off) a table: a ceramic clink."""
    out = _modes(0.4, [(2650, 0.06, 1.0), (4900, 0.035, 0.5), (7300, 0.02, 0.25)], rng)
    return out + _burst(0.4, rng, 2000, 8000, 0.002) * 0.6


def _tap_box(rng, surface, variant):
    """A small object set down (or picked up): a dull, hollow tock."""
    return _modes(0.3, [(330, 0.03, 1.0), (760, 0.02, 0.5), (1500, 0.012, 0.3)], rng) + _burst(0.3, rng, 500, 4000, 0.003) * 0.5


def _cloth_whoosh(rng, surface, variant):
    """Squaring up: sleeves cutting the air, a quick rising swish."""
    s = 0.35
    out = _swept(s, rng, lambda tt: 700 * 2 ** (2.0 * np.clip(tt / s, 0, 1)), 1.0)
    return out * np.sin(np.pi * _t(s) / s) ** 2 * np.minimum(1.0, _t(s) / 0.004)


_FOLEY = {"clap": _clap, "scuff": _scuff, "land": _land, "body_fall": _body_fall, "knee": _knee, "cloth": _cloth,
          "settle": _settle, "creak": _creak, "slap": _slap, "tap_cup": _tap_cup, "tap_box": _tap_box, "whoosh": _cloth_whoosh}
FOLEY_SOUNDS = tuple(_FOLEY)


def thunder(rng):
    """A crack, then a long rolling rumble."""
    s = 6.0
    crack = dsp.highpass(_noise(s, rng), 400, RATE) * _decay(s, 0.06) * 0.6
    rumble = dsp.lowpass(_brown(s, rng), 180, RATE) * (0.4 + 0.6 * _slow_random(s, rng, 3.0))
    env = np.minimum(1.0, _t(s) / 0.15) * _decay(s, 1.6)
    return crack + rumble * env * 3.0


def rain(rng):
    """Steady rain: a band of hiss and hundreds of droplets a second."""
    s = 6.0
    hiss = dsp.lowpass(dsp.bandpass(_noise(s, rng), 400, 5000, RATE), 8000, RATE) * (0.8 + 0.2 * _slow_random(s, rng, 0.5))
    drops = np.zeros(int(s * RATE))
    idx = rng.integers(0, len(drops), int(400 * s))
    drops[idx] = rng.exponential(1.0, len(idx)) * rng.choice([-1, 1], len(idx))
    drops = dsp.resonator(dsp.highpass(drops, 1500, RATE), 3200, 1.5, RATE)
    return hiss * 0.5 + drops * 2.0


def wind(rng):
    """Gusting wind: a band of noise whose pitch and strength rise and fall."""
    s = 6.0
    gust = _slow_random(s, rng, 0.6)
    band = _swept(s, rng, lambda tt: 250 + 500 * np.interp(tt, _t(s)[:: RATE // 10], gust[:: RATE // 10]), 1.5)
    return band * (0.3 + 0.7 * gust)


def birds(rng):
    """Birdsong: little phrases of rising and falling chirps."""
    s = 4.0
    out = np.zeros(int(s * RATE))
    at = 0.05
    while at < s - 0.3:
        base = rng.uniform(2500, 4500)
        for _ in range(rng.integers(2, 6)):
            d = rng.uniform(0.05, 0.12)
            tt = _t(d)
            sweep = base * (1 + rng.uniform(-0.3, 0.4) * tt / d)
            chirp = np.sin(2 * np.pi * np.cumsum(sweep) / RATE) * np.sin(np.pi * tt / d) ** 2
            _place(out, chirp, at, rng.uniform(0.4, 1.0))
            at += d + rng.uniform(0.02, 0.06)
        at += rng.uniform(0.3, 0.8)
    return out


def phone_ring(rng):
    """A telephone: two rings of the 440 + 480 Hz tone, trilled at 20 Hz."""
    out = np.zeros(int(5.0 * RATE))
    t = _t(1.6)
    ring = (np.sin(2 * np.pi * 440 * t) + np.sin(2 * np.pi * 480 * t)) * (0.6 + 0.4 * np.sign(np.sin(2 * np.pi * 20 * t)))
    ring *= dsp.fade(len(t), 240) * dsp.fade(len(t), 480, rising=False)
    _place(out, ring, 0.0)
    _place(out, ring, 2.6)
    return out


def _bell_partials(base: float, rng, seconds: float, tau: float) -> np.ndarray:
    """A bell: its inharmonic partials (hum, prime, tierce, quint, nominal...) with long decays."""
    ratios = [(0.5, 1.0), (1.0, 0.8), (1.19, 0.6), (1.5, 0.4), (2.0, 0.5), (2.51, 0.25), (2.66, 0.2), (3.01, 0.15)]
    return _modes(seconds, [(base * r, tau / (0.6 + r), a) for r, a in ratios], rng)


def bell(rng):
    """A large bell struck once."""
    strike = dsp.highpass(_noise(0.02, rng), 2000, RATE) * 0.3
    out = _bell_partials(220.0, rng, 5.0, 4.0)
    _place(out, strike, 0.0)
    return out


def chime(rng):
    """Wind chimes: small bells struck at random."""
    s = 3.0
    out = np.zeros(int(s * RATE))
    for _ in range(9):
        f = rng.choice([1318.5, 1568.0, 1760.0, 2093.0, 2349.3])
        _place(out, _bell_partials(f, rng, 1.5, 0.9), rng.uniform(0.0, 1.8), rng.uniform(0.3, 1.0))
    return out


def doorbell(rng):
    """Ding-dong."""
    out = np.zeros(int(2.4 * RATE))
    _place(out, _modes(1.5, [(659.3, 0.6, 1.0), (1318.5, 0.3, 0.3), (1977.8, 0.15, 0.1)], rng), 0.0)
    _place(out, _modes(2.0, [(523.3, 0.8, 1.0), (1046.5, 0.4, 0.3), (1569.8, 0.2, 0.1)], rng), 0.55)
    return out


def glass_break(rng):
    """A pane shattering: the crash, then shards tinkling down."""
    s = 2.0
    out = dsp.highpass(_noise(s, rng), 1500, RATE) * _decay(s, 0.08) * 1.2
    for _ in range(70):
        f = rng.uniform(3000, 9000)
        shard = _modes(0.2, [(f, rng.uniform(0.01, 0.05), 1.0), (f * 1.63, 0.02, 0.5)], rng)
        _place(out, shard, rng.exponential(0.25), rng.uniform(0.1, 0.6))
    return out


def car_horn(rng):
    """A car horn: two buzzy tones a third apart."""
    t = _t(1.1)
    tone = sum(np.sign(np.sin(2 * np.pi * f * t)) * 0.5 + np.sin(2 * np.pi * f * t) for f in (415.0, 523.0))
    tone = dsp.resonator(tone, 1800, 2.0, RATE) + dsp.lowpass(tone, 2500, RATE)
    return tone * dsp.fade(len(t), 480) * dsp.fade(len(t), 2400, rising=False)


def crowd(rng):
    """A crowd murmuring: a dozen babbling voices (noise through moving vowel formants)."""
    s = 6.0
    out = np.zeros(int(s * RATE))
    for _ in range(12):
        src = _noise(s, rng)
        f1, f2 = rng.uniform(300, 800), rng.uniform(900, 2300)
        voice = dsp.resonator(src, f1, 5.0, RATE) + 0.6 * dsp.resonator(src, f2, 6.0, RATE)
        syllables = np.clip(np.sin(2 * np.pi * rng.uniform(3, 6) * _t(s) + rng.uniform(0, 6)), 0, 1) ** 2
        out += voice * syllables * _slow_random(s, rng, 0.4)
    return dsp.lowpass(dsp.highpass(out, 150, RATE), 3500, RATE)  # voices in a room: no sibilant fizz


def heartbeat(rng):
    """A heartbeat at 72 beats a minute: lub-dub."""
    out = np.zeros(int(3.4 * RATE))
    for beat in range(4):
        at = 0.05 + beat * 60 / 72
        _place(out, _modes(0.3, [(48, 0.05, 1.0), (72, 0.04, 0.5)], rng), at)
        _place(out, _modes(0.3, [(58, 0.04, 0.7), (90, 0.03, 0.4)], rng), at + 0.28)
    return out


def clock_tick(rng):
    """A clock ticking: tick, tock, once a second each."""
    out = np.zeros(int(4.0 * RATE))
    for i in range(8):
        _place(out, _click(rng, 3200 if i % 2 == 0 else 2600, 0.01, 12), i * 0.5)
    return out


def whoosh(rng):
    """Something rushing past: a band of noise sweeping up and down, swelling then fading."""
    s = 1.2
    out = _swept(s, rng, lambda tt: 300 * 2 ** (3 * np.sin(np.pi * np.clip(tt / s, 0, 1))), 1.2)
    return out * np.sin(np.pi * _t(s) / s) ** 2


def splash(rng):
    """Something falling into water: a burst, then droplets."""
    s = 1.8
    out = dsp.lowpass(_noise(s, rng), 2500, RATE) * _decay(s, 0.15)
    for _ in range(25):
        f = rng.uniform(600, 2000)
        tt = _t(0.03)
        bubble = np.sin(2 * np.pi * np.cumsum(f * (1 + 4 * tt)) / RATE) * _decay(0.03, 0.008)
        _place(out, bubble, 0.05 + rng.exponential(0.25), rng.uniform(0.1, 0.4))
    return out


def fire(rng):
    """A fire: a low roar, hiss and crackles."""
    s = 6.0
    roar = dsp.lowpass(_brown(s, rng), 300, RATE) * 0.3
    hiss = dsp.highpass(_noise(s, rng), 3000, RATE) * 0.02
    crackles = np.zeros(int(s * RATE))
    idx = rng.integers(0, len(crackles), int(25 * s))
    crackles[idx] = rng.exponential(1.0, len(idx))
    crackles = dsp.resonator(crackles, 2500, 2.0, RATE) * 1.5
    return roar + hiss + crackles


def typing(rng):
    """Typing on a keyboard: clicks at an uneven rhythm, now and then the space bar."""
    s = 4.0
    out = np.zeros(int(s * RATE))
    at = 0.05
    while at < s - 0.1:
        space = rng.random() < 0.15
        _place(out, _click(rng, 900 if space else rng.uniform(1800, 3200), 0.012, 6), at, 1.0 if space else 0.7)
        at += rng.gamma(4.0, 0.03)
    return out


def gunshot(rng):
    """A gunshot: an instant crack and a long echo off buildings."""
    s = 2.5
    crack = _noise(s, rng) * _decay(s, 0.006) * 2.0
    boom = dsp.lowpass(_noise(s, rng), 600, RATE) * _decay(s, 0.08)
    echo = dsp.lowpass(_noise(s, rng), 1500, RATE) * _decay(s, 0.6) * 0.12
    return crack + boom + echo


def explosion(rng):
    """An explosion: a low boom, a rushing blast and falling debris."""
    s = 5.0
    boom = dsp.lowpass(_brown(s, rng), 120, RATE) * _decay(s, 0.9) * 2.5
    blast = dsp.lowpass(_noise(s, rng), 3000, RATE) * _decay(s, 0.25)
    out = boom + blast
    for _ in range(40):
        _place(out, _click(rng, rng.uniform(800, 4000), 0.02, 4), 0.3 + rng.exponential(0.9), rng.uniform(0.05, 0.3))
    return out


def door_creak(rng):
    """A door creaking open: stick-slip pulses at a wandering rate through a wooden body."""
    s = 1.6
    rate = 40 + 60 * _slow_random(s, rng, 3.0)
    phase = np.cumsum(rate) / RATE
    pulses = np.diff(np.floor(phase), prepend=0.0) * rng.uniform(0.5, 1.0, len(phase))
    body = sum(dsp.resonator(pulses, f, 20.0, RATE) * a for f, a in ((620, 1.0), (1340, 0.6), (2450, 0.35)))
    return body * np.sin(np.pi * _t(s) / s)


def applause(rng):
    """A room applauding: sixty claps a second, each a short band of noise."""
    s = 5.0
    out = np.zeros(int(s * RATE))
    for at in np.sort(rng.uniform(0, s - 0.05, int(60 * s))):
        clap = dsp.bandpass(_noise(0.03, rng), rng.uniform(700, 1500), rng.uniform(2500, 4000), RATE) * _decay(0.03, 0.006)
        _place(out, clap, at, rng.uniform(0.4, 1.0))
    return out * np.minimum(1.0, _t(s) / 0.3) * np.minimum(1.0, (s - _t(s)) / 1.2)


def waves(rng):
    """Sea waves rolling in and drawing back."""
    s = 8.0
    swell = 0.5 - 0.5 * np.cos(2 * np.pi * _t(s) / 4.0 + rng.uniform(0, 1))
    surf = dsp.lowpass(_noise(s, rng), 1800, RATE) * swell**2
    return surf + dsp.lowpass(_brown(s, rng), 200, RATE) * 0.15


def stream(rng):
    """A babbling stream: a wash of water and many small rising bubbles."""
    s = 6.0
    out = dsp.bandpass(_noise(s, rng), 300, 3000, RATE) * 0.15
    for at in rng.uniform(0, s - 0.05, int(35 * s)):
        f, d = rng.uniform(400, 1400), rng.uniform(0.01, 0.03)
        tt = _t(d)
        bubble = np.sin(2 * np.pi * np.cumsum(f * (1 + 3 * tt / d)) / RATE) * np.sin(np.pi * tt / d)
        _place(out, bubble, at, rng.uniform(0.1, 0.5))
    return out


def room_tone(rng):
    """The sound of a quiet room: low air movement and a faint mains hum."""
    s = 6.0
    air = dsp.lowpass(_brown(s, rng), 350, RATE) + 0.15 * dsp.lowpass(_noise(s, rng), 2000, RATE)
    hum = 0.02 * np.sin(2 * np.pi * 50 * _t(s)) + 0.01 * np.sin(2 * np.pi * 100 * _t(s))
    return air + hum


def traffic(rng):
    """Distant traffic: a low roar with cars swelling past."""
    s = 8.0
    roar = dsp.lowpass(_brown(s, rng), 400, RATE) * (0.6 + 0.4 * _slow_random(s, rng, 0.3))
    out = roar
    for at in rng.uniform(0, s - 3, 4):
        car = _swept(3.0, rng, lambda tt: 200 + 300 * np.sin(np.pi * tt / 3.0), 1.5) * np.sin(np.pi * _t(3.0) / 3.0) ** 2
        _place(out, car * 0.8, at)
    return out


def crickets(rng):
    """Crickets at night: trains of 4.5 kHz chirps from a few insects."""
    s = 6.0
    out = np.zeros(int(s * RATE))
    for _ in range(4):
        f, period, at = rng.uniform(4200, 4900), rng.uniform(0.5, 0.9), rng.uniform(0, 0.5)
        pulse_t = _t(0.012)
        pulse = np.sin(2 * np.pi * f * pulse_t) * np.sin(np.pi * pulse_t / 0.012)
        gain = rng.uniform(0.3, 1.0)
        while at < s - 0.2:
            for k in range(3):
                _place(out, pulse, at + k * 0.02, gain)
            at += period * rng.uniform(0.9, 1.1)
    return out


def _effect(id_: str, level: float, make: Synth, *names: str) -> Effect:
    """An Effect whose names include its id spelled with spaces."""
    return Effect(id_, level, make, (id_.replace("_", " "), *names))


EFFECTS: dict[str, Effect] = {e.id: e for e in (
    _effect("door_slam", -12.0, door_slam, "door slams", "slam", "slamming door", "door slamming", "关门", "摔门", "砰的关门声"),
    _effect("knock", -16.0, knock, "knocks", "knock on the door", "knocking", "door knock", "敲门", "敲门声"),
    _effect("footsteps", -20.0, footsteps, "footstep", "steps", "walking", "脚步声", "脚步"),
    _effect("footsteps_wood", -20.0, lambda r: footsteps(r, "wood"), "footsteps on wood", "creaky footsteps", "木地板脚步声"),
    _effect("footsteps_grass", -22.0, lambda r: footsteps(r, "grass"), "footsteps on grass", "草地脚步声"),
    _effect("thunder", -11.0, thunder, "thunderclap", "thunder rumbles", "thunder rumbling", "thunder crash", "雷声", "打雷", "雷"),
    _effect("rain", -22.0, rain, "rain falls", "rainfall", "raining", "downpour", "雨声", "下雨", "雨"),
    _effect("wind", -22.0, wind, "wind howls", "wind blows", "gust", "gust of wind", "风声", "刮风", "风"),
    _effect("birds", -24.0, birds, "bird", "birdsong", "birds chirp", "birds singing", "chirping", "鸟叫", "鸟鸣", "鸟叫声"),
    _effect("phone_ring", -18.0, phone_ring, "phone rings", "phone", "telephone", "telephone rings", "ringing phone",
            "电话铃", "电话铃声", "电话响"),
    _effect("bell", -14.0, bell, "bell rings", "church bell", "bell tolls", "钟声", "钟"),
    _effect("chime", -20.0, chime, "chimes", "wind chimes", "wind chime", "风铃"),
    _effect("doorbell", -18.0, doorbell, "doorbell rings", "ding dong", "门铃", "门铃声"),
    _effect("glass_break", -12.0, glass_break, "glass breaks", "glass shatters", "breaking glass", "shattering glass",
            "glass smash", "玻璃碎", "玻璃破碎", "打碎玻璃"),
    _effect("car_horn", -16.0, car_horn, "horn", "car horn honks", "honk", "honking", "汽车喇叭", "喇叭", "鸣笛"),
    _effect("crowd", -24.0, crowd, "crowd murmur", "crowd murmurs", "murmur", "chatter", "人群", "人声嘈杂", "人群嘈杂"),
    _effect("heartbeat", -14.0, heartbeat, "heart beats", "heart beating", "heart", "心跳", "心跳声"),
    _effect("clock_tick", -22.0, clock_tick, "clock ticks", "clock ticking", "ticking clock", "tick tock", "clock",
            "钟表滴答", "滴答声", "滴答"),
    _effect("whoosh", -16.0, whoosh, "swoosh", "rush", "woosh", "呼啸", "嗖"),
    _effect("splash", -14.0, splash, "splashes", "water splash", "splashing", "水花", "扑通", "落水"),
    _effect("fire", -22.0, fire, "fire crackles", "fire crackling", "crackling fire", "campfire", "fireplace",
            "火", "篝火", "火焰噼啪", "噼啪声"),
    _effect("typing", -22.0, typing, "keyboard", "keyboard typing", "typing on a keyboard", "打字", "打字声", "键盘声"),
    _effect("gunshot", -10.0, gunshot, "gun shot", "shot", "gun fires", "gunfire", "枪声", "开枪"),
    _effect("explosion", -10.0, explosion, "explodes", "blast", "bang", "boom", "爆炸", "爆炸声"),
    _effect("door_creak", -18.0, door_creak, "door creaks", "creak", "creaking door", "door creaking", "creaks open",
            "吱呀", "开门", "门吱呀"),
    _effect("applause", -18.0, applause, "clapping", "applauding", "clap", "掌声", "鼓掌"),
    _effect("waves", -20.0, waves, "sea", "ocean", "surf", "waves crash", "海浪", "海浪声", "浪"),
    _effect("stream", -24.0, stream, "river", "brook", "running water", "water flowing", "babbling brook",
            "流水", "河水", "溪水", "水声"),
    _effect("room_tone", -28.0, room_tone, "room", "quiet room", "silence", "房间", "室内"),
    _effect("traffic", -22.0, traffic, "street", "cars", "city", "traffic noise", "车流", "街道", "交通"),
    _effect("crickets", -24.0, crickets, "cricket", "night insects", "蟋蟀", "虫鸣", "蛐蛐"),
)}


# ------------------------------------------------------------------- names

_STOPWORDS = {"a", "an", "the", "of", "on", "in", "at", "some", "sound", "sounds", "noise", "sfx", "effect"}
_KEEP_S = {"glass", "grass", "chimes"}


def _singular(word: str) -> str:
    """A crude English singular ("slams" -> "slam", "crashes" -> "crash", "flies" -> "fly")."""
    if word in _KEEP_S or len(word) <= 3:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("shes", "ches", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def normalise_name(name: str) -> str:
    """The lookup form of an effect name: lower case, no punctuation or filler words, singular."""
    text = name.strip().strip("\"'“”‘’").lower()
    if not text.isascii():
        return re.sub(r"[\s\W_]+", "", text).removesuffix("的声音").removesuffix("声音")
    words = [_singular(w) for w in re.findall(r"[a-z0-9]+", text) if w not in _STOPWORDS]
    return " ".join(words)


def _lookup() -> dict[str, str]:
    """Normalised name -> effect id, with bare Chinese names also reachable with a trailing 声."""
    table: dict[str, str] = {}
    for effect in EFFECTS.values():
        for n in (effect.id, *effect.names):
            table.setdefault(normalise_name(n), effect.id)
            if not n.isascii() and not n.endswith("声"):
                table.setdefault(normalise_name(n + "声"), effect.id)
    return table


_LOOKUP = _lookup()
NAMES: tuple[str, ...] = tuple(sorted({n for e in EFFECTS.values() for n in e.names}))


def resolve(name: str) -> str | None:
    """The library effect a script's ``SFX:`` name means (English or Chinese), or None."""
    return _LOOKUP.get(normalise_name(name))


# ------------------------------------------------------------------ render


@functools.lru_cache(maxsize=None)
def _rendered(effect_id: str) -> np.ndarray:
    """The effect's samples at its library level (cached per process)."""
    effect = EFFECTS[effect_id]
    x = np.asarray(effect.make(dsp.seeded_rng("sfx", effect_id)), np.float64)
    x = dsp.highpass(x, 25.0, RATE)  # no subsonic rumble or DC
    x *= dsp.fade(len(x), int(0.002 * RATE)) * dsp.fade(len(x), int(0.05 * RATE), rising=False)
    peak = float(np.abs(x).max())
    out = x * (10 ** (effect.level_dbfs / 20) / peak) if peak > 0 else x
    out = out.astype(np.float32)
    out.flags.writeable = False
    return out


def render(effect_id: str) -> np.ndarray:
    """Mono float32 samples (48 kHz) of a library effect; raises KeyError for an unknown id."""
    if effect_id not in EFFECTS:
        raise KeyError(f"unknown sound effect {effect_id!r}")
    return _rendered(effect_id)


def load(path: str, base_dir: Path | None) -> np.ndarray:
    """A user sound file (relative to the script's folder) as stereo float32 (n, 2) at 48 kHz."""
    from .audiofile import decode

    full = Path(path)
    if not full.is_absolute() and base_dir is not None:
        full = Path(base_dir) / full
    return decode(full, RATE, channels=2)


def seconds(effect_id: str) -> float:
    """The length of a library effect."""
    return len(render(effect_id)) / RATE

