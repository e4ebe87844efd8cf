"""Subtitle cues -> SRT text: one cue per dialogue line at its exact spoken time."""

from __future__ import annotations

import unicodedata

from .tracks import Cue

MAX_LINE = 42  # characters per subtitle line (wide characters count double)


def srt_time(seconds: float) -> str:
    """``HH:MM:SS,mmm`` for SRT."""
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def width(text: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, limit: int = MAX_LINE) -> list[str]:
    """Break a cue into lines of at most ``limit`` columns, at spaces for spaced scripts."""
    if width(text) <= limit:
        return [text]
    lines, current = [], ""
    for token in _tokens(text):
        if current and width(current + token) > limit:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    return lines + ([current.rstrip()] if current.strip() else [])


def _tokens(text: str) -> list[str]:
    """Words with their leading space, or single wide characters (which may break anywhere)."""
    out: list[str] = []
    for ch in text:
        if width(ch) == 2 or not out or ch == " " or width(out[-1][-1]) == 2:
            out.append(ch)
        else:
            out[-1] += ch
    merged: list[str] = []
    for tok in out:
        if merged and merged[-1] == " ":
            merged[-1] += tok
        else:
            merged.append(tok)
    return merged


def to_srt(cues: tuple[Cue, ...] | list[Cue]) -> str:
    """The SRT document for ``cues``."""
    blocks = []
    for i, cue in enumerate(cues, 1):
        body = "\n".join(wrap(cue.text))
        blocks.append(f"{i}\n{srt_time(cue.start)} --> {srt_time(cue.end)}\n{body}\n")
    return "\n".join(blocks)
