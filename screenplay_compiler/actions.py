"""The action library: every stage direction a character can perform, as one table of data.

Each :class:`ActionSpec` names an action, the English and Chinese phrases that call it, what
target it takes, how long it lasts, how much of its tail the next event may overlap, whether it
holds until the actor's next body action, and its motion: keyframed bone rotations and a root
offset, eased between keys, plus sine oscillators for periodic motion (clapping, sobbing,
dancing). :func:`motion` turns a spec into a :class:`~.motion.Motion`; the animator blends it in
and out. The gait actions (walk, run), turning, sitting, waving and nodding are driven by the
procedural rig (see ``render.skeleton``) and carry no keys here.

Rotations are written as steps applied in order in the bone's rest frame: ``"y-70 x-30"`` turns
70 degrees about -y, then 30 degrees about -x. Bones of the left side are written once with
``L`` in the name (``upper_arm_L``) and mirrored onto the right (y and z angles negated).
``body`` turns the whole figure about its feet. Character space: x to the character's left, y up, z forward; positive x rotations lean the
torso forward, bend the elbow (negative) and the knee (positive).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # numpy loads only when a motion is built: `sdc check` stays light
    import numpy as np

    from .motion import Motion

MOTION_FPS = 30.0
WALK_SPEED = 1.25  # metres per second
RUN_SPEED = 3.0  # metres per second
TURN_TIME = 0.45  # seconds to turn towards where a walk goes
TYPICAL_WALK = 2.6  # metres: what coverage expects a walk to cover before blocking places it
LEGS = frozenset({"body", "pelvis", "thigh_l", "thigh_r", "shin_l", "shin_r", "foot_l", "foot_r", "root.offset"})
STANDING = frozenset({"bow", "hands_on_hips"})  # upper-body motions that read only on someone standing
Target = Literal["none", "optional", "required"]


@dataclass(frozen=True)
class Key:
    """A pose at ``at`` (fraction of the action's duration): bone rotations and a root offset (metres)."""

    at: float
    bones: tuple[tuple[str, str], ...] = ()
    root: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Wobble:
    """A periodic sway added on top of the keys: ``degrees`` about ``axis`` of ``bone`` (or metres
    along ``axis`` of the root when ``bone`` is "root.offset"), every ``period`` seconds."""

    bone: str
    axis: Literal["x", "y", "z"]
    amount: float
    period: float
    phase: float = 0.0  # fraction of a period
    rectify: bool = False  # |sin|: a beat that only goes one way (a clap, a sob)


@dataclass(frozen=True)
class ActionSpec:
    """One action of the library: its phrases, target, timing, holding and motion."""

    name: str
    english: tuple[str, ...]  # third-person phrases without pronouns or articles ("shakes head")
    chinese: tuple[str, ...]
    target: Target = "none"
    target_kind: Literal["place", "object", "file"] = "place"  # place: a character or a mark
    duration: float = 1.5
    overlap: float = 0.6  # fraction of the duration before the next event may start
    hold: bool = False  # keeps its last pose until the actor's next body action
    body: bool = True  # False: head-only (look, nod, shake head), leaves a held pose alone
    faces: bool = False  # turns to face the target first
    approach: float = 0.0  # walks up to a person target to this distance first (0: stays)
    blend: float = 0.3  # seconds to ease in and out
    release: float = 0.5  # seconds to leave a held pose when the next action starts
    keys: tuple[Key, ...] = ()
    wobble: tuple[Wobble, ...] = ()
    face: tuple[tuple[str, float], ...] = ()  # expression offsets (Pose field, amount) at full weight
    prop: str = ""  # a prop drawn in the right hand ("phone"; "object": what was picked up)
    procedural: bool = False  # driven by the rig's own fields (gait, sit, wave, nod, turn, look)
    contact: float = 0.0  # fraction of the duration at which it touches its target (a push lands)

    @property
    def phrase(self) -> str:
        """The first English phrase: how docs and messages name the action."""
        return self.english[0]

    @property
    def seated(self) -> bool:
        """Whether the action can be played sitting down: it moves only the upper body (a wave, a
        phone call, crossed arms) and does not travel, so nobody stands up for it."""
        if self.procedural or self.approach or self.prop == "object" or self.target_kind == "file" or self.name in STANDING:
            return self.name == "wave"
        bones = {bone for key in self.keys for bone, _ in key.bones} | {w.bone for w in self.wobble}
        return not bones & LEGS and all(key.root == (0.0, 0.0, 0.0) for key in self.keys)


def K(at: float, root: tuple[float, float, float] = (0.0, 0.0, 0.0), **bones: str) -> Key:
    """A key from keyword bones (``upper_arm_L="z40"``)."""
    return Key(at, tuple(sorted(bones.items())), root)


def _hold(pose: Key) -> tuple[Key, ...]:
    """Keys for one pose: held throughout (``at`` 0; the blend eases it in and out), or reached
    over the action's duration (``at`` 1: a held action's slow move into its pose)."""
    if pose.at == 0.0:
        return pose, Key(1.0, pose.bones, pose.root)
    return K(0.0), pose


ARMS_CROSSED = K(1.0, upper_arm_l="y-86 x-30 z-21", forearm_l="x-76", upper_arm_r="y62 x-23 z30", forearm_r="x-81", chest="x-3",
                 head="x-4")
HIPS = K(1.0, upper_arm_L="y-95 z42 x-8", forearm_L="x-100", hand_L="z20")
STANCE = K(1.0, chest="y-16", head="y14", spine="x10", thigh_l="x-20 z6", shin_l="x30", foot_l="x-10",
           thigh_r="x8 z-6", shin_r="x15", foot_r="x-23", upper_arm_l="y-22 x-55 z1", forearm_l="x-92",
           upper_arm_r="y31 x-44 z3", forearm_r="x-106")
ON_PHONE = K(1.0, upper_arm_r="y57 x-88 z40", forearm_r="x-142", head="z-8 y-8")
KNEEL = K(1.0, thigh_l="x-88", shin_l="x88", foot_l="x0", thigh_r="x-8", shin_r="x100", foot_r="x-40", spine="x6",
          upper_arm_l="x-25", forearm_l="x-40", upper_arm_r="x-5")
BENT = dict(spine="x38", chest="x14", head="x8", thigh_l="x-48", shin_l="x72", foot_l="x-24", thigh_r="x-48",
            shin_r="x72", foot_r="x-24", upper_arm_r="x-42 z-4", forearm_r="x-12", upper_arm_l="x-10 z10")
CARRY = dict(upper_arm_r="x-12 y20", forearm_r="x-78")
LYING = dict(body="x-90", thigh_l="x-18 z6", shin_l="x24", thigh_r="x-8 z-4", shin_r="x10", upper_arm_l="z70 x-10",
             forearm_l="x-30", upper_arm_r="z-55", forearm_r="x-20", head="y28 x-10")

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("walk_to", ("walks to", "walks over to", "walks toward", "walks towards", "goes to", "crosses to",
                           "steps to", "moves to", "walks"), ("走向", "走到", "走去", "走近"), "required",
               duration=0.0, overlap=1.0, procedural=True),
    ActionSpec("run_to", ("runs to", "runs toward", "runs towards", "runs over to", "rushes to", "dashes to", "runs"),
               ("跑向", "跑到", "奔向", "冲向"), "required", duration=0.0, overlap=1.0, procedural=True),
    ActionSpec("turn_to", ("turns to", "turns toward", "turns towards", "faces", "turns around", "turns"),
               ("转向", "转身", "面向"), "required", duration=0.6, overlap=1.0, procedural=True),
    ActionSpec("look_at", ("looks at", "glances at", "stares at", "watches", "looks"), ("看着", "看向", "望着", "盯着"),
               "required", duration=2.6, overlap=0.3, body=False, blend=0.35, procedural=True),
    ActionSpec("sit", ("sits down", "sits", "takes a seat"), ("坐下", "坐"), duration=1.2, overlap=1.0, procedural=True),
    ActionSpec("stand", ("stands up", "stands", "gets up", "rises"), ("站起来", "站起", "起身"), duration=1.0, overlap=1.0,
               procedural=True),
    ActionSpec("wave", ("waves", "waves to", "waves at"), ("挥手", "招手"), "optional", duration=1.8, overlap=0.55,
               faces=True, procedural=True),
    ActionSpec("nod", ("nods", "nods at", "nods to"), ("点头",), "optional", duration=0.9, overlap=0.6, body=False,
               procedural=True),
    ActionSpec("shake_head", ("shakes head", "shakes head no"), ("摇头",), duration=1.3, overlap=0.6, body=False, blend=0.2,
               keys=(K(0.0), K(0.14, head="y24", neck="y10"), K(0.34, head="y-24", neck="y-10"), K(0.54, head="y22", neck="y8"),
                     K(0.74, head="y-16", neck="y-6"), K(1.0)), face=(("brow_tilt", 0.4),)),
    ActionSpec("point_at", ("points at", "points to", "points"), ("指着", "指向", "指"), "optional", duration=2.0,
               overlap=0.5, faces=True,
               keys=_hold(K(0.0, upper_arm_r="x-86 z-6", forearm_r="x-6", hand_r="x-8", chest="y-4", head="y6"))),
    ActionSpec("bow", ("bows", "bows to", "takes a bow"), ("鞠躬", "行礼"), "optional", duration=2.0, overlap=0.6, faces=True,
               keys=(K(0.0), K(0.4, spine="x34", chest="x16", head="x14", upper_arm_l="x10", upper_arm_r="x10"),
                     K(0.65, spine="x34", chest="x16", head="x14", upper_arm_l="x10", upper_arm_r="x10"), K(1.0))),
    ActionSpec("shrug", ("shrugs", "shrugs shoulders"), ("耸肩",), duration=1.4, overlap=0.6,
               keys=(K(0.0), K(0.35, clavicle_L="z16", upper_arm_L="y60 z18 x-6", forearm_L="x-82", head="z10"),
                     K(0.7, clavicle_L="z14", upper_arm_L="y60 z18 x-6", forearm_L="x-82", head="z10"), K(1.0)),
               face=(("brow_raise", 0.6),)),
    ActionSpec("cross_arms", ("crosses arms", "folds arms", "crosses arms over chest"), ("双臂交叉", "抱臂", "抱着胳膊", "交叉双臂"),
               duration=1.0, overlap=0.8, hold=True, keys=_hold(ARMS_CROSSED)),
    ActionSpec("hands_on_hips", ("puts hands on hips", "stands with hands on hips", "hands on hips", "plants hands on hips"),
               ("叉腰", "双手叉腰"), duration=1.0, overlap=0.8, hold=True, keys=_hold(HIPS)),
    ActionSpec("clap", ("claps", "claps hands", "applauds"), ("鼓掌", "拍手"), duration=2.2, overlap=0.7,
               keys=_hold(K(0.0, upper_arm_L="y-40 x-42 z-4", forearm_L="x-72 y-10")),
               wobble=(Wobble("upper_arm_l", "z", 14.0, 0.42, rectify=True), Wobble("upper_arm_r", "z", -14.0, 0.42, rectify=True)),
               face=(("smile", 0.6),)),
    ActionSpec("jump", ("jumps", "jumps up", "leaps", "hops"), ("跳", "跳起来", "跳起"), duration=1.3, overlap=0.95, blend=0.12,
               keys=(K(0.0), K(0.22, thigh_L="x-52", shin_L="x86", foot_L="x-34", spine="x18", upper_arm_L="x40"),
                     K(0.46, thigh_L="x-6", shin_L="x8", foot_L="x40", upper_arm_L="x-160 z10", root=(0.0, 0.36, 0.0)),
                     K(0.6, thigh_L="x-24", shin_L="x40", foot_L="x10", upper_arm_L="x-150 z12", root=(0.0, 0.3, 0.0)),
                     K(0.8, thigh_L="x-42", shin_L="x70", foot_L="x-28", spine="x14", upper_arm_L="x-10 z14"), K(1.0))),
    ActionSpec("kneel", ("kneels", "kneels down", "drops to knees", "gets down on knee"), ("跪下", "跪", "单膝跪地"),
               duration=1.4, overlap=0.9, hold=True, release=0.9, keys=_hold(KNEEL)),
    ActionSpec("fall", ("falls", "falls down", "collapses", "falls over", "faints"), ("摔倒", "倒下", "跌倒", "晕倒"),
               duration=1.5, overlap=0.9, hold=True, release=1.2, blend=0.15,
               keys=(K(0.0), K(0.28, thigh_L="x-34", shin_L="x60", foot_L="x-20", spine="x16", upper_arm_L="z40 x-30",
                                forearm_L="x-30"),
                     K(0.75, **{**LYING, "body": "x-84"}), K(1.0, **LYING))),
    ActionSpec("hug", ("hugs", "embraces", "gives a hug"), ("拥抱", "抱住", "抱"), "required", duration=2.6, overlap=0.75,
               faces=True, approach=0.5,
               keys=_hold(K(0.0, upper_arm_l="y-67 x-71 z-1", forearm_l="x-44", upper_arm_r="y62 x-79 z-14", forearm_r="x-52",
                            chest="x6", head="y12 z-6")),
               face=(("smile", 0.5), ("lids", 0.3))),
    ActionSpec("push", ("pushes", "shoves"), ("推", "推开"), "required", duration=1.3, overlap=0.7, faces=True, approach=0.8,
               blend=0.15,
               keys=(K(0.0), K(0.3, upper_arm_L="x-55 y-20", forearm_L="x-105", spine="x-4"),
                     K(0.5, upper_arm_L="x-84 y-10 z-6", forearm_L="x-8", spine="x14", thigh_l="x-30", shin_l="x20",
                       foot_l="x10", root=(0.0, 0.0, 0.12)),
                     K(0.75, upper_arm_L="x-80 y-10 z-6", forearm_L="x-10", spine="x12", thigh_l="x-30", shin_l="x20",
                       foot_l="x10", root=(0.0, 0.0, 0.12)), K(1.0)),
               face=(("brow_tilt", -0.8),), contact=0.5),
    ActionSpec("stagger", ("staggers", "staggers back", "stumbles", "stumbles back", "reels", "reels back"),
               ("踉跄", "踉跄后退", "趔趄"), duration=0.8, overlap=0.9, blend=0.1,
               keys=(K(0.0), K(0.22, spine="x-14", chest="x-6", head="x12", clavicle_L="z10", upper_arm_L="z38 x-28",
                               forearm_L="x-40", thigh_r="x14", shin_r="x16", foot_r="x-6"),
                     K(0.5, spine="x7", chest="x3", head="x-4", clavicle_L="z4", upper_arm_L="z18 x-12", forearm_L="x-28",
                       thigh_r="x6", shin_r="x6"),
                     K(0.75, spine="x-2", upper_arm_L="z6", forearm_L="x-12"), K(1.0)),
               face=(("brow_raise", 0.8), ("lids", 0.6))),
    ActionSpec("laugh", ("laughs", "laughs out loud", "chuckles", "giggles"), ("笑", "大笑", "哈哈大笑"), duration=2.2,
               overlap=0.5, keys=_hold(K(0.0, head="x-20", chest="x-6", upper_arm_r="x-30 y40", forearm_r="x-80")),
               wobble=(Wobble("chest", "x", 5.0, 0.3, rectify=True), Wobble("clavicle_l", "z", 5.0, 0.3, rectify=True),
                       Wobble("clavicle_r", "z", -5.0, 0.3, rectify=True), Wobble("head", "x", -4.0, 0.3)),
               face=(("smile", 1.0), ("mouth_open", 0.55), ("lids", 0.25))),
    ActionSpec("cry", ("cries", "weeps", "sobs", "bursts into tears"), ("哭", "哭泣", "大哭", "流泪"), duration=3.0, overlap=0.5,
               keys=_hold(K(0.0, head="x26", spine="x10", upper_arm_L="y-35 x-64 z-3", forearm_L="x-118", hand_L="x-20")),
               wobble=(Wobble("chest", "x", 5.0, 0.7, rectify=True), Wobble("clavicle_l", "z", 6.0, 0.7, rectify=True),
                       Wobble("clavicle_r", "z", -6.0, 0.7, rectify=True)),
               face=(("brow_tilt", 1.0), ("lids", 0.45), ("smile", -0.6))),
    ActionSpec("sigh", ("sighs", "lets out a sigh", "exhales"), ("叹气", "叹息", "叹了口气"), duration=2.0, overlap=0.6,
               keys=(K(0.0), K(0.35, chest="x-8", clavicle_L="z8", head="x-10"),
                     K(0.7, chest="x10", spine="x6", clavicle_L="z-6", head="x18", upper_arm_L="z-3"), K(1.0)),
               face=(("lids", 0.4), ("brow_tilt", 0.4))),
    ActionSpec("think", ("thinks", "ponders", "strokes chin", "puts hand to chin", "wonders"), ("思考", "沉思", "想了想", "托腮"),
               duration=2.6, overlap=0.6,
               keys=_hold(K(0.0, upper_arm_r="y51 x-61 z5", forearm_r="x-125", hand_r="x20", upper_arm_l="y-80 x-22 z-10",
                            forearm_l="x-80", head="x-6 z-8")),
               face=(("brow_raise", 0.3), ("gaze_pitch", -0.6), ("gaze_yaw", 0.4))),
    ActionSpec("facepalm", ("facepalms", "buries face in hands", "covers face", "puts hand over face"),
               ("捂脸", "扶额", "捂着脸"), duration=2.2, overlap=0.6,
               keys=_hold(K(0.0, upper_arm_r="y51 x-79 z20", forearm_r="x-109", hand_r="x30", head="x22", spine="x6")),
               face=(("lids", 0.8), ("brow_tilt", 0.6))),
    ActionSpec("dance", ("dances", "starts dancing", "dances around"), ("跳舞", "起舞", "跳起舞来"), duration=4.0, overlap=0.85,
               keys=_hold(K(0.0, upper_arm_L="z55", forearm_L="x-60", thigh_L="x-10", shin_L="x16", foot_L="x-6")),
               wobble=(Wobble("pelvis", "z", 8.0, 1.0), Wobble("chest", "y", 16.0, 1.0, 0.5), Wobble("head", "z", 8.0, 1.0, 0.25),
                       Wobble("upper_arm_l", "z", 40.0, 1.0), Wobble("upper_arm_r", "z", 40.0, 1.0),
                       Wobble("forearm_l", "x", -30.0, 0.5), Wobble("forearm_r", "x", 30.0, 0.5, 0.5),
                       Wobble("root.offset", "x", 0.06, 1.0), Wobble("root.offset", "y", 0.03, 0.5, rectify=True)),
               face=(("smile", 0.8),)),
    ActionSpec("fight_stance", ("takes a fighting stance", "takes a fight stance", "takes a stance", "raises fists",
                                "squares up", "gets into a fighting stance", "gets into a fight stance", "puts up fists"), ("摆出架势", "摆开架势", "举起拳头"), duration=0.9, overlap=0.9, hold=True,
               blend=0.2, keys=_hold(STANCE), face=(("brow_tilt", -0.9), ("lids", 0.3))),
    ActionSpec("phone_call", ("talks on phone", "makes a call", "answers phone", "calls", "phones"),
               ("打电话", "接电话", "通电话"), "optional", duration=1.2, overlap=0.9, hold=True, keys=_hold(ON_PHONE),
               prop="phone"),
    ActionSpec("pick_up", ("picks up", "lifts", "grabs"), ("拿起", "捡起", "拿"), "optional", "object",
               duration=1.8, overlap=0.95, hold=True,
               keys=(K(0.0), K(0.45, **BENT), K(0.55, **BENT), K(1.0, **CARRY)), prop="object"),
    ActionSpec("put_down", ("puts down", "sets down", "drops", "places"), ("放下", "放"), "optional", "object",
               duration=1.6, overlap=0.95,
               keys=(K(0.0, **CARRY), K(0.45, **BENT), K(0.55, **BENT), K(1.0))),
    ActionSpec("perform", ("performs", "acts out"), ("表演",), "required", "file", duration=0.0, overlap=1.0),
)
# Small speech gestures a speaker makes on their own when the writer gave them no action for the
# line (tracks.py picks one by the line's emotion, seeded from its text). Not written: no phrases.
GESTURES: tuple[ActionSpec, ...] = (
    ActionSpec("beat", (), (), duration=1.2, overlap=1.0, blend=0.3,
               keys=(K(0.0), K(0.35, upper_arm_r="x-22 y18 z4", forearm_r="x-62", hand_r="x-8"),
                     K(0.55, upper_arm_r="x-18 y18 z4", forearm_r="x-46", hand_r="x12"),
                     K(0.72, upper_arm_r="x-22 y18 z4", forearm_r="x-60"), K(1.0))),
    ActionSpec("chop", (), (), duration=1.2, overlap=1.0, blend=0.2,
               keys=(K(0.0), K(0.3, upper_arm_r="x-42 y22 z2", forearm_r="x-100", hand_r="x-10", chest="y-4"),
                     K(0.46, upper_arm_r="x-36 y18", forearm_r="x-42", hand_r="x10", chest="y-6 x4"),
                     K(0.62, upper_arm_r="x-40 y20 z2", forearm_r="x-92", chest="y-4"),
                     K(0.76, upper_arm_r="x-36 y18", forearm_r="x-44", chest="y-5 x3"), K(1.0))),
    ActionSpec("open_palms", (), (), duration=1.6, overlap=1.0, blend=0.35,
               keys=_hold(K(0.0, upper_arm_L="x-26 z14 y-10", forearm_L="x-58 y-40", hand_L="z-14", chest="x-3"))),
    ActionSpec("hand_to_chest", (), (), duration=1.8, overlap=1.0, blend=0.4,
               keys=_hold(K(0.0, upper_arm_r="y40 x-14 z4", forearm_r="x-96", hand_r="x12", head="x6"))),
    ActionSpec("hand_to_neck", (), (), duration=2.0, overlap=1.0, blend=0.4,  # below the mouth: lips stay in view
               keys=_hold(K(0.0, upper_arm_r="y42 x-26 z4", forearm_r="x-108", hand_r="x14", head="x4 z-5"))),
)
SPECS = {a.name: a for a in ACTIONS + GESTURES}
NAMES = tuple(a.name for a in ACTIONS)  # what a script may write
# The gesture each emotion reaches for, and how often (a fraction of its lines).
SPEECH_GESTURES: dict[str, tuple[str, float]] = {
    "neutral": ("beat", 0.35), "calm": ("beat", 0.25), "happy": ("open_palms", 0.6), "excited": ("open_palms", 0.75),
    "sad": ("hand_to_chest", 0.35), "worried": ("hand_to_neck", 0.5), "afraid": ("hand_to_chest", 0.4),
    "angry": ("chop", 0.75), "surprised": ("open_palms", 0.4), "tired": ("beat", 0.15), "disgusted": ("chop", 0.3),
    "shy": ("hand_to_chest", 0.3), "smug": ("beat", 0.4),
}
PROPS = ("phone", "cup", "box")  # what the rig can hold in its right hand
CUPS = {"cup", "mug", "glass", "bottle", "teacup", "杯子", "茶杯", "杯", "瓶子"}
PHONES = {"phone", "telephone", "cellphone", "mobile", "手机", "电话"}
FILLERS = {"her", "his", "their", "its", "my", "your", "our", "a", "an", "the", "one's", "both"}
_WORD = re.compile(r"\S+")
_CJK = re.compile(r"[\u3400-\u9fff]")


