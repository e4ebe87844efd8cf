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


# Kinsoku: characters that may not start a line (closing punctuation) or end one (opening).
NO_START = set("，。、；：？！）》〉」』】〕…—,.;:?!)]}·〜～ーぁぃぅぇぉっゃゅょ")
NO_END = set("（《〈「『【〔([{")


def wrap(text: str, limit: int = MAX_LINE) -> list[str]:
    """Break a cue into lines of at most ``limit`` columns: at spaces in spaced scripts, between
    characters in CJK, never inside a word, never starting a line with closing punctuation or
    ending one with an opening bracket."""
    if width(text) <= limit:
        return [text]
    lines, current = [], []
    for token in _tokens(text):
        if current and width("".join(current) + token) > limit:
            current, carried = _kinsoku(current, token)
            lines.append("".join(current).rstrip())
            current = carried
            current[0] = current[0].lstrip()
        else:
            current.append(token)
    rest = "".join(current).rstrip()
    return lines + ([rest] if rest.strip() else [])


def _kinsoku(line: list[str], token: str) -> tuple[list[str], list[str]]:
    """Move whole tokens from the end of ``line`` to the next line until the break is allowed.
    A break at a space is always allowed."""
    carried = [token]
    while len(line) > 1 and not carried[0].startswith(" ") and (carried[0][:1] in NO_START or line[-1][-1:] in NO_END):
        carried.insert(0, line.pop())
    return line, carried


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


def vtt_time(seconds: float) -> str:
    """``HH:MM:SS.mmm`` for WebVTT."""
    return srt_time(seconds).replace(",", ".")


def to_vtt(cues: tuple[Cue, ...] | list[Cue]) -> str:
    """The WebVTT document for ``cues`` (each cue names its speaker as a voice span)."""
    blocks = ["WEBVTT\n"]
    for cue in cues:
        body = "\n".join(_escape_vtt(line) for line in wrap(cue.text))
        blocks.append(f"{cue.line_id}\n{vtt_time(cue.start)} --> {vtt_time(cue.end)}\n<v {_escape_vtt(cue.speaker)}>{body}\n")
    return "\n".join(blocks)


def _escape_vtt(text: str) -> str:
    """Text safe inside a WebVTT cue."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_srt(cues: tuple[Cue, ...] | list[Cue]) -> str:
    """The SRT document for ``cues``."""
    blocks = []
    for i, cue in enumerate(cues, 1):
        body = "\n".join(wrap(cue.text))
        blocks.append(f"{i}\n{srt_time(cue.start)} --> {srt_time(cue.end)}\n{body}\n")
    return "\n".join(blocks)
