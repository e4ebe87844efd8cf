"""Drafts from files or git: ``episode.play``, ``HEAD~1`` (the same file at a revision), or
``main:ep1.play`` (a file at a revision); and whether a script changed since a revision."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


class DraftError(RuntimeError):
    """A draft could not be read (no such file, revision or path in git)."""


@dataclass(frozen=True)
class Draft:
    """A script's text, what to call it, and the file it is (or was) at."""

    label: str
    text: str
    path: Path


def read_draft(spec: str, counterpart: Path | None = None) -> Draft:
    """Read a draft named by ``spec``; a bare revision means ``counterpart`` at that revision."""
    path = Path(spec)
    if path.is_file():
        return Draft(spec, path.read_text(encoding="utf-8"), path)
    rev, sep, name = spec.partition(":")
    if not sep:
        if counterpart is None:
            raise DraftError(f"'{spec}' is neither a file nor REV:PATH")
        name = str(counterpart)
    file = Path(name)
    return Draft(f"{rev}:{name}", _git_show(rev, file), file)


def _git_show(rev: str, file: Path) -> str:
    """The text of ``file`` at ``rev`` (a path relative to the current folder)."""
    where = file.parent if file.parent.is_dir() else Path(".")
    spec = f"{rev}:./{file.name}" if file.parent.is_dir() else f"{rev}:{file}"
    result = subprocess.run(["git", "show", spec], cwd=where, capture_output=True)
    if result.returncode != 0:
        why = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DraftError(f"git cannot show {rev}:{file}: {why[-1] if why else 'unknown error'}")
    return result.stdout.decode("utf-8")


def changed_since(rev: str, script: Path) -> bool:
    """True when ``script`` differs from ``rev`` (or git does not track it yet)."""
    where = script.parent if script.parent.as_posix() else Path(".")
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", script.name], cwd=where, capture_output=True)
    if tracked.returncode != 0:
        return True
    result = subprocess.run(["git", "diff", "--quiet", rev, "--", script.name], cwd=where, capture_output=True)
    if result.returncode not in (0, 1):
        raise DraftError(f"git cannot compare with {rev}: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.returncode == 1
