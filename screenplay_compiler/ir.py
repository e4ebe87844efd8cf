"""The shot IR: a frozen, versioned, canonical description of an episode.

Every model is frozen pydantic with ``extra="forbid"``; :func:`to_json` gives the
canonical form (sorted keys, no timestamps) that golden tests and ``sdc ir`` use.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from .actions import NAMES as ACTION_NAMES

IR_VERSION = "0.2"

Color = Annotated[str, Field(pattern=r"^#[0-9a-f]{6}$")]
TimeOfDay = Literal["dawn", "day", "dusk", "night"]
ShotSize = Literal["extreme_wide", "wide", "full", "medium", "medium_close", "close", "extreme_close",
                   "two_shot", "over_shoulder", "pov", "insert"]
Angle = Literal["eye", "high", "low", "birds_eye", "worms_eye", "dutch"]
MoveKind = Literal["static", "pan", "tilt", "dolly_in", "dolly_out", "truck", "orbit", "crane_up", "crane_down",
                   "zoom_in", "zoom_out", "handheld", "follow"]
Easing = Literal["linear", "ease_in", "ease_out", "ease_in_out"]
TransitionKind = Literal["cut", "fade_in", "dissolve", "wipe"]
Weather = Literal["clear", "rain", "fog", "snow"]
Channel = Literal["on", "os", "vo"]
Verb = Literal[ACTION_NAMES]  # the action library's names (see actions.py)
Coverage = Literal["dialogue", "static", "none"]  # how the compiler covers events the writer gave no camera
CoverageRole = Literal["establishing", "single", "over_shoulder", "reaction", "regroup", "master", "carried"]


class Node(BaseModel):
    """Base of every IR model: frozen, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # schemas built on first validation


class Source(Node):
    """Where an IR element came from in the script (1-based line and column)."""

    line: int
    col: int


class Garment(Node):
    """One piece of clothing: its kind and colour."""

    kind: str
    color: Color


class ModelRef(Node):
    """An imported mesh (``model: "assets/jun.glb"``): the path as written, relative to the
    script's folder, and the sha256 of the file's bytes (so frames and cached shots follow edits)."""

    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Appearance(Node):
    """A character's look, resolved from the free-text description."""

    gender: Literal["female", "male", "neutral"]
    age: Literal["child", "young", "adult", "middle_aged", "old"]
    height_m: float
    build: Literal["slim", "average", "athletic", "heavy"]
    skin: Color
    hair_style: Literal["short", "long", "ponytail", "bun", "bob", "curly", "bald", "buzz", "braid", "twintails",
                        "topknot", "wavy", "spiky", "fringe"]
    hair_color: Color
    eye_color: Color
    top: Garment
    bottom: Garment
    shoes: Color
    accessories: tuple[Garment, ...] = ()
    model: ModelRef | None = Field(default=None, exclude_if=lambda v: v is None)  # absent from the JSON when unset


class Voice(Node):
    """How a character is voiced: engine, model and per-character prosody."""

    engine: Literal["piper", "espeak", "gtts"] = "piper"
    # piper: the bundled voice's name or a .onnx path relative to the script; espeak: a voice
    # such as "cmn" or "en-us"; gtts: a language such as "zh-CN".
    model: str = "en_US-joe-medium"
    pitch_semitones: float = 0.0
    rate: float = 1.0
    volume_db: float = 0.0


class Character(Node):
    """A cast member: name, the writer's description and what it resolved to."""

    id: str
    name: str
    description: str
    appearance: Appearance
    voice: Voice
    source: Source


class Move(Node):
    """A camera move over the shot (or its first ``seconds`` when given)."""

    kind: MoveKind
    seconds: float | None = None
    easing: Easing = "ease_in_out"
    amount: float | None = None  # degrees for pan/tilt/orbit, metres for dolly/truck/crane, factor for zoom


class Camera(Node):
    """The framing of a shot; ``explicit`` is False when the compiler chose it."""

    size: ShotSize
    subjects: tuple[str, ...] = ()
    angle: Angle = "eye"
    move: Move | None = None
    reverse: bool = False  # from the far side of the line of action ("from behind", 越轴)
    explicit: bool = True
    role: CoverageRole | None = None  # why the compiler chose this camera (automatic shots only)
    source: Source | None = None


