"""BVH motion capture: a parser, and retargeting onto our rig as a :class:`motion.Motion`.

A BVH file is a joint hierarchy (ROOT/JOINT/End Site, each with an OFFSET from its parent and
the CHANNELS its motion rows fill, in any order) and a MOTION table, one row per frame.
Retargeting keeps what the performer did, not how their skeleton was built:

- each BVH joint whose name we know (``Hips``, ``LeftArm``, ``mixamorig:LeftForeArm``,
  CMU's ``LowerBack``/``LHipJoint`` layout, ...) drives one of our bones;
- a joint's world rotation relative to the BVH rest pose, times a per-bone rest alignment
  (the shortest turn of our rest bone direction onto the BVH rest bone direction: a T-pose
  arm lifts our hanging arm out), is that bone's world rotation; the rotation vectors in the
  Motion are each bone's rotation relative to its parent's, in its own rest frame;
- the root moves by the hips' travel scaled by the ratio of hip heights (so BVH in
  centimetres or metres both come out right), and rises only when both feet leave the floor.

Both skeletons are y-up with the character facing +z and its left at +x. Pure numpy, no GL.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .motion import Motion

MAX_FRAMES = 200_000  # a BVH longer than about an hour at 60 fps is a mistake, not a motion
_AXES = {"X": 0, "Y": 1, "Z": 2}
_CHANNELS = {f"{a}{kind}" for a in "XYZ" for kind in ("position", "rotation")}
# Our bones in parent-before-child order, and the bone each one points at (None: a tip).
CHAIN: tuple[tuple[str, str | None], ...] = (
    ("pelvis", "spine"), ("spine", "chest"), ("chest", "neck"), ("neck", "head"), ("head", None),
    ("clavicle_l", "upper_arm_l"), ("upper_arm_l", "forearm_l"), ("forearm_l", "hand_l"), ("hand_l", None),
    ("clavicle_r", "upper_arm_r"), ("upper_arm_r", "forearm_r"), ("forearm_r", "hand_r"), ("hand_r", None),
    ("thigh_l", "shin_l"), ("shin_l", "foot_l"), ("foot_l", None),
    ("thigh_r", "shin_r"), ("shin_r", "foot_r"), ("foot_r", None),
)
# Joint names (lower case, no separators or namespace, left side spelled "left") per bone.
_SIDED = {
    "clavicle": ("leftshoulder", "leftcollar", "leftclavicle", "lcollar", "lclavicle"),
    "upper_arm": ("leftarm", "leftuparm", "leftupperarm", "lshldr", "luparm", "lupperarm", "lhumerus", "lefthumerus"),
    "forearm": ("leftforearm", "leftlowarm", "leftlowerarm", "leftelbow", "lforearm", "llowarm", "lelbow", "lradius"),
    "hand": ("lefthand", "leftwrist", "lhand", "lwrist"),
    "thigh": ("leftupleg", "lefthip", "leftthigh", "leftupperleg", "lthigh", "lupleg", "lhip", "lfemur"),
    "shin": ("leftleg", "leftknee", "leftshin", "leftlowerleg", "llowleg", "lshin", "lknee", "ltibia"),
    "foot": ("leftfoot", "leftankle", "lfoot", "lankle"),
}
_CENTRE = {
    "pelvis": ("hips", "hip", "pelvis"),
    "neck": ("neck", "neck1", "lowerneck"),
    "head": ("head",),
}
_SPINE = re.compile(r"(spine|chest|lowerback|upperback|abdomen|torso|waist)\d*")


class MocapError(ValueError):
    """A BVH file that cannot be read or retargeted; the message names the line."""


@dataclass(frozen=True)
class Joint:
    """One BVH joint: its parent, rest offset, channels and where its values start in a row."""

    name: str
    parent: int  # -1 for the root
    offset: tuple[float, float, float]
    channels: tuple[str, ...]
    first: int  # the index of its first channel in a motion row
    end: tuple[float, float, float] | None  # the End Site offset, when it has one
    line: int


@dataclass(frozen=True, eq=False)
class Bvh:
    """A parsed BVH file: joints (parents before children), seconds per frame and the motion rows."""

    joints: tuple[Joint, ...]
    frame_time: float
    motion: np.ndarray  # (frames, channels)


# ---- parsing ------------------------------------------------------------------------------


class _Tokens:
    """Whitespace-separated words of a BVH text, each with its line number."""

    def __init__(self, text: str) -> None:
        self.items = [(word, n) for n, line in enumerate(text.splitlines(), 1) for word in line.split()]
        self.pos = 0
        self.last_line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))

    def line(self) -> int:
        """The line of the next word (the last line at the end)."""
        return self.items[self.pos][1] if self.pos < len(self.items) else self.last_line

    def next(self, what: str) -> str:
        """The next word; the end of the file is an error that says what was expected."""
        if self.pos >= len(self.items):
            raise MocapError(f"line {self.last_line}: the file ends where {what} was expected")
        self.pos += 1
        return self.items[self.pos - 1][0]

    def expect(self, *words: str) -> str:
        """The next word, which must be one of ``words`` (case-insensitive)."""
        line, word = self.line(), self.next(" or ".join(repr(w) for w in words))
        if word.upper() not in {w.upper() for w in words}:
            raise MocapError(f"line {line}: expected {' or '.join(repr(w) for w in words)}, found {word!r}")
        return word

    def number(self, what: str) -> float:
        """The next word as a finite number."""
        line, word = self.line(), self.next(what)
        try:
            value = float(word)
        except ValueError:
            raise MocapError(f"line {line}: {what} should be a number, found {word!r}") from None
        if not math.isfinite(value):
            raise MocapError(f"line {line}: {what} is not a finite number ({word!r})")
        return value


def parse_bvh(text: str) -> Bvh:
    """A BVH file's hierarchy and motion; MocapError (with the line) when it is malformed."""
    tokens = _Tokens(text)
    tokens.expect("HIERARCHY")
    joints: list[Joint] = []
    tokens.expect("ROOT")
    _joint(tokens, joints, -1)
    if tokens.pos < len(tokens.items) and tokens.items[tokens.pos][0].upper() == "ROOT":
        raise MocapError(f"line {tokens.line()}: only one ROOT is supported")
    frame_time, motion = _motion(tokens, sum(len(j.channels) for j in joints))
    return Bvh(tuple(joints), frame_time, motion)


