"""Compiler diagnostics: located, collectable errors and warnings with hints.

A diagnostic is data (severity, code, span, message, hint). It renders lazily as plain text
(``file:line:col: error[code]: message``, the source line and a caret) for tests and CI logs,
and through rich for a terminal.
"""

from __future__ import annotations

import difflib
import enum
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple, Sequence


class Span(NamedTuple):
    """A region of a source file: 1-based line and column, end exclusive.

    A named tuple rather than a frozen dataclass: a long script makes one per word, and a
    tuple is built several times faster (immutable all the same).
    """

    source: str
    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def from_meta(cls, source: str, meta) -> "Span":
        """The span of a lark ``meta`` (rules built with ``propagate_positions``)."""
        if getattr(meta, "empty", True):
            return cls(source, 1, 1, 1, 1)
        return cls(source, meta.line, meta.column, meta.end_line, meta.end_column)

    @classmethod
    def from_token(cls, source: str, token) -> "Span":
        """The span of one lark token."""
        end_line = token.end_line or token.line
        end_col = token.end_column or token.column + len(token)
        return cls(source, token.line, token.column, end_line, end_col)


# Every diagnostic's stable number, by name. Append only: a number, once given, is never reused.
CODES: dict[str, int] = {name: i for i, name in enumerate((
    "syntax", "encoding", "no-scenes", "unknown-field", "bad-format", "unknown-style", "unknown-engine",
    "orphan-voice", "duplicate-character", "unknown-voice-setting", "bad-voice-value", "unknown-character",
    "unknown-word", "duplicate-id", "unknown-time", "unknown-shot-size", "unknown-camera-term", "two-shot-subjects",
    "unknown-action", "missing-target", "self-target", "unknown-target", "unknown-emotion", "bad-beat", "bad-duration",
    "impossible-timing", "not-in-scene", "absent-addressee", "crossing-the-line", "fast-subtitle", "voice-language",
    "empty-line", "unknown-sound", "bad-music", "use-cycle", "use-depth", "bad-use", "missing-file", "path-outside",
    "use-scenes", "unknown-set", "over-limit", "unknown-coverage", "bad-model", "bad-motion",
), start=1)}


class Severity(str, enum.Enum):
    """How bad a diagnostic is; only errors stop a build."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One message about the script, pointing at where the problem is."""

    severity: Severity
    code: str
    message: str
    span: Span
    hint: str | None = None

    @property
    def number(self) -> str:
        """The diagnostic's stable code as printed: ``E012`` for an error, ``W023`` for a warning."""
        return f"{'E' if self.severity is Severity.ERROR else 'W'}{CODES.get(self.code, 0):03d}"

    def render(self, text: str | None) -> str:
        """Plain text: location and message, the source line, a caret, then the hint."""
        s = self.span
        out = [f"{s.source}:{s.line}:{s.col}: {self.severity.value}[{self.number}]: {self.message}"]
        line = _source_line(text, s.line)
        if line is not None:
            gutter = f"{s.line:>4} | "
            out.append(gutter + line.expandtabs(4))
            out.append(" " * (len(gutter) - 2) + "| " + _underline(line, s))
        if self.hint:
            out.append(f"     = help: {self.hint}")
        return "\n".join(out)


def _source_line(text: str | None, line: int) -> str | None:
    """Line ``line`` (1-based) of ``text``, or None when out of range."""
    if text is None:
        return None
    lines = text.split("\n")  # the parser counts only "\n", unlike str.splitlines
    return lines[line - 1] if 0 < line <= len(lines) else None


def _underline(line: str, span: Span) -> str:
    """A caret under the span's first column, tildes to its end, in terminal columns."""
    start = _columns(line[: span.col - 1])
    end_col = span.end_col if span.end_line == span.line else len(line) + 1
    width = max(1, _columns(line[: max(end_col - 1, span.col)]) - start)
    return " " * start + "^" + "~" * (width - 1)


def _columns(text: str) -> int:
    """Terminal columns ``text`` takes: tabs to 4, East Asian wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text.expandtabs(4))


@dataclass
class Diagnostics:
    """A collector: stages append to it and keep going, so one run reports many problems."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        """Record an error."""
        self.items.append(Diagnostic(Severity.ERROR, code, message, span, hint))

    def warning(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        """Record a warning."""
        self.items.append(Diagnostic(Severity.WARNING, code, message, span, hint))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        """Record several diagnostics at once."""
        self.items.extend(items)

    @property
    def has_errors(self) -> bool:
        """True when any recorded diagnostic is an error."""
        return any(d.severity is Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """Diagnostics in source order."""
        return sorted(self.items, key=lambda d: (d.span.source, d.span.line, d.span.col))


class CompileError(Exception):
    """Raised when a stage cannot continue; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Sequence[Diagnostic], texts: dict[str, str]):
        self.diagnostics = list(diagnostics)
        self.texts = texts
        super().__init__(self.render())

    def render(self) -> str:
        """All diagnostics as plain text, one block each."""
        return "\n\n".join(d.render(self.texts.get(d.span.source)) for d in self.diagnostics)


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The closest choice to ``word`` (case-insensitive), as a hint sentence, or None."""
    options = {c.lower(): c for c in choices}
    best = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=cutoff)
    return f"did you mean '{options[best[0]]}'?" if best else None
