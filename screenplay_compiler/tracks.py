"""Shot IR + line audio -> timed animation tracks.

Everything here is a pure function of its inputs: the schedule of lines, beats and actions,
where every character stands (keys), what they are doing (clips), mouth openness per frame
from the line's audio, seeded blinks, camera keys per shot, subtitle cues and audio placements.
Times are seconds from the start of the episode, rounded so the JSON is byte-stable.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Literal, Mapping

import numpy as np
from pydantic import model_serializer

from . import ir
from .actions import (SPEECH_GESTURES, SPECS, TURN_TIME, expected_seconds, file_motion, keyed_pose, motion_path,
                      travel_seconds)
from .camera import AUDIENCE, Body, angled, ease, frame, line_side, moved
from .coverage import principals
from .ir import Node
from .sets import SETS_BY_NAME
from .visemes import has_alignment, mouth_curves
from .voice import LineAudio

TRACKS_VERSION = "0.1"
LINE_LEAD = 0.12  # silence before a line starts
LINE_GAP = 0.35  # silence after a line, before the next event
SHOT_TAIL = 0.4  # hold at the end of a shot
MIN_SHOT = 1.5  # no shot is shorter than this
CAMERA_STEP = 0.5  # seconds between camera keys
STRIDE = 1.4  # metres per gait cycle (two steps), so feet do not slide
SPACING = 1.5  # metres between characters at the start of a scene
RUN_STRIDE = 2.6  # metres per running cycle
STAGGER_STEP = 0.4  # metres a pushed (or staggering) character is moved back
GESTURE_CLEAR = 0.3  # seconds an automatic gesture keeps from any written body action


def _r(x: float, nd: int = 4) -> float:
    """Round a distance or angle for stable JSON (and no negative zero)."""
    return round(float(x), nd) + 0.0


def _at(t: float, fps: int) -> float:
    """A time on the grid of 1/1000 frame. Shots start on whole frames, so a shot moved by an
    edit keeps every time inside it at exactly the same offset (decimal rounding would not)."""
    return round(float(t) * fps * 1000) / (fps * 1000) + 0.0


class Key(Node):
    """Where a character stands and faces at time ``t``; motion between keys is eased."""

    t: float
    x: float
    z: float
    yaw: float


class Clip(Node):
    """A timed motion: a walk or run, sitting down or standing up, or an action of the library
    (``kind`` is its name, see ``actions.SPECS``). A held action (crossed arms, kneeling) keeps its
    last pose from ``end`` until ``until``, when the actor's next body action releases it."""

    kind: str
    start: float
    end: float
    distance: float = 0.0
    until: float | None = None  # a held action's release (None: held to the end of the scene)
    aim: str | None = None  # the character a look follows
    point: tuple[float, float] | None = None  # the ground point a look turns to
    path: str | None = None  # perform: the motion file (its checked path)
    thing: str | None = None  # pick up / put down: what is held

    @model_serializer(mode="wrap")
    def _lean(self, handler):
        """Leave out the optional fields that are unset, so older tracks serialise as before."""
        data = handler(self)
        return {k: v for k, v in data.items() if v is not None or k not in _CLIP_OPTIONAL}


_CLIP_OPTIONAL = {"until", "aim", "point", "path", "thing"}


class Speech(Node):
    """A line being spoken: its interval and the mouth opening per frame from ``first_frame``."""

    line_id: str
    start: float
    end: float
    first_frame: int
    mouth: tuple[float, ...]  # opening 0..1 per frame (lips pressed shut count as 0)
    wide: tuple[float, ...] = ()  # lip spread per frame (empty: audio-driven, no shape)
    round: tuple[float, ...] = ()  # lip rounding per frame
    closure: tuple[float, ...] = ()  # lip closure per frame (m, b, p)
    visemes: str = ""  # Rhubarb viseme letter per frame
    lipsync: Literal["phonemes", "audio"] = "audio"  # what drove the mouth
    emotion: str = "neutral"
    intensity: float = 1.0


class ActorTrack(Node):
    """Everything one character does in one scene."""

    name: str
    keys: tuple[Key, ...]
    clips: tuple[Clip, ...]
    speech: tuple[Speech, ...]
    blinks: tuple[float, ...]
    breath_offset: float