# ---- phrases ----------------------------------------------------------------------------


def base_form(verb: str) -> str:
    """The plain form of a third-person verb ("crosses" -> "cross", "cries" -> "cry"): the same
    -s the sound library strips from plural nouns."""
    from .sfx import _singular

    return _singular(verb)


@lru_cache(maxsize=1)
def english_phrases() -> dict[tuple[str, ...], str]:
    """Every English phrase (as words, both verb forms) -> action name."""
    out: dict[tuple[str, ...], str] = {}
    for spec in ACTIONS:
        for phrase in spec.english:
            words = tuple(phrase.split())
            out.setdefault(words, spec.name)
            out.setdefault((base_form(words[0]), *words[1:]), spec.name)
    return out


def phrase_list() -> list[str]:
    """Every English phrase, for did-you-mean."""
    return [" ".join(w) for w in english_phrases()]


def resolve(verb: str, argument: str | None) -> tuple[str, str | None] | None:
    """The action a written verb and its argument name, and what is left of the argument (the
    target or object); None when no phrase matches.

    Pronouns and articles inside a phrase are skipped: "shakes her head", "puts his hands on his hips".
    """
    if _CJK.match(verb):
        return _resolve_chinese(verb, argument)
    words = verb.lower().split() + _WORD.findall(argument or "")
    best: tuple[int, str, int] | None = None
    for phrase, name in english_phrases().items():
        end = _match(phrase, words)
        if end is not None and (best is None or len(phrase) > best[0]):
            best = (len(phrase), name, end)
    if best is None:
        return None
    rest = " ".join(words[best[2]:]).strip()
    return best[1], rest or None


