"""Screenplay text -> lark parse tree. Syntax errors become located diagnostics.

Lark stops at the first syntax error. To report several per run, the parser records the
error, blanks the offending line (keeping line numbers) and parses again, up to a limit.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

from lark import Lark, Tree, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .diagnostics import CompileError, Diagnostic, Severity, Span, did_you_mean

GRAMMAR = files("screenplay_compiler.grammar") / "screenplay.lark"
MAX_SYNTAX_ERRORS = 10

SHOT_WORDS = ("WIDE", "EXTREME WIDE", "ESTABLISHING", "MEDIUM", "CLOSE", "CLOSE-UP", "TWO-SHOT", "全景", "中景", "特写", "双人")
BEAT_WORDS = ("beat", "pause", "silence", "hold", "停顿", "沉默")

# What each terminal means to a writer, for "expected ..." messages.
EXPECTED_WORDS = {
    "NAME": "a character name in CAPITALS",
    "FIELD_KEY": "a title field such as 'Title:'",
    "_CAST": "the CAST list",
    "INT_EXT": "a scene heading such as 'EXT. OLD BRIDGE - DAWN'",
    "SHOT_SIZE": "a shot size (WIDE, MEDIUM, CLOSE, TWO-SHOT)",
    "_RBRACK": "']'",
    "_RPAR": "')'",
    "_LBRACK": "a camera direction such as '[WIDE]'",
    "_LPAR": "'(' for an emotion or a beat",
    "_COLON": "':'",
    "TEXT": "text",
    "VERB": "an action verb",
    "PAREN_TEXT": "an emotion",
    "BEAT_WORD": "'beat' or 'pause'",
    "PARAM_KEY": "a voice setting such as 'pitch +2'",
    "PARAM_VALUE": "a value",
    "_NL": "the end of the line",
}


@lru_cache(maxsize=1)
def grammar() -> Lark:
    """The compiled LALR parser (built once per process)."""
    text = GRAMMAR.read_text(encoding="utf-8")
    # cache=True: lark keeps the built tables in the temp folder, keyed by grammar and options
    # keep_all_tokens: the AST builder takes spans from the punctuation and then drops it
    return Lark(text, parser="lalr", lexer="contextual", keep_all_tokens=True, maybe_placeholders=False, cache=True)


def normalise(text: str) -> str:
    """Strip a BOM, unify newlines and end with one, so the grammar sees clean lines."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


def parse(text: str, source: str = "<script>") -> Tree:
    """Parse ``text``; raise CompileError with every syntax error found (up to a limit)."""
    text = normalise(text)
    tree, found = parse_recovering(text, source)
    if found:
        raise CompileError(found, {source: text})
    return tree


def parse_recovering(text: str, source: str = "<script>") -> tuple[Tree | None, list[Diagnostic]]:
    """Parse ``text``, blanking each line with a syntax error and trying again.

    Returns the tree of what remained (None when nothing parsed) and the syntax errors, so
    the later stages can still report their own errors about the lines that did parse.
    """
    text = normalise(text)
    found: list[Diagnostic] = []
    attempt = text
    while True:
        try:
            return grammar().parse(attempt), _unique(found)
        except UnexpectedInput as exc:
            found.append(syntax_diagnostic(exc, text, source))
            attempt = _blank_line(attempt, exc.line if exc.line > 0 else attempt.count("\n"))
            if len(found) >= MAX_SYNTAX_ERRORS or attempt.strip() == "":
                return None, _unique(found)


def _unique(found: list[Diagnostic]) -> list[Diagnostic]:
    """Drop repeats of a diagnostic on the same line (blanking can re-trigger one)."""
    seen, out = set(), []
    for d in found:
        if d.span.line not in seen:
            seen.add(d.span.line)
            out.append(d)
    return out


def _blank_line(text: str, line: int) -> str:
    """``text`` with line ``line`` emptied, so parsing can resume after it."""
    lines = text.split("\n")
    if 0 < line <= len(lines):
        lines[line - 1] = ""
    return "\n".join(lines)


def syntax_diagnostic(exc: UnexpectedInput, text: str, source: str) -> Diagnostic:
    """Turn a lark error into a diagnostic that speaks the screenplay's language."""
    lines = text.split("\n")
    line_no = exc.line if exc.line > 0 else max(1, len(lines) - 1)
    line = lines[line_no - 1] if line_no <= len(lines) else ""
    col = exc.column if exc.column > 0 else len(line) + 1
    expected = _expected(exc)
    message, hint = _explain(exc, line, col, expected)
    width = _bad_width(exc, line, col)
    span = Span(source, line_no, col, line_no, col + width)
    return Diagnostic(Severity.ERROR, "syntax", message, span, hint)


