"""Stage 1-2: grammar, parse tree, AST and syntax diagnostics."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screenplay_compiler import nodes
from screenplay_compiler.api import build_ast
from screenplay_compiler.diagnostics import CompileError
from screenplay_compiler.parser import GRAMMAR, normalise, parse

from .conftest import EXAMPLES

HEADER = "CAST\nMEI: young woman\nJUN: man\n\nEXT. BRIDGE - DAY\n"


def errors(text: str) -> list:
    with pytest.raises(CompileError) as info:
        parse(text, "t.play")
    return info.value.diagnostics


def all_errors(text: str) -> list:
    """Every diagnostic of a compile: syntax errors and the later stages' errors together."""
    from screenplay_compiler.api import compile_text
    with pytest.raises(CompileError) as info:
        compile_text(text, "t.play")
    return info.value.diagnostics


class TestGrammar:
    def test_grammar_ships_inside_the_package(self):
        assert GRAMMAR.is_file() and "dialogue" in GRAMMAR.read_text(encoding="utf-8")

    @pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
    def test_examples_parse(self, path):
        script = build_ast(path.read_text(encoding="utf-8"), path.name)
        assert script.scenes and script.cast and script.fields

    def test_every_statement_kind(self):
        script = build_ast(HEADER + "[CLOSE ON MEI]\nMEI (worried): The bridge is out.\n(beat 1.5s)\nJUN walks to MEI.\nJUN nods.\n", "t")
        items = script.scenes[0].items
        assert [type(i).__name__ for i in items] == ["Camera", "Dialogue", "Beat", "Action", "Action"]
        cam, line, beat, walk, nod = items
        assert cam.size.text == "CLOSE" and [s.text for s in cam.subjects] == ["MEI"]
        assert (line.speaker.text, line.parentheticals[0].text, line.text) == ("MEI", "worried", "The bridge is out.")
        assert beat.duration.text == "1.5s"
        assert (walk.verb.text, walk.argument.text) == ("walks", "to MEI")
        assert nod.argument is None

    def test_spans_point_at_the_words(self):
        script = build_ast(HEADER + "MEI (worried): Hello.\n", "t")
        line = script.scenes[0].items[0]
        assert (line.span.line, line.speaker.span.col, line.parentheticals[0].span.col) == (6, 1, 6)

    def test_chinese_script_with_full_width_punctuation(self):
        text = "标题：断桥\n角色\n美：年轻女子，红色外套\n外景 古桥 - 黎明\n【特写 美】\n美（担心）：桥断了。\n（停顿 2秒）\n美 挥手。\n"
        script = build_ast(text, "t")
        cam, line, beat, wave = script.scenes[0].items
        assert cam.size.text == "特写" and cam.subjects[0].text == "美"
        assert (line.speaker.text, line.parentheticals[0].text, line.text) == ("美", "担心", "桥断了。")
        assert beat.duration.text == "2秒" and wave.verb.text == "挥手"

    def test_comments_blank_lines_crlf_and_bom(self):
        text = "\ufeff# top\r\nCAST\r\n\r\n# who\r\nMEI: girl\r\n\r\nEXT. BRIDGE - DAY  # dawn later\r\n[WIDE] # wide\r\n\r\nMEI: Hi. # kept\r\n"
        script = build_ast(text, "t")
        assert script.scenes[0].heading.time_of_day.text == "DAY"
        assert script.scenes[0].items[1].text == "Hi. # kept"

    def test_edge_spacing_hashes_and_ids(self):
        script = build_ast(HEADER.replace("EXT. BRIDGE - DAY", "EXT. BRIDGE - DAY #b # note") +
                           "MEI waves \nMEI waves .\nMEI waves # note\nMEI:#1 fan.\n[WIDE] #w # why\n", "t")
        scene = script.scenes[0]
        assert scene.heading.explicit_id.text == "b"
        assert [i.argument for i in scene.items[:3]] == [None, None, None]
        assert scene.items[3].text == "#1 fan." and scene.items[4].explicit_id.text == "w"
        (d,) = errors(HEADER + "MEI:   \n")
        assert "nothing after ':'" in d.message

    def test_scene_heading_forms(self):
        script = build_ast("INT. CAFE - NIGHT\nINT./EXT. CAR\nEXT. TWO-STOREY HOUSE - DUSK\n", "t")
        heads = [(s.heading.int_ext, s.heading.location.text, s.heading.time_of_day and s.heading.time_of_day.text) for s in script.scenes]
        assert heads == [("INT.", "CAFE", "NIGHT"), ("INT./EXT.", "CAR", None), ("EXT.", "TWO-STOREY HOUSE", "DUSK")]

    def test_two_shot_subjects(self):
        cam = build_ast(HEADER + "[TWO-SHOT MEI AND JUN]\n", "t").scenes[0].items[0]
        assert [s.text for s in cam.subjects] == ["MEI", "JUN"]


