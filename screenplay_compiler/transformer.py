"""lark parse tree -> AST. One method per grammar rule, named after it."""

from __future__ import annotations

import re

from lark import Token, Tree

from . import nodes
from .diagnostics import Span
from .vocab import MUSIC_WORDS, SFX_WORDS, split_shot_size

_NOTE = re.compile(r"\[\[[^\n]*?\]\]")
_CJK_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_PARTS = re.compile(r"[^,，;；、]+")
_WORD = re.compile(r"\S+")
_SUBJECT = re.compile(r"[^\s&]+")
_CUE_NAME = re.compile(r"[^\s(（]+(?: [A-Z][A-Z0-9_'\-]*)*")
_PAREN = re.compile(r"[(（]([^)）]*)[)）]")
_BEAT = re.compile(r"^(?i:beat|pause|silence|hold|停顿|沉默|停)(?:\s+(\d+(?:\.\d+)?\s*(?:ms|s|sec|secs|seconds?|秒|毫秒)?))?$")


class _Extent:
    """The place a rule's tokens cover, shaped like lark's ``meta`` for :meth:`Span.from_meta`."""

    __slots__ = ("empty", "line", "column", "end_line", "end_column")

    def __init__(self, first: Token | None, last: Token | None):
        self.empty = first is None
        if first is not None:
            self.line, self.column = first.line, first.column
            self.end_line, self.end_column = last.end_line, last.end_column