def _joint(tokens: _Tokens, joints: list[Joint], parent: int) -> None:
    """One ROOT or JOINT block (name, braces, OFFSET, CHANNELS, children), appended in order."""
    line, name = tokens.line(), tokens.next("a joint name")
    if name in ("{", "}"):
        raise MocapError(f"line {line}: a joint needs a name before '{{'")
    tokens.expect("{")
    offset = _offset(tokens)
    channels = _channels(tokens)
    index = len(joints)
    first = sum(len(j.channels) for j in joints)
    joints.append(Joint(name, parent, offset, channels, first, None, line))
    while True:
        line, word = tokens.line(), tokens.next("'JOINT', 'End Site' or '}'")
        if word.upper() == "JOINT":
            _joint(tokens, joints, index)
        elif word.upper() == "END":
            tokens.expect("Site")
            tokens.expect("{")
            end = _offset(tokens)
            tokens.expect("}")
            joints[index] = Joint(name, parent, offset, channels, first, end, joints[index].line)
        elif word == "}":
            return
        else:
            raise MocapError(f"line {line}: expected 'JOINT', 'End Site' or '}}' in joint {name!r}, found {word!r}")


def _offset(tokens: _Tokens) -> tuple[float, float, float]:
    """An ``OFFSET x y z`` line."""
    tokens.expect("OFFSET")
    return tuple(tokens.number(f"OFFSET {axis}") for axis in "xyz")  # type: ignore[return-value]


