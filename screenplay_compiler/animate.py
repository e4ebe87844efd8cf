"""Tracks -> the pose of everything at time ``t``: a pure function, nothing reads a clock."""

from __future__ import annotations

import bisect
import math

from . import ir
from .frame import ActorState, CameraState, FrameState, Pose, SetState
from .tracks import ActorTrack, SceneTrack, ShotTrack, Tracks, lerp_angle, sample_keys, sit_amount, smoothstep, STRIDE

BLINK = 0.16  # seconds an eye blink takes
BREATH_HZ = 0.23
HEAD_LIMIT = math.radians(55.0)


def frame_at(episode: ir.Episode, tracks: Tracks, t: float) -> FrameState:
    """Everything the renderer needs to draw the episode at time ``t``."""
    shot = shot_at(tracks, t)
    return shot_frame(episode, tracks, shot, t)


def shot_at(tracks: Tracks, t: float) -> ShotTrack:
    """The shot on screen at ``t`` (by frame, so boundaries match the encoded segments)."""
    index = int(t * tracks.fps + 1e-6)
    starts = [s.first_frame for s in tracks.shots]
    return tracks.shots[max(0, bisect.bisect_right(starts, index) - 1)]


def shot_frame(episode: ir.Episode, tracks: Tracks, shot: ShotTrack, t: float) -> FrameState:
    """The frame at ``t`` drawn through ``shot``'s camera."""
    scene = next(s for s in tracks.scenes if s.id == shot.scene)
    speaking = _speaker(scene, t)
    actors = tuple(_actor(episode, scene, a, t, tracks.fps, speaking) for a in scene.actors)
    return FrameState(set=SetState(scene.set, scene.time_of_day), camera=_camera(shot, t), actors=actors)


def _camera(shot: ShotTrack, t: float) -> CameraState:
    """The camera eased between its keys."""
    keys = shot.camera
    i = max(0, bisect.bisect_right([k.t for k in keys], t) - 1)
    a, b = keys[i], keys[min(i + 1, len(keys) - 1)]
    u = smoothstep((t - a.t) / (b.t - a.t)) if b.t > a.t else 0.0
    mix = lambda p, q: tuple(pa + (qa - pa) * u for pa, qa in zip(p, q))
    return CameraState(eye=mix(a.eye, b.eye), target=mix(a.target, b.target), fov_deg=a.fov)


def _speaker(scene: SceneTrack, t: float) -> str | None:
    """Who is talking at ``t`` (or talked last), so the others can look at them."""
    best, when = None, -1.0
    for a in scene.actors:
        for s in a.speech:
            if s.start <= t and s.start > when:
                best, when = a.name, s.start
    return best


def _actor(episode: ir.Episode, scene: SceneTrack, a: ActorTrack, t: float, fps: int, speaking: str | None) -> ActorState:
    """One character's placement and pose at ``t``."""
    x, z, yaw = sample_keys(a.keys, t)
    walk, phase = _walk(a, t)
    wave, wave_phase = _gesture(a, "wave", t, 0.35)
    nod, _ = _gesture(a, "nod", t, 0.15)
    nod_t = next((t - c.start for c in a.clips if c.kind == "nod" and c.start <= t < c.end), 0.0)
    pose = Pose(
        walk=walk,
        walk_phase=phase,
        sit=sit_amount(a.clips, t),
        wave=wave,
        wave_phase=wave_phase,
        head_pitch=0.32 * abs(math.sin(2.0 * math.pi * nod_t / 0.9 * 2.0)) * nod,
        head_yaw=_look(scene, a.name, x, z, yaw, t, speaking),
        mouth_open=_mouth(a, t, fps),
        blink=_blink(a, t),
        breath=2.0 * math.pi * BREATH_HZ * t + a.breath_offset,
    )
    return ActorState(name=a.name, appearance=episode.character(a.name).appearance, x=x, z=z, yaw=yaw, pose=pose)


def _walk(a: ActorTrack, t: float) -> tuple[float, float]:
    """Gait blend and phase; the phase follows distance covered so feet plant."""
    for c in a.clips:
        if c.kind == "walk" and c.start - 0.25 <= t < c.end + 0.25:
            span = max(c.end - c.start, 1e-6)
            covered = c.distance * min(max((t - c.start) / span, 0.0), 1.0)
            blend = min(1.0, (t - c.start + 0.25) / 0.35, (c.end + 0.25 - t) / 0.35)
            return max(0.0, blend), 2.0 * math.pi * covered / STRIDE
    return 0.0, 0.0


def _gesture(a: ActorTrack, kind: str, t: float, ramp: float) -> tuple[float, float]:
    """Blend weight (eased in and out) and running phase of a gesture clip."""
    for c in a.clips:
        if c.kind == kind and c.start <= t < c.end:
            w = smoothstep(min((t - c.start) / ramp, (c.end - t) / ramp, 1.0))
            return w, 2.0 * math.pi * 2.2 * (t - c.start)
    return 0.0, 0.0


def _look(scene: SceneTrack, name: str, x: float, z: float, yaw: float, t: float, speaking: str | None) -> float:
    """Head turn towards whoever is speaking (speakers look at the nearest listener)."""
    others = [o for o in scene.actors if o.name != name]
    if not others:
        return 0.0
    focus = next((o for o in others if o.name == speaking), None)
    if focus is None:
        focus = min(others, key=lambda o: math.dist(sample_keys(o.keys, t)[:2], (x, z)))
    ox, oz, _ = sample_keys(focus.keys, t)
    want = math.atan2(ox - x, oz - z)
    rel = lerp_angle(0.0, want - yaw, 1.0)
    return max(-HEAD_LIMIT, min(HEAD_LIMIT, rel))


def _mouth(a: ActorTrack, t: float, fps: int) -> float:
    """Mouth opening at ``t`` from the speech track (interpolated between frames)."""
    for s in a.speech:
        if s.start <= t < s.end + 0.1 and s.mouth:
            pos = t * fps - s.first_frame
            i = int(math.floor(pos))
            if i < 0:
                return 0.0
            u = pos - i
            m0 = s.mouth[min(i, len(s.mouth) - 1)]
            m1 = s.mouth[min(i + 1, len(s.mouth) - 1)] if i + 1 < len(s.mouth) else 0.0
            return m0 + (m1 - m0) * u
    return 0.0


def _blink(a: ActorTrack, t: float) -> float:
    """Eyelid closure: a quick close and open around each seeded blink time."""
    i = bisect.bisect_right(a.blinks, t) - 1
    if i < 0:
        return 0.0
    u = (t - a.blinks[i]) / BLINK
    return math.sin(math.pi * u) if 0.0 <= u < 1.0 else 0.0
