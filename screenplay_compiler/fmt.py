"""Screenplay text -> the same script in canonical layout (``sdc fmt``).

The formatter reprints the parser's own tokens, so it can only change what lies between
them: spaces, blank lines and line ends. Every word and every punctuation mark stays as
the writer typed it (full-width ``：（）【】`` stay full-width); the spacing around a mark
follows the mark (a space after ASCII ``:`` and ``,``, none around full-width ones).
Comments, which the grammar drops, are taken from the source lines and put back: a
full-line comment before the statement that followed it, a trailing one at the end of
its line. Before returning, the result is parsed again and its AST compared with the
original's, so a formatting bug can never silently change a script's meaning.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from lark import Token, Tree

from . import atomic, nodes
from .diagnostics import CompileError
from .parser import grammar, normalise, parse
from .transformer import to_ast

# Grammar rules that are one line each; a ``_CAST`` token on its own is the cast header.
STATEMENTS = frozenset({"field", "use", "cast_member", "voice_settings", "model", "aliases", "scene_heading", "camera",
                        "dialogue", "cue_block", "action", "beat", "transition", "present",
                        "coverage"})
CAST_KINDS = frozenset({"cast", "cast_member", "voice_settings", "model", "aliases"})
INDENTED = frozenset({"voice_settings", "model", "aliases"})  # lines that belong to the cast member above
VOICE_INDENT = "  "
# Screenplay convention varies here; the layout asked for none between a heading and its first shot.
BLANK_AFTER_HEADING = True

_TIGHT_BEFORE = frozenset({"_RPAR", "_RBRACK", "_STOP", "_COLON", "_COMMA", "_DASH"})
_TIGHT_AFTER = frozenset({"_LPAR", "_LBRACK", "_DASH"})
_NOTE_LINE = re.compile(r"\[\[.*?\]\]\s*(#.*)?$|(?i:note)\s*[:：]|注\s*[:：]")  # as the grammar's note lines
_EXPLICIT_ID = re.compile(r"#[A-Za-z0-9][A-Za-z0-9_\-.]*")  # as the grammar's EXPLICIT_ID
# Tokens whose inner runs of spaces carry no meaning: the compiler reads them spacing-blind.
_WORDS = frozenset({"VERB", "DURATION", "ACTION_ARG"})
_FREE_TEXT = frozenset({"TEXT", "PAREN_TEXT"})  # ends of a line or inside (): trimmed of any space
# The lexer reads the space in `MEI nods .` and `Title:   ` as an empty argument or value; the
# compiler treats them as none, so the formatter drops them (other blank tokens are kept).
_DROP_IF_BLANK = frozenset({("action", "ACTION_ARG"), ("field", "TEXT")})


class FormatError(RuntimeError):
    """The formatted text would not mean what the original meant (a formatter bug)."""


@dataclass(frozen=True)
class Statement:
    """One script line as the parser saw it: its rule and its tokens (line end excluded)."""

    kind: str
    tokens: tuple[Token, ...]

    @property
    def line(self) -> int:
        """The 1-based line the statement is on."""
        return self.tokens[0].line


@dataclass(frozen=True)
class FileResult:
    """What formatting one file found: whether it changed, and the diff."""

    path: Path
    changed: bool
    diff: str


def format_text(text: str, source: str = "<script>") -> str:
    """``text`` in canonical layout; raise CompileError when it does not parse."""
    text = normalise(text)
    parse(text, source)  # located syntax errors, exactly as `sdc check` reports them
    statements = {s.line: s for s in _statements(grammar().parse(text))}  # the compiler's parser keeps every token
    formatted = "\n".join(_layout(text, statements)).strip("\n")
    formatted = formatted + "\n" if formatted else ""
    _assert_same_meaning(text, formatted, source)
    return formatted


def is_formatted(text: str, source: str = "<script>") -> bool:
    """True when ``text`` is already in canonical layout, byte for byte."""
    return format_text(text, source) == text


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff from ``old`` to ``new`` ('' when they are equal)."""
    lines = difflib.unified_diff(_lines(old), _lines(new), path, f"{path} (formatted)")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _lines(text: str) -> list[str]:
    """Lines with their LF ends (only LF: a CR stays visible as part of its line)."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


def format_file(path: Path, *, check: bool = False) -> FileResult:
    """Format a script file in place (atomically, mode kept); with ``check`` only report."""
    path = Path(path)
    old = path.read_bytes().decode("utf-8")
    new = format_text(old, str(path))
    changed = new != old
    if changed and not check:
        mode = path.stat().st_mode & 0o7777
        atomic.write_text(path, new)
        os.chmod(path, mode)
    return FileResult(path, changed, unified_diff(old, new, str(path)) if changed else "")


# ---- statements and their canonical text --------------------------------------------------


def _statements(tree: Tree) -> Iterator[Statement]:
    """The one-line statements of a parse tree, in order."""
    for child in tree.children:
        if isinstance(child, Tree):
            if child.data in STATEMENTS:
                yield Statement(str(child.data), tuple(t for t in _leaves(child) if t.type != "_NL"))
            else:
                yield from _statements(child)
        elif child.type == "_CAST":
            yield Statement("cast", (child,))


def _leaves(tree: Tree) -> Iterator[Token]:
    """The tokens of a subtree, left to right."""
    for child in tree.children:
        if isinstance(child, Tree):
            yield from _leaves(child)
        else:
            yield child


def _render(statement: Statement) -> str:
    """A statement's canonical text: its tokens as written, spaced by :func:`_gap`."""
    tokens = tuple(t for t in statement.tokens if t.strip() or (statement.kind, t.type) not in _DROP_IF_BLANK)
    out, prev = [], None
    for tok in tokens:
        text = _token_text(tok)
        gap = "" if prev is None else _gap(prev, tok)
        if not gap and prev is not None and (not text or tok.type in _FREE_TEXT and text.startswith("#")):
            gap = " "  # a blank token still counts; `：#1` would read as a comment, `： #1` is text
        out.append(gap + text)
        prev = tok
    if statement.kind == "cue_block":
        return _cue_block(statement.tokens[0])
    return (VOICE_INDENT if statement.kind in INDENTED else "") + "".join(out)


