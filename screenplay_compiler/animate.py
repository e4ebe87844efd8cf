"""Tracks -> the pose of everything at time ``t``: a pure function, nothing reads a clock."""

from __future__ import annotations

import bisect
import math
from dataclasses import astuple, replace

from . import ir
from .faces import apply, face_at
from .frame import ActorState, Blend, CameraState, FrameState, Pose, SetState
from .label import NO_OVERLAYS, OverlayPlan, overlays_at
from .tracks import (STRIDE, ActorTrack, SceneTrack, ShotTrack, Tracks, head_turn, sample_keys, sit_amount, smoothstep,
                     speaker_at)

BLINK = 0.16  # seconds an eye blink takes
BREATH_HZ = 0.23
GRID = float(2**20)  # frame states are quantised to this many steps per unit


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
    return quantize(FrameState(set=SetState(scene.set, scene.time_of_day), camera=_camera(shot, t), actors=actors,
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
    actors = tuple(replace(a, x=_snap(a.x), z=_snap(a.z), yaw=_snap(a.yaw), pose=Pose(*(_snap(v) for v in astuple(a.pose))))
                   for a in frame.actors)
    return FrameState(set=frame.set, camera=camera, actors=actors, overlays=frame.overlays, blend=blend)


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
    walk, phase = _walk(a, t)
    wave, wave_phase = _gesture(a, "wave", t, 0.35)
    nod, _ = _gesture(a, "nod", t, 0.15)
    nod_t = next((t - c.start for c in a.clips if c.kind == "nod" and c.start <= t < c.end), 0.0)
    face = face_at(a.speech, t, shot_start)
    opening, wide, rounded = _mouth(a, t, fps) or (0.3 * face.gape, 0.0, 0.0)  # a slack jaw only when silent
    pose = Pose(
        walk=walk,
        walk_phase=phase,
        sit=sit_amount(a.clips, t),
        wave=wave,
        wave_phase=wave_phase,
        head_pitch=0.32 * abs(math.sin(2.0 * math.pi * nod_t / 0.9 * 2.0)) * nod,
        head_yaw=head_turn(scene.actors, a.name, x, z, yaw, t, speaking),
        mouth_open=opening,
        blink=_blink(a, t, shot_start),
        breath=2.0 * math.pi * BREATH_HZ * (t - shot_start) + a.breath_offset,  # relative: see quantize
        mouth_wide=wide,
        mouth_round=rounded,
    )
    pose = apply(pose, face)
    return ActorState(name=a.name, appearance=episode.character(a.name).appearance, x=x, z=z, yaw=yaw, pose=pose)


def _walk(a: ActorTrack, t: float) -> tuple[float, float]:
    """Gait blend and phase; the phase follows distance covered so feet plant."""
    for c in a.clips:
        if c.kind == "walk" and c.start - 0.25 <= t < c.end + 0.25:
            span = max(c.end - c.start, 1e-6)
            covered = c.distance * min(max((t - c.start) / span, 0.0), 1.0)
            blend = min(1.0, (t - c.start + 0.25) / 0.35, (c.end + 0.25 - t) / 0.35)
            if blend > 0.0:  # an idle pose has no phase, so it hashes the same wherever it is
                return blend, 2.0 * math.pi * covered / STRIDE
    return 0.0, 0.0


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
