"""Emotions as blend poses of the face (and a little of the body), and how they change over time.

A ``Face`` is a set of offsets from the neutral face: brows, eyelids, gaze, mouth corners, a
slack jaw, the head's tilt and a slumped or proud chest. Each emotion is one ``Face``; an
intensity scales it (``slightly angry`` ~ 0.5, ``furious`` ~ 1.4). A character's face follows
their own lines: it eases into a line's emotion over ``EASE`` seconds just before they speak,
holds while they talk and for ``HOLD`` seconds after, then relaxes to neutral over ``RELAX``
seconds, so listeners keep their last expression for a while. A pure function of time.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from .frame import Pose

EASE = 0.3  # seconds to move from one expression to the next
LEAD = 0.15  # the face changes this long before the voice starts
HOLD = 1.5  # seconds an expression stays after the line ends
RELAX = 3.0  # seconds it then takes to fade to neutral


@dataclass(frozen=True)
class Face:
    """Offsets from the neutral face; each roughly -1..1."""

    brow_raise: float = 0.0  # both brows up (+) or down (-)
    brow_tilt: float = 0.0  # inner ends up (+, sad/worried) or down (-, angry)
    lids: float = 0.0  # eyes wide (+) or narrowed/drooping (-)
    gaze_pitch: float = 0.0  # eyes up (+) or down (-)
    gaze_yaw: float = 0.0  # eyes to the character's left (+)
    smile: float = 0.0  # mouth corners up (+) or down (-)
    smirk: float = 0.0  # left corner up and right down: a one-sided smile
    gape: float = 0.0  # jaw hanging open when not speaking
    head_pitch: float = 0.0  # head down (+) or chin up (-), radians
    slump: float = 0.0  # chest curled and shoulders in (+) or chest out (-)

    def scaled(self, k: float) -> "Face":
        """This face at intensity ``k`` (0 is neutral)."""
        return Face(*(getattr(self, f.name) * k for f in fields(self)))

    def mix(self, other: "Face", u: float) -> "Face":
        """Blend towards ``other`` by ``u`` in 0..1."""
        return Face(*(getattr(self, f.name) + (getattr(other, f.name) - getattr(self, f.name)) * u for f in fields(self)))


NEUTRAL = Face()
EMOTIONS: dict[str, Face] = {
    "neutral": NEUTRAL,
    "calm": Face(smile=0.2, lids=-0.2, head_pitch=-0.03),
    "happy": Face(brow_raise=0.25, lids=-0.1, smile=0.85, head_pitch=-0.06, slump=-0.2),
    "excited": Face(brow_raise=0.7, lids=0.45, smile=1.0, gape=0.25, head_pitch=-0.1, slump=-0.4),
    "sad": Face(brow_raise=0.1, brow_tilt=0.85, lids=-0.4, gaze_pitch=-0.35, smile=-0.75, head_pitch=0.28, slump=0.85),
    "worried": Face(brow_raise=0.35, brow_tilt=0.7, lids=0.15, smile=-0.35, head_pitch=0.08, slump=0.35),
    "afraid": Face(brow_raise=0.85, brow_tilt=0.6, lids=0.75, smile=-0.45, gape=0.3, head_pitch=0.05, slump=0.55),
    "angry": Face(brow_raise=-0.45, brow_tilt=-1.0, lids=-0.3, smile=-0.55, head_pitch=0.12, slump=-0.35),
    "surprised": Face(brow_raise=1.0, brow_tilt=0.1, lids=0.85, gape=0.55, head_pitch=-0.1, slump=-0.2),
    "tired": Face(brow_raise=-0.1, brow_tilt=0.2, lids=-0.6, gaze_pitch=-0.15, smile=-0.2, head_pitch=0.16, slump=0.6),
    "disgusted": Face(brow_raise=-0.35, brow_tilt=-0.5, lids=-0.45, gaze_yaw=0.25, smile=-0.6, smirk=-0.3,
                      head_pitch=-0.1, slump=0.1),
    "shy": Face(brow_raise=0.2, brow_tilt=0.45, lids=-0.25, gaze_pitch=-0.55, gaze_yaw=0.4, smile=0.35,
                head_pitch=0.3, slump=0.5),
    "smug": Face(brow_raise=-0.15, brow_tilt=-0.25, lids=-0.4, smile=0.5, smirk=0.45, head_pitch=-0.14, slump=-0.35),
}


def face_for(emotion: str, intensity: float = 1.0) -> Face:
    """The face of ``emotion`` at ``intensity`` (unknown emotions are neutral)."""
    return EMOTIONS.get(emotion, NEUTRAL).scaled(max(0.0, min(1.5, intensity)))


def apply(pose: Pose, face: Face) -> Pose:
    """``pose`` wearing ``face``: expression offsets set, the head tilt added to any nod."""
    return replace(pose, brow_raise=face.brow_raise, brow_tilt=face.brow_tilt, lids=face.lids, gaze_pitch=face.gaze_pitch,
                   gaze_yaw=face.gaze_yaw, smile=face.smile, smirk=face.smirk, slump=face.slump,
                   head_pitch=pose.head_pitch + face.head_pitch)


def _ease(u: float) -> float:
    """Smoothstep on [0, 1], clamped."""
    u = min(max(u, 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


def _held(speech, t: float, shot_start: float) -> Face:
    """A line's expression at ``t`` ignoring what came before: full while spoken, then fading.

    The fade is timed from the line's end or the cut, whichever is later, so a shot looks the
    same wherever an edit moves it (the time since an earlier shot's line does not reach it).
    """
    face = face_for(speech.emotion, speech.intensity)
    return face.scaled(1.0 - _ease((t - max(speech.end, shot_start) - HOLD) / RELAX))


def face_at(speeches, t: float, shot_start: float = 0.0) -> Face:
    """A character's face at ``t`` from their own lines (anything with start, end, emotion, intensity)."""
    begun = [s for s in speeches if s.start - LEAD <= t]
    if not begun:
        return NEUTRAL
    last = max(begun, key=lambda s: s.start)
    onset = last.start - LEAD
    if onset < shot_start:  # changed before the cut: already there when the shot opens
        return _held(last, t, shot_start)
    earlier = [s for s in begun if s.start < last.start]
    before = _held(max(earlier, key=lambda s: s.start), onset, shot_start) if earlier else NEUTRAL
    return before.mix(_held(last, t, shot_start), _ease((t - onset) / EASE))