def _match(phrase: tuple[str, ...], words: list[str]) -> int | None:
    """The index just past ``phrase`` at the start of ``words`` (fillers skipped), or None."""
    i = 0
    for want in phrase:
        while i < len(words) and words[i].lower() in FILLERS and want not in FILLERS:
            i += 1
        if i >= len(words) or words[i].lower() != want:
            return None
        i += 1
    return i


def _resolve_chinese(verb: str, argument: str | None) -> tuple[str, str | None] | None:
    """A Chinese verb run: the longest known phrase it starts with; the rest is the target."""
    for phrase, name in sorted(((p, s.name) for s in ACTIONS for p in s.chinese), key=lambda x: -len(x[0])):
        if verb.startswith(phrase):
            rest = " ".join(x for x in (verb[len(phrase):], argument or "") if x).strip()
            return name, rest or None
    return None


def expected_seconds(name: str, distance: float = TYPICAL_WALK) -> float:
    """How long action ``name`` keeps the next event waiting, as the scheduler (tracks.py) places it
    untargeted: its duration times its overlap, a walk or run of ``distance`` metres at its speed
    after turning to go, a turn on the spot."""
    if name in ("walk_to", "run_to"):
        return TURN_TIME + travel_seconds(name, distance)
    if name == "turn_to":
        return TURN_TIME * 1.3
    spec = SPECS[name]
    return spec.duration * spec.overlap


