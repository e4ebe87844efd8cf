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
class Use(Node):
    """``use "cast.play"``: take the cast (and title fields) of another script."""

    path: Word


@dataclass(frozen=True)
class VoiceParam(Node):
    """One voice setting: ``pitch +2``."""

    key: Word
    value: Word | None


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
class Aliases(Node):
    """``aka: XIAOMEI, 小美``: other names the cast member above may be called by."""

    names: tuple[Word, ...]


@dataclass(frozen=True)
class Model(Node):
    """``model: "assets/jun.glb"``: the cast member above is drawn with this mesh file."""

    path: Word  # the path as written, without its quotes


@dataclass(frozen=True)
class CastBlock(Node):
    """The cast list: members, voice lines, models and aliases, in script order."""

    items: tuple[CastMember | VoiceSettings | Model | Aliases, ...]


@dataclass(frozen=True)
class SceneHeading(Node):
    """``EXT. OLD BRIDGE - DAWN``."""

    int_ext: str
    location: Word
    time_of_day: Word | None
    explicit_id: Word | None = None


@dataclass(frozen=True)
class Camera(Node):
    """``[CLOSE ON MEI, LOW ANGLE, DOLLY IN 2s]``: a shot size, the words after it, then
    comma-separated modifiers (angle, move, duration); lowering sorts names from terms."""

    size: Word
    subjects: tuple[Word, ...]
    modifiers: tuple[Word, ...] = ()
    explicit_id: Word | None = None


@dataclass(frozen=True)
class Dialogue(Node):
    """``MEI (worried, to JUN): The bridge is out.``, or one speech of a cue block.

    ``parentheticals``: each ``(...)`` group as written (emotion, delivery, O.S./V.O., to X);
    ``with_previous``: the line began with ``&`` and starts together with what came before.
    """

    speaker: Word
    parentheticals: tuple[Word, ...]
    text: str
    with_previous: bool = False


@dataclass(frozen=True)
class Action(Node):
    """``MEI walks to JUN.``: actor(s), verb and the rest of the sentence."""

    actor: Word
    verb: Word
    argument: Word | None
    others: tuple[Word, ...] = ()  # `MEI and JUN sit.`: the rest of the actors
    with_previous: bool = False


@dataclass(frozen=True)
class SoundCue(Node):
    """``SFX: door slams`` / ``MUSIC: "theme.mp3" fade in 2s``: the cue's kind and its words."""

    kind: str  # "sfx" or "music"
    text: Word


@dataclass(frozen=True)
class Transition(Node):
    """``DISSOLVE TO 2s:``: how the next shot begins (``FADE OUT.``: how this one ends)."""

    word: Word
    duration: Word | None


@dataclass(frozen=True)
class Present(Node):
    """``PRESENT: MEI, JUN``: who is in the scene."""

    names: tuple[Word, ...]


@dataclass(frozen=True)
class Beat(Node):
    """``(beat 1s)``: a pause, with an optional written duration."""

    word: str
    duration: Word | None


@dataclass(frozen=True)
class Coverage(Node):
    """``coverage: dialogue``: how the compiler covers lines no camera direction covers."""

    value: Word


SceneItem = Camera | Dialogue | Action | Beat | SoundCue | Transition | Present | Coverage


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
    uses: tuple[Use, ...] = ()
