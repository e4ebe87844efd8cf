"""Fountain screenplays in and out.

Three stages, each a typed function:

* :func:`parse_fountain`: Fountain text -> :class:`Document`, a small frozen model of every
  construct on the Fountain syntax page (title page, headings, action, character cues with
  extensions and dual dialogue, parentheticals, dialogue, lyrics, transitions, centered
  text, notes, boneyard, sections, synopses, page breaks; emphasis markup is stripped);
* :func:`import_fountain`: Fountain text -> ``.play`` text and an :class:`ImportReport` of
  what could not be mapped (with Fountain line numbers) and which cast descriptions are guesses;
* :func:`export_fountain`: a compiled episode -> a standard Fountain screenplay.

Both directions keep every dialogue line (speaker and words, in order): a Fountain speech is
split into ``.play`` lines at its parentheticals, and the exporter writes each ``.play`` line
so that it is split back the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Union

from . import ir, vocab
from .actions import SPECS
from .actions import resolve as resolve_action
from .lower import (CHANNELS, DELIVERIES, EMOTION_ALIASES, FIELDS, IGNORED_PARENS, INTENSIFIER, INTENSIFIERS,
                    OVERLAP_WORDS, SPEEDS, STRONG_WORDS, TIMES, VERBS, WEATHER)
from .sets import SETS_BY_NAME, resolve_set

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TITLE_KEYS = {"title", "credit", "author", "authors", "source", "draft date", "date", "contact", "copyright",
              "notes", "revision", "episode", "language"}


# ---- the document model --------------------------------------------------------------------


@dataclass(frozen=True)
class TitleField:
    """A title-page entry, ``Title: BRICK & STEEL`` (multi-line values joined by newlines)."""

    key: str
    value: str
    line: int


@dataclass(frozen=True)
class Element:
    """Base of every body element: the 1-based Fountain line it starts on."""

    line: int


@dataclass(frozen=True)
class Text(Element):
    """Base of the elements that are one piece of text (emphasis already stripped)."""

    text: str


@dataclass(frozen=True)
class SceneHeading(Text):
    """``INT. HOUSE - DAY #1#`` or a forced ``.SNOW GLOBE``."""

    number: str | None = None
    forced: bool = False


@dataclass(frozen=True)
class Action(Element):
    """An action paragraph: its lines with their line numbers (``!`` forces one)."""

    lines: tuple[tuple[int, str], ...]
    forced: bool = False

    @property
    def text(self) -> str:
        """The paragraph as one string, lines joined by newlines."""
        return "\n".join(t for _, t in self.lines)


class Speech(Text):
    """One line of dialogue text under a cue."""


class Parenthetical(Text):
    """``(quietly)`` under a cue or between dialogue lines (text without the brackets)."""


class Lyric(Text):
    """``~Willy Wonka! Willy Wonka!``: a sung line."""


DialoguePart = Union[Speech, Parenthetical, Lyric]


@dataclass(frozen=True)
class Dialogue(Element):
    """A character cue (its extensions, ``^`` dual, ``@`` forced) and what follows it up to a
    blank line."""

    character: str
    extensions: tuple[str, ...]
    parts: tuple[DialoguePart, ...]
    dual: bool = False
    forced: bool = False


@dataclass(frozen=True)
class Transition(Text):
    """``CUT TO:`` or a forced ``> Burn to White.``."""

    forced: bool = False


class Centered(Text):
    """``> THE END <``."""


class Note(Text):
    """``[[a note]]``: for the writers, never printed."""


class Boneyard(Text):
    """``/* ... */``: text the writer took out of the script."""


class Synopsis(Text):
    """``= Mei learns the bridge is out.``."""


@dataclass(frozen=True)
class Section(Text):
    """``# ACT ONE``, ``## Chapter``: structure, never printed."""

    level: int = 1


@dataclass(frozen=True)
class PageBreak(Element):
    """``===``."""


@dataclass(frozen=True)
class Document:
    """A parsed Fountain screenplay: its title page and body elements in script order."""

    title: tuple[TitleField, ...]
    elements: tuple[Element, ...]

    def field(self, *keys: str) -> str:
        """The first title-page value under one of ``keys`` (case-insensitive), or ''."""
        return next((f.value for f in self.title if f.key.lower() in keys), "")


# ---- parsing ---------------------------------------------------------------------------------

BONEYARD = re.compile(r"/\*(.*?)\*/", re.S)
NOTE = re.compile(r"\[\[((?:(?!\]\])(?!\n[ \t]?\n).)*?)\]\]", re.S)
HEADING = re.compile(r"^(INT\.?/EXT|EXT\.?/INT|INT/EXT|I/E|INT|EXT|EST|(?:场景\s*\d*\s*[:：]?\s*)?(?:内外景|内景|外景))"
                     r"(?:\.\s*|\s+|(?<=景))(.*)$", re.I)
SCENE_NUMBER = re.compile(r"\s*#([^#\s]+)#\s*$")
TITLE_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9 _\-]*):[ \t]*(.*)$")
PARENTHETICAL = re.compile(r"^\(.*\)$")
_ESCAPES = {"\\*": "\x01", "\\_": "\x02"}


def parse_fountain(text: str) -> Document:
    """Parse Fountain text (https://fountain.io/syntax) into a :class:`Document`."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    text, boneyards = _cut(text, BONEYARD, Boneyard)
    text, notes = _cut(text, NOTE, Note)
    lines = _visible_lines(text)
    title, start = _title_page(lines)
    body = _body(lines, start)
    return Document(title, tuple(sorted(body + boneyards + notes, key=lambda e: e.line)))


def _cut(text: str, pattern: re.Pattern, make) -> tuple[str, list[Element]]:
    """Blank out every match of ``pattern`` (keeping line breaks, so line numbers hold) and
    return the matches as elements; a line left with nothing but blanked text disappears."""
    found: list[Element] = []

    def blank(m: re.Match) -> str:
        found.append(make(text.count("\n", 0, m.start()) + 1, m.group(1).strip()))
        return re.sub(r"[^\n]", "\x00", m.group(0))

    return pattern.sub(blank, text), found


def _visible_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) for each line, without lines that held only notes or boneyard."""
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        if "\x00" in line and not line.replace("\x00", "").strip():
            continue
        out.append((number, line.replace("\x00", "")))
    return out


def _title_page(lines: list[tuple[int, str]]) -> tuple[tuple[TitleField, ...], int]:
    """The title page at the top (``Key: value`` lines, values may continue indented) and the
    index where the body starts; none when the block names no known title key."""
    i = next((k for k, (_, t) in enumerate(lines) if t.strip()), len(lines))
    fields: list[list] = []
    while i < len(lines) and lines[i][1].strip():
        number, line = lines[i]
        m = TITLE_LINE.match(line)
        if m and not line[:1].isspace():
            fields.append([m.group(1).strip(), [m.group(2).strip()] if m.group(2).strip() else [], number])
        elif fields and line[:1].isspace():
            fields[-1][1].append(line.strip())
        else:
            return (), 0
        i += 1
    if not any(key.lower() in TITLE_KEYS for key, _, _ in fields):
        return (), 0
    return tuple(TitleField(k, plain("\n".join(v)), n) for k, v, n in fields), i