def travel_seconds(name: str, distance: float) -> float:
    """How long a walk (``walk_to``) or a run (``run_to``) takes to cover ``distance`` metres."""
    return distance / (RUN_SPEED if name == "run_to" else WALK_SPEED)


def weight(spec: ActionSpec, start: float, end: float, until: float | None, t: float) -> float:
    """How much of an action shows at ``t`` (0..1): eased in over its blend and out over its last
    blend, or, when it holds, out over its release after ``until`` (never, while ``until`` is None)."""
    if t <= start or (until is not None and t >= until + spec.release):
        return 0.0
    fade_in = (t - start) / spec.blend if spec.blend > 0 else 1.0
    if spec.hold:
        fade_out = math.inf if until is None else (until + spec.release - t) / spec.release
    else:
        fade_out = (end - t) / spec.blend if spec.blend > 0 else (1.0 if t < end else 0.0)
    return _ease(min(fade_in, fade_out, 1.0))


def playing(clips, t: float):
    """(clip, spec, weight) of each library action of ``clips`` that shows at ``t`` (gaits, sitting,
    waving and nodding are the rig's own; a look is included)."""
    for c in clips:
        spec = SPECS.get(c.kind)
        if spec is None or (spec.procedural and c.kind != "look_at"):
            continue
        w = weight(spec, c.start, c.end, c.until, t)
        if w > 0.0:
            yield c, spec, w


