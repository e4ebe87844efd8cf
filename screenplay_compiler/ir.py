"""The shot IR: a frozen, versioned, canonical description of an episode.

Every model is frozen pydantic with ``extra="forbid"``; :func:`to_json` gives the
canonical form (sorted keys, no timestamps) that golden tests and ``sdc ir`` use.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

IR_VERSION = "0.1"

Color = Annotated[str, Field(pattern=r"^#[0-9a-f]{6}$")]
TimeOfDay = Literal["dawn", "day", "dusk", "night"]
ShotSize = Literal["wide", "medium", "close", "two_shot"]
Verb = Literal["walk_to", "turn_to", "wave", "nod", "sit", "stand"]


class Node(BaseModel):
    """Base of every IR model: frozen, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(Node):
    """Where an IR element came from in the script (1-based line and column)."""

    line: int
    col: int


class Garment(Node):
    """One piece of clothing: its kind and colour."""

    kind: str
    color: Color


class Appearance(Node):
    """A character's look, resolved from the free-text description."""

    gender: Literal["female", "male", "neutral"]
    age: Literal["child", "young", "adult", "middle_aged", "old"]
    height_m: float
    build: Literal["slim", "average", "athletic", "heavy"]
    skin: Color
    hair_style: Literal["short", "long", "ponytail", "bun", "bob", "curly", "bald"]
    hair_color: Color
    eye_color: Color
    top: Garment
    bottom: Garment
    shoes: Color
    accessories: tuple[Garment, ...] = ()


class Voice(Node):
    """How a character is voiced: engine, model and per-character prosody."""

    engine: Literal["piper"] = "piper"
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


class Camera(Node):
    """The framing of a shot; ``explicit`` is False when the compiler chose it."""

    size: ShotSize
    subjects: tuple[str, ...] = ()
    explicit: bool = True
    source: Source | None = None


class Line(Node):
    """A spoken line of dialogue."""

    kind: Literal["line"] = "line"
    id: str
    speaker: str
    text: str
    emotion: str = "neutral"
    source: Source


class Action(Node):
    """A stage direction from the controlled vocabulary, with an optional target."""

    kind: Literal["action"] = "action"
    id: str
    actor: str
    verb: Verb
    target: str | None = None
    source: Source


class Pause(Node):
    """A beat: silence of a fixed duration."""

    kind: Literal["pause"] = "pause"
    id: str
    seconds: float
    source: Source


Event = Annotated[Union[Line, Action, Pause], Field(discriminator="kind")]


class Shot(Node):
    """One camera set-up and the events that play while it is on screen."""

    id: str
    scene: str
    camera: Camera
    events: tuple[Event, ...]


class Scene(Node):
    """A scene heading resolved to a set from the library."""

    id: str
    heading: str
    location: str
    interior: bool
    set: str
    time_of_day: TimeOfDay
    cast: tuple[str, ...]
    source: Source


class Episode(Node):
    """The whole compiled episode: the root of the IR."""

    ir_version: str = IR_VERSION
    source: str
    title: str
    author: str = ""
    language: str = "en"
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