def _body(lines: list[tuple[int, str]], i: int) -> list[Element]:
    """Every body element from ``lines[i:]``."""
    out: list[Element] = []
    while i < len(lines):
        if not lines[i][1].strip():
            i += 1
            continue
        element, i = _element(lines, i)
        out.append(element)
    return out


def _blank(lines: list[tuple[int, str]], i: int) -> bool:
    """True when line ``i`` is blank or outside the script."""
    return not (0 <= i < len(lines)) or not lines[i][1].strip()


def _element(lines: list[tuple[int, str]], i: int) -> tuple[Element, int]:
    """The element starting at line ``i`` and the index after it."""
    number, raw = lines[i]
    t = raw.strip()
    before, after = _blank(lines, i - 1), _blank(lines, i + 1)
    single = _single_line(number, t, before, after)
    if single is not None:
        return single, i + 1
    if not after and (t.startswith("@") or (before and _is_cue(t))):
        return _dialogue(lines, i)
    return _action(lines, i)


def _single_line(number: int, t: str, before: bool, after: bool) -> Element | None:
    """A one-line element (page break, section, synopsis, centered text, transition, lyric,
    scene heading), or None when the line starts something longer."""
    if re.fullmatch(r"={3,}", t):
        return PageBreak(number)
    if t.startswith("#"):
        return Section(number, plain(t.lstrip("#").strip()), len(t) - len(t.lstrip("#")))
    if re.match(r"=(?!=)", t):
        return Synopsis(number, plain(t[1:].strip()))
    if t.startswith(">") and t.endswith("<"):
        return Centered(number, plain(t[1:-1].strip()))
    if t.startswith(">"):
        return Transition(number, plain(t[1:].strip()), forced=True)
    if t.startswith("~"):
        return Lyric(number, plain(t[1:].strip()))
    if re.match(r"\.[^.\s]", t):
        return _heading(number, t[1:], forced=True)
    if before and HEADING.match(t):
        return _heading(number, t)
    if before and after and t == t.upper() and t.endswith("TO:"):
        return Transition(number, plain(t))
    return None


def _heading(number: int, text: str, forced: bool = False) -> SceneHeading:
    """A scene heading, its ``#number#`` split off."""
    m = SCENE_NUMBER.search(text)
    scene_number = m.group(1) if m else None
    return SceneHeading(number, plain(text[: m.start()] if m else text).strip(), scene_number, forced)


def _is_cue(t: str) -> bool:
    """True for a character cue: capitals (extensions in brackets may be lower case)."""
    name = re.sub(r"\([^)]*\)", "", t.rstrip("^")).strip()
    return bool(re.search(r"[A-Z]", name)) and name == name.upper() and not name.endswith(":")


def _dialogue(lines: list[tuple[int, str]], i: int) -> tuple[Dialogue, int]:
    """A cue and its parentheticals, dialogue and lyrics, up to a blank line ('  ' continues)."""
    number, cue = lines[i][0], lines[i][1].strip()
    forced, dual = cue.startswith("@"), cue.endswith("^")
    cue = cue.removeprefix("@").removesuffix("^").strip()
    extensions = tuple(e.strip() for e in re.findall(r"\(([^)]*)\)", cue))
    name = plain(re.sub(r"\s*\([^)]*\)", "", cue).strip())
    parts: list[DialoguePart] = []
    i += 1
    while i < len(lines) and (lines[i][1].strip() or (lines[i][1] == "  " and not _blank(lines, i + 1))):
        n, t = lines[i][0], lines[i][1].strip()
        if PARENTHETICAL.match(t):
            parts.append(Parenthetical(n, plain(t[1:-1].strip())))
        elif t.startswith("~"):
            parts.append(Lyric(n, plain(t[1:].strip())))
        else:
            parts.append(Speech(n, plain(t)))
        i += 1
    return Dialogue(number, name, extensions, tuple(parts), dual, forced), i


def _action(lines: list[tuple[int, str]], i: int) -> tuple[Action, int]:
    """An action paragraph: lines up to the next blank line (``!`` forces it)."""
    forced = lines[i][1].strip().startswith("!")
    out = []
    while i < len(lines) and lines[i][1].strip():
        n, t = lines[i]
        t = t.strip()
        out.append((n, plain(t[1:] if not out and forced else t)))
        i += 1
    return Action(out[0][0], tuple(out), forced), i


def plain(text: str) -> str:
    """Text without Fountain emphasis (``*italic*``, ``**bold**``, ``_underline_``); ``\\*``
    and ``\\_`` stay as literal characters."""
    for escaped, mark in _ESCAPES.items():
        text = text.replace(escaped, mark)
    for pattern in (r"\*\*\*(.+?)\*\*\*", r"\*\*(.+?)\*\*", r"\*(.+?)\*", r"_(.+?)_"):
        text = re.sub(pattern, r"\1", text)
    for escaped, mark in _ESCAPES.items():
        text = text.replace(mark, escaped[1])
    return text




# ---- Fountain -> .play ---------------------------------------------------------------------

# Parenthetical words for emotions that the language does not list itself.
EMOTION_ADVERBS = {"angrily": "angry", "furious": "angry", "sadly": "sad", "tearful": "sad", "happily": "happy",
                   "smiling": "happy", "excitedly": "excited", "nervously": "worried", "nervous": "worried",
                   "concerned": "worried", "terrified": "afraid", "frightened": "afraid", "shocked": "surprised",
                   "stunned": "surprised", "exhausted": "tired", "wearily": "tired", "sleepy": "tired",
                   "calmly": "calm", "gently": "calm"}
# Phrases writers use for the six verbs, beyond the ones the language itself knows.
VERB_PHRASES = {"crosses to": "walk_to", "cross to": "walk_to", "goes to": "walk_to", "moves to": "walk_to",
                "heads to": "walk_to", "steps to": "walk_to", "runs to": "walk_to", "approaches": "walk_to",
                "walks over to": "walk_to", "walks up to": "walk_to", "looks at": "turn_to", "faces": "turn_to",
                "turns towards": "turn_to", "turns toward": "turn_to", "turns to face": "turn_to",
                "waves to": "wave", "nods at": "nod", "nods to": "nod", "takes a seat": "sit", "gets up": "stand",
                "rises": "stand"}
CANONICAL = {"walk_to": ("walks to", "走向"), "turn_to": ("turns to", "转向"), "wave": ("waves", "挥手"),
             "nod": ("nods", "点头"), "sit": ("sits", "坐下"), "stand": ("stands up", "站起")}
TRANSITION = re.compile(r"^(.*?)(?:\s+\d+(?:\.\d+)?\s*(?:ms|s|secs?|seconds?|秒))?\s*[:.。：]?$", re.I)
SOUND = re.compile(r"^(SFX|SOUND|MUSIC|音效|声效|音乐|配乐)\s*[:：]\s*(.+?)[.。]?$", re.I)
BEAT = re.compile(r"^[(（]?(?:a\s+)?(long\s+)?(beat|pause|moment|silence|停顿|沉默)"
                  r"(?:\s*[(（]?\s*(\d+(?:\.\d+)?)\s*(ms|s|secs?|seconds?|秒)\s*[)）]?)?[.!。)）]*$", re.I)