def keyed_pose(clips, t: float) -> tuple[tuple[tuple[str, float, float, float], ...], tuple[float, float, float]]:
    """The keyed actions' blended bone rotations and root offset at ``t``, rounded (for framing:
    where a kneeling or fallen character's head is; performed files are left out)."""
    import numpy as np

    rot: dict[str, np.ndarray] = {}
    root = np.zeros(3)
    for c, spec, w in playing(clips, t):
        if c.kind in ("look_at", "perform"):
            continue
        rots, offset = motion(c.kind).sample(t - c.start)
        for bone, v in rots.items():
            rot[bone] = rot.get(bone, 0.0) + w * np.asarray(v)
        root += w * np.asarray(offset)
    bones = tuple((b, *(round(float(x), 2) for x in v)) for b, v in sorted(rot.items()) if np.abs(v).max() > 0.005)
    return bones, tuple(round(float(x), 2) for x in root)


def prop_kind(thing: str | None) -> str:
    """Which held prop draws ``thing`` (a cup, a phone, or a box for anything else)."""
    words = set((thing or "").lower().split()) | {thing or ""}
    return "cup" if words & CUPS else "phone" if words & PHONES else "box"


# ---- motion -----------------------------------------------------------------------------


def rotation(steps: str) -> np.ndarray:
    """The rotation vector of steps like ``"y-70 x-30"`` (degrees, applied in order)."""
    import numpy as np

    from .motion import euler_rotvec, matrix_rotvec, rotvec_matrix

    r = np.eye(3)
    for step in steps.split():
        axis, degrees = step[0], math.radians(float(step[1:]))
        r = rotvec_matrix(euler_rotvec(**{axis: degrees})) @ r
    return matrix_rotvec(r)