class SceneTrack(Node):
    """A scene's time range, set and its actors' tracks."""

    id: str
    set: str
    time_of_day: ir.TimeOfDay
    start: float
    end: float
    actors: tuple[ActorTrack, ...]
    weather: ir.Weather = "clear"


class CameraKey(Node):
    """A camera pose at time ``t``."""

    t: float
    eye: tuple[float, float, float]
    target: tuple[float, float, float]
    fov: float
    roll: float = 0.0


class ShotTrack(Node):
    """A shot's time range, its frames and its camera keys."""

    id: str
    scene: str
    start: float
    end: float
    first_frame: int
    frame_count: int
    camera: tuple[CameraKey, ...]


class Cue(Node):
    """A subtitle: one dialogue line at its exact spoken time."""

    index: int
    line_id: str
    speaker: str
    start: float
    end: float
    text: str


class AudioPlacement(Node):
    """Where a line's audio goes in the mix."""

    line_id: str
    start: float
    gain_db: float = 0.0
    pan: float = 0.0


class SoundPlacement(Node):
    """A sound effect or music cue at the time the script reaches it (it takes no time itself)."""

    event_id: str
    kind: Literal["sound", "music"]
    start: float
    effect: str | None = None  # a library effect (sounds)
    path: str | None = None  # a file relative to the script; music with no path stops the music
    gain_db: float = 0.0
    fade_in: float = 0.0
    fade_out: float = 0.0


class Tracks(Node):
    """The timed episode: the input to the renderer and the mixer."""

    version: str = TRACKS_VERSION
    fps: int
    width: int
    height: int
    duration: float
    frame_count: int
    scenes: tuple[SceneTrack, ...]
    shots: tuple[ShotTrack, ...]
    cues: tuple[Cue, ...]
    audio: tuple[AudioPlacement, ...]
    sounds: tuple[SoundPlacement, ...] = ()


# ---- interpolation shared with the animator -------------------------------------------