PREPOSITIONS = re.compile(r"^(?:to|towards?|at|on|over to|up to|the)\s+", re.I)
MAX_SETTLE = 8  # rounds of "compile, comment out what sdc rejects"


@dataclass(frozen=True)
class ReportItem:
    """Something the importer could not map exactly, at a Fountain line."""

    line: int
    kind: str
    message: str


@dataclass(frozen=True)
class CastEntry:
    """A cast member: the Fountain cue, the ``.play`` name, its description (and voice line),
    whether the description is a guess the writer must complete, and the cue's first line."""

    cue: str
    name: str
    description: str
    guessed: bool
    voice: str = ""
    line: int = 0


@dataclass(frozen=True)
class ImportReport:
    """What :func:`import_fountain` made and what it could not map."""

    cast: tuple[CastEntry, ...]
    items: tuple[ReportItem, ...]
    scenes: int = 0
    lines: int = 0
    actions: int = 0
    cameras: int = 0
    compiles: bool = True

    def render(self) -> str:
        """The report as plain text for a person."""
        out = [f"{self.scenes} scene(s), {len(self.cast)} character(s), {self.lines} dialogue line(s), "
               f"{self.actions} action(s), {self.cameras} camera direction(s)"]
        if not self.compiles:
            out.append("the script does not compile yet: run sdc check on it")
        guesses = [c for c in self.cast if c.guessed]
        if guesses:
            out.append("cast descriptions guessed (marked TODO in the CAST list; please describe them):")
            out += [f"  {c.name}: {c.description}" + (f"  (cue {c.cue})" if c.cue != c.name else "") for c in guesses]
        if self.items:
            out.append(f"not mapped exactly ({len(self.items)}):")
            out += [f"  line {i.line}: {i.kind}: {i.message}" for i in self.items]
        return "\n".join(out) + "\n"


