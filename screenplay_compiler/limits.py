"""Resource limits: caps on what one script and one build may ask for, checked before work starts.

Scripts are built in CI, some from strangers: a script must not be able to exhaust the machine.
Each cap has a sane default and can be raised (``--limit shots=5000``); going over one is a
located diagnostic for what the script says, or a clear :class:`LimitError` for build settings.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Iterable

from . import ir
from .diagnostics import Diagnostics, Span


class LimitError(ValueError):
    """A build setting, or an override of a limit, that is not allowed."""


@dataclass(frozen=True)
class Limits:
    """The caps, with their defaults. Names are what ``--limit NAME=VALUE`` takes."""

    minutes: float = 60.0  # episode duration
    shots: int = 2000
    characters: int = 8  # characters in one shot
    width: int = 3840
    height: int = 2160
    fps: int = 60
    line: int = 500  # characters in one line of script text
    depth: int = 8  # 'use' nesting
    file_mb: float = 50.0  # each imported file (sounds, music, voices, models)
    triangles: int = 500_000  # each imported model

    def override(self, pairs: Iterable[str]) -> "Limits":
        """These limits with ``NAME=VALUE`` overrides applied; LimitError for a bad one."""
        changes = {}
        for pair in pairs:
            name, eq, value = pair.partition("=")
            name = name.strip()
            kind = {f.name: f.type for f in dataclasses.fields(self)}.get(name)
            if not eq or kind is None:
                names = ", ".join(f.name for f in dataclasses.fields(self))
                raise LimitError(f"--limit {pair!r}: give NAME=VALUE, NAME one of {names}")
            changes[name] = _positive(name, value, int if kind in (int, "int") else float)
        return dataclasses.replace(self, **changes)


def _positive(name: str, value: str, kind: type) -> float:
    """``value`` as a positive number of ``kind``; LimitError otherwise."""
    try:
        number = kind(value)
    except ValueError:
        raise LimitError(f"--limit {name}={value}: not a {'whole ' if kind is int else ''}number") from None
    if number <= 0:
        raise LimitError(f"--limit {name}={value}: must be more than 0")
    return number


def check_settings(width: int, height: int, fps: int, limits: Limits) -> None:
    """LimitError when the frame size or rate is beyond the caps (before anything is made)."""
    if width > limits.width or height > limits.height:
        raise LimitError(f"resolution {width}x{height} is larger than the limit {limits.width}x{limits.height} "
                         f"(raise it with --limit width=N --limit height=N)")
    if fps > limits.fps:
        raise LimitError(f"{fps} fps is more than the limit of {limits.fps} (raise it with --limit fps=N)")


def check_duration(seconds: float, limits: Limits) -> None:
    """LimitError when the timed episode is longer than the cap (checked before rendering)."""
    if seconds > limits.minutes * 60:
        raise LimitError(f"the episode runs {seconds / 60:.1f} min, more than the limit of {limits.minutes:g} min "
                         f"(raise it with --limit minutes=N)")


def check_text(text: str, source: str, limits: Limits, diags: Diagnostics) -> None:
    """A located error for every script line longer than the cap (before parsing)."""
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > limits.line:
            diags.error("over-limit", f"this line has {len(line)} characters; the limit is {limits.line}",
                        Span(source, number, limits.line + 1, number, len(line) + 1),
                        "split it into shorter lines, or raise the cap with --limit line=N")


def check_episode(episode: ir.Episode, source: str, limits: Limits, diags: Diagnostics) -> None:
    """Located errors for an episode with too many shots, too many characters in a shot, or
    surely longer than the duration cap (the exact length is checked again once voiced)."""
    if len(episode.shots) > limits.shots:
        first = episode.shots[limits.shots]
        diags.error("over-limit", f"the episode has {len(episode.shots)} shots; the limit is {limits.shots}",
                    _span(source, first), "split it into episodes, or raise the cap with --limit shots=N")
    elapsed = 0.0
    for shot in episode.shots:
        elapsed += least_seconds(shot)
        if elapsed > limits.minutes * 60:  # voicing a runaway script would be work already: stop it here
            diags.error("over-limit", f"the episode runs at least {elapsed / 60:.1f} min by here; the limit is "
                        f"{limits.minutes:g} min", _span(source, shot),
                        "split it into episodes, or raise the cap with --limit minutes=N")
            break
    for shot in episode.shots:
        names = cast_of(shot)
        if len(names) > limits.characters:
            diags.error("over-limit", f"shot {shot.id} has {len(names)} characters; the limit is {limits.characters}",
                        _span(source, shot), "show fewer at once, or raise the cap with --limit characters=N")


FAST_SPEECH = 25.0  # characters a second: quicker than any voice speaks, so the estimate is a lower bound


def least_seconds(shot: ir.Shot) -> float:
    """A lower bound of a shot's length before it is voiced: its beats and its lines spoken
    very fast (a CJK character counts as three), or the writer's minimum if longer."""
    spoken = sum(sum(3 if ord(ch) >= 0x2E80 else 1 for ch in e.text) / (FAST_SPEECH * e.rate)
                 for e in shot.events if isinstance(e, ir.Line) and not e.overlap)
    beats = sum(e.seconds for e in shot.events if isinstance(e, ir.Pause))
    return max(spoken + beats, shot.duration or 0.0)


def cast_of(shot: ir.Shot) -> set[str]:
    """Every character a shot shows or hears: speakers, actors, targets and camera subjects."""
    names = set(shot.camera.subjects)
    for event in shot.events:
        names.update(n for n in (getattr(event, "speaker", None), getattr(event, "actor", None),
                                 getattr(event, "target", None)) if n)
    return names


def _span(source: str, shot: ir.Shot) -> Span:
    """Where a shot starts in the script: its camera line, else its first event."""
    where = shot.camera.source or next((e.source for e in shot.events), None)
    line, col = (where.line, where.col) if where else (1, 1)
    return Span(source, line, col, line, col + 1)
