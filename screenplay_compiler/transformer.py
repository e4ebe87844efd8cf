"""lark parse tree -> AST. One method per grammar rule, named after it."""

from __future__ import annotations

from lark import Token, Transformer, Tree, v_args

from . import nodes
from .diagnostics import Span


@v_args(meta=True)
class ToAst(Transformer):
    """Builds :mod:`nodes` from a tree made by :func:`parser.parse`."""

    def __init__(self, source: str):
        super().__init__()
        self.source = source

    def _span(self, meta) -> Span:
        return Span.from_meta(self.source, meta)

    def _word(self, token: Token) -> nodes.Word:
        text = str(token)
        lead = len(text) - len(text.lstrip())
        span = Span.from_token(self.source, token)
        span = Span(span.source, span.line, span.col + lead, span.end_line, span.end_col)
        return nodes.Word(span, text.strip())

    def start(self, meta, children):
        fields = next((c for c in children if isinstance(c, tuple)), ())
        cast = next((c for c in children if isinstance(c, nodes.CastBlock)), None)
        scenes = tuple(c for c in children if isinstance(c, nodes.Scene))
        return nodes.Script(self._span(meta), fields, cast, scenes)

    def title_block(self, meta, children):
        return tuple(children)

    def field(self, meta, children):
        value = str(children[1]).strip() if len(children) > 1 else ""
        return nodes.Field(self._span(meta), self._word(children[0]), value)

    def cast_block(self, meta, children):
        return nodes.CastBlock(self._span(meta), tuple(children))

    def cast_member(self, meta, children):
        return nodes.CastMember(self._span(meta), self._word(children[0]), self._word(children[1]))

    def voice_settings(self, meta, children):
        return nodes.VoiceSettings(self._span(meta), tuple(children))

    def voice_param(self, meta, children):
        return nodes.VoiceParam(self._span(meta), self._word(children[0]), self._word(children[1]))

    def scene(self, meta, children):
        return nodes.Scene(self._span(meta), children[0], tuple(children[1:]))

    def scene_heading(self, meta, children):
        explicit = self._explicit_id(children)
        time = self._word(children[2]) if len(children) > 2 else None
        return nodes.SceneHeading(self._span(meta), str(children[0]), self._word(children[1]), time, explicit)

    def camera(self, meta, children):
        explicit = self._explicit_id(children)
        subjects = children[1] if len(children) > 1 else ()
        return nodes.Camera(self._span(meta), self._word(children[0]), subjects, explicit)

    def _explicit_id(self, children: list) -> nodes.Word | None:
        """Pop a trailing ``#id`` token off ``children`` (as a Word without the #)."""
        last = children[-1] if children else None
        if not (isinstance(last, Token) and last.type == "EXPLICIT_ID"):
            return None
        children.pop()
        word = self._word(last)
        span = word.span
        return nodes.Word(type(span)(span.source, span.line, span.col + 1, span.end_line, span.end_col), word.text[1:])

    def subjects(self, meta, children):
        return tuple(self._word(t) for t in children)

    def dialogue(self, meta, children):
        paren = children[1] if len(children) > 2 else None
        return nodes.Dialogue(self._span(meta), self._word(children[0]), paren, str(children[-1]).strip())

    def parenthetical(self, meta, children):
        return self._word(children[0])

    def action(self, meta, children):
        arg = self._word(children[2]) if len(children) > 2 else None
        return nodes.Action(self._span(meta), self._word(children[0]), self._word(children[1]), arg)

    def beat(self, meta, children):
        duration = self._word(children[1]) if len(children) > 1 else None
        return nodes.Beat(self._span(meta), str(children[0]), duration)


def to_ast(tree: Tree, source: str) -> nodes.Script:
    """The AST of a parse tree."""
    return ToAst(source).transform(tree)
