"""Tracks -> the pose of everything at time ``t``: a pure function, nothing reads a clock."""

from __future__ import annotations

import bisect
import hashlib
import math
from dataclasses import dataclass, field, fields, replace

import numpy as np

from . import ir
from .actions import SPECS, file_motion, motion, playing, prop_kind, weight
from .faces import BOUNCE_PERIOD, apply, bounce, face_of, mood_at, posture_bones
from .frame import ActorState, Blend, CameraState, FrameState, Pose, SetState
from .label import NO_OVERLAYS, OverlayPlan, overlays_at
from .tracks import (RUN_STRIDE, STRIDE, ActorTrack, SceneTrack, ShotTrack, Tracks, head_turn, lerp_angle, sample_keys,
                     sit_amount, smoothstep, speaker_at)

BLINK = 0.16  # seconds an eye blink takes
BREATH_HZ = 0.23
GRID = float(2**20)  # frame states are quantised to this many steps per unit
LOOK_LIMIT = math.radians(70.0)  # how far a look turns the head from the body
SACCADE_YAW = 0.22  # largest idle eye jump (gaze units; 1 = 20 degrees)
SACCADE_PITCH = 0.12
SACCADE_AFTER = 1.1  # seconds after a blink the eyes jump again
SWAY = 0.03  # radians of idle hip sway
TALK_RAMP = 0.4  # seconds a silent-only posture takes to leave before a line and return after it
POSTURE_LEGS = frozenset({"pelvis", "thigh_l", "thigh_r"})  # posture bones only an idle, standing body takes

_POSE_FIELDS = tuple(f.name for f in fields(Pose))  # a pose's values in order, read without a deep copy


def frame_at(episode: ir.Episode, tracks: Tracks, t: float) -> FrameState:
    """Everything the renderer needs to draw the episode at time ``t``."""
    shot = shot_at(tracks, t)
    return shot_frame(episode, tracks, shot, t)


def shot_at(tracks: Tracks, t: float) -> ShotTrack:
    """The shot on screen at ``t`` (by frame, so boundaries match the encoded segments)."""
    index = int(t * tracks.fps + 1e-6)
    starts = [s.first_frame for s in tracks.shots]
    return tracks.shots[max(0, bisect.bisect_right(starts, index) - 1)]


def shot_frame(episode: ir.Episode, tracks: Tracks, shot: ShotTrack, t: float,
               overlays: OverlayPlan = NO_OVERLAYS) -> FrameState:
    """The frame at ``t`` drawn through ``shot``'s camera, with the text ``overlays`` put over it."""
    scene = next(s for s in tracks.scenes if s.id == shot.scene)
    speaking = speaker_at(scene.actors, t)
    actors = tuple(_actor(episode, scene, a, t, shot.start, tracks.fps, speaking) for a in scene.actors)
    clock = _snap(t - shot.start) if scene.weather in ("rain", "snow") else 0.0  # particles fall; relative: see quantize
    stage = SetState(scene.set, scene.time_of_day, scene.weather, episode.style, clock)
    return quantize(FrameState(set=stage, camera=_camera(shot, t), actors=actors,
                               overlays=overlays_at(overlays, tracks, t), blend=_blend(episode, tracks, shot, t)))


def _blend(episode: ir.Episode, tracks: Tracks, shot: ShotTrack, t: float) -> Blend | None:
    """The transition on screen at ``t``: a fade in from black at the shot's start, a fade out at
    its end, or a dissolve/wipe from the shot before (drawn as it goes on playing)."""
    written = next((s for s in episode.shots if s.id == shot.id), None)
    if written is None:
        return None
    into, black = written.transition, 0.0
    if into.kind == "fade_in" and into.seconds > 0 and t < shot.start + into.seconds:
        black = 1.0 - smoothstep((t - shot.start) / into.seconds)
    if written.fade_out > 0 and t > shot.end - written.fade_out:
        black = max(black, 1.0 - smoothstep((shot.end - t) / written.fade_out))
    under, progress = None, 1.0
    if into.kind in ("dissolve", "wipe") and into.seconds > 0 and t < shot.start + into.seconds:
        index = next(i for i, s in enumerate(tracks.shots) if s.id == shot.id)
        if index > 0:
            under = shot_frame(episode, tracks, tracks.shots[index - 1], t)
            progress = smoothstep((t - shot.start) / into.seconds)
    if black <= 0.0 and under is None:
        return None
    return Blend(black=black, kind=into.kind if under is not None else "cut", progress=progress, under=under)