class TestSyntaxDiagnostics:
    def test_garbage(self):
        found = errors("\x00\x01 lorem ipsum }}} {{\n%%%%\n")
        assert found and all(d.code == "syntax" for d in found)
        assert found[0].span.line == 1

    def test_truncated_script_points_at_the_cut(self):
        text = (EXAMPLES[-1].read_text(encoding="utf-8") if False else HEADER + "[CLOSE ON ME")
        (d,) = errors(text)
        assert d.span.line == 6 and "not closed" in d.message and "']'" in d.hint

    def test_several_errors_in_one_run(self):
        text = HEADER + "[CLOSUP ON MEI]\nmei: hi\nMEI (worried: hi\nMEI:\n(bet 2s)\n"
        found = all_errors(text)
        assert [d.span.line for d in found] == [6, 7, 8, 9, 10]
        assert found[0].hint == "did you mean 'CLOSE-UP'?"
        assert "CAPITALS" in found[1].message and found[1].hint == "write 'MEI'"
        assert "not closed" in found[2].message
        assert "nothing after ':'" in found[3].message
        assert found[4].hint == "did you mean 'beat'?"

    def test_rendering_has_location_line_and_caret(self):
        (d,) = all_errors(HEADER + "[CLOSUP ON MEI]\n")
        text = d.render(HEADER + "[CLOSUP ON MEI]\n")
        assert text.splitlines()[0] == "t.play:6:2: error[E016]: unknown shot size 'CLOSUP'"
        assert text.splitlines()[1].endswith("| [CLOSUP ON MEI]")
        caret = text.splitlines()[2]
        assert caret.index("^") == text.splitlines()[1].index("CLOSUP")

    def test_line_numbers_count_only_line_breaks(self):
        text = "CAST\rMEI: girl\x0c\u2028\rEXT. BRIDGE\r\n[CLOSUP]\n"
        (d,) = all_errors(text)
        assert d.span.line == 4 and d.render(normalise(text)).splitlines()[1].endswith("| [CLOSUP]")

    def test_caret_counts_wide_characters_as_two_columns(self):
        text = "角色\n美：女子\n俊：男子\n外景 古桥\n【特写 美 小明】\n"
        (d,) = all_errors(text)
        assert (d.span.line, d.span.col) == (5, 7) and d.code == "unknown-character"
        caret = d.render(text).splitlines()[2]
        assert caret.index("^") - caret.index("|") == 2 + len("【特写 美 ") + 4  # five wide characters
        assert caret.endswith("^~~~")  # 小明 is four columns wide

    def test_dialogue_before_any_scene(self):
        (d,) = errors("CAST\nMEI: girl\n[WIDE]\n")
        assert d.span.line == 3


NAMES = st.sampled_from(["MEI", "JUN", "OLD-WANG", "美", "俊"])
LINE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\n\r\x85"), min_size=1, max_size=40).filter(lambda s: s.strip())


class TestFuzz:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(max_size=300))
    def test_any_text_parses_or_gives_located_diagnostics(self, text):
        try:
            parse(text, "f.play")
        except CompileError as exc:
            lines = normalise(text).count("\n") + 1  # \r and \r\n are line breaks too
            assert exc.diagnostics and all(1 <= d.span.line <= lines for d in exc.diagnostics)
            exc.render()

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.tuples(NAMES, st.sampled_from(["", "worried", "angry"]), LINE_TEXT), min_size=1, max_size=6))
    def test_generated_dialogue_round_trips(self, lines):
        body = "".join(f"{n}{f' ({e})' if e else ''}: {t}\n" for n, e, t in lines)
        script = build_ast("CAST\nMEI: a\nJUN: b\nOLD-WANG: c\n美: d\n俊: e\nEXT. BRIDGE - DAY\n" + body, "f")
        got = [(d.speaker.text, d.parentheticals[0].text if d.parentheticals else "", d.text) for d in script.scenes[0].items]
        assert got == [(n, e, t.strip()) for n, e, t in lines]
        assert all(isinstance(d, nodes.Dialogue) for d in script.scenes[0].items)