def _channels(tokens: _Tokens) -> tuple[str, ...]:
    """A ``CHANNELS n name...`` line (names checked, any order)."""
    tokens.expect("CHANNELS")
    line = tokens.line()
    count = tokens.number("the channel count")
    if count != int(count) or not 0 <= count <= 6:
        raise MocapError(f"line {line}: a joint has 0 to 6 channels, not {tokens.items[tokens.pos - 1][0]}")
    out = []
    for _ in range(int(count)):
        line, word = tokens.line(), tokens.next("a channel name")
        name = word[0].upper() + word[1:].lower()
        if name not in _CHANNELS:
            raise MocapError(f"line {line}: unknown channel {word!r} (channels are Xposition ... Zrotation)")
        out.append(name)
    if len(set(out)) != len(out):
        raise MocapError(f"line {line}: a channel is listed twice")
    return tuple(out)


def _motion(tokens: _Tokens, width: int) -> tuple[float, np.ndarray]:
    """The MOTION section: ``Frames: n``, ``Frame Time: s`` and n rows of ``width`` numbers."""
    tokens.expect("MOTION")
    tokens.expect("Frames:")
    line = tokens.line()
    frames = tokens.number("the frame count")
    if frames != int(frames) or not 1 <= frames <= MAX_FRAMES:
        raise MocapError(f"line {line}: the frame count must be a whole number from 1 to {MAX_FRAMES}")
    tokens.expect("Frame")
    tokens.expect("Time:")
    line = tokens.line()
    frame_time = tokens.number("the frame time")
    if not 1e-4 <= frame_time <= 10:
        raise MocapError(f"line {line}: a frame time of {frame_time:g} s is not a frame rate")
    rest = tokens.items[tokens.pos:]
    need = int(frames) * width
    if len(rest) < need:
        last = rest[-1][1] if rest else tokens.last_line
        raise MocapError(f"line {last}: the motion has {len(rest)} values; {int(frames)} frames of {width} channels need {need}")
    if len(rest) > need:
        raise MocapError(f"line {rest[need][1]}: more motion values than {int(frames)} frames of {width} channels")
    try:
        values = np.array([float(w) for w, _ in rest], dtype=float)
    except ValueError:
        bad = next((w, n) for w, n in rest if not _is_number(w))
        raise MocapError(f"line {bad[1]}: a motion value should be a number, found {bad[0]!r}") from None
    if not np.isfinite(values).all():
        bad = rest[int(np.argmin(np.isfinite(values)))]
        raise MocapError(f"line {bad[1]}: a motion value is not a finite number ({bad[0]!r})")
    return frame_time, values.reshape(int(frames), width)


def _is_number(word: str) -> bool:
    """True when ``word`` reads as a float."""
    try:
        float(word)
    except ValueError:
        return False
    return True


# ---- kinematics of the BVH skeleton -----------------------------------------------------