def quantize(frame: FrameState) -> FrameState:
    """Snap every number to a grid of 2**-20 (about 1e-6) so float noise from where a shot
    sits in time cannot reach the pixels: a shot moved by an edit renders exactly as before.

    The grid is binary on purpose: keys are decimal and blend weights are small fractions, so
    their products often land exactly half-way between decimal steps, where noise decides.
    """
    cam = frame.camera
    camera = CameraState(eye=_snap3(cam.eye), target=_snap3(cam.target), fov_deg=_snap(cam.fov_deg), roll=_snap(cam.roll))
    blend = frame.blend and replace(frame.blend, black=_snap(frame.blend.black), progress=_snap(frame.blend.progress))
    actors = tuple(replace(a, x=_snap(a.x), z=_snap(a.z), yaw=_snap(a.yaw), pose=_snap_pose(a.pose))
                   for a in frame.actors)
    return FrameState(set=frame.set, camera=camera, actors=actors, overlays=frame.overlays, blend=blend)


def _snap_pose(pose: Pose) -> Pose:
    """Every number of a pose on the grid, those inside its bone list included; bones left
    unturned are dropped, so a pose reads the same however its blend weights rounded."""
    snapped = Pose(*(_snap_value(getattr(pose, name)) for name in _POSE_FIELDS))
    return replace(snapped, bones=tuple(b for b in snapped.bones if any(b[1:])))


def _snap_value(v):
    """A number snapped, a tuple snapped item by item, anything else (a name) as it is."""
    if isinstance(v, float):
        return _snap(v)
    if isinstance(v, tuple):
        return tuple(_snap_value(x) for x in v)
    return v


def _snap(v: float) -> float:
    """``v`` on the grid of 2**-20."""
    return round(v * GRID) / GRID + 0.0


def _snap3(v) -> tuple[float, float, float]:
    """A 3-vector on the grid."""
    return (_snap(v[0]), _snap(v[1]), _snap(v[2]))


def _camera(shot: ShotTrack, t: float) -> CameraState:
    """The camera eased between its keys."""
    keys = shot.camera
    i = max(0, bisect.bisect_right([k.t for k in keys], t) - 1)
    a, b = keys[i], keys[min(i + 1, len(keys) - 1)]
    u = (t - a.t) / (b.t - a.t) if b.t > a.t else 0.0  # linear: keys are dense and already smoothed
    mix = lambda p, q: tuple(pa + (qa - pa) * u for pa, qa in zip(p, q))
    return CameraState(eye=mix(a.eye, b.eye), target=mix(a.target, b.target), fov_deg=a.fov + (b.fov - a.fov) * u,
                       roll=a.roll + (b.roll - a.roll) * u)


