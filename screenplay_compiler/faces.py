"""Emotions as blend poses of the face (and a little of the body), and how they change over time.

A ``Face`` is a set of offsets from the neutral face: brows, eyelids, gaze, mouth corners, a
slack jaw, the head's tilt and a slumped or proud chest. Each emotion is one ``Face``; an
intensity scales it (``slightly angry`` ~ 0.5, ``furious`` ~ 1.4). A character's face follows
their own lines: it eases into a line's emotion over ``EASE`` seconds just before they speak,
holds while they talk and for ``HOLD`` seconds after, then relaxes to neutral over ``RELAX``
seconds, so listeners keep their last expression for a while. A pure function of time.

The body follows the face: each emotion also has a ``POSTURES`` entry, bone rotations in the
action library's notation (``actions.K``) that :func:`posture_bones` blends with exactly the
weights the face uses (:func:`mood_at`), so a posture eases in, holds and relaxes with its face.
The animator lays it under the actions at low weight: a bone an action moves leaves the posture.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache

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


# Body postures at intensity 1, on top of the face's head tilt and chest slump. Kept small: an
# action played over them must still read. ``_L`` bones are mirrored onto the right side.
POSTURES: dict[str, tuple[tuple[str, str], ...]] = {
    "calm": (("spine", "x-1"), ("clavicle_L", "z-3")),
    "happy": (("spine", "x-2"), ("chest", "x-3"), ("clavicle_L", "y-6 z3"), ("upper_arm_L", "z4")),
    "excited": (("spine", "x-3"), ("chest", "x-4"), ("clavicle_L", "y-6 z6"), ("upper_arm_L", "z6 x-6"),
                ("forearm_L", "x-45")),
    "sad": (("spine", "x3"), ("neck", "x5"), ("clavicle_L", "z-7 y8"), ("upper_arm_L", "z-5 x3"), ("forearm_L", "x6")),
    "tired": (("spine", "x3"), ("neck", "x4"), ("clavicle_L", "z-6"), ("upper_arm_L", "z-4 x3")),
    "angry": (("spine", "x2"), ("chest", "x5"), ("head", "x6"), ("clavicle_L", "z12 y-4"), ("upper_arm_L", "z3 x-8"),
              ("forearm_L", "x-42"), ("hand_L", "x-35")),
    "afraid": (("spine", "x-4"), ("chest", "x3"), ("head", "x4"), ("clavicle_L", "z14 y12"),
               ("upper_arm_L", "y-20 x-22 z-4"), ("forearm_L", "x-75"), ("hand_L", "x-15")),
    "surprised": (("spine", "x-5"), ("chest", "x-3"), ("head", "x-3"), ("clavicle_L", "z12"),
                  ("upper_arm_L", "z12 x-18"), ("forearm_L", "x-50"), ("hand_L", "x20")),
    "shy": (("head", "x12 y-18 z10"), ("neck", "x4 y-6"), ("clavicle_L", "y12 z4"), ("upper_arm_L", "y-18 x-10 z-6"),
            ("forearm_L", "x-48 y-12")),
    "smug": (("spine", "x-4"), ("head", "x-4 z-5"), ("pelvis", "z5"), ("chest", "z-5"), ("thigh_l", "z-5"),
             ("thigh_r", "z-5"), ("clavicle_L", "y-6")),
    "worried": (("clavicle_L", "z8 y8"), ("upper_arm_r", "y44 x-40 z5"),
                ("forearm_r", "x-112"), ("hand_r", "x18"), ("upper_arm_l", "y-12 x-8")),
    "disgusted": (("spine", "x-4 y12"), ("chest", "y10"), ("head", "y-30 x-3 z6"), ("upper_arm_L", "z4")),
}
# Bones a posture moves only while the character is silent (a worried hand at the mouth would
# hide the lips of a speaker).
SILENT_ONLY = {"worried": frozenset({"upper_arm_r", "forearm_r", "hand_r"})}
BOUNCE = {"happy": 0.01, "excited": 0.018}  # metres an idle character bounces in these moods
BOUNCE_PERIOD = 0.7  # seconds per bounce


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


def _held(speech, t: float, shot_start: float) -> dict[str, float]:
    """A line's emotion and its weight at ``t`` ignoring what came before: full while spoken, then fading.

    The fade is timed from the line's end or the cut, whichever is later, so a shot looks the
    same wherever an edit moves it (the time since an earlier shot's line does not reach it).
    """
    if speech.emotion not in EMOTIONS:
        return {}
    fade = 1.0 - _ease((t - max(speech.end, shot_start) - HOLD) / RELAX)
    return {speech.emotion: max(0.0, min(1.5, speech.intensity)) * fade}


def mood_at(speeches, t: float, shot_start: float = 0.0) -> dict[str, float]:
    """How much of each emotion a character shows at ``t`` (intensity included), from their own
    lines (anything with start, end, emotion, intensity): what both the face and the posture blend."""
    begun = [s for s in speeches if s.start - LEAD <= t]
    if not begun:
        return {}
    last = max(begun, key=lambda s: s.start)
    onset = last.start - LEAD
    if onset < shot_start:  # changed before the cut: already there when the shot opens
        return _held(last, t, shot_start)
    earlier = [s for s in begun if s.start < last.start]
    before = _held(max(earlier, key=lambda s: s.start), onset, shot_start) if earlier else {}
    u = _ease((t - onset) / EASE)
    now = _held(last, t, shot_start)
    return {e: before.get(e, 0.0) * (1.0 - u) + now.get(e, 0.0) * u for e in sorted(before.keys() | now.keys())}


def face_at(speeches, t: float, shot_start: float = 0.0) -> Face:
    """A character's face at ``t`` from their own lines (anything with start, end, emotion, intensity)."""
    return face_of(mood_at(speeches, t, shot_start))


def face_of(mood: dict[str, float]) -> Face:
    """The face of a mix of emotions (weights need not add up to 1)."""
    if not mood:
        return NEUTRAL
    return Face(*(sum(getattr(EMOTIONS[e], f.name) * w for e, w in mood.items()) + 0.0 for f in fields(Face)))


def posture_bones(mood: dict[str, float], talking: float = 0.0) -> dict:
    """The body's posture for a mix of emotions: rotation vector per rig bone, weighted like the face;
    ``talking`` (0..1, how much the character is speaking) fades out the silent-only bones."""
    out: dict = {}
    for emotion, w in mood.items():
        quiet = SILENT_ONLY.get(emotion, frozenset())
        for bone, v in _posture(emotion).items():
            k = w * (1.0 - talking) if bone in quiet else w
            out[bone] = out.get(bone, 0.0) + k * v
    return out


def bounce(mood: dict[str, float]) -> float:
    """Metres of idle bounce a mix of emotions gives (happy and excited characters bob)."""
    return sum(BOUNCE.get(e, 0.0) * w for e, w in mood.items())


@lru_cache(maxsize=None)
def _posture(emotion: str) -> dict:
    """One emotion's posture as rotation vectors (numpy loads only here)."""
    from .actions import Key, key_bones

    return key_bones(Key(0.0, POSTURES.get(emotion, ())))