@dataclass
class _Importer:
    """State while mapping one document: the cast, the current scene, output lines with the
    Fountain line each came from, transitions waiting for the next shot, and the report."""

    cast: dict[str, CastEntry]
    out: list[str] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)
    items: list[ReportItem] = field(default_factory=list)
    line: int = 0  # the Fountain line being mapped
    scene_set: str | None = None
    waiting: list[tuple[int, str]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def report(self, line: int, kind: str, message: str) -> None:
        """Note something that could not be mapped exactly."""
        self.items.append(ReportItem(line, kind, message))

    def emit(self, text: str) -> None:
        """Write one ``.play`` line."""
        self.out.append(text)
        self.origin.append(self.line)

    def blank(self) -> None:
        """A blank line, unless the last line is one."""
        if self.out and self.out[-1] != "":
            self.emit("")

    def comment(self, text: str) -> None:
        """Keep ``text`` as ``.play`` comment lines."""
        for t in text.split("\n"):
            self.emit(f"# {t}".rstrip())

    def name(self, word: str) -> str | None:
        """The cast member a word names (its cue or ``.play`` name, any case), or None."""
        entry = self.cast.get(_cue_key(word))
        return entry.name if entry else None


def import_fountain(text: str) -> tuple[str, ImportReport]:
    """Map a Fountain screenplay onto a ``.play`` script; report what could not be mapped.

    The result is compiled before it is returned: a line sdc rejects becomes a comment and a
    report item, so the script always compiles (warnings aside).
    """
    doc = parse_fountain(text)
    ctx = _Importer(_cast(doc))
    _preamble(doc, ctx)
    for element in doc.elements:
        ctx.line = element.line
        _import_element(ctx, element)
    for line, statement in ctx.waiting:
        ctx.line = line
        ctx.comment(statement)
        ctx.report(line, "transition", f"'{statement}' has no shot after it: kept as a comment")
    episode = _settle(ctx)
    report = ImportReport(tuple(dict.fromkeys(ctx.cast.values())), tuple(sorted(ctx.items, key=lambda i: i.line)),
                          **_counts(episode))
    return _formatted("\n".join(ctx.out).strip("\n") + "\n"), report


def _formatted(text: str) -> str:
    """``text`` in the canonical layout of ``sdc fmt`` (as it is, if it does not parse)."""
    from .diagnostics import CompileError
    from .fmt import FormatError, format_text

    try:
        return format_text(text, "imported.play")
    except (CompileError, FormatError):
        return text


def _counts(episode: ir.Episode | None) -> dict:
    """Scenes, dialogue lines, actions and camera directions of the compiled import."""
    if episode is None:
        return {"compiles": False}
    events = [e for s in episode.shots for e in s.events]
    return {"scenes": len(episode.scenes), "lines": sum(e.kind == "line" for e in events),
            "actions": sum(e.kind == "action" for e in events), "cameras": sum(s.camera.explicit for s in episode.shots)}


def _settle(ctx: _Importer) -> ir.Episode | None:
    """Compile the output; comment out each line sdc rejects (reporting why) until it compiles."""
    from .api import compile_text
    from .diagnostics import CompileError

    for _ in range(MAX_SETTLE):
        try:
            return compile_text("\n".join(ctx.out) + "\n", "imported.play").episode
        except CompileError as exc:
            if not _comment_out(ctx, exc.diagnostics):
                return None
    return None


def _comment_out(ctx: _Importer, diagnostics) -> bool:
    """Turn the statements that have errors into comments; False when none could be."""
    from .diagnostics import Severity

    changed = False
    for d in diagnostics:
        n = d.span.line - 1
        if d.severity is not Severity.ERROR or not 0 <= n < len(ctx.out) or ctx.out[n].lstrip()[:1] in ("", "#"):
            continue
        ctx.report(ctx.origin[n], "not accepted", f"'{_short(ctx.out[n])}': {d.message}; kept as a comment")
        ctx.out[n] = "# " + ctx.out[n]
        changed = True
    return changed


def _preamble(doc: Document, ctx: _Importer) -> None:
    """The comment, title block and CAST list that open the ``.play`` script."""
    ctx.emit("# Imported from a Fountain screenplay by `sdc import`. Lines marked TODO need the writer.")
    for f in doc.title:
        ctx.line = f.line
        value = " ".join(f.value.split("\n")).strip()
        key = "author" if f.key.lower() == "authors" else f.key.lower()
        if key in FIELDS and key.isascii() and value:
            ctx.emit(f"{key.capitalize()}: {value}")
        elif value:
            ctx.comment(f"{f.key}: {value}")
    if not doc.field("language") and _mostly_cjk(doc):
        ctx.emit("Language: zh")
    ctx.blank()
    ctx.emit("CAST")
    for entry in dict.fromkeys(ctx.cast.values()):
        ctx.line = entry.line
        if entry.guessed:
            ctx.comment(f"TODO: describe {entry.name} (a guess from the script: looks, clothes, voice)")
        ctx.emit(f"{entry.name}: {entry.description}")
        if entry.voice:
            ctx.emit(f"  {entry.voice}")
    ctx.blank()


def _mostly_cjk(doc: Document) -> bool:
    """True when most dialogue is written in Chinese characters."""
    speech = "".join(p.text for d in doc.elements if isinstance(d, Dialogue) for p in d.parts if isinstance(p, Speech))
    return len(re.findall(f"[{CJK}]", speech)) > len(re.findall(r"[A-Za-z]", speech))


def _import_element(ctx: _Importer, e: Element) -> None:
    """Map one element onto ``.play`` statements or comments."""
    if isinstance(e, SceneHeading):
        _import_heading(ctx, e)
    elif isinstance(e, Dialogue):
        _import_dialogue(ctx, e)
    elif isinstance(e, Action):
        _import_action(ctx, e)
    elif isinstance(e, Transition):
        _import_transition(ctx, e.text)
    elif isinstance(e, Note) and e.text and not _is_cast_note(e.text):
        for line in e.text.split("\n"):
            ctx.emit(f"NOTE: {line.strip()}".rstrip())
    elif isinstance(e, Section):
        ctx.comment("#" * e.level + " " + e.text)
    elif isinstance(e, Synopsis):
        ctx.comment("= " + e.text)
    elif isinstance(e, (Centered, Lyric)):
        ctx.comment(e.text)
        ctx.report(e.line, type(e).__name__.lower(), f"'{_short(e.text)}' kept as a comment")
    elif isinstance(e, Boneyard):
        ctx.report(e.line, "boneyard", "text in /* */ left out, as Fountain does")


# -- cast


def _cast(doc: Document) -> dict[str, CastEntry]:
    """Every character by cue key and by ``.play`` name: those of the exporter's ``[[CAST ...]]``
    note first (as written there), then each other speaking character with a guessed description."""
    exact = _cast_note(doc)
    speeches = [e for e in doc.elements if isinstance(e, Dialogue) and _cue_key(e.character)]
    first: dict[str, Dialogue] = {}
    for d in speeches:
        first.setdefault(play_name(d.character), d)
    cast: dict[str, CastEntry] = {}
    for name in list(exact) + [n for n in first if n not in exact]:
        d = first.get(name)
        cue, line = (d.character, d.line) if d else (name, exact[name][2])
        if name in exact:
            entry = CastEntry(cue, name, exact[name][0], False, exact[name][1], line)
        else:
            entry = CastEntry(cue, name, guess_description(doc, cue), True, "", line)
        cast[_cue_key(name)] = entry
    for d in speeches:
        cast.setdefault(_cue_key(d.character), cast[_cue_key(play_name(d.character))])
    return cast


def _cue_key(name: str) -> str:
    """How a character is looked up: upper case, single spaces."""
    return " ".join(name.upper().split())


def play_name(cue: str) -> str:
    """A Fountain character name as a ``.play`` NAME: capitals, digits, ``'``, ``-`` and ``_``
    (``MRS. SMITH`` -> ``MRS-SMITH``); names in Chinese characters stay as they are."""
    cue = cue.strip()
    if re.fullmatch(f"[{CJK}]+", cue):
        return cue
    ascii_name = unicodedata.normalize("NFKD", cue).encode("ascii", "ignore").decode().upper()
    name = re.sub(r"-{2,}", "-", re.sub(r"[^A-Z0-9_'\-]+", "-", ascii_name)).strip("-")
    return name if name[:1].isalpha() else f"CHARACTER-{name or 'X'}"


def _is_cast_note(text: str) -> bool:
    """True for the ``[[CAST ...]]`` note :func:`export_fountain` writes."""
    return text.startswith("CAST\n")


def _cast_note(doc: Document) -> dict[str, tuple[str, str, int]]:
    """name -> (description, voice line, note line) from a ``[[CAST ...]]`` note, if any."""
    out: dict[str, tuple[str, str, int]] = {}
    for note in (e for e in doc.elements if isinstance(e, Note) and _is_cast_note(e.text)):
        for line in (t.strip() for t in note.text.split("\n")[1:]):
            m = re.match(r"^([^\s:]+):\s*(.+)$", line)
            if line.lower().startswith("voice:") and out:
                last = next(reversed(out))
                out[last] = (out[last][0], line, note.line)
            elif m:
                out[m.group(1)] = (m.group(2), "", note.line)
    return out


def guess_description(doc: Document, cue: str) -> str:
    """A description sdc can draw, from the words around the character's first mention in the
    action lines (``MEI (20s), a young woman in a red coat``) and the pronouns near it."""
    from .appearance import FILLER, GENDER, KNOWN, words

    intro = _introduction(doc, cue)
    kept = [w for w in words(intro) if ((w in KNOWN and w not in FILLER) or w == "hair") and w not in ("he", "she")]
    gender = next((w for w in kept if w in GENDER), None) or \
        {"female": "woman", "male": "man", None: None}[_pronoun_gender(doc, cue)]
    age = _age_word(intro) or next((w for w in kept if w in AGE_WORDS), None)
    head = " ".join(w for w in (age, gender) if w)
    rest = _group([w for w in kept if w not in GENDER and w not in AGE_WORDS])
    return ", ".join(p for p in (head, rest) if p) or "adult"


AGE_WORDS = ("child", "kid", "teen", "teenage", "teenager", "young", "middle-aged", "old", "elderly")


def _introduction(doc: Document, cue: str) -> str:
    """The rest of the sentence where an action line first names the character in capitals."""
    pattern = re.compile(rf"(?<![\w]){re.escape(cue)}(?![\w])(.*?)(?:[.!?。！？](?:\s|$)|$)", re.S)
    for action in (e for e in doc.elements if isinstance(e, Action)):
        m = pattern.search(" ".join(t for _, t in action.lines))
        if m:
            return m.group(1)
    return ""


def _age_word(intro: str) -> str:
    """``(20s)``, ``, 45,`` -> an age word the appearance resolver knows ('' if none)."""
    m = re.search(r"\b(\d{1,2})s?\b", intro[:20])
    if not m:
        return ""
    age = int(m.group(1))
    return "child" if age < 13 else "young" if age < 30 else "adult" if age < 40 else "middle-aged" if age < 60 else "old"


def _pronoun_gender(doc: Document, cue: str) -> str | None:
    """'female' or 'male' from the pronouns in action paragraphs naming only this character."""
    counts = {"female": 0, "male": 0}
    names = {_cue_key(d.character) for d in doc.elements if isinstance(d, Dialogue)}
    for action in (e for e in doc.elements if isinstance(e, Action)):
        text = " ".join(t for _, t in action.lines)
        named = {n for n in names if re.search(rf"(?<![\w]){re.escape(n)}(?![\w])", text, re.I)}
        if named == {_cue_key(cue)}:
            counts["female"] += len(re.findall(r"\b(she|her|hers|herself)\b", text, re.I))
            counts["male"] += len(re.findall(r"\b(he|him|his|himself)\b", text, re.I))
    if counts["female"] == counts["male"]:
        return None
    return max(counts, key=counts.get)


def _group(words: list[str]) -> str:
    """Words joined into comma-separated phrases, each ending at a noun (``red coat``)."""
    from .appearance import ACCESSORIES, BOTTOMS, GENDER, SHOES, TOPS

    nouns = set(GENDER) | set(TOPS) | set(BOTTOMS) | SHOES | set(ACCESSORIES) | {"hair", "ponytail", "bun", "bob", "curls"}
    phrases, current = [], []
    for w in words:
        current.append(w)
        if w in nouns:
            phrases.append(" ".join(current))
            current = []
    return ", ".join(dict.fromkeys(phrases + current))


# -- headings and transitions


def _import_heading(ctx: _Importer, h: SceneHeading) -> None:
    """A scene heading in ``.play`` form (``INT.``/``EXT.``, location, time, ``#id``)."""
    m = HEADING.match(h.text)
    if m:
        int_ext, rest = _int_ext(m.group(1)), m.group(2)
    else:
        int_ext, rest = "EXT.", h.text
        ctx.report(h.line, "heading", f"'{h.text}' has no INT./EXT.: read as an exterior")
    location, time = _location_and_time(ctx, h, rest.replace("#", "").strip())
    ctx.scene_set = resolve_set(location, int_ext.startswith("INT") or int_ext.endswith("内景")).name
    ctx.blank()
    ctx.emit(f"{int_ext} {location}" + (f" - {time}" if time else "") + _scene_id(ctx, h))
    ctx.blank()
    _flush_transitions(ctx)


def _int_ext(word: str) -> str:
    """The ``.play`` form of a Fountain heading's INT/EXT word (Chinese ones stay as written)."""
    if word.endswith("景"):
        return word
    return {"INT": "INT.", "EXT": "EXT.", "EST": "EXT.", "I/E": "I/E."}.get(word.upper().replace(".", ""), "INT./EXT.")


def _location_and_time(ctx: _Importer, h: SceneHeading, rest: str) -> tuple[str, str | None]:
    """Split ``HOUSE - KITCHEN - NIGHT - RAIN`` at its first time of day: the parts before it are
    the location (``HOUSE, KITCHEN``), the rest its time and weather."""
    parts = [p.strip() for p in re.split(r"\s+[-–—]\s+", rest) if p.strip()]
    if not parts:
        ctx.report(h.line, "heading", f"'{h.text}' names no location: called it SOMEWHERE")
        return "SOMEWHERE", None
    at = next((i for i, p in enumerate(parts) if i and (p.lower() in TIMES or p.lower() in WEATHER)), len(parts))
    if at == len(parts) and len(parts) > 1:
        ctx.report(h.line, "heading", f"'{parts[-1]}' is not a time of day sdc lights (DAWN, DAY, DUSK, NIGHT): "
                                      "kept in the location, lit as day")
    return ", ".join(parts[:at]), " - ".join(parts[at:]) or None


def _scene_id(ctx: _Importer, h: SceneHeading) -> str:
    """`` #scene-12`` from a Fountain scene number, so the scene's id stays put ('' if none)."""
    if not h.number or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-.]*", h.number):
        return ""
    scene_id = f"scene-{h.number}"
    if scene_id in ctx.ids:
        ctx.report(h.line, "heading", f"scene number {h.number} is used twice: the second is dropped")
        return ""
    ctx.ids.add(scene_id)
    return f" #{scene_id}"


