"""Confinement: every file a script names stays inside its project.

A script names files in ``use``, sound and music cues and piper voice paths. Each is written
relative to the script's folder and must resolve (symlinks followed) inside the project root
(the entry script's folder, or ``--root``) or a folder given with ``--allow-path``. Absolute
paths, ``..`` that climbs out and symlinks that point out are located errors, found when the
script is compiled, before any work starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import ir
from .diagnostics import Diagnostics, Span
from .limits import Limits


class OutsideRoot(ValueError):
    """A path a script names that leads out of its project."""


@dataclass(frozen=True)
class Confinement:
    """The folders a script's files may come from: the project root and any allowed folders."""

    root: Path
    allowed: tuple[Path, ...] = ()

    def resolve(self, written: str, base: Path) -> Path:
        """``written`` (relative to ``base``) as a real path inside the root or an allowed folder."""
        if not written.strip():
            raise OutsideRoot("an empty path names no file")
        if Path(written).is_absolute():
            if self._permits(Path(written)):
                return Path(written).resolve()
            raise OutsideRoot(f"'{written}' is an absolute path; write it relative to the script's folder")
        full = Path(base) / written
        if not self._permits(full):
            raise OutsideRoot(f"'{written}' is outside the project folder")
        return full.resolve()

    def _permits(self, path: Path) -> bool:
        """True when ``path`` (symlinks resolved) lies within the root or an allowed folder."""
        real = path.resolve()
        return any(real.is_relative_to(Path(folder).resolve()) for folder in (self.root, *self.allowed))


@dataclass(frozen=True)
class Policy:
    """What a script may touch and how big it may be: the project root, allowed folders, limits."""

    root: Path | None = None  # None: the entry script's folder
    allowed: tuple[Path, ...] = ()
    limits: Limits = field(default_factory=Limits)

    def confinement(self, source: str) -> Confinement:
        """The confinement of the script named ``source`` (a path, or ``<...>`` for text)."""
        return Confinement(Path(self.root) if self.root is not None else script_folder(source), tuple(self.allowed))


def script_folder(source: str) -> Path:
    """The folder a script's relative paths start from (the working folder for ``<text>``)."""
    return Path(source).parent if source and not source.startswith("<") else Path.cwd()


def check_episode(episode: ir.Episode, source: str, policy: Policy, diags: Diagnostics) -> None:
    """Record a located error for every file the episode names outside its project, and for
    imported files larger than the limit."""
    confinement, base = policy.confinement(source), script_folder(source)
    cap = policy.limits.file_mb
    for written, where in named_files(episode):
        span = Span(source, where.line, where.col, where.line, where.col + 1)
        try:
            path = confinement.resolve(written, base)
        except OutsideRoot as exc:
            diags.error("path-outside", str(exc), span, "the project is the script's folder (or --root); to use files elsewhere, pass --allow-path FOLDER")
            continue
        if path.is_file() and path.stat().st_size > cap * 1024 * 1024:
            size = path.stat().st_size / (1024 * 1024)
            diags.error("over-limit", f"'{written}' is {size:.1f} MB; imported files may be at most {cap:g} MB",
                        span, "shrink the file, or raise the cap with --limit file_mb=N")


def named_files(episode: ir.Episode) -> Iterator[tuple[str, ir.Source]]:
    """Every file path an episode names, with where: sound and music cues, piper voice files."""
    for shot in episode.shots:
        for event in shot.events:
            if isinstance(event, (ir.Sound, ir.Music)) and event.path:
                yield event.path, event.source
    for character in episode.characters:
        if character.voice.engine == "piper" and character.voice.model.endswith(".onnx"):
            yield character.voice.model, character.source
            yield character.voice.model + ".json", character.source  # its config, read beside it