class ToAst:
    """Builds :mod:`nodes` from a tree made by :func:`parser.parse`: one method per rule,
    called with the rule's position and its children already built, innermost first."""

    def __init__(self, source: str):
        self.source = source

    def walk(self, tree: Tree):
        """The AST of ``tree`` (a plain recursive walk: lark's Transformer dispatch costs more
        than the work on a long script)."""
        return self._walk(tree)[0]

    def _walk(self, tree: Tree):
        """``tree``'s node and its first and last tokens. The parser keeps every token (punctuation
        too) instead of tracking positions, which cost a quarter of its time; a rule's span runs
        from its first token to its last, as lark's ``propagate_positions`` would give."""
        children, first, last = [], None, None
        for child in tree.children:
            if isinstance(child, Tree):
                value, head, tail = self._walk(child)
                children.append(value)
            else:
                head = tail = child
                if not child.type.startswith("_"):  # punctuation counts for the span, not as a child
                    children.append(child)
            if head is not None:
                first = head if first is None else first
                last = tail
        return getattr(self, tree.data)(_Extent(first, last), children), first, last

    def _span(self, meta) -> Span:
        return Span.from_meta(self.source, meta)

    def _word(self, token: Token) -> nodes.Word:
        text = str(token)
        lead = len(text) - len(text.lstrip())
        span = Span.from_token(self.source, token)
        span = Span(span.source, span.line, span.col + lead, span.end_line, span.end_col)
        return nodes.Word(span, text.strip())

    def _sub(self, token: Token, start: int, end: int) -> nodes.Word:
        """The located Word for ``str(token)[start:end]`` (the token may span lines)."""
        text = str(token)
        line = token.line + text.count("\n", 0, start)
        line_start = text.rfind("\n", 0, start) + 1
        col = (token.column if line_start == 0 else 1) + start - line_start
        return nodes.Word(Span(self.source, line, col, line, col + (end - start)), text[start:end])

    def start(self, meta, children):
        fields = tuple(c for c in children if isinstance(c, nodes.Field))
        uses = tuple(c for c in children if isinstance(c, nodes.Use))
        cast = next((c for c in children if isinstance(c, nodes.CastBlock)), None)
        scenes = tuple(c for c in children if isinstance(c, nodes.Scene))
        return nodes.Script(self._span(meta), fields, cast, scenes, uses)

    def field(self, meta, children):
        value = str(children[1]).strip() if len(children) > 1 else ""
        return nodes.Field(self._span(meta), self._word(children[0]), value)

    def use(self, meta, children):
        token = children[0]
        return nodes.Use(self._span(meta), self._sub(token, 1, len(token) - 1))

    def aliases(self, meta, children):
        return nodes.Aliases(self._span(meta), tuple(self._word(t) for t in children))

    def model(self, meta, children):
        token = children[0]
        return nodes.Model(self._span(meta), self._sub(token, 1, len(token) - 1))

    def cast_block(self, meta, children):
        return nodes.CastBlock(self._span(meta), tuple(children))

    def cast_member(self, meta, children):
        return nodes.CastMember(self._span(meta), self._word(children[0]), self._word(children[1]))

    def voice_settings(self, meta, children):
        return nodes.VoiceSettings(self._span(meta), tuple(children))

    def voice_param(self, meta, children):
        value = self._word(children[1]) if len(children) > 1 else None
        return nodes.VoiceParam(self._span(meta), self._word(children[0]), value)

    def scene(self, meta, children):
        items = []
        for child in children[1:]:
            items.extend(child if isinstance(child, tuple) else (child,))
        return nodes.Scene(self._span(meta), children[0], tuple(items))

    def scene_heading(self, meta, children):
        explicit = self._explicit_id(children)
        time = self._word(children[2]) if len(children) > 2 else None
        return nodes.SceneHeading(self._span(meta), str(children[0]), self._word(children[1]), time, explicit)

    def camera(self, meta, children):
        explicit = self._explicit_id(children)
        token = children[0]
        parts = [(m.start(), m.end()) for m in _PARTS.finditer(str(token)) if m.group().strip()]
        if not parts:
            return nodes.Camera(self._span(meta), self._sub(token, 0, len(token)), (), (), explicit)
        size, subjects = self._size_and_subjects(token, *parts[0])
        modifiers = tuple(self._trimmed(token, a, b) for a, b in parts[1:])
        return nodes.Camera(self._span(meta), size, subjects, modifiers, explicit)

    def _size_and_subjects(self, token: Token, start: int, end: int) -> tuple[nodes.Word, tuple[nodes.Word, ...]]:
        """Split the first part of a camera direction into its shot size and the words after it."""
        text = str(token)
        start += len(text[start:end]) - len(text[start:end].lstrip())
        length = split_shot_size(text[start:end]) or len(_WORD.match(text[start:end]).group())
        size = self._sub(token, start, start + length)
        words = []
        for m in _SUBJECT.finditer(text[start + length:end]):
            a = start + length + m.start()
            if m.group().lower() in ("on", "of", "and") or m.group() in ("对准", "对", "和", "与"):
                continue
            words.append(self._sub(token, a, a + len(m.group())))
        return size, tuple(words)

    def _trimmed(self, token: Token, start: int, end: int) -> nodes.Word:
        """The Word for a part of ``token`` with its outer spaces trimmed."""
        part = str(token)[start:end]
        lead = len(part) - len(part.lstrip())
        return self._sub(token, start + lead, start + len(part.rstrip()))

    def _explicit_id(self, children: list) -> nodes.Word | None:
        """Pop a trailing ``#id`` token off ``children`` (as a Word without the #)."""
        last = children[-1] if children else None
        if not (isinstance(last, Token) and last.type == "EXPLICIT_ID"):
            return None
        children.pop()
        word = self._word(last)
        span = word.span
        return nodes.Word(type(span)(span.source, span.line, span.col + 1, span.end_line, span.end_col), word.text[1:])

    def dialogue(self, meta, children):
        together = isinstance(children[0], Token) and children[0].type == "WITH"
        children = children[1:] if together else children
        speaker = self._word(children[0])
        parens = tuple(c for c in children[1:-1] if isinstance(c, nodes.Word))
        text = _NOTE.sub("", str(children[-1])).strip()
        sound = _sound_kind(speaker.text)
        if sound and not parens:
            return nodes.SoundCue(self._span(meta), sound, self._sub(children[-1], 0, len(str(children[-1]).rstrip())))
        return nodes.Dialogue(self._span(meta), speaker, parens, text, together)

    def parenthetical(self, meta, children):
        return self._word(children[0])

    def cue_block(self, meta, children):
        """A cue line and its lines: one Dialogue per run of text, a Beat for ``(beat)`` lines."""
        token = children[0]
        text = str(token)
        first = text.split("\n", 1)[0]
        name = _CUE_NAME.match(first).group()
        speaker = self._sub(token, 0, len(name))
        cue_parens = tuple(self._sub(token, m.start(1), m.end(1)) for m in _PAREN.finditer(first))
        out, parens, run, offset = [], cue_parens, [], len(first) + 1
        for raw in text.split("\n")[1:]:
            lead = len(raw) - len(raw.lstrip())
            line = raw.strip()
            paren = _PAREN.fullmatch(line)
            if paren and run:
                out.append(self._speech(speaker, parens, run))
                parens, run = cue_parens, []
            if paren and _BEAT.match(paren.group(1).strip()):
                out.append(self._inline_beat(token, offset + lead, paren))
            elif paren:
                parens = parens + (self._sub(token, offset + lead + 1, offset + lead + 1 + len(paren.group(1))),)
            else:
                run.append((self._sub(token, offset + lead, offset + lead + len(line)), line))
            offset += len(raw) + 1
        if run:
            out.append(self._speech(speaker, parens, run))
        elif not any(isinstance(o, nodes.Dialogue) for o in out):  # a cue with nothing to say: lowering reports it
            out.append(nodes.Dialogue(speaker.span, speaker, parens, ""))
        return tuple(out)

    def _speech(self, speaker: nodes.Word, parens: tuple[nodes.Word, ...], run: list) -> nodes.Dialogue:
        """One Dialogue from consecutive lines of a cue block (joined as one line)."""
        text = ""
        for _, line in run:
            line = _NOTE.sub("", line).strip()
            glue = "" if not text or (_CJK_END.search(text) and _CJK_START.search(line)) else " "
            text += glue + line if line else ""
        last = run[-1][0].span
        return nodes.Dialogue(Span(self.source, speaker.span.line, speaker.span.col, last.end_line, last.end_col),
                              speaker, parens, text)

    def _inline_beat(self, token: Token, start: int, paren: re.Match) -> nodes.Beat:
        """A ``(beat 1s)`` line inside a cue block."""
        inner = paren.group(1)
        word = self._sub(token, start, start + len(paren.group()))
        m = _BEAT.match(inner.strip())
        duration = None
        if m.group(1):
            at = start + 1 + inner.index(m.group(1))
            duration = self._sub(token, at, at + len(m.group(1)))
        return nodes.Beat(word.span, inner.strip().split()[0], duration)

    def action(self, meta, children):
        together = isinstance(children[0], Token) and children[0].type == "WITH"
        children = children[1:] if together else children
        names = [c for c in children if c.type == "NAME"]
        verb = next(c for c in children if c.type == "VERB")
        arg = next((self._word(c) for c in children if c.type == "ACTION_ARG"), None)
        return nodes.Action(self._span(meta), self._word(names[0]), self._word(verb), arg,
                            tuple(self._word(n) for n in names[1:]), together)

    def transition(self, meta, children):
        duration = self._word(children[1]) if len(children) > 1 else None
        return nodes.Transition(self._span(meta), self._word(children[0]), duration)

    def present(self, meta, children):
        return nodes.Present(self._span(meta), tuple(self._word(t) for t in children))

    def coverage(self, meta, children):
        return nodes.Coverage(self._span(meta), self._word(children[0]))

    def beat(self, meta, children):
        duration = self._word(children[1]) if len(children) > 1 else None
        return nodes.Beat(self._span(meta), str(children[0]), duration)


def _sound_kind(name: str) -> str | None:
    """"sfx" or "music" when a dialogue's speaker is a sound cue word (``SFX:``, ``音乐：``)."""
    word = name.lower()
    return "sfx" if word in SFX_WORDS else "music" if word in MUSIC_WORDS else None


def to_ast(tree: Tree, source: str) -> nodes.Script:
    """The AST of a parse tree."""
    return ToAst(source).walk(tree)