class Transition(Node):
    """How a shot begins: a cut, or a fade/dissolve/wipe of ``seconds``."""

    kind: TransitionKind = "cut"
    seconds: float = 0.0
    source: Source | None = None


class Line(Node):
    """A spoken line of dialogue."""

    kind: Literal["line"] = "line"
    id: str
    speaker: str
    text: str
    emotion: str = "neutral"
    intensity: float = 1.0  # how strongly the emotion shows: 0.5 "slightly", 1.5 "very"
    delivery: tuple[str, ...] = ()  # e.g. ("whispering",): how it is said, beside the emotion
    to: str | None = None  # the character it is addressed to, "(to JUN)"
    channel: Channel = "on"  # on screen, off-screen (O.S.) or voice-over (V.O.)
    overlap: bool = False  # starts together with the previous line
    rate: float = 1.0  # the writer's speed for this line, times the character's rate
    language: str = "en"  # the language of the text ("zh" for Chinese)
    source: Source


class Action(Node):
    """A stage direction from the action library, with an optional target: a character's name
    or ``mark:<name>``; what is picked up or put down; the motion file (relative to the script)
    a character performs."""

    kind: Literal["action"] = "action"
    id: str
    actor: str
    verb: Verb
    target: str | None = None
    overlap: bool = False  # starts together with the previous event
    source: Source


class Pause(Node):
    """A beat: silence of a fixed duration."""

    kind: Literal["pause"] = "pause"
    id: str
    seconds: float
    source: Source


class Sound(Node):
    """A sound effect: ``effect`` from the built-in library, or a user file at ``path``."""

    kind: Literal["sound"] = "sound"
    id: str
    effect: str | None = None
    path: str | None = None  # relative to the script's folder
    gain_db: float = 0.0
    source: Source


class Music(Node):
    """Music from here on: a file to play (looped) or, with no ``path``, stop what plays."""

    kind: Literal["music"] = "music"
    id: str
    path: str | None = None
    fade_in: float = 0.0
    fade_out: float = 0.0
    gain_db: float = 0.0
    source: Source


Event = Annotated[Union[Line, Action, Pause, Sound, Music], Field(discriminator="kind")]


class Shot(Node):
    """One camera set-up and the events that play while it is on screen."""

    id: str
    scene: str
    camera: Camera
    events: tuple[Event, ...]
    transition: Transition = Transition()
    fade_out: float = 0.0  # seconds of fade to black at the shot's end (FADE OUT.)
    duration: float | None = None  # the writer's minimum length of the shot in seconds


class Scene(Node):
    """A scene heading resolved to a set from the library."""

    id: str
    heading: str
    location: str
    interior: bool
    set: str
    time_of_day: TimeOfDay
    weather: Weather = "clear"
    cast: tuple[str, ...]
    coverage: Coverage = "dialogue"  # the scene's `coverage:` line, else the episode's default
    source: Source


class Episode(Node):
    """The whole compiled episode: the root of the IR."""

    ir_version: str = IR_VERSION
    source: str
    title: str
    author: str = ""
    episode: str = ""
    language: str = "en"
    producer: str = ""  # the AIGC content-producer code (GB 45438), from the title block
    style: Literal["realistic", "toon"] = "realistic"
    width: int | None = None  # the title block's Format; None = the build's default
    height: int | None = None
    fps: int | None = None
    coverage: Coverage = "dialogue"  # the title block's `Coverage:`: every scene's default
    characters: tuple[Character, ...]
    scenes: tuple[Scene, ...]
    shots: tuple[Shot, ...]

    def character(self, name: str) -> Character:
        """The cast member called ``name``."""
        return next(c for c in self.characters if c.name == name)

    def scene(self, scene_id: str) -> Scene:
        """The scene with id ``scene_id``."""
        return next(s for s in self.scenes if s.id == scene_id)


def to_json(model: BaseModel) -> str:
    """Canonical JSON: sorted keys, two-space indent, UTF-8 text, trailing newline."""
    data = model.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