def _expected(exc: UnexpectedInput) -> set[str]:
    """The terminal names the parser would have accepted."""
    if isinstance(exc, UnexpectedToken):
        return set(exc.expected)
    if isinstance(exc, UnexpectedCharacters):
        return set(exc.allowed or ())
    if isinstance(exc, UnexpectedEOF):
        return set(exc.expected)
    return set()


def _bad_width(exc: UnexpectedInput, line: str, col: int) -> int:
    """How many characters the caret line should underline: the offending word."""
    token = getattr(exc, "token", None)
    free_text = ("TEXT", "ACTION_ARG", "PAREN_TEXT", "LOCATION", "TIME_OF_DAY")  # the root lexer's greedy guesses
    if token is not None and token.type not in ("_NL", "$END", *free_text) and "\n" not in str(token):
        return max(1, len(str(token)))
    m = re.match(r"[^\s\]\)）】:：,，]+", line[col - 1 :])
    return len(m.group(0)) if m else 1


def _explain(exc: UnexpectedInput, line: str, col: int, expected: set[str]) -> tuple[str, str | None]:
    """A message and hint for the most common mistakes, else a generic 'expected' list."""
    stripped = line.strip()
    rest = line[col - 1 :].strip()
    word = re.match(r"[^\s\]\)）】:：,，]*", rest).group(0) if rest else ""
    if "SHOT_SIZE" in expected:
        return f"unknown shot size '{word}'" if word else "camera direction needs a shot size", (
            did_you_mean(word, SHOT_WORDS) or "shot sizes: WIDE, MEDIUM, CLOSE, TWO-SHOT (e.g. '[CLOSE ON MEI]')")
    if "BEAT_WORD" in expected and stripped.startswith(("(", "（")):
        return f"'({word}' is not a beat", did_you_mean(word, BEAT_WORDS) or "write a pause as '(beat)' or '(beat 1.5s)'"
    if "_RBRACK" in expected and ("[" in line or "【" in line):
        return "camera direction is not closed", "end it with ']', e.g. '[CLOSE ON MEI]'"
    if "_RPAR" in expected or ("PAREN_TEXT" in expected and not rest):
        return "parenthetical is not closed", "end it with ')', e.g. 'MEI (worried): ...'"
    if "TEXT" in expected and _is_eol(exc):
        return "nothing after ':'", "write the line after the colon, e.g. 'MEI (worried): The bridge is out.'"
    if re.match(r"^[A-Z][a-z]+\b.*[:：]", stripped) and "NAME" in expected:
        name = stripped.split(":")[0].split("：")[0].split("(")[0].strip()
        return f"character names are written in CAPITALS: '{name}'", f"write '{name.upper()}'"
    if re.match(r"^[a-z][\w ]*[:：(（]", stripped):
        name = re.split(r"[:：(（]", stripped)[0].strip()
        return f"character names are written in CAPITALS: '{name}'", f"write '{name.upper()}'"
    if expected & {"_LBRACK", "NAME", "_LPAR"} and not expected & {"FIELD_KEY"} and "INT_EXT" not in expected:
        return f"unexpected '{word or stripped[:1]}'", "inside a scene a line is dialogue 'NAME: text', an action 'NAME walks to JUN.', a camera direction '[WIDE]' or a beat '(beat 1s)'"
    if "INT_EXT" in expected and not expected & {"_LBRACK"} and re.match(r"^[A-Z\u3400-\u9fff]", stripped):
        return "this line needs a scene heading before it", "start a scene with a heading such as 'EXT. OLD BRIDGE - DAWN' or 'INT. CAFE - NIGHT'"
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        return "the script ends in the middle of a statement", "finish the last line"
    wanted = sorted({EXPECTED_WORDS[t] for t in expected if t in EXPECTED_WORDS})
    what = f"'{word}'" if word else "end of line"
    return f"unexpected {what}", ("expected " + " or ".join(wanted)) if wanted else None


def _is_eol(exc: UnexpectedInput) -> bool:
    """True when the parser stopped at the end of a line or of the file."""
    token = getattr(exc, "token", None)
    return token is not None and token.type in ("_NL", "$END")