def _actor(episode: ir.Episode, scene: SceneTrack, a: ActorTrack, t: float, shot_start: float, fps: int,
           speaking: str | None) -> ActorState:
    """One character's placement and pose at ``t``."""
    x, z, yaw = sample_keys(a.keys, t)
    walk, phase, run = _walk(a, t)
    wave, wave_phase = _gesture(a, "wave", t, 0.35)
    nod, _ = _gesture(a, "nod", t, 0.15)
    nod_t = next((t - c.start for c in a.clips if c.kind == "nod" and c.start <= t < c.end), 0.0)
    mood = mood_at(a.speech, t, shot_start)  # the face and the posture blend the same emotions
    face = face_of(mood)
    opening, wide, rounded = _mouth(a, t, fps) or (0.3 * face.gape, 0.0, 0.0)  # a slack jaw only when silent
    acting = _acting(episode, scene, a, t, (x, z, yaw))
    sit = sit_amount(a.clips, t)
    idle = (1.0 - walk) * (1.0 - sit) * (1.0 - acting.body)
    head_yaw = head_turn(scene.actors, a.name, x, z, yaw, t, speaking)
    pose = Pose(
        walk=walk,
        walk_phase=phase,
        sit=sit,
        wave=wave,
        wave_phase=wave_phase,
        head_pitch=0.32 * abs(math.sin(2.0 * math.pi * nod_t / 0.9 * 2.0)) * nod,
        head_yaw=head_yaw + (acting.look[1] - head_yaw) * acting.look[0],
        mouth_open=opening,
        blink=_blink(a, t, shot_start),
        breath=2.0 * math.pi * BREATH_HZ * (t - shot_start) + a.breath_offset,  # relative: see quantize
        mouth_wide=wide,
        mouth_round=rounded,
        run=run,
        root=_bounced(acting.root, bounce(mood) * idle, t - shot_start),
        prop=acting.prop,
        prop_kind=acting.prop_kind,
    )
    pose = _expression(apply(pose, face), acting, a, t, shot_start, speaking == a.name)
    bones = _with_posture(acting, posture_bones(mood, _talking(a, t)), idle, walk)
    pose = replace(pose, bones=_with_idle(bones, idle, t - shot_start, a.breath_offset))
    return ActorState(name=a.name, appearance=episode.character(a.name).appearance, x=x, z=z, yaw=yaw, pose=pose)


def _walk(a: ActorTrack, t: float) -> tuple[float, float, float]:
    """Gait blend, phase and how much of it is a run; the phase follows distance covered so feet plant."""
    for c in a.clips:
        if c.kind in ("walk", "run") and c.start - 0.25 <= t < c.end + 0.25:
            span = max(c.end - c.start, 1e-6)
            covered = c.distance * min(max((t - c.start) / span, 0.0), 1.0)
            blend = min(1.0, (t - c.start + 0.25) / 0.35, (c.end + 0.25 - t) / 0.35)
            if blend > 0.0:  # an idle pose has no phase, so it hashes the same wherever it is
                running = c.kind == "run"
                return blend, 2.0 * math.pi * covered / (RUN_STRIDE if running else STRIDE), float(running)
    return 0.0, 0.0, 0.0


@dataclass(frozen=True)
class _Acting:
    """The library actions playing at one instant, blended: bone rotations, root offset,
    expression offsets, the held prop, a look (weight, head yaw) and how much the body is busy."""

    bones: dict
    root: tuple[float, float, float] = (0.0, 0.0, 0.0)
    face: dict = field(default_factory=dict)
    prop: float = 0.0
    prop_kind: str = ""
    look: tuple[float, float] = (0.0, 0.0)
    body: float = 0.0
    busy: dict = field(default_factory=dict)  # bone -> the largest weight of an action moving it


def _acting(episode: ir.Episode, scene: SceneTrack, a: ActorTrack, t: float, place: tuple[float, float, float]) -> _Acting:
    """Sample every library action of ``a`` that shows at ``t`` and add them up by weight."""
    rot: dict[str, np.ndarray] = {}
    root, face, look, body, busy = np.zeros(3), {}, (0.0, 0.0), 0.0, {}
    for c, spec, w in playing(a.clips, t):
        if c.kind == "look_at":
            look = (w, _look_yaw(scene, c, t, place))
            continue
        m = _performed(episode, a.name, c.path or "") if c.kind == "perform" else motion(c.kind)
        rots, offset = m.sample(t - c.start)
        for bone, v in rots.items():
            rot[bone] = rot.get(bone, 0.0) + w * np.asarray(v)
            busy[bone] = max(busy.get(bone, 0.0), w)
        root += w * np.asarray(offset)
        for key, amount in spec.face:
            face[key] = face.get(key, 0.0) + w * amount
        body = max(body, w) if spec.body else body
    prop, kind = _prop(a, t)
    return _Acting(rot, (float(root[0]), float(root[1]), float(root[2])), face, prop, kind, look, body, busy)