def _in_scene(ctx: _Importer) -> None:
    """Before a scene item: open a placeholder scene if no heading came yet, and write the
    transitions waiting for this shot."""
    if ctx.scene_set is None:
        ctx.report(ctx.line, "heading", "lines before the first scene heading: put in a scene 'INT. UNKNOWN PLACE'")
        ctx.blank()
        ctx.emit("INT. UNKNOWN PLACE # TODO: a scene heading")
        ctx.blank()
        ctx.scene_set = "room"
    _flush_transitions(ctx)


def _flush_transitions(ctx: _Importer) -> None:
    """Write the transitions that wait for the next shot."""
    here = ctx.line
    for line, statement in ctx.waiting:
        ctx.line = line
        ctx.emit(statement)
    ctx.line, ctx.waiting = here, []


def _transition_kind(text: str) -> str | None:
    """The transition a line names (``CUT TO:``, ``FADE OUT.``, ``DISSOLVE TO 2s:``), or None."""
    m = TRANSITION.match(text.strip())
    return vocab.TRANSITIONS.get(vocab.key(m.group(1))) if m else None


def _import_transition(ctx: _Importer, text: str) -> None:
    """A transition: FADE OUT ends the current shot; the others wait for the next shot."""
    kind = _transition_kind(text)
    if kind is None:
        ctx.comment(text)
        ctx.report(ctx.line, "transition", f"'{text}' is not a transition sdc plays (CUT TO, DISSOLVE TO, FADE IN, "
                                           "FADE OUT, WIPE TO): kept as a comment")
    elif kind == "fade_out" and ctx.scene_set is not None:
        ctx.emit(text.strip())
    elif kind == "fade_out":
        ctx.comment(text)
        ctx.report(ctx.line, "transition", f"'{text}' before any scene: kept as a comment")
    else:
        ctx.waiting.append((ctx.line, text.strip()))


# -- dialogue


def _import_dialogue(ctx: _Importer, d: Dialogue) -> None:
    """A speech as ``.play`` lines: one per run of dialogue between parentheticals; dual
    dialogue overlaps the speech before (``& JUN: ...``)."""
    name = ctx.name(d.character)
    if name is None:
        ctx.report(d.line, "dialogue", "a cue without a name: its lines are left out")
        return
    _in_scene(ctx)
    shared = []  # the cue's extensions (V.O., O.S.) hold for every line of the speech
    for ext in d.extensions:
        item = _paren_item(ctx, ext)
        if item is None:
            ctx.comment(f"{name} ({ext})")
            ctx.report(d.line, "extension", f"({ext}) on {name} is not one sdc knows (V.O., O.S., CONT'D): kept as a comment")
        elif item:
            shared.append(item)
    first = True
    for kind, value, line in _chunks(ctx, d):
        ctx.line = line
        if kind == "line":
            items, text = value
            parens = f" ({', '.join(shared + items)})" if shared + items else ""
            ctx.emit(f"{'& ' if d.dual and first else ''}{name}{parens}: {text}")
            first = False
        elif kind == "beat":
            ctx.emit(value)
        else:
            ctx.comment(f"({value})")
            ctx.report(line, "parenthetical", f"({value}) is not something sdc performs: kept as a comment")
    for lyric in (p for p in d.parts if isinstance(p, Lyric)):
        ctx.report(lyric.line, "lyric", "a sung line is spoken")