def _axis_rotations(axis: int, degrees: np.ndarray) -> np.ndarray:
    """(n, 3, 3) rotations about one axis by ``degrees``."""
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    m = np.zeros((len(a), 3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    m[:, axis, axis] = 1.0
    m[:, i, i], m[:, j, j], m[:, i, j], m[:, j, i] = c, c, -s, s
    return m


def local_rotations(bvh: Bvh, joint: Joint) -> np.ndarray:
    """(frames, 3, 3) rotation of ``joint`` per frame: its rotation channels composed in file order."""
    out = np.broadcast_to(np.eye(3), (bvh.motion.shape[0], 3, 3)).copy()
    for k, channel in enumerate(joint.channels):
        if channel.endswith("rotation"):
            out = out @ _axis_rotations(_AXES[channel[0]], bvh.motion[:, joint.first + k])
    return out


def local_translations(bvh: Bvh, joint: Joint) -> np.ndarray:
    """(frames, 3) translation of ``joint`` from its parent: its position channels, else its offset."""
    out = np.broadcast_to(np.asarray(joint.offset, float), (bvh.motion.shape[0], 3)).copy()
    for k, channel in enumerate(joint.channels):
        if channel.endswith("position"):
            out[:, _AXES[channel[0]]] = bvh.motion[:, joint.first + k]
    return out


def rest_positions(bvh: Bvh) -> np.ndarray:
    """(joints, 3) rest positions (all channels zero, offsets only), the root at its offset."""
    pos = np.zeros((len(bvh.joints), 3))
    for i, j in enumerate(bvh.joints):
        pos[i] = np.asarray(j.offset) + (pos[j.parent] if j.parent >= 0 else 0.0)
    return pos


def world_pose(bvh: Bvh) -> tuple[np.ndarray, np.ndarray]:
    """World rotations (frames, joints, 3, 3) and positions (frames, joints, 3) of every joint."""
    frames, n = bvh.motion.shape[0], len(bvh.joints)
    rot, pos = np.empty((frames, n, 3, 3)), np.empty((frames, n, 3))
    for i, j in enumerate(bvh.joints):
        local_r, local_t = local_rotations(bvh, j), local_translations(bvh, j)
        if j.parent < 0:
            rot[:, i], pos[:, i] = local_r, local_t
        else:
            rot[:, i] = rot[:, j.parent] @ local_r
            pos[:, i] = pos[:, j.parent] + np.einsum("fij,fj->fi", rot[:, j.parent], local_t)
    return rot, pos


def _lowest(bvh: Bvh, rot: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """(frames,) height of the lowest joint or end site."""
    low = pos[:, :, 1].min(axis=1)
    for i, j in enumerate(bvh.joints):
        if j.end is not None:
            low = np.minimum(low, pos[:, i, 1] + (rot[:, i] @ np.asarray(j.end))[:, 1])
    return low


def _rest_lowest(bvh: Bvh, rest: np.ndarray) -> float:
    """The height of the lowest joint or end site in the rest pose."""
    ends = [rest[i, 1] + j.end[1] for i, j in enumerate(bvh.joints) if j.end is not None]
    return float(min([*rest[:, 1], *ends]))


# ---- naming --------------------------------------------------------------------------------


def canonical(name: str) -> str:
    """A joint name without namespace (``mixamorig:``), separators or case: ``left_fore_arm`` -> ``leftforearm``."""
    base = name.rsplit(":", 1)[-1].rsplit("|", 1)[-1]
    base = re.sub(r"[^a-z0-9]", "", base.lower())
    if base.endswith(("left", "right")) and not base.startswith(("left", "right")):  # "ArmLeft", "arm_left"
        side = "left" if base.endswith("left") else "right"
        base = side + base[: -len(side)]
    return base


def _names() -> dict[str, str]:
    """Every joint name we know (canonical form) and the bone it drives."""
    out = {name: bone for bone, names in _CENTRE.items() for name in names}
    for part, names in _SIDED.items():
        for name in names:
            out[name] = f"{part}_l"
            right = "right" + name[4:] if name.startswith("left") else "r" + name[1:]
            out[right] = f"{part}_r"
    return out


JOINT_NAMES = _names()


def bone_map(bvh: Bvh) -> dict[str, int]:
    """Our bone -> the BVH joint that drives it (the first match down the hierarchy)."""
    out: dict[str, int] = {}
    spine: list[int] = []
    for i, j in enumerate(bvh.joints):
        key = canonical(j.name)
        bone = JOINT_NAMES.get(key)
        if bone is None and _SPINE.fullmatch(key) and "pelvis" in out:
            spine.append(i)
        elif bone is not None and bone not in out:
            out[bone] = i
    if "pelvis" not in out and bvh.joints:
        out["pelvis"] = 0  # the root drives the pelvis whatever it is called
    if spine:
        out["spine"] = spine[0]
        if len(spine) > 1:
            out["chest"] = spine[-1]
    return out


# ---- retargeting -------------------------------------------------------------------------


def _shortest_turn(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The 3x3 rotation by the smallest angle that turns direction ``a`` onto ``b``."""
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    axis, cos = np.cross(a, b), float(np.clip(a @ b, -1.0, 1.0))
    sin = float(np.linalg.norm(axis))
    if sin < 1e-9:
        if cos > 0:
            return np.eye(3)
        helper = np.array([1.0, 0, 0]) if abs(a[0]) < 0.9 else np.array([0, 0, 1.0])
        axis = np.cross(a, helper)
        axis /= np.linalg.norm(axis)
        return 2 * np.outer(axis, axis) - np.eye(3)  # a half turn about an axis normal to a
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]]) / sin
    return np.eye(3) + sin * k + (1 - cos) * (k @ k)


def _bvh_direction(bvh: Bvh, rest: np.ndarray, mapping: dict[str, int], bone: str) -> np.ndarray | None:
    """The rest direction of ``bone``'s BVH joint toward the joint of the next mapped bone down our chain."""
    follow = dict(CHAIN)
    child = follow.get(bone)
    while child is not None and child not in mapping:
        child = follow.get(child)
    if child is None:
        return None
    d = rest[mapping[child]] - rest[mapping[bone]]
    return d if np.linalg.norm(d) > 1e-9 else None


def rest_alignment(bvh: Bvh, joints: dict[str, np.ndarray], mapping: dict[str, int]) -> dict[str, np.ndarray]:
    """Per mapped bone, the turn of our rest bone onto the BVH rest bone (tips take their parent's)."""
    rest = rest_positions(bvh)
    parents = {child: bone for bone, child in CHAIN if child}
    out: dict[str, np.ndarray] = {}
    for bone, child in CHAIN:
        if bone not in mapping:
            continue
        theirs = _bvh_direction(bvh, rest, mapping, bone)
        target = child
        while target is not None and target not in mapping:
            target = dict(CHAIN).get(target)
        if theirs is None or target is None:
            out[bone] = out.get(parents.get(bone, ""), np.eye(3))
            continue
        out[bone] = _shortest_turn(joints[target] - joints[bone], theirs)
    return out


def _rotvecs(r: np.ndarray) -> np.ndarray:
    """Rotation vectors of (n, 3, 3) rotations, through quaternions (stable at every angle)."""
    m = r.reshape(-1, 3, 3)
    tr = np.trace(m, axis1=1, axis2=2)
    q = np.empty((len(m), 4))  # w x y z
    diag = np.stack([m[:, 0, 0], m[:, 1, 1], m[:, 2, 2]], axis=1)
    use_w = tr > diag.max(axis=1)
    w = np.sqrt(np.maximum(1.0 + tr, 1e-12)) / 2
    q[:, 0] = w
    q[:, 1] = (m[:, 2, 1] - m[:, 1, 2]) / (4 * w)
    q[:, 2] = (m[:, 0, 2] - m[:, 2, 0]) / (4 * w)
    q[:, 3] = (m[:, 1, 0] - m[:, 0, 1]) / (4 * w)
    for n in np.nonzero(~use_w)[0]:
        i = int(np.argmax(diag[n]))
        j, k = (i + 1) % 3, (i + 2) % 3
        s = math.sqrt(max(1.0 + m[n, i, i] - m[n, j, j] - m[n, k, k], 1e-12)) * 2
        q[n, 1 + i] = s / 4
        q[n, 1 + j] = (m[n, j, i] + m[n, i, j]) / s
        q[n, 1 + k] = (m[n, k, i] + m[n, i, k]) / s
        q[n, 0] = (m[n, k, j] - m[n, j, k]) / s
    q *= np.where(q[:, :1] < 0, -1.0, 1.0)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    vec = np.linalg.norm(q[:, 1:], axis=1)
    angle = 2 * np.arctan2(vec, q[:, 0])
    scale = np.where(vec > 1e-12, angle / np.maximum(vec, 1e-12), 2.0)
    return (q[:, 1:] * scale[:, None]).reshape(r.shape[:-2] + (3,))


def retarget(bvh: Bvh, joints: dict[str, np.ndarray], hip_height: float) -> Motion:
    """The motion of ``bvh`` on a rig with rest ``joints`` whose hips stand ``hip_height`` m up."""
    mapping = bone_map(bvh)
    align = rest_alignment(bvh, joints, mapping)
    rot, pos = world_pose(bvh)
    frames = rot.shape[0]
    world = {"root": np.broadcast_to(np.eye(3), (frames, 3, 3))}
    parent_of = {child: bone for bone, child in CHAIN if child}
    parent_of.update({"pelvis": "root", "clavicle_l": "chest", "clavicle_r": "chest", "thigh_l": "pelvis", "thigh_r": "pelvis"})
    bones, rotations = [], []
    for bone, _ in CHAIN:
        parent = world[parent_of[bone]]
        world[bone] = rot[:, mapping[bone]] @ align[bone] if bone in mapping else parent
        if bone in mapping:
            bones.append(bone)
            rotations.append(_rotvecs(np.swapaxes(parent, 1, 2) @ world[bone]))
    root = _root_offsets(bvh, rot, pos, mapping.get("pelvis", 0), hip_height)
    return Motion(fps=1.0 / bvh.frame_time, bones=tuple(bones), rotations=np.stack(rotations, axis=1), root=root)


def hip_height(bvh: Bvh) -> float:
    """How high the hips stand above the lowest point of the rest pose (in the file's units)."""
    rest = rest_positions(bvh)
    hips = rest[bone_map(bvh).get("pelvis", 0), 1]
    return float(hips - _rest_lowest(bvh, rest))


def unit_scale(bvh: Bvh) -> float:
    """Metres per file unit, judged from the hip height: centimetres above 5, else metres."""
    h = hip_height(bvh)
    return 0.01 if h > 5 else 1.0


def _root_offsets(bvh: Bvh, rot: np.ndarray, pos: np.ndarray, hips: int, target: float) -> np.ndarray:
    """(frames, 3) root offsets in metres: the hips' travel over the floor from the first frame,
    and how far the lowest point has left the floor, both scaled to our hip height."""
    theirs = hip_height(bvh)
    ratio = target / theirs if theirs > 1e-6 else unit_scale(bvh)
    out = np.zeros((pos.shape[0], 3))
    out[:, [0, 2]] = (pos[:, hips, [0, 2]] - pos[0, hips, [0, 2]]) * ratio
    low = _lowest(bvh, rot, pos)
    out[:, 1] = (low - low.min()) * ratio
    return out


# ---- loading ---------------------------------------------------------------------------------


def read_bvh(path: Path) -> Bvh:
    """Parse the BVH file at ``path``; MocapError names the file and the line. Parses are
    cached by content, so the same clip under another name is parsed once."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise MocapError(f"cannot read {path}: {exc.strerror or exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _PARSED:
        try:
            bvh = parse_bvh(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise MocapError(f"{path}: not a text BVH file (it is not UTF-8)") from None
        except MocapError as exc:
            raise MocapError(f"{path}: {exc}") from None
        if len(_PARSED) >= 32:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[digest] = bvh
    return _PARSED[digest]


_PARSED: dict[str, Bvh] = {}  # sha256 of a file's bytes -> its parse (the oldest dropped past 32)


def load_motion(path: Path, appearance=None) -> Motion:
    """The BVH at ``path`` as a Motion for a character that looks like ``appearance``
    (a default adult when None): rotations per bone per frame, root offset in metres, fps."""
    from .render.skeleton import proportions

    p = proportions(appearance if appearance is not None else _default_appearance())
    bvh = read_bvh(path)
    if hip_height(bvh) <= 1e-6 and len(bvh.joints) > 1:
        raise MocapError(f"{path}: the rest pose has no height (its joints all lie at or above the hips)")
    return retarget(bvh, p.joints, float(p.joints["thigh_l"][1]))


@lru_cache(maxsize=1)
def _default_appearance():
    """The look of an undescribed adult (the rig load_motion retargets to by default)."""
    from .appearance import resolve

    return resolve("MOCAP", "adult").appearance