def _performed(episode: ir.Episode, name: str, path: str):
    """The motion file a character performs, fitted to their body."""
    return file_motion(path, episode.character(name).appearance)


def _look_yaw(scene: SceneTrack, c, t: float, place: tuple[float, float, float]) -> float:
    """Head turn (radians from the body) towards what a look aims at: a character as they move, or a point."""
    other = next((o for o in scene.actors if o.name == c.aim), None)
    px, pz = sample_keys(other.keys, t)[:2] if other is not None else (c.point or place[:2])
    x, z, yaw = place
    rel = lerp_angle(0.0, math.atan2(px - x, pz - z) - yaw, 1.0)
    return max(-LOOK_LIMIT, min(LOOK_LIMIT, rel))


def _prop(a: ActorTrack, t: float) -> tuple[float, str]:
    """The object in the right hand at ``t``: a phone during a call, or what was picked up and not yet put down."""
    held, kind = 0.0, ""
    for c in a.clips:
        spec = SPECS.get(c.kind)
        if spec is None or not spec.prop or t < c.start:
            continue
        if c.kind == "phone_call":
            held, kind = min(1.0, max(0.0, 2.0 * weight(spec, c.start, c.end, c.until, t) - 0.6)), "phone"
        elif t >= (c.start + c.end) / 2.0:
            held, kind = 1.0, prop_kind(c.thing)
    for c in a.clips:  # a later put down empties the hand at its midpoint
        if c.kind == "put_down" and t >= (c.start + c.end) / 2.0 and kind not in ("", "phone"):
            if not any(p.kind == "pick_up" and (c.start + c.end) / 2.0 < (p.start + p.end) / 2.0 <= t for p in a.clips):
                held = 0.0
    return held, kind if held > 0.0 else ""


def _expression(pose: Pose, acting: _Acting, a: ActorTrack, t: float, shot_start: float, speaking: bool) -> Pose:
    """The actions' expression offsets added to the face, and seeded eye saccades."""
    values = {k: getattr(pose, k) + v for k, v in acting.face.items()}
    yaw, pitch = _saccade(a, t, shot_start)
    gaze = 0.5 if speaking else 1.0
    look_eyes = acting.look[0] * max(-1.0, min(1.0, (acting.look[1] - pose.head_yaw) / 0.35))
    values["gaze_yaw"] = values.get("gaze_yaw", pose.gaze_yaw) + gaze * yaw + look_eyes
    values["gaze_pitch"] = values.get("gaze_pitch", pose.gaze_pitch) + gaze * pitch
    return replace(pose, **values)


def _saccade(a: ActorTrack, t: float, shot_start: float) -> tuple[float, float]:
    """Small gaze jumps: a new seeded fixation at each blink and another a moment after it
    (never timed from the next blink, which may be in the next shot)."""
    i = bisect.bisect_right(a.blinks, t) - 1
    if i < 0 or a.blinks[i] < shot_start - 1e-9:
        return 0.0, 0.0
    half = int(t >= a.blinks[i] + SACCADE_AFTER)
    nth = i - bisect.bisect_left(a.blinks, shot_start - 1e-9)  # counted within the shot: moves with it
    digest = hashlib.sha256(f"{a.name}|{nth}|{half}".encode()).digest()
    return SACCADE_YAW * (digest[0] / 127.5 - 1.0), SACCADE_PITCH * (digest[1] / 127.5 - 1.0)