def _chunks(ctx: _Importer, d: Dialogue) -> list[tuple[str, object, int]]:
    """A speech as ("line", (parentheticals, text), line) / ("beat", "(beat)", line) /
    ("other", parenthetical, line): its dialogue lines joined with spaces (none between
    Chinese characters) and split at every parenthetical, which applies to the text after it."""
    out: list[tuple[str, object, int]] = []
    items: list[str] = []
    text, first = "", d.line

    def flush() -> None:
        nonlocal items, text
        if text.strip():
            out.append(("line", (items, " ".join(text.split())), first))
            items, text = [], ""

    for part in d.parts:
        if not isinstance(part, Parenthetical):
            first = first if text.strip() else part.line
            text = _join(text, part.text)
            continue
        flush()
        beat = _beat(part.text)
        if beat:
            out.append(("beat", beat, part.line))
            continue
        for piece in (p.strip() for p in re.split(r"[,，;；、]", part.text) if p.strip()):
            item = _paren_item(ctx, piece)
            if item is None:
                out.append(("other", piece, part.line))
            elif item:
                items.append(item)
    flush()
    return out + ([("other", ", ".join(items), d.line)] if items else [])


def _join(a: str, b: str) -> str:
    """Two lines of one speech joined: a space, except between Chinese characters."""
    if not a.strip():
        return b
    return a + ("" if re.match(f"[{CJK}，。！？、]", a[-1:]) and re.match(f"[{CJK}]", b[:1]) else " ") + b


def _paren_item(ctx: _Importer, text: str) -> str | None:
    """One parenthetical item as the ``.play`` language reads it (an emotion, a delivery, V.O.,
    ``to JUN``, a speed); '' for one to drop (CONT'D); None when sdc cannot perform it."""
    from .prosody import EMOTIONS

    t = text.strip()
    k = t.lower().replace("’", "'")
    if k in IGNORED_PARENS or k in ("cont'd", "more"):
        return ""
    if k in CHANNELS or k in DELIVERIES or k in SPEEDS or k in OVERLAP_WORDS or k in EMOTIONS or k in EMOTION_ALIASES:
        return t
    scaled = INTENSIFIER.match(k)
    feeling = k[scaled.end():] if scaled else k
    if feeling in STRONG_WORDS or (scaled and (feeling in EMOTIONS or feeling in EMOTION_ALIASES)):
        return t  # ``furious``, ``slightly sad``, ``有点生气``
    if k in EMOTION_ADVERBS:
        return EMOTION_ADVERBS[k]
    if re.fullmatch(r"x?\s*\d+(?:\.\d+)?\s*x?", k) and "x" in k:
        return t
    to = re.fullmatch(r"(?:to|at|对|向)\s*(.+)", t, re.I)
    if to and ctx.name(to.group(1)):
        return f"to {ctx.name(to.group(1))}"
    return None


def _beat(text: str) -> str | None:
    """``(beat)``, ``(beat 1.5s)`` for a pause written as ``beat``, ``A long beat.``, ``Pause (2s).``."""
    m = BEAT.match(text.strip())
    if not m:
        return None
    if m.group(3):
        value = float(m.group(3)) / (1000 if m.group(4).lower() == "ms" else 1)
        return f"(beat {value:g}s)"
    return "(beat 2s)" if m.group(1) else "(beat)"


# -- action


def _import_action(ctx: _Importer, a: Action) -> None:
    """An action paragraph: transitions, camera directions, sound cues, beats and vocabulary
    actions become ``.play`` statements; the rest stays as comments, each run reported."""
    one = a.lines[0][1].strip() if len(a.lines) == 1 else ""
    if one and (_transition_kind(one) or re.fullmatch(r"(?i)the end\.?", one)):
        _import_transition(ctx, one)
        return
    camera = _camera(ctx, one) if one else None
    if camera:
        _in_scene(ctx)
        ctx.blank()
        ctx.emit(camera)
        return
    mapped = [(line, text, _statement(ctx, text)) for line, text in _sentences(a)]
    if not any(s for _, _, s in mapped):
        ctx.comment(a.text)
        ctx.report(a.line, "action", f"'{_short(a.text)}' is not in the action vocabulary: kept as a comment")
        return
    _in_scene(ctx)
    for line, text, statement in mapped:
        ctx.line = line
        if statement:
            ctx.emit(statement)
        else:
            ctx.comment(text)
            ctx.report(line, "action", f"'{_short(text)}' is not in the action vocabulary: kept as a comment")


def _short(text: str, n: int = 60) -> str:
    """``text`` on one line, cut to ``n`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _sentences(a: Action) -> list[tuple[int, str]]:
    """The paragraph's sentences with the line each starts on (a sound cue line is one)."""
    out: list[tuple[int, str]] = []
    for line, text in a.lines:
        pieces = [text.strip()] if SOUND.match(text.strip()) else \
            [m.group(0).strip() for m in re.finditer(r"(?:[^.!?。！？]|(?<=\d)\.(?=\d))+(?:[.!?。！？]+[)）]?|$)", text)]
        for sentence in (p for p in pieces if p):
            if out and not re.search(r"[.!?。！？][)）]?$", out[-1][1]):
                out[-1] = (out[-1][0], out[-1][1] + " " + sentence)
            else:
                out.append((line, sentence))
    return out


def _statement(ctx: _Importer, sentence: str) -> str | None:
    """A beat, a sound cue or a vocabulary action for one sentence, or None."""
    sound = SOUND.match(sentence)
    if sound:
        return f"{sound.group(1).upper()}: {sound.group(2)}"
    return _beat(sentence) or _vocabulary_action(ctx, sentence)


def _camera(ctx: _Importer, line: str) -> str | None:
    """``CLOSE ON MEI``, ``TWO-SHOT MEI AND JUN, LOW ANGLE``, ``[WIDE]`` -> a ``.play`` camera
    direction (names in ``.play`` form), when the line starts with a shot size in capitals."""
    text = line.strip().strip("[]【】").rstrip(":.").strip()
    size = vocab.split_shot_size(text)
    head = re.split(r"[,，;；、]", text)[0]
    if not size or head != head.upper():
        return None
    rest = text[size:]
    for key in sorted(ctx.cast, key=len, reverse=True):
        rest = re.sub(rf"(?<![\w'\-]){re.escape(key)}(?![\w'\-])", ctx.cast[key].name, rest)
    return f"[{text[:size]}{rest}]"


def _vocabulary_action(ctx: _Importer, sentence: str) -> str | None:
    """``Mei walks to Jun.`` -> ``MEI walks to JUN.`` when actor, verb and target all map."""
    body = sentence.strip().rstrip(".!。！").strip()
    together = re.match(r"^&\s+", body)  # `& JUN nods.`: at the same time as the event before
    body = body[together.end():] if together else body
    for key in sorted(ctx.cast, key=len, reverse=True):
        if body.upper().startswith(key) and (len(body) == len(key) or not body[len(key)].isalnum()
                                             or re.match(f"[{CJK}]", key[-1:])):
            statement = _verb_phrase(ctx, ctx.cast[key].name, body[len(key):].strip())
            return f"& {statement}" if statement and together else statement
    return None