def smoothstep(u: float) -> float:
    """Ease in and out on [0, 1]."""
    u = min(max(u, 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


def lerp_angle(a: float, b: float, u: float) -> float:
    """Interpolate angles the short way round."""
    d = (b - a + math.pi) % (2.0 * math.pi) - math.pi
    return a + d * u


def sample_keys(keys: tuple[Key, ...] | list[Key], t: float) -> tuple[float, float, float]:
    """(x, z, yaw) at time ``t``, eased between the surrounding keys."""
    if t <= keys[0].t:
        return keys[0].x, keys[0].z, keys[0].yaw
    for a, b in zip(keys, keys[1:]):
        if t < b.t:
            u = (t - a.t) / (b.t - a.t) if b.t > a.t else 1.0
            # Positions move at constant speed (walks), turns ease.
            return a.x + (b.x - a.x) * u, a.z + (b.z - a.z) * u, lerp_angle(a.yaw, b.yaw, smoothstep(u))
    last = keys[-1]
    return last.x, last.z, last.yaw


def sit_amount(clips, t: float) -> float:
    """How far down a character is (0 standing .. 1 sitting) at ``t``."""
    level = 0.0
    for c in clips:
        if c.kind in ("sit", "stand") and t >= c.start:
            u = smoothstep((t - c.start) / (c.end - c.start))
            level = u if c.kind == "sit" else 1.0 - u
    return level


HEAD_LIMIT = math.radians(55.0)  # how far a head turns from the body


def speaker_at(actors, t: float) -> str | None:
    """Who is talking at ``t`` (or talked last) among ``actors`` (anything with name and speech)."""
    best, when = None, -1.0
    for a in actors:
        for s in a.speech:
            if s.start <= t and s.start > when:
                best, when = a.name, s.start
    return best


def head_turn(actors, name: str, x: float, z: float, yaw: float, t: float, speaking: str | None) -> float:
    """Head turn (radians from the body) towards whoever is speaking; speakers look at the
    nearest listener. The animator poses heads with it and the camera frames faces with it."""
    others = [o for o in actors if o.name != name]
    if not others:
        return 0.0
    focus = next((o for o in others if o.name == speaking), None)
    if focus is None:
        focus = min(others, key=lambda o: math.dist(sample_keys(o.keys, t)[:2], (x, z)))
    ox, oz, _ = sample_keys(focus.keys, t)
    rel = lerp_angle(0.0, math.atan2(ox - x, oz - z) - yaw, 1.0)
    return max(-HEAD_LIMIT, min(HEAD_LIMIT, rel))


# ---- scheduling ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackSettings:
    """Output settings that timing depends on."""

    fps: int = 30
    width: int = 1280
    height: int = 720


@dataclass
class _Actor:
    """Mutable blocking state of one character while a scene is scheduled."""

    name: str
    height: float
    fps: int
    keys: list[Key]
    clips: list[Clip] = field(default_factory=list)
    speech: list[Speech] = field(default_factory=list)
    sitting: bool = False
    said: dict[str, str] = field(default_factory=dict)  # line id -> text (seeds the speech gestures)

    def at(self, t: float) -> tuple[float, float, float]:
        return sample_keys(self.keys, t)

    def key(self, t: float, x: float, z: float, yaw: float) -> None:
        self.keys.append(Key(t=_at(t, self.fps), x=_r(x), z=_r(z), yaw=_r(yaw)))


def build_tracks(episode: ir.Episode, audio: Mapping[str, LineAudio], settings: TrackSettings) -> Tracks:
    """Schedule the whole episode."""
    t = 0.0
    scenes, shots, cues, placements, sounds = [], [], [], [], []
    for scene in episode.scenes:
        actors = _place(episode, scene, settings.fps)
        scene_start, spans = t, []
        scene_shots = [s for s in episode.shots if s.scene == scene.id]
        for i, shot in enumerate(scene_shots):
            # Shots start on a frame, so a shot shifted by an edit earlier in the episode
            # samples its motion at the same instants and renders to the same pixels.
            t = start = math.ceil(t * settings.fps - 1e-6) / settings.fps
            begun = ended = t  # when the previous event began and ended (what an overlap joins)
            for event in shot.events:
                at = _overlap_start(event, begun, ended, t)
                if isinstance(event, (ir.Sound, ir.Music)):
                    sounds.append(_sound(event, at, settings.fps))
                ended = _schedule(event, at, actors, scene, audio, settings, cues)
                begun, t = at, max(t, ended)
            t = max(t + _tail(scene_shots[i:i + 2]), start + MIN_SHOT, start + (shot.duration or 0.0))
            spans.append((shot, start, t))
        for actor in actors.values():
            _gesticulate(actor)
        shots.extend(_shot_tracks(spans, actors, episode, settings))
        scenes.append(_scene_track(scene, scene_start, t, actors, spans, settings.fps))
    frame_count = math.ceil(t * settings.fps - 1e-6)  # like every shot start: a last shot is as long as anywhere
    shots = _snap_frames(shots, frame_count, settings.fps)
    placements = [_placement(c, scenes, shots, episode) for c in cues]
    return Tracks(fps=settings.fps, width=settings.width, height=settings.height, duration=_at(frame_count / settings.fps, settings.fps),
                  frame_count=frame_count, scenes=tuple(scenes), shots=tuple(shots), cues=tuple(cues),
                  audio=tuple(placements), sounds=tuple(sounds))


def _place(episode: ir.Episode, scene: ir.Scene, fps: int) -> dict[str, _Actor]:
    """Starting marks: the scene's cast side by side, turned towards each other."""
    n = len(scene.cast)
    actors = {}
    for i, name in enumerate(scene.cast):
        x = (i - (n - 1) / 2.0) * SPACING
        yaw = 0.0 if n == 1 or abs(x) < 1e-6 else math.copysign(math.radians(55.0), -x)
        actor = _Actor(name, episode.character(name).appearance.height_m, fps, [])
        actor.key(0.0, x, 0.0, yaw)
        actors[name] = actor
    return actors


def _tail(shots: list[ir.Shot]) -> float:
    """The hold at the end of ``shots[0]``: none at an automatic cut to the next automatic shot
    (coverage cuts inside the flow of a conversation, on the gap after a line)."""
    if len(shots) == 2 and not shots[0].camera.explicit and not shots[1].camera.explicit \
            and shots[1].transition.kind == "cut" and not shots[0].fade_out:
        return 0.0
    return SHOT_TAIL


def _overlap_start(event, begun: float, ended: float, t: float) -> float:
    """When an event starts: at ``t``, or, if it overlaps, with the previous event (an action)
    or cutting into the last half second of it (a line: the interruption is heard)."""
    if not getattr(event, "overlap", False):
        return t
    if isinstance(event, ir.Line):
        return max(begun, ended - LINE_GAP - 0.5 - LINE_LEAD)
    return begun


def _sound(event: ir.Sound | ir.Music, t: float, fps: int) -> SoundPlacement:
    """Where a Sound or Music event goes in the mix."""
    fades = {"fade_in": event.fade_in, "fade_out": event.fade_out} if isinstance(event, ir.Music) else {}
    return SoundPlacement(event_id=event.id, kind=event.kind, start=_at(t, fps), effect=getattr(event, "effect", None),
                          path=event.path, gain_db=event.gain_db, **fades)


def _schedule(event, t: float, actors: dict[str, _Actor], scene: ir.Scene, audio, settings, cues: list) -> float:
    """Place one event at ``t``; return when the next event may start."""
    if isinstance(event, ir.Pause):
        return t + event.seconds
    if isinstance(event, (ir.Sound, ir.Music)):
        return t  # heard, not acted: the mixer places it at this time
    if isinstance(event, ir.Line):
        return _speak(event, t, actors[event.speaker], audio[event.id], settings, cues)
    return _act(event, t, actors, scene)


def _speak(line: ir.Line, t: float, actor: _Actor, clip: LineAudio, settings: TrackSettings, cues: list) -> float:
    """A dialogue line: a speech interval with its mouth track, and a subtitle cue."""
    ticks = settings.fps * 1000  # the time grid: 1/1000 frame
    n = round((t + LINE_LEAD) * ticks)
    start, end = n / ticks, _at(n / ticks + clip.duration, settings.fps)
    first = -(-n // 1000)  # the first frame at or after the start
    last = math.floor(end * settings.fps + 1e-9)
    # Offsets into the line in whole ticks: exact, so a line moved by whole frames moves its mouth exactly.
    times = [(f * 1000 - n) / ticks for f in range(first, last + 1)]
    actor.speech.append(Speech(line_id=line.id, start=start, end=end, first_frame=first,
                               emotion=line.emotion, intensity=_r(getattr(line, "intensity", 1.0), 2),
                               **_lips(clip, times, settings.fps)))
    actor.said[line.id] = line.text
    cues.append(Cue(index=len(cues) + 1, line_id=line.id, speaker=line.speaker, start=start, end=end, text=line.text))
    return end + LINE_GAP


def _lips(clip: LineAudio, times: list[float], fps: int) -> dict:
    """Mouth curves from the phoneme alignment (visemes), or from loudness when there is none."""
    if not has_alignment(clip.phonemes):
        return {"mouth": mouth_track(clip, times, fps), "lipsync": "audio"}
    c = mouth_curves(clip.phonemes, times, fps)
    return {"mouth": c.open, "wide": c.wide, "round": c.round, "closure": c.closure, "visemes": c.visemes,
            "lipsync": "phonemes"}


def lipsync_notices(tracks: "Tracks") -> tuple[str, ...]:
    """A build-log line per spoken line whose mouth follows loudness (its voice gave no phoneme times)."""
    return tuple(f"lip sync: line {s.line_id} ({a.name}) has no phoneme timings; mouth follows the audio's loudness"
                 for scene in tracks.scenes for a in scene.actors for s in a.speech if s.lipsync == "audio")


def mouth_track(clip: LineAudio, times: list[float], fps: int) -> tuple[float, ...]:
    """Mouth opening (0..1) at each time, from the loudness of the line around that time."""
    samples, sr = clip.samples.astype(np.float64), clip.sample_rate
    half = max(1, int(sr / fps))
    rms = []
    for tt in times:
        c = int(tt * sr)
        window = samples[max(0, c - half) : max(0, c + half)]
        rms.append(float(np.sqrt(np.mean(window * window))) if window.size else 0.0)
    loud = [v for v in rms if v > 1e-4]
    ref = float(np.percentile(loud, 90)) if loud else 1.0
    out, prev = [], 0.0
    for v in rms:
        level = min(1.0, (v / ref) ** 0.7) if ref > 0 else 0.0
        level = max(level if level > 0.12 else 0.0, prev * 0.55)  # fast attack, soft release
        out.append(round(level, 2))
        prev = level
    return tuple(out)


def _act(action: ir.Action, t: float, actors: dict[str, _Actor], scene: ir.Scene) -> float:
    """Schedule a stage direction; most actions let the next event overlap their tail."""
    actor, verb = actors[action.actor], action.verb
    spec = SPECS[verb]
    if spec.body:
        t = _release(actor, t)
    if verb in ("walk_to", "run_to", "turn_to"):
        goal = _target_point(action.target, t, actor, actors, scene)
        if actor.sitting:
            t = _gesture(actor, "stand", t)
        return _turn(actor, t, goal) if verb == "turn_to" else _walk(actor, t, goal, "run" if verb == "run_to" else "walk")
    if verb == "sit" and actor.sitting or verb == "stand" and not actor.sitting:
        return t  # already there
    if verb in ("sit", "stand"):
        actor.sitting = verb == "sit"
    elif actor.sitting and spec.body and not spec.seated:
        t = _gesture(actor, "stand", t)
        actor.sitting = False
    if verb == "perform":
        return _perform(actor, action.target or "", t)
    return _aimed(action, spec, t, actor, actors, scene)


def _aimed(action: ir.Action, spec, t: float, actor: _Actor, actors: dict[str, _Actor], scene: ir.Scene) -> float:
    """An action of the library, after walking up to or turning to its target where it needs to."""
    target, extra = action.target, {}
    if spec.target_kind == "object":
        extra["thing"], target = target, None
    person = target is not None and target in actors
    if target and (person or spec.name != "wave"):
        goal = _target_point(target, t, actor, actors, scene)
        if spec.approach and person:
            t = _walk(actor, t, goal, "walk", stop=spec.approach)
        if spec.faces:
            t = _turn(actor, t, goal) - 0.2
        if spec.name == "hug" and person and not actors[target].sitting:  # a hug is returned
            _embrace(actors[target], actor, t)
        if spec.contact and person and not actors[target].sitting:  # a push lands: they stagger back
            _stagger(actors[target], t + spec.duration * spec.contact, math.atan2(*_away(actor.at(t), actors[target].at(t))))
        if spec.name == "look_at":
            extra["aim"] = target if person else None
            extra["point"] = (_r(goal[0]), _r(goal[1]))
    if spec.name == "stagger":
        return _stagger(actor, t, actor.at(t)[2] + math.pi)
    return _gesture(actor, spec.name, t, **extra)


def _away(pusher: tuple[float, float, float], pushed: tuple[float, float, float]) -> tuple[float, float]:
    """(dx, dz) from the pusher to the one pushed: the way the push sends them."""
    return pushed[0] - pusher[0], pushed[1] - pusher[1]


def _stagger(actor: _Actor, t: float, heading: float) -> float:
    """A stagger at ``t``: the body rocks and the arms fly out while the character steps
    ``STAGGER_STEP`` back along ``heading``. The step is a move of their marks (keys), not a root
    offset, so the scene keeps them where they stumbled to: later walks start there and the camera
    frames them there. A character already moving then keeps their own path."""
    _release(actor, t)
    x, z, yaw = actor.at(t)
    if not actor.keys or actor.keys[-1].t <= _at(t, actor.fps):
        step = SPECS["stagger"].duration * 0.6
        actor.key(t, x, z, yaw)
        actor.key(t + step, x + STAGGER_STEP * math.sin(heading), z + STAGGER_STEP * math.cos(heading), yaw)
    return _gesture(actor, "stagger", t)


def _embrace(other: _Actor, actor: _Actor, t: float) -> None:
    """The one hugged turns to the hugger and hugs back."""
    x, z, _ = actor.at(t)
    t = _release(other, t - TURN_TIME)
    _turn(other, t, (x, z, True))
    _gesture(other, "hug", t + TURN_TIME)


def _gesture(actor: _Actor, kind: str, t: float, **extra) -> float:
    """A fixed-length clip; returns when the next event may begin."""
    spec = SPECS[kind]
    actor.clips.append(Clip(kind=kind, start=_at(t, actor.fps), end=_at(t + spec.duration, actor.fps), **extra))
    return t + expected_seconds(kind)


def _gesticulate(actor: _Actor) -> None:
    """Speech gestures for the lines the writer gave the speaker no action for: one per line
    at most, picked by the line's emotion, on a seeded share of lines, played only while the line
    is spoken and kept ``GESTURE_CLEAR`` away from every body action (the writer's always win)."""
    for speech in actor.speech:
        text = actor.said.get(speech.line_id, "")
        kind, share = SPEECH_GESTURES.get(speech.emotion, SPEECH_GESTURES["neutral"])
        digest = hashlib.sha256(f"{actor.name}|{text}".encode("utf-8")).digest()
        start = speech.start + 0.1 + 0.3 * digest[1] / 255.0
        end = start + SPECS[kind].duration
        if digest[0] / 256.0 >= share or end > speech.end or not _free(actor, start, end):
            continue
        actor.clips.append(Clip(kind=kind, start=_at(start, actor.fps), end=_at(end, actor.fps)))


def _free(actor: _Actor, start: float, end: float) -> bool:
    """Whether no body action of ``actor`` (held poses until they let go) comes near [start, end]."""
    for c in actor.clips:
        spec = SPECS.get(c.kind)
        if spec is not None and not spec.body:
            continue  # a look or a nod leaves the arms free
        last = c.end if spec is None or not spec.hold else math.inf if c.until is None else c.until + spec.release
        if c.start - GESTURE_CLEAR < end and start < last + GESTURE_CLEAR:
            return False
    return True


def _release(actor: _Actor, t: float) -> float:
    """Let go of the actor's held poses (crossed arms, kneeling) at ``t``; return when the body is free."""
    free = t
    for i, c in enumerate(actor.clips):
        spec = SPECS.get(c.kind)
        if spec is not None and spec.hold and c.until is None and c.start <= t:
            actor.clips[i] = c.model_copy(update={"until": _at(max(t, c.start), actor.fps)})
            free = max(free, t + 0.6 * spec.release)
    return free


def _perform(actor: _Actor, written: str, t: float) -> float:
    """Play a motion file (mocap): a clip as long as the motion. The clip names the file by its
    checked path, so a render worker finds it without the script."""
    path = motion_path(written)
    length = file_motion(path).duration
    actor.clips.append(Clip(kind="perform", start=_at(t, actor.fps), end=_at(t + length, actor.fps), path=path))
    return t + length


def _target_point(target: str | None, t: float, actor: _Actor, actors: dict[str, _Actor], scene: ir.Scene):
    """The ground point a target names, and whether it is a person (to stop short of)."""
    if target and target.startswith("mark:"):
        mx, mz = SETS_BY_NAME[scene.set].marks[target[5:]]
        return mx, mz, False
    other = actors.get(target or "")
    if other is None:  # not blocked in this scene: face the audience
        x, z, _ = actor.at(t)
        return x, z + 1.0, False
    ox, oz, _ = other.at(t)
    return ox, oz, True


def _walk(actor: _Actor, t: float, goal, gait: str = "walk", stop: float = 1.0) -> float:
    """Turn towards the goal, walk (or run) there at constant speed, turn to face it."""
    gx, gz, person = goal
    x, z, yaw = actor.at(t)
    dx, dz = gx - x, gz - z
    dist = math.hypot(dx, dz)
    if person:  # stop at conversation distance (or closer, for a hug) on our side of them
        dist = max(0.0, dist - stop)
    if dist < 0.15:
        return _turn(actor, t, goal)
    heading = math.atan2(dx, dz)
    ex, ez = x + math.sin(heading) * dist, z + math.cos(heading) * dist
    walk_time = travel_seconds("run_to" if gait == "run" else "walk_to", dist)
    actor.key(t, x, z, yaw)
    actor.key(t + TURN_TIME, x, z, heading)
    actor.key(t + TURN_TIME + walk_time, ex, ez, heading)
    actor.clips.append(Clip(kind=gait, start=_at(t + TURN_TIME, actor.fps), end=_at(t + TURN_TIME + walk_time, actor.fps),
                            distance=_r(dist)))
    end = t + TURN_TIME + walk_time
    if person:
        actor.key(end + TURN_TIME, ex, ez, heading)
        end += TURN_TIME
    return end


def _turn(actor: _Actor, t: float, goal) -> float:
    """Turn on the spot to face the goal."""
    gx, gz, _ = goal
    x, z, yaw = actor.at(t)
    if math.hypot(gx - x, gz - z) < 1e-3:
        return t
    actor.key(t, x, z, yaw)
    actor.key(t + TURN_TIME * 1.3, x, z, math.atan2(gx - x, gz - z))
    return t + TURN_TIME * 1.3


def _scene_track(scene: ir.Scene, start: float, end: float, actors: dict[str, _Actor], spans, fps: int) -> SceneTrack:
    """Freeze a scheduled scene into its track."""
    tracks = []
    for a in actors.values():
        seed = int.from_bytes(hashlib.sha256(a.name.encode("utf-8")).digest()[:8], "big")
        keys = tuple(sorted({k.t: k for k in a.keys}.values(), key=lambda k: k.t))
        blinks = tuple(b for shot, s0, s1 in spans for b in _blinks(a.name, shot.id, s0, s1, fps))
        tracks.append(ActorTrack(name=a.name, keys=keys, clips=tuple(a.clips), speech=tuple(a.speech),
                                 blinks=blinks, breath_offset=_r((seed % 6283) / 1000.0)))
    return SceneTrack(id=scene.id, set=scene.set, time_of_day=scene.time_of_day, start=_at(start, fps), end=_at(end, fps),
                      actors=tuple(tracks), weather=scene.weather)


def _blinks(name: str, shot_id: str, start: float, end: float, fps: int) -> list[float]:
    """Blink times in one shot, seeded by character and shot, relative to the shot's start."""
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(f"{name}|{shot_id}".encode()).digest()[:8], "big"))
    out, offset = [], float(rng.uniform(0.4, 2.0))
    while start + offset < end:
        out.append(_at(start + offset, fps))
        offset += float(rng.uniform(1.8, 4.8))
    return out


def _bodies(actors: dict[str, _Actor], episode: ir.Episode, set_name: str, t: float) -> dict[str, Body]:
    """Every actor's framing body at ``t``, with the head where the posed skeleton puts it."""
    from .render.scenery import seat_height
    from .render.skeleton import head_center

    out = {}
    speaking = speaker_at(actors.values(), t)
    for name, a in actors.items():
        x, z, yaw = a.at(t)
        sit = round(sit_amount(a.clips, t), 3)
        head_y, head_r = head_center(episode.character(name).appearance, sit, seat_height(set_name, x, z),
                                     *keyed_pose(a.clips, t))  # kneeling, lying, bowing: the head is lower
        face = yaw + head_turn(actors.values(), name, x, z, yaw, t, speaking)  # frame the face, not the back
        out[name] = Body(x, z, face, a.height, head_y, head_r)
    return out


def _shot_tracks(spans, actors: dict[str, _Actor], episode: ir.Episode, settings: TrackSettings) -> list[ShotTrack]:
    """Camera keys for each shot, following its subjects as they move."""
    aspect = settings.width / settings.height
    out = []
    pairs = {}  # scene id -> the two principals its line of action runs between
    for shot, start, end in spans:
        set_name = episode.scene(shot.scene).set
        if shot.scene not in pairs:
            events = [e for s in episode.shots if s.scene == shot.scene for e in s.events]
            pairs[shot.scene] = principals(events, episode.scene(shot.scene).cast)
        back = SETS_BY_NAME[set_name].stage_depth[0] - 0.6  # walls and railings stand behind the stage
        step = CAMERA_STEP / 4.0 if shot.camera.move and shot.camera.move.kind == "handheld" else CAMERA_STEP
        times = [start + k * step for k in range(int((end - start) / step - 1e-9) + 1)] + [end]
        keys = []
        for tt in times:
            bodies = _bodies(actors, episode, set_name, tt)
            subjects = [bodies[n] for n in shot.camera.subjects if n in bodies]
            cam = frame(shot.camera.size, subjects, list(bodies.values()), aspect, back, _side(bodies, pairs[shot.scene], aspect))
            keys.append((float(tt), _directed(cam, shot, tt - start, end - start, back)))
        out.append(ShotTrack(id=shot.id, scene=shot.scene, start=_at(start, settings.fps), end=_at(end, settings.fps),
                             first_frame=0, frame_count=0, camera=_smooth_camera(keys, settings.fps)))
    return out


def _side(bodies: dict[str, Body], pair: tuple[str, ...], aspect: float) -> tuple[float, float]:
    """The side of the line of action between the scene's principals that every camera keeps
    to (the 180-degree rule): the side the wide shot of everyone stands on."""
    if len(pair) < 2 or any(n not in bodies for n in pair):
        return AUDIENCE
    wide = frame("wide", [], list(bodies.values()), aspect)
    return line_side(bodies[pair[0]], bodies[pair[1]], wide.eye)


def _directed(cam, shot: ir.Shot, t: float, length: float, back: float):
    """The framed camera turned to the written angle and carried ``t`` seconds into the move."""
    direction = shot.camera
    cam = angled(cam, direction.angle, direction.reverse, back)
    move = direction.move
    if move is None or move.kind in ("static", "follow"):
        return cam
    u = ease(t / (move.seconds or length), move.easing) if (move.seconds or length) > 0 else 1.0
    seed = int.from_bytes(hashlib.sha256(shot.id.encode("utf-8")).digest()[:4], "big")
    return moved(cam, move.kind, u, move.amount, seed, t)


def _smooth_camera(keys, fps: int) -> tuple[CameraKey, ...]:
    """Average each camera key with its neighbours so tracking moves are smooth."""
    eyes = np.array([k[1].eye for k in keys])
    targets = np.array([k[1].target for k in keys])
    if len(keys) > 2:
        kernel = np.array([0.25, 0.5, 0.25])
        pad = lambda a: np.vstack([a[:1], a, a[-1:]])
        eyes = np.stack([np.convolve(pad(eyes)[:, i], kernel, "valid") for i in range(3)], axis=1)
        targets = np.stack([np.convolve(pad(targets)[:, i], kernel, "valid") for i in range(3)], axis=1)
    return tuple(CameraKey(t=_at(k[0], fps), eye=tuple(_r(v) for v in e), target=tuple(_r(v) for v in g),
                           fov=_r(k[1].fov_deg), roll=_r(k[1].roll)) for k, e, g in zip(keys, eyes, targets))


def _snap_frames(shots: list[ShotTrack], frame_count: int, fps: int) -> list[ShotTrack]:
    """Give each shot a whole number of frames; the shots tile the episode exactly."""
    bounds = [round(s.start * fps) for s in shots] + [frame_count]
    return [s.model_copy(update={"first_frame": a, "frame_count": b - a}) for s, a, b in zip(shots, bounds, bounds[1:])]


def _placement(cue: Cue, scenes: list[SceneTrack], shots: list[ShotTrack], episode: ir.Episode) -> AudioPlacement:
    """Place a line in the mix, panned a little towards where the speaker is on screen."""
    shot = next((s for s in shots if s.start <= cue.start < s.end), shots[-1])
    scene = next(s for s in scenes if s.id == shot.scene)
    actor = next(a for a in scene.actors if a.name == cue.speaker)
    x, z, _ = sample_keys(actor.keys, cue.start)
    cam = shot.camera[0]
    fx, fz = cam.target[0] - cam.eye[0], cam.target[2] - cam.eye[2]
    n = math.hypot(fx, fz) or 1.0
    right = (-fz / n, fx / n)
    depth = max(0.5, (x - cam.eye[0]) * fx / n + (z - cam.eye[2]) * fz / n)
    side = ((x - cam.eye[0]) * right[0] + (z - cam.eye[2]) * right[1]) / depth
    return AudioPlacement(line_id=cue.line_id, start=cue.start, pan=_r(max(-0.5, min(0.5, side * 0.6)), 3))
