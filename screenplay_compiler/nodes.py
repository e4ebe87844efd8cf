"""The screenplay AST: one frozen dataclass per grammar rule, each with its source span."""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Span


@dataclass(frozen=True)
class Node:
    """Base of every AST node: where it is in the script."""

    span: Span


@dataclass(frozen=True)
class Word(Node):
    """A located piece of text: a name, a verb, an emotion."""

    text: str


@dataclass(frozen=True)
class Field(Node):
    """A title-block entry: ``Title: The Bridge``."""

    key: Word
    value: str


@dataclass(frozen=True)
class VoiceParam(Node):
    """One voice setting: ``pitch +2``."""

    key: Word
    value: Word


@dataclass(frozen=True)
class VoiceSettings(Node):
    """A ``voice:`` line; it belongs to the cast member above it."""

    params: tuple[VoiceParam, ...]


@dataclass(frozen=True)
class CastMember(Node):
    """``MEI: young woman, black ponytail, red coat``."""

    name: Word
    description: Word


@dataclass(frozen=True)
class CastBlock(Node):
    """The cast list: members and voice lines, in script order."""

    items: tuple[CastMember | VoiceSettings, ...]


@dataclass(frozen=True)
class SceneHeading(Node):
    """``EXT. OLD BRIDGE - DAWN``."""

    int_ext: str
    location: Word
    time_of_day: Word | None
    explicit_id: Word | None = None


@dataclass(frozen=True)
class Camera(Node):
    """``[CLOSE ON MEI]``: a shot size and the characters it is on."""

    size: Word
    subjects: tuple[Word, ...]
    explicit_id: Word | None = None


@dataclass(frozen=True)
class Dialogue(Node):
    """``MEI (worried): The bridge is out.``."""

    speaker: Word
    parenthetical: Word | None
    text: str


@dataclass(frozen=True)
class Action(Node):
    """``MEI walks to JUN.``: actor, verb and the rest of the sentence."""

    actor: Word
    verb: Word
    argument: Word | None


@dataclass(frozen=True)
class Beat(Node):
    """``(beat 1s)``: a pause, with an optional written duration."""

    word: str
    duration: Word | None


SceneItem = Camera | Dialogue | Action | Beat


@dataclass(frozen=True)
class Scene(Node):
    """A scene heading and the lines under it."""

    heading: SceneHeading
    items: tuple[SceneItem, ...]


@dataclass(frozen=True)
class Script(Node):
    """A whole screenplay file."""

    fields: tuple[Field, ...]
    cast: CastBlock | None
    scenes: tuple[Scene, ...]