def _verb_phrase(ctx: _Importer, actor: str, rest: str) -> str | None:
    """The statement for ``actor`` doing ``rest`` (verb and target), or None."""
    verb, _, arg = rest.partition(" ")
    found = resolve_action(verb, arg or None) if verb else None  # the action library first
    if found is not None:
        return _with_target(ctx, actor, found[0], found[1] or "")
    phrases = {**VERBS, **VERB_PHRASES}
    for phrase in sorted(phrases, key=len, reverse=True):
        if rest.lower() == phrase or rest.lower().startswith(phrase + " ") or \
                (re.match(f"[{CJK}]", phrase) and rest.startswith(phrase)):
            return _with_target(ctx, actor, phrases[phrase], rest[len(phrase):].strip())
    return None


def _with_target(ctx: _Importer, actor: str, verb: str, arg: str) -> str | None:
    """The canonical statement once the target resolves (or is rightly absent)."""
    while PREPOSITIONS.match(arg):
        arg = PREPOSITIONS.sub("", arg, count=1)
    target = None
    if SPECS[verb].target_kind != "place":  # what is picked up; the quoted file performed
        return action_sentence(actor, verb, arg.strip('"“”') or None)
    if arg:
        marks = SETS_BY_NAME[ctx.scene_set or "room"].marks
        target = ctx.name(arg) or (f"mark:{arg.lower()}" if arg.lower() in marks else None)
        if target is None or target == actor:
            return None
    elif verb in ("walk_to", "turn_to"):
        return None
    return action_sentence(actor, verb, target)


def action_sentence(actor: str, verb: str, target: str | None) -> str:
    """The canonical sentence for an action (``MEI walks to the railing.``, ``美 走向 俊。``);
    ``target`` is a character's name or ``mark:<name>``. Sitting and standing drop it."""
    english, chinese = CANONICAL.get(verb) or (SPECS[verb].phrase, SPECS[verb].chinese[0])
    if verb in ("sit", "stand"):
        target = None
    shown = target.removeprefix("mark:") if target else ""
    if re.match(f"[{CJK}]", actor):
        return f"{actor} {chinese}" + (f" {shown}" if shown else "") + "。"
    if not target:
        return f"{actor} {english}."
    if SPECS[verb].target_kind != "place":
        shown = f'"{target}"' if SPECS[verb].target_kind == "file" else f"the {target}"
    shown = f"the {shown}" if target.startswith("mark:") else shown
    return f"{actor} {english + ' at' if verb in ('wave', 'nod') else english} {shown}."


# ---- compiled episode -> Fountain --------------------------------------------------------------

SHOT_NAMES = {"extreme_wide": ("EXTREME WIDE", "远景"), "wide": ("WIDE", "全景"), "full": ("FULL SHOT", "中全景"),
              "medium": ("MEDIUM", "中景"), "medium_close": ("MEDIUM CLOSE-UP", "近景"), "close": ("CLOSE", "特写"),
              "extreme_close": ("EXTREME CLOSE-UP", "大特写"), "two_shot": ("TWO-SHOT", "双人"),
              "over_shoulder": ("OVER THE SHOULDER", "过肩"), "pov": ("POV", "主观"), "insert": ("INSERT", "插入")}
ANGLE_NAMES = {"high": "HIGH ANGLE", "low": "LOW ANGLE", "birds_eye": "BIRD'S EYE", "worms_eye": "WORM'S EYE",
               "dutch": "DUTCH ANGLE"}
AMOUNT_UNITS = {"pan": "deg", "tilt": "deg", "orbit": "deg", "zoom_in": "x", "zoom_out": "x"}  # else metres
TRANSITION_NAMES = {"cut": "CUT TO", "fade_in": "FADE IN", "dissolve": "DISSOLVE TO", "wipe": "WIPE TO"}
CHANNEL_NAMES = {"vo": "V.O.", "os": "O.S."}


def export_fountain(episode: ir.Episode) -> str:
    """A compiled episode as a standard Fountain screenplay: a title page, a ``[[CAST ...]]``
    note (never printed; :func:`import_fountain` reads it back), then per scene its heading,
    shot lines, actions, character cues with parentheticals, dialogue and transitions."""
    zh = episode.language.startswith("zh")
    blocks = [_title_page_text(episode), _cast_note_text(episode)]
    for scene in episode.scenes:
        shots = [s for s in episode.shots if s.scene == scene.id]
        opening = _transition_text(shots[0]) if shots else ""
        blocks += [opening, scene.heading if HEADING.match(scene.heading) and scene.heading.isascii() else "." + scene.heading]
        for i, shot in enumerate(_written_shots(shots)):
            blocks += _shot_blocks(shot, zh, with_transition=i > 0)
    return "\n\n".join(b for b in blocks if b) + "\n"


def _written_shots(shots: list[ir.Shot]) -> list[ir.Shot]:
    """The shots as the writer wrote them: cuts the compiler chose (automatic coverage joined by
    a plain cut) are folded into the shot before, so a speech is not broken at an unwritten cut."""
    out: list[ir.Shot] = []
    for shot in shots:
        if out and not shot.camera.explicit and not _transition_text(shot):
            last = out[-1]
            out[-1] = last.model_copy(update={"events": last.events + shot.events, "fade_out": shot.fade_out})
        else:
            out.append(shot)
    return out


def _title_page_text(episode: ir.Episode) -> str:
    """The title page: title, author, and the fields sdc reads back."""
    lines = [f"Title: {episode.title}"]
    if episode.author:
        lines += ["Credit: Written by", f"Author: {episode.author}"]
    extra = {"Episode": getattr(episode, "episode", ""), "Style": getattr(episode, "style", "realistic"),
             "Producer": getattr(episode, "producer", ""), "Language": episode.language}
    defaults = {"Style": "realistic", "Language": "en"}
    lines += [f"{k}: {v}" for k, v in extra.items() if v and v != defaults.get(k)]
    return "\n".join(lines)


def _cast_note_text(episode: ir.Episode) -> str:
    """The cast as a Fountain note, exactly as a ``.play`` CAST list with each voice pinned."""
    lines = ["[[CAST"]
    for c in episode.characters:
        v = c.voice
        settings = [f"pitch {v.pitch_semitones:+g}", f"rate {v.rate:g}"] + ([f"volume {v.volume_db:+g}db"] if v.volume_db else [])
        if v.engine != "piper" or v.model != ir.Voice().model:
            settings += [f"engine {v.engine}", f'model "{v.model}"']
        lines += [f"{c.name}: {c.description}", "  voice: " + ", ".join(settings)]
    return "\n".join(lines) + "]]"


def _transition_text(shot: ir.Shot) -> str:
    """The transition into a shot (``DISSOLVE TO:``; forced with ``>`` when it has a length),
    or '' for a plain cut the writer did not write."""
    t = getattr(shot, "transition", None)
    if t is None or (t.kind == "cut" and t.source is None) or t.kind not in TRANSITION_NAMES:
        return ""
    name = TRANSITION_NAMES[t.kind]
    if t.seconds != vocab.DEFAULT_TRANSITION_SECONDS.get(t.kind, t.seconds):
        return f"> {name} {t.seconds:g}s:"
    return f"{name}:"