def _with_posture(acting: _Acting, posture: dict, idle: float, walk: float) -> dict:
    """The actions' rotations over the mood's posture: a layer under them, so each bone an action
    moves leaves the posture as the action blends in (its key pose reads as written); the hips and
    legs take it only while idle, and a walk halves the rest."""
    out = dict(acting.bones)
    for bone, v in posture.items():
        w = (1.0 - acting.busy.get(bone, 0.0)) * (idle if bone in POSTURE_LEGS else 1.0 - 0.5 * walk)
        if w > 0.0:
            out[bone] = out.get(bone, 0.0) + w * v
    return out


def _talking(a: ActorTrack, t: float) -> float:
    """How much ``a`` is speaking at ``t``: 1 during a line, eased over TALK_RAMP seconds either side."""
    level = 0.0
    for s in a.speech:
        level = max(level, smoothstep(min(t - s.start + TALK_RAMP, s.end + TALK_RAMP - t) / TALK_RAMP))
    return level


def _bounced(root: tuple[float, float, float], height: float, rel: float) -> tuple[float, float, float]:
    """The root lifted by a light, regular bounce of ``height`` metres (a happy idle)."""
    if height <= 0.0:
        return root
    return root[0], root[1] + height * abs(math.sin(math.pi * rel / BOUNCE_PERIOD)), root[2]


def _with_idle(bones: dict, idle: float, rel: float, offset: float) -> tuple[tuple[str, float, float, float], ...]:
    """The blended bone rotations, plus a slow weight shift from hip to hip while standing idle
    (two unrelated periods, seeded per character, so it never loops exactly)."""
    out = dict(bones)
    if idle > 0.0:
        sway = idle * (0.7 * math.sin(2.0 * math.pi * rel / 7.3 + offset) + 0.3 * math.sin(2.0 * math.pi * rel / 3.1 + 2.0 * offset))
        for bone, amount in (("pelvis", SWAY), ("chest", -0.6 * SWAY), ("thigh_l", -SWAY), ("thigh_r", -SWAY)):
            out[bone] = out.get(bone, 0.0) + np.array([0.0, 0.0, amount * sway])
    return tuple((b, float(v[0]), float(v[1]), float(v[2])) for b, v in sorted(out.items()))


def _gesture(a: ActorTrack, kind: str, t: float, ramp: float) -> tuple[float, float]:
    """Blend weight (eased in and out) and running phase of a gesture clip."""
    for c in a.clips:
        if c.kind == kind and c.start <= t < c.end:
            w = smoothstep(min((t - c.start) / ramp, (c.end - t) / ramp, 1.0))
            return w, 2.0 * math.pi * 2.2 * (t - c.start)
    return 0.0, 0.0


def _mouth(a: ActorTrack, t: float, fps: int) -> tuple[float, float, float] | None:
    """Mouth (opening, spread, rounding) at ``t`` from the speech track, eased between frames;
    None between lines."""
    for s in a.speech:
        # Positions are snapped to 1/1000 frame: t * fps can be 149.99999999 for frame 150.
        pos = round((t * fps - s.first_frame) * 1000) / 1000
        if 0 <= pos < len(s.mouth):
            return _between(s.mouth, pos), _between(s.wide, pos), _between(s.round, pos)
    return None


def _between(curve: tuple[float, ...], pos: float) -> float:
    """A per-frame curve read at fractional frame ``pos``, easing to 0 after its end."""
    if not curve:
        return 0.0
    i = int(pos)
    following = curve[i + 1] if i + 1 < len(curve) else 0.0
    return curve[i] + (following - curve[i]) * (pos - i)


def _blink(a: ActorTrack, t: float, shot_start: float) -> float:
    """Eyelid closure: a quick close and open around each seeded blink time.

    A blink begun before the cut stays in its shot: each shot's blinks are seeded from the
    shot alone, so a shot looks the same wherever an edit moves it.
    """
    i = bisect.bisect_right(a.blinks, t) - 1
    if i < 0 or a.blinks[i] < shot_start - 1e-9:
        return 0.0
    u = (t - a.blinks[i]) / BLINK
    return math.sin(math.pi * u) if 0.0 <= u < 1.0 else 0.0