def _cue_block(tok: Token) -> str:
    """A dialogue block: the cue line and each line under it, trimmed, one per line."""
    first, *rest = str(tok).split("\n")
    cue = re.sub(r"[ \t]*([(（])", lambda m: (" " if m.group(1) == "(" else "") + m.group(1), first.strip())
    return "\n".join([cue] + [line.strip() for line in rest])


def _token_text(tok: Token) -> str:
    """One token as printed: outer spaces trimmed; inside free text nothing touched."""
    if tok.type == "_DASH":
        return f" {tok.strip()} "
    if tok.type == "_CAST":
        return re.sub(r"[ \t]+", "", tok)
    if tok.type in _WORDS:
        return _squash(tok)
    if tok.type == "CAMERA_TEXT":  # `CLOSE ON MEI,  LOW ANGLE` -> `CLOSE ON MEI, LOW ANGLE`
        return re.sub(r"[ \t]*([,;])[ \t]*", r"\1 ", re.sub(r"[ \t]*([，；、])[ \t]*", r"\1", _squash(tok)))
    # Only spaces and tabs are the grammar's to ignore: `stands\u3000up` is a verb and a target.
    return tok.strip() if tok.type in _FREE_TEXT else tok.strip(" \t")


def _gap(prev: Token, tok: Token) -> str:
    """The space between two tokens of a line."""
    if tok.type in _TIGHT_BEFORE or prev.type in _TIGHT_AFTER or _ends_in_dash(prev):
        return ""
    if prev.type in ("_COLON", "_COMMA"):
        return " " if prev.isascii() else ""
    if tok.type == "_LPAR":  # `MEI (worried):` but `美（担心）：`
        return " " if tok.isascii() else ""
    return " "


def _ends_in_dash(tok: Token) -> bool:
    """A location ending in a dash (`EXT. PIER -#id`): a space after it would start a time of day."""
    return tok.type == "LOCATION" and tok.rstrip().endswith(("-", "–", "—"))


# ---- lines, blank lines and comments ------------------------------------------------------


def _layout(text: str, statements: dict[int, Statement]) -> Iterator[str]:
    """The output lines: statements in canonical form, comments kept where they were."""
    lines = text.split("\n")
    pending: list[str] = []  # comment and blank lines since the last statement ('' = blank)
    prev: Statement | None = None
    covered = 0  # the last line of a multi-line statement already printed
    for number, raw in enumerate(lines, 1):
        if number <= covered:
            continue
        statement = statements.get(number)
        if statement is None:
            pending.append(_comment_line(number, raw))
            continue
        covered = statement.tokens[-1].end_line or number
        yield from _gap_lines(prev, statement, pending)
        last = statement.tokens[-1]
        yield _with_comment(_render(statement), _trailing_comment(text, statement), last.type == "_COLON" or _ends_in_dash(last))
        pending, prev = [], statement
    yield from _gap_lines(prev, None, pending)


def _comment_line(number: int, raw: str) -> str:
    """A line with no statement on it: a comment, or '' for a blank line."""
    line = raw.strip()
    if line and not line.startswith("#") and not _NOTE_LINE.match(line):
        raise FormatError(f"line {number}: neither a statement nor a comment: {line!r} (a bug in sdc fmt)")
    return line