def _shot_blocks(shot: ir.Shot, zh: bool, with_transition: bool) -> list[str]:
    """A shot as Fountain paragraphs: its transition, its shot line, its events, a fade out."""
    blocks = [_transition_text(shot) if with_transition else ""]
    if shot.camera.explicit:
        blocks.append(_shot_line(shot, zh))
    blocks += _event_blocks(shot.events, zh)
    fade = getattr(shot, "fade_out", 0.0)
    if fade:
        blocks.append("> FADE OUT." if fade == vocab.DEFAULT_TRANSITION_SECONDS["fade_out"] else f"> FADE OUT {fade:g}s.")
    return blocks


def _shot_line(shot: ir.Shot, zh: bool) -> str:
    """``CLOSE ON JUN``, ``TWO-SHOT MEI AND JUN, LOW ANGLE, DOLLY IN 2s``, ``特写 俊``."""
    camera = shot.camera
    english, chinese = SHOT_NAMES.get(camera.size, (camera.size.replace("_", " ").upper(), "全景"))
    if zh:
        head = chinese + "".join(f" {'和 ' if i else ''}{n}" for i, n in enumerate(camera.subjects))
    elif not camera.subjects:
        head = {"WIDE": "WIDE SHOT", "EXTREME WIDE": "EXTREME WIDE SHOT", "MEDIUM": "MEDIUM SHOT"}.get(english, english)
    else:
        head = english + ("" if camera.size == "two_shot" else " ON") + " " + " AND ".join(camera.subjects)
    return ", ".join([head] + _camera_terms(camera) + ([f"{shot.duration:g}s"] if getattr(shot, "duration", None) else []))


def _camera_terms(camera: ir.Camera) -> list[str]:
    """The angle, move and side of a camera as shot-line terms."""
    terms = [ANGLE_NAMES[camera.angle]] if getattr(camera, "angle", "eye") in ANGLE_NAMES else []
    move = getattr(camera, "move", None)
    if move is not None:
        amount = f" {move.amount:g}{AMOUNT_UNITS.get(move.kind, 'm')}" if move.amount is not None else ""
        seconds = f" {move.seconds:g}s" if move.seconds else ""
        terms.append(move.kind.replace("_", " ").upper() + amount + seconds)
        if move.easing != "ease_in_out":
            terms.append(move.easing.replace("_", " ").upper())
    return terms + (["FROM BEHIND"] if getattr(camera, "reverse", False) else [])


def _event_blocks(events, zh: bool) -> list[str]:
    """Events as paragraphs; a beat between two lines of one speaker becomes a parenthetical."""
    blocks: list[str] = []
    actions: list[str] = []
    speaker = None  # who spoke the last line of the current dialogue block
    glue = False  # the block ends with a beat parenthetical: the next line goes under it
    for i, e in enumerate(events):
        if e.kind == "action":
            actions.append(("& " if getattr(e, "overlap", False) else "") + action_sentence(e.actor, e.verb, e.target))
            speaker = None
            continue
        if actions:
            blocks.append(" ".join(actions))
            actions = []
        if e.kind == "pause":
            nxt = events[i + 1] if i + 1 < len(events) else None
            glue = bool(speaker) and nxt is not None and nxt.kind == "line" and nxt.speaker == speaker
            blocks.append(blocks.pop() + "\n" + _beat_text(e.seconds, True) if glue else _beat_text(e.seconds, False))
            speaker = speaker if glue else None
        elif e.kind == "line":
            blocks, speaker = _line_block(blocks, e, speaker, zh, glue)
            glue = False
        else:
            blocks.append(_sound_text(e))
            speaker = None
    return blocks + ([" ".join(actions)] if actions else [])


def _line_block(blocks: list[str], line: ir.Line, speaker: str | None, zh: bool, glue: bool) -> tuple[list[str], str]:
    """Add a dialogue line: under the open block after a beat (``glue``), else under a new cue
    (CONT'D when the same character spoke the block before, so the two lines stay two;
    ``^`` when it overlaps the line before, Fountain's dual dialogue)."""
    items = _paren_items(line, zh)
    body = (f"({', '.join(items)})\n" if items else "") + _escape(line.text)
    if glue:
        blocks[-1] += "\n" + body
        return blocks, line.speaker
    cue = f"@{line.speaker}" if re.match(f"[{CJK}]", line.speaker) else line.speaker
    channel = CHANNEL_NAMES.get(getattr(line, "channel", "on"))
    cue += (f" ({channel})" if channel else "") + (" (CONT'D)" if speaker == line.speaker else "")
    cue += " ^" if getattr(line, "overlap", False) and blocks else ""
    blocks.append(f"{cue}\n{body}")
    return blocks, line.speaker


def _paren_items(line: ir.Line, zh: bool) -> list[str]:
    """How a line is spoken, as parenthetical items: emotion, delivery, addressee, speed."""
    items = [_emotion_text(line.emotion, getattr(line, "intensity", 1.0), zh)] if line.emotion != "neutral" else []
    items += list(getattr(line, "delivery", ()))
    items += [f"to {line.to}"] if getattr(line, "to", None) else []
    rate = getattr(line, "rate", 1.0)
    return items + ([f"{rate:g}x"] if rate != 1.0 else [])


def _emotion_text(emotion: str, intensity: float, zh: bool) -> str:
    """An emotion's word with its strength (``slightly sad``, ``furious``); Chinese scripts get the
    Chinese words when the language has them."""
    cjk = lambda word: bool(re.match(f"[{CJK}]", word)) == zh
    word = emotion
    if zh:
        word = next((k for k, v in EMOTION_ALIASES.items() if v == emotion and cjk(k)), emotion)
    if intensity == 1.0:
        return word
    strong = next((w for w, (e, k) in STRONG_WORDS.items() if e == emotion and k == intensity and cjk(w)), None)
    if strong:
        return strong
    scale = min((w for w in INTENSIFIERS if cjk(w)), key=lambda w: abs(INTENSIFIERS[w] - intensity))
    return f"{scale}{'' if zh else ' '}{word}"


def _escape(text: str) -> str:
    """Dialogue text with Fountain's emphasis characters escaped, so they stay as written."""
    return text.replace("*", "\\*").replace("_", "\\_")


def _beat_text(seconds: float, parenthetical: bool) -> str:
    """A pause as ``(beat)`` inside dialogue or ``A beat.`` as action (with its length)."""
    length = "" if seconds == 1.0 else f" {seconds:g}s"
    return f"(beat{length})" if parenthetical else (f"A beat ({seconds:g}s)." if length else "A beat.")


def _sound_text(e) -> str:
    """A sound effect or music cue as the action line ``SFX: thunder`` / ``MUSIC: "x.mp3" fade in 2s``."""
    if e.kind == "sound":
        what = e.effect if e.effect else f'"{e.path}"'
        return f"SFX: {what}" + (f" {e.gain_db:+g}db" if e.gain_db else "")
    what = [f'"{e.path}"'] if e.path else []
    what += [f"fade in {e.fade_in:g}s"] if e.fade_in else []
    what += [f"fade out {e.fade_out:g}s"] if e.fade_out else []
    return "MUSIC: " + (" ".join(what) or "stop")