def _mirror(steps: str) -> str:
    """The same rotation for the other side of the body: y and z angles negated."""
    return " ".join(s if s[0] == "x" else s[0] + str(-float(s[1:])) for s in steps.split())


def key_bones(key: Key) -> dict[str, np.ndarray]:
    """A key's rotation vector per rig bone, ``_L`` bones mirrored onto ``_r``."""
    out = {}
    for bone, steps in key.bones:
        if bone.endswith("_L"):
            out[bone[:-2] + "_l"] = rotation(steps)
            out[bone[:-2] + "_r"] = rotation(_mirror(steps))
        else:  # "body" turns the whole figure about the feet (the rig's root bone)
            out["root" if bone == "body" else bone.replace("_R", "_r")] = rotation(steps)
    return out


def _ease(u: float) -> float:
    """Smooth in and out on [0, 1]."""
    u = min(max(u, 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


@lru_cache(maxsize=None)
def motion(name: str) -> Motion:
    """The keyed motion of action ``name``, sampled at 30 fps over its duration."""
    import numpy as np

    from .motion import Motion

    spec = SPECS[name]
    keys = [(k.at, key_bones(k), np.asarray(k.root, float)) for k in spec.keys] or [(0.0, {}, np.zeros(3))]
    bones = sorted({b for _, rot, _ in keys for b in rot} | {w.bone for w in spec.wobble if w.bone != "root.offset"})
    frames = max(2, int(round(spec.duration * MOTION_FPS)) + 1)
    rotations = np.zeros((frames, len(bones), 3))
    roots = np.zeros((frames, 3))
    for f in range(frames):
        t = f / MOTION_FPS
        rot, roots[f] = _keyed(keys, t / spec.duration if spec.duration else 0.0)
        for i, bone in enumerate(bones):
            rotations[f, i] = rot.get(bone, np.zeros(3))
        _wobble(spec.wobble, t, bones, rotations[f], roots[f])
    return Motion(MOTION_FPS, tuple(bones), rotations, roots)


def _keyed(keys, u: float) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Bone rotations and root offset at fraction ``u``, eased between the surrounding keys."""
    import numpy as np

    from .motion import slerp_rotvec

    i = max(0, sum(1 for at, _, _ in keys if at <= u) - 1)
    (a_at, a, a_root), (b_at, b, b_root) = keys[i], keys[min(i + 1, len(keys) - 1)]
    w = _ease((u - a_at) / (b_at - a_at)) if b_at > a_at else 0.0
    zero = np.zeros(3)
    rot = {bone: slerp_rotvec(a.get(bone, zero), b.get(bone, zero), w) for bone in a.keys() | b.keys()}
    return rot, a_root + (b_root - a_root) * w


def _wobble(wobbles: tuple[Wobble, ...], t: float, bones: list[str], rotations: np.ndarray, root: np.ndarray) -> None:
    """Add the periodic sways at ``t`` onto one frame's rotations and root offset (in place)."""
    import numpy as np

    from .motion import matrix_rotvec, rotvec_matrix

    for w in wobbles:
        s = math.sin(2.0 * math.pi * (t / w.period + w.phase))
        s = abs(s) if w.rectify else s
        axis = "xyz".index(w.axis)
        if w.bone == "root.offset":
            root[axis] += w.amount * s
            continue
        i = bones.index(w.bone)
        extra = np.zeros(3)
        extra[axis] = math.radians(w.amount) * s
        rotations[i] = matrix_rotvec(rotvec_matrix(rotations[i]) @ rotvec_matrix(extra))


@lru_cache(maxsize=16)
def _file_motion(path: str, stamp: tuple[int, int], appearance=None) -> Motion:
    """A mocap file's motion, cached by path, (size, mtime) and the look it is fitted to."""
    from .mocap import load_motion

    return load_motion(Path(path), appearance)


_CHECKED: dict[str, str] = {}  # motion file as written -> its checked, absolute path (this process)


def remember_motion(written: str, path: Path) -> None:
    """Note where the motion file a script names was found (lowering checks it, inside the project)."""
    _CHECKED[written] = str(path)


def motion_path(written: str) -> str:
    """The checked file a script's ``performs "written"`` plays (lowering found it in this process)."""
    if written not in _CHECKED:
        raise FileNotFoundError(f"the motion file '{written}' was not checked in this process (compile the script first)")
    return _CHECKED[written]


def file_motion(path: str, appearance=None) -> Motion:
    """The :class:`Motion` of a mocap file (BVH) that ``perform`` plays, fitted to ``appearance``
    (a default adult when None); read once per version of the file."""
    st = Path(path).stat()
    return _file_motion(str(path), (st.st_size, st.st_mtime_ns), appearance)