def _gap_lines(prev: Statement | None, nxt: Statement | None, pending: list[str]) -> list[str]:
    """Blank and comment lines between two statements (either may be missing at the ends)."""
    comments = _squeeze(pending)
    blank_before = prev is not None and (nxt is not None and _needs_blank(prev, nxt) or bool(comments) and pending[0] == "")
    blank_after = bool(comments) and nxt is not None and pending[-1] == ""
    return [""] * blank_before + comments + [""] * blank_after


def _squeeze(pending: list[str]) -> list[str]:
    """Comment lines with outer blank lines dropped and inner runs of blanks made one."""
    out: list[str] = []
    for line in pending:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def _needs_blank(prev: Statement, nxt: Statement) -> bool:
    """True when the layout puts a blank line between these two statements."""
    if nxt.kind == "scene_heading" or nxt.kind == "cast":
        return True
    if prev.kind == "cue_block":
        return True  # a block ends at a blank line, so one always follows it
    if prev.kind == "transition" and nxt.kind == "camera":
        return False  # a transition opens the shot below it
    if nxt.kind == "camera":
        return prev.kind != "scene_heading" or BLANK_AFTER_HEADING
    if nxt.kind == "cue_block":
        return True
    if nxt.kind == "transition":  # FADE OUT closes the shot above; the others open the next
        return _transition_kind(nxt) != "fade_out" and prev.kind != "scene_heading"
    if prev.kind in ("field", "use"):
        return nxt.kind not in ("field", "use")
    return prev.kind in CAST_KINDS and nxt.kind not in CAST_KINDS


def _transition_kind(statement: Statement) -> str:
    """What a transition statement does (``cut``, ``fade_out``...)."""
    from .vocab import TRANSITIONS, key

    return TRANSITIONS.get(key(statement.tokens[0]), "cut")


def _trailing_comment(text: str, statement: Statement) -> str:
    """The ``# comment`` after a statement on its line, or ''."""
    end = statement.tokens[-1].end_pos
    rest = text[end:text.index("\n", end)].strip(" \t")
    if rest and not rest.startswith(("#", "[[")):
        raise FormatError(f"line {statement.line}: unexpected text after the statement: {rest!r} (a bug in sdc fmt)")
    # Trim any other trailing space too, unless that would turn `#a\u3000` (a comment) into `#a` (an id).
    return rest if _EXPLICIT_ID.fullmatch(rest.rstrip()) else rest.rstrip()


def _with_comment(line: str, comment: str, glued: bool = False) -> str:
    """A statement line with its trailing comment, one space apart.

    ``glued``: the comment follows a colon or a dash directly (``Title:#draft``, ``EXT. PIER -#x``);
    a space would make it the field's value or start a time of day, so it stays glued.
    """
    if not comment or glued:
        return line + comment
    return (line if line.endswith(" ") else line + " ") + comment


# ---- the safety net ------------------------------------------------------------------------


def _assert_same_meaning(old: str, new: str, source: str) -> None:
    """Raise FormatError unless ``new`` parses to the same AST as ``old`` (spans aside)."""
    try:
        same = _shape(to_ast(parse(new, source), source)) == _shape(to_ast(parse(old, source), source))
    except CompileError as exc:
        raise FormatError(f"{source}: formatting would break the script (a bug in sdc fmt):\n{exc}") from None
    if not same:
        raise FormatError(f"{source}: formatting would change the script's meaning (a bug in sdc fmt); left as it was")


def _shape(value):
    """An AST as nested tuples without source spans, for comparison."""
    if isinstance(value, nodes.Action):
        argument = _squashed(value.argument) if value.argument and value.argument.text else None
        value = dataclasses.replace(value, verb=_squashed(value.verb), argument=argument)
    if isinstance(value, nodes.Camera):
        value = dataclasses.replace(value, size=_squashed(value.size), subjects=tuple(_squashed(w) for w in value.subjects),
                                    modifiers=tuple(_squashed(w) for w in value.modifiers))
    if isinstance(value, nodes.Beat) and value.duration:
        value = dataclasses.replace(value, duration=_squashed(value.duration))
    if isinstance(value, nodes.Node):
        return (type(value).__name__,) + tuple(_shape(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "span")
    if isinstance(value, tuple):
        return tuple(_shape(v) for v in value)
    return value


def _squashed(word: nodes.Word) -> nodes.Word:
    """A word as _token_text prints it (tokens in _WORDS, which the compiler reads spacing-blind)."""
    return dataclasses.replace(word, text=_squash(word.text))


def _squash(text: str) -> str:
    """``text`` trimmed, with runs of spaces and tabs made one space."""
    return re.sub(r"[ \t]+", " ", text.strip(" \t"))
