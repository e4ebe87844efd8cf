"""Phoneme alignments -> co-articulated mouth curves (the lip-sync stage).

The viseme set is Rhubarb Lip Sync's nine mouth shapes (A-H and X), documented in
``docs/faces.md``. Every IPA symbol that piper or espeak-ng emits maps to one of them (or is
transparent: stress marks, length marks and word gaps belong to their neighbours). A shape is
three mouth parameters, and the curve at a frame is a blend of the nearby phonemes' shapes
weighted by a bell (biweight, reaching 2.5 spreads) around each phoneme's middle: neighbours bleed into each other
(co-articulation) instead of snapping from held shape to held shape. Bilabials (m, b, p) add a
separate lip-closure curve that is fully shut across the phoneme (at least one frame wide, so a
20 ms /m/ is never lost between frames) and eases in before it: lips close in anticipation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .voice import Phoneme


@dataclass(frozen=True)
class Shape:
    """A viseme as mouth parameters: opening, spread (wide) and rounding, each 0..1."""

    open: float
    wide: float
    round: float


# Rhubarb Lip Sync's mouth shapes; docs/faces.md shows which sounds use which.
VISEMES: dict[str, Shape] = {
    "A": Shape(0.0, 0.05, 0.0),  # closed lips: m, b, p
    "B": Shape(0.18, 0.45, 0.0),  # slightly open, teeth together: most consonants, ee
    "C": Shape(0.5, 0.3, 0.0),  # open: eh, ae, uh
    "D": Shape(0.9, 0.2, 0.0),  # wide open: aa
    "E": Shape(0.45, 0.0, 0.5),  # slightly rounded: ao, er
    "F": Shape(0.25, 0.0, 1.0),  # puckered: oo, oh, w
    "G": Shape(0.12, 0.25, 0.0),  # upper teeth on lower lip: f, v
    "H": Shape(0.4, 0.15, 0.0),  # tongue up: l
    "X": Shape(0.0, 0.0, 0.0),  # rest (silence)
}

_GROUPS = {
    "A": "mbpɱ",
    "C": "ɛeəɐʌæɘɵɜɯɤ",
    "D": "ɑaɒɶ",
    "E": "ɔɚɝɹrɾʁʀøœʃʒ",
    "F": "uʊoɷwʍyʏɥ",
    "G": "fvʋ",
    "H": "lɫɭʎɬɮ",
    "X": ".,;:!?—…^$_",
}
_VISEME_OF = {ch: v for v, chars in _GROUPS.items() for ch in chars}
TRANSPARENT = set(" ˈˌːˑʲʰʷ̩̯̃͡‿-123456789")  # stress, length, tones, word gaps: no shape of their own
BILABIAL = set(_GROUPS["A"])
CLOSE_LEAD = 0.06  # seconds the lips start closing before a bilabial
CLOSE_TAIL = 0.05  # seconds they take to open after it


def viseme_of(symbol: str) -> str | None:
    """The Rhubarb viseme of one IPA phoneme; None for transparent symbols (stress, gaps)."""
    if not symbol or all(ch in TRANSPARENT for ch in symbol):
        return None
    return _VISEME_OF.get(symbol[0], "B")  # every other consonant and close front vowels: B


@dataclass(frozen=True)
class Target:
    """One phoneme's shape, where its middle is and how far it spreads (seconds)."""

    viseme: str
    mid: float
    spread: float
    weight: float


def targets(phonemes: Sequence[Phoneme]) -> tuple[Target, ...]:
    """Shaped phonemes with rest targets at both ends; a silence mark only rests if it lasts."""
    out = []
    for p in phonemes:
        v = viseme_of(p.symbol)
        dur = max(p.end - p.start, 0.0)
        if v is None or (v == "X" and dur < 0.1):
            continue
        out.append(Target(v, (p.start + p.end) / 2, max(0.5 * dur, 0.035), 1.0 + 8.0 * dur))
    if phonemes:
        out.insert(0, Target("X", phonemes[0].start - 0.12, 0.05, 1.0))
        out.append(Target("X", phonemes[-1].end + 0.12, 0.05, 1.0))
    return tuple(out)


def shape_at(ts: Sequence[Target], t: float) -> Shape:
    """The co-articulated mouth shape at ``t``: a bell-weighted blend of nearby targets."""
    acc, total = [0.0, 0.0, 0.0], 0.0
    for tg in ts:
        w = tg.weight * max(0.0, 1.0 - ((t - tg.mid) / (2.5 * tg.spread)) ** 2) ** 2  # a bell with a finite reach
        s = VISEMES[tg.viseme]
        acc = [acc[0] + w * s.open, acc[1] + w * s.wide, acc[2] + w * s.round]
        total += w
    if total < 1e-9:
        return VISEMES["X"]
    return Shape(acc[0] / total, acc[1] / total, acc[2] / total)


def closure_at(phonemes: Sequence[Phoneme], t: float, fps: int) -> float:
    """Lip closure (0 apart .. 1 pressed) at ``t``: shut across each bilabial, eased around it."""
    half_frame = 0.5 / fps + 1e-6
    best = 0.0
    for p in phonemes:
        if viseme_of(p.symbol) != "A":
            continue
        mid, half = (p.start + p.end) / 2, max((p.end - p.start) / 2, half_frame)
        d = abs(t - mid) - half
        ramp = CLOSE_LEAD if t < mid else CLOSE_TAIL
        best = max(best, 1.0 if d <= 0 else _smooth(1.0 - d / ramp))
    return best


def _smooth(u: float) -> float:
    """Smoothstep on [0, 1], clamped."""
    u = min(max(u, 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


@dataclass(frozen=True)
class MouthCurves:
    """Per-frame mouth parameters for one line, rounded for stable JSON."""

    open: tuple[float, ...]
    wide: tuple[float, ...]
    round: tuple[float, ...]
    closure: tuple[float, ...]
    visemes: str  # the dominant viseme letter per frame, for reading tracks and for tests


def mouth_curves(phonemes: Sequence[Phoneme], times: Sequence[float], fps: int) -> MouthCurves:
    """Mouth curves at ``times`` (seconds into the line) from the line's phoneme alignment."""
    ts = targets(phonemes)
    cols: tuple[list, list, list, list] = ([], [], [], [])
    letters = []
    for t in times:
        s, c = shape_at(ts, t), closure_at(phonemes, t, fps)
        for col, v in zip(cols, (s.open * (1.0 - c), s.wide, s.round * (1.0 - 0.5 * c), c)):
            col.append(round(v, 2) + 0.0)
        letters.append("A" if c >= 0.5 else _nearest(s))
    return MouthCurves(*(tuple(c) for c in cols), visemes="".join(letters))


def _nearest(s: Shape) -> str:
    """The viseme letter closest to a blended shape (A only comes from closure)."""
    def dist(v: str) -> float:
        """Squared distance to viseme ``v``."""
        q = VISEMES[v]
        return (q.open - s.open) ** 2 + (q.wide - s.wide) ** 2 + (q.round - s.round) ** 2
    return min((v for v in VISEMES if v != "A"), key=dist)


def has_alignment(phonemes: Sequence[Phoneme]) -> bool:
    """Whether a line carries phoneme timings that lip sync can follow."""
    return any(viseme_of(p.symbol) not in (None, "X") for p in phonemes)
