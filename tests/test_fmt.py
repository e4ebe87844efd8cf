"""sdc fmt: canonical layout, idempotent, meaning-preserving, comments kept; and the CI recipes."""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark import Lark
from typer.testing import CliRunner

from screenplay_compiler import cli, ir
from screenplay_compiler.api import compile_text
from screenplay_compiler.diagnostics import CompileError
from screenplay_compiler.fmt import format_file, format_text, is_formatted, unified_diff
from screenplay_compiler.parser import GRAMMAR, normalise

from .conftest import EXAMPLES, ROOT

CI = ROOT / "examples" / "ci"

MESSY = """\
# A messy draft.
Title :   The Bridge   \r
Author:sdc examples

Language: en
CAST   # who is in it
MEI :young woman, red coat  \t
     voice:pitch +3 ,rate   1.05
JUN: tall young man, glasses


EXT.   OLD BRIDGE   -   DAWN   #bridge

[ WIDE ]   # establishing
MEI walks to   JUN .
    MEI(worried)  :   The bridge is out.   \t
( beat   1s )# a breath


# now the close-up
[CLOSE   ON   JUN]#jun-close
JUN   stands   up
JUN: #1 fan, that's me.
# the end"""

CANONICAL = """\
# A messy draft.
Title: The Bridge
Author: sdc examples
Language: en

CAST # who is in it
MEI: young woman, red coat
  voice: pitch +3, rate 1.05
JUN: tall young man, glasses

EXT. OLD BRIDGE - DAWN #bridge

[WIDE] # establishing
MEI walks to JUN.
MEI (worried): The bridge is out.
(beat 1s) # a breath

# now the close-up
[CLOSE ON JUN] #jun-close
JUN stands up
JUN: #1 fan, that's me.
# the end
"""

CHINESE = "标题 ： 断桥\n角色\n美 ：年轻女子\n俊：高个年轻男子\n  声音 ：音高  -2 ， 语速 1.1\n\n外景  古桥 -  黎明\n【 特写  俊 】\n美（ 担心 ） ：  桥断了。\n（停顿  1秒）\n美  点头 。\n"
CHINESE_CANONICAL = "标题：断桥\n\n角色\n美：年轻女子\n俊：高个年轻男子\n  声音：音高 -2，语速 1.1\n\n外景 古桥 - 黎明\n\n【特写 俊】\n美（担心）：桥断了。\n（停顿 1秒）\n美 点头。\n"


def ir_without_sources(text: str) -> dict:
    """The canonical IR of a script with every ``source`` field removed (line numbers move)."""
    return _strip(json.loads(ir.to_json(compile_text(text, "script.play").episode)))


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "source"}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def comments(text: str) -> list[str]:
    """Every comment in a script, in order, as the lexer finds them (an independent oracle)."""
    found.clear()
    _comment_lexer().parse(normalise(text))
    return list(found)


found: list[str] = []


@lru_cache(maxsize=1)
def _comment_lexer() -> Lark:
    """The script grammar, reporting comments: trailing ones, and full lines inside line ends."""
    def keep(token):
        found.extend(c.strip() for c in re.findall(r"#[^\n]*", token))
        return token

    collect = {"COMMENT": keep, "_NL": keep}
    return Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="contextual", lexer_callbacks=collect)


class TestLayout:
    def test_messy_script_is_canonical_after_format(self):
        assert format_text(MESSY, "messy.play") == CANONICAL

    def test_canonical_script_is_unchanged(self):
        assert format_text(CANONICAL) == CANONICAL and is_formatted(CANONICAL)

    def test_full_width_punctuation_stays_full_width(self):
        assert format_text(CHINESE) == CHINESE_CANONICAL

    def test_words_are_kept_as_written(self):
        text = "Title: x\nCAST\nMEI: a\nJUN: b\nINT. CAFE - NIGHT\n[close-up   MEI]\n[TWO-SHOT MEI & JUN]\n[two shot MEI,JUN]\nMEI sits down!\n(pause 500 ms)\n"
        out = format_text(text)
        for kept in ("[close-up MEI]", "[TWO-SHOT MEI & JUN]", "[two shot MEI, JUN]", "MEI sits down!", "(pause 500 ms)"):
            assert kept in out

    def test_blank_lines_between_parts(self):
        text = "Title: x\nCAST\nMEI: a\nINT. CAFE\nMEI nods.\n[WIDE]\nMEI waves.\nEXT. PARK\n[WIDE]\n"
        assert format_text(text) == "Title: x\n\nCAST\nMEI: a\n\nINT. CAFE\nMEI nods.\n\n[WIDE]\nMEI waves.\n\nEXT. PARK\n\n[WIDE]\n"

    def test_ends_with_one_lf_and_no_trailing_spaces(self):
        out = format_text("\ufeffTitle: x  \r\nCAST\r\nMEI: a\r\nINT. CAFE\r\nMEI nods.   \r\n\r\n\r\n")
        assert out.endswith("MEI nods.\n") and "\r" not in out and not any(line != line.rstrip() for line in out.split("\n"))

    def test_empty_script_stays_empty(self):
        assert format_text("") == "" and format_text("\n\n") == ""


class TestComments:
    def test_every_comment_is_kept_in_order(self):
        assert comments(format_text(MESSY)) == comments(MESSY)

    def test_comment_block_keeps_its_blank_line_before_the_title(self):
        text = (ROOT / "examples" / "the-bridge.play").read_text(encoding="utf-8")
        assert format_text(text).startswith("# The Bridge: a short two-hander for the sdc walking skeleton.\n"
                                            "# Lines starting with '#' are comments.\n\nTitle: The Bridge\n")

    def test_hash_in_dialogue_is_text_not_comment(self):
        text = "CAST\nMEI: a\nINT. CAFE\nMEI:   I'm your   #1 fan.   \n"
        assert format_text(text).endswith("MEI: I'm your   #1 fan.\n")

    def test_hash_right_after_a_colon_is_text(self):
        text = "Title:#draft\n标题：  #1\nCAST\nMEI: a\nINT. CAFE\nMEI：  #1 fan\nMEI ( #x ):  hi\n"
        assert format_text(text) == "Title: #draft\n标题： #1\n\nCAST\nMEI: a\n\nINT. CAFE\nMEI： #1 fan\nMEI ( #x): hi\n"
        assert ir_without_sources(format_text(text)) == ir_without_sources(text)

    def test_location_ending_in_a_dash_keeps_what_follows_glued(self):
        text = "CAST\nMEI: a\nINT.  CAFE -#cafe\nEXT. PIER -# windy\n"
        assert format_text(text).endswith("INT. CAFE -#cafe\n\nEXT. PIER -# windy\n")

    def test_explicit_ids_stay_at_the_end(self):
        out = format_text("CAST\nMEI: a\nINT. CAFE - DAY#cafe\n[WIDE]   #opening\nMEI nods.\n")
        assert "INT. CAFE - DAY #cafe\n\n[WIDE] #opening\n" in out


class TestSafety:
    def test_syntax_error_is_raised_not_formatted(self):
        with pytest.raises(CompileError) as exc:
            format_text("CAST\nMEI: a\nINT. CAFE\n[WIDE\n", "broken.play")
        assert exc.value.diagnostics[0].span.line == 4

    @pytest.mark.parametrize("path", sorted((ROOT / "tests" / "fixtures" / "broken").glob("*.play")), ids=lambda p: p.stem)
    def test_broken_fixtures(self, path):
        text = path.read_text(encoding="utf-8")
        try:
            out = format_text(text, str(path))
        except CompileError:
            return
        assert format_text(out) == out  # parses (a semantic error only): formatting is still stable

    def test_blank_argument_keeps_its_meaning(self):
        text = "CAST\nMEI: a\nINT. CAFE\nMEI nods .\nMEI waves # hi\n"
        assert format_text(text).endswith("MEI nods.\nMEI waves # hi\n")
        with pytest.raises(CompileError):
            format_text("CAST\nMEI: a\nINT. CAFE\nMEI:   \n")  # a line with nothing after ':' is an error


class TestExamples:
    @pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
    def test_idempotent_and_meaning_preserving(self, path):
        text = path.read_text(encoding="utf-8")
        once = format_text(text, str(path))
        assert format_text(once, str(path)) == once
        assert ir_without_sources(once) == ir_without_sources(text)
        assert comments(once) == comments(text)

    def test_layout_shown_in_the_ci_readme_is_canonical(self):
        block = re.search(r"The layout:\n\n```\n(.*?)```", (CI / "README.md").read_text(encoding="utf-8"), re.S).group(1)
        assert format_text(block) == block

    @pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
    def test_examples_differ_at_most_in_blank_lines(self, path):
        text = path.read_text(encoding="utf-8")
        assert [line for line in format_text(text).split("\n") if line] == [line for line in text.split("\n") if line]


# ---- generated scripts ----------------------------------------------------------------------

NAMES = ["MEI", "JUN", "OLD-WANG", "KAI", "美", "俊"]
LOCATIONS = ["OLD BRIDGE", "CAFE", "CITY PARK", "NARROW STREET", "古桥"]
TIMES = ["DAWN", "NIGHT", "DAY", "黄昏"]
EMOTIONS = ["worried", "calm", "happy", "angry", "担心", "平静"]
gap = st.sampled_from(["", " ", "  ", "\t"])  # where the writer may put spaces or not
space = st.sampled_from([" ", "  ", "\t", " \t "])  # where at least one space is needed
printable = st.text(st.characters(categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=24).filter(str.strip)
comment = printable.map(lambda s: "# " + s)


@st.composite
def scripts(draw) -> str:
    """A valid script with random spacing, blank lines and comments."""
    ids = iter(range(1000))
    cast = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=4, unique=True))
    lines = []
    if draw(st.booleans()):
        lines.append(f"Title{draw(gap)}:{draw(gap)}{draw(st.one_of(printable, comment))}")  # `Title:#x`: no title
        lines.append(f"Language{draw(gap)}:{draw(gap)}en")
    lines.append(draw(st.sampled_from(["CAST", "Characters:", "角色", "CAST #"])) + draw(gap))
    for name in cast:
        colon = draw(st.sampled_from([":", "："]))
        lines.append(f"{name}{draw(gap)}{colon}{draw(gap)}{draw(st.sampled_from(['young woman, red coat', 'old man, hat', '年轻女子']))}")
        if draw(st.booleans()):
            comma = draw(st.sampled_from([",", "，", "、"]))
            lines.append(f"{draw(gap)}voice{draw(gap)}:{draw(gap)}pitch{draw(space)}{draw(st.integers(-5, 5)):+d}{draw(gap)}{comma}{draw(gap)}rate{draw(space)}1.05")
    for _ in range(draw(st.integers(1, 3))):
        lines.extend(draw(scene(cast, ids)))
    return draw(layout(lines))


@st.composite
def scene(draw, cast: list[str], ids) -> list[str]:
    """A heading and a few camera lines, dialogue, actions and beats."""
    heading = f"{draw(st.sampled_from(['INT.', 'EXT.', '外景']))}{draw(space)}{draw(st.sampled_from(LOCATIONS))}"
    if draw(st.booleans()):
        heading += f"{draw(space)}{draw(st.sampled_from(['-', '–']))}{draw(space)}{draw(st.sampled_from(TIMES))}"
    lines = [heading + draw(ending(ids))]
    for _ in range(draw(st.integers(0, 6))):
        lines.append(draw(st.one_of(camera(cast, ids), dialogue(cast), action(cast), beat())))
    return lines


@st.composite
def ending(draw, ids) -> str:
    """Nothing, an explicit id, or a trailing comment after a heading or camera line."""
    kind = draw(st.sampled_from(["", "id", "comment"]))
    if kind == "id":
        return f"{draw(gap)}#id-{next(ids)}"
    return f"{draw(gap)}{draw(comment)}" if kind == "comment" else ""


@st.composite
def camera(draw, cast: list[str], ids) -> str:
    a, b = draw(st.permutations(cast))[:2]
    g = lambda: draw(gap)  # noqa: E731
    body = draw(st.sampled_from([
        f"{g()}WIDE{g()}", f"{g()}CLOSE ON{draw(space)}{a}{g()}", f"{g()}MEDIUM{draw(space)}{a}{g()}",
        f"TWO-SHOT{draw(space)}{a}{draw(space)}AND{draw(space)}{b}", f"two shot {a}{g()},{g()}{b}"]))
    left, right = draw(st.sampled_from(["[]", "【】"]))
    return f"{left}{body}{right}" + draw(ending(ids))


@st.composite
def dialogue(draw, cast: list[str]) -> str:
    name = draw(st.sampled_from(cast))
    paren = ""
    if draw(st.booleans()):
        left, right = draw(st.sampled_from(["()", "（）"]))
        paren = f"{draw(gap)}{left}{draw(gap)}{draw(st.sampled_from(EMOTIONS))}{draw(gap)}{right}"
    text = draw(st.one_of(printable, printable.map(lambda t: "#" + t)))
    after = draw(space if text.startswith("#") else gap)  # `MEI:#1` is a colon and a comment: a syntax error
    return f"{name}{paren}{draw(gap)}{draw(st.sampled_from([':', '：']))}{after}{text}"


@st.composite
def action(draw, cast: list[str]) -> str:
    actor, other = draw(st.permutations(cast))[:2]
    verb = draw(st.sampled_from([f"walks to{draw(space)}{other}", f"turns to {other}", "nods", "sits",
                                 f"stands{draw(space)}up", f"waves at {other}", "走向 " + other]))
    stop = draw(st.sampled_from([".", "!", "", "。"]))
    if draw(st.booleans()):  # `MEI waves .` or `MEI waves ` would be an error: the space reads as a target
        return f"{actor}{draw(space)}waves{draw(st.sampled_from(['.', '!', '。']))}"
    return f"{actor}{draw(space)}{verb}{draw(gap)}{stop}"


@st.composite
def beat(draw) -> str:
    word, left, right = draw(st.sampled_from([("beat", "(", ")"), ("pause", "(", ")"), ("停顿", "（", "）")]))
    length = draw(st.sampled_from(["", " 1s", " 500ms", "  1.5 s", " 2秒"]))
    text = f"{left}{draw(gap)}{word}{length}{draw(gap)}{right}"
    return text + (f"{draw(gap)}{draw(comment)}" if draw(st.booleans()) else "")


@st.composite
def layout(draw, lines: list[str]) -> str:
    """Statement lines with random indentation, trailing spaces, blank lines and comments."""
    out = []
    for line in lines:
        for _ in range(draw(st.integers(0, 2))):
            out.append(draw(st.one_of(gap, comment.map(lambda c: draw(gap) + c))))
        out.append(draw(gap) + line + draw(gap))
    if draw(st.booleans()):
        out.append(draw(comment))
    return "\n".join(out) + draw(st.sampled_from(["", "\n", "\n\n"]))


class TestProperties:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(scripts())
    def test_idempotent_and_meaning_preserving(self, text):
        once = format_text(text)
        assert format_text(once) == once
        assert ir_without_sources(once) == ir_without_sources(text)
        assert comments(once) == comments(text)
        assert once.endswith("\n") and all(line == line.rstrip() for line in once.split("\n"))


# ---- files and the command line -------------------------------------------------------------


class TestFiles:
    def test_check_reports_a_diff_and_writes_nothing(self, tmp_path):
        path = tmp_path / "messy.play"
        path.write_bytes(MESSY.encode("utf-8"))
        result = format_file(path, check=True)
        assert result.changed and "+[WIDE] # establishing" in result.diff and path.read_bytes() == MESSY.encode("utf-8")
        assert result.diff.endswith("-# the end\n\\ No newline at end of file\n+# the end\n")

    def test_format_rewrites_and_then_is_clean(self, tmp_path):
        path = tmp_path / "messy.play"
        path.write_bytes(MESSY.encode("utf-8"))
        assert format_file(path).changed
        assert path.read_bytes() == CANONICAL.encode("utf-8") and not format_file(path, check=True).changed

    def test_unified_diff_is_empty_when_equal(self):
        assert unified_diff(CANONICAL, CANONICAL, "x.play") == ""


def _has_fmt_command() -> bool:
    return any((c.name or c.callback.__name__) == "fmt" for c in cli.app.registered_commands)


@pytest.mark.skipif(not _has_fmt_command(), reason="the fmt command is not in cli.py yet")
class TestCommand:
    runner = CliRunner()

    def run(self, *args: str):
        return self.runner.invoke(cli.app, list(args), catch_exceptions=False)

    def test_check_on_messy_file_exits_1_with_diff(self, tmp_path):
        path = tmp_path / "messy.play"
        path.write_bytes(MESSY.encode("utf-8"))
        result = self.run("fmt", "--check", str(path))
        assert result.exit_code == 1 and "+[WIDE] # establishing" in result.stdout
        assert path.read_bytes() == MESSY.encode("utf-8")

    def test_check_on_formatted_file_exits_0(self, tmp_path):
        path = tmp_path / "clean.play"
        path.write_text(CANONICAL, encoding="utf-8")
        assert self.run("fmt", "--check", str(path)).exit_code == 0

    def test_fmt_rewrites_then_check_passes(self, tmp_path):
        path = tmp_path / "messy.play"
        path.write_bytes(MESSY.encode("utf-8"))
        assert self.run("fmt", str(path)).exit_code == 0
        assert path.read_bytes() == CANONICAL.encode("utf-8")
        assert self.run("fmt", "--check", str(path)).exit_code == 0

    def test_broken_script_exits_1_and_is_left_alone(self, tmp_path):
        path = tmp_path / "broken.play"
        path.write_text("CAST\nMEI: a\nINT. CAFE\n[WIDE\n", encoding="utf-8")
        result = self.run("fmt", str(path))
        assert result.exit_code == 1 and "broken.play:4" in result.stderr
        assert path.read_text(encoding="utf-8") == "CAST\nMEI: a\nINT. CAFE\n[WIDE\n"


# ---- CI recipes -------------------------------------------------------------------------------


class TestCiRecipes:
    def load(self, name: str):
        yaml = pytest.importorskip("yaml")
        return yaml.safe_load((CI / name).read_text(encoding="utf-8"))

    def test_workflow_parses_and_runs_sdc(self):
        text = (CI / "github-actions.yml").read_text(encoding="utf-8")
        for needed in ("fetch-depth: 0", "python-version: \"3.11\"", "libegl1 libegl-mesa0 libgl1-mesa-dri libgbm1",
                       ".sdc-cache", "sdc check", "--changed-since origin/${{ github.base_ref }}",
                       "--format markdown", "build/*.mp4", "*.srt"):
            assert needed in text, needed
        flow = self.load("github-actions.yml")
        events = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` key as True
        assert {"pull_request", "push"} <= set(events)
        steps = [s for job in flow["jobs"].values() for s in job["steps"]]
        assert any(s.get("uses", "").startswith("actions/cache") for s in steps)
        assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)

    def test_pre_commit_hooks_parse(self):
        text = (CI / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
        assert "entry: sdc check" in text and "entry: sdc fmt --check" in text
        hooks = {h["id"]: h for h in self.load(".pre-commit-hooks.yaml")}
        assert set(hooks) == {"sdc-check", "sdc-fmt"}
        for hook in hooks.values():
            assert {"id", "name", "entry", "language", "files"} <= set(hook) and re.search(hook["files"], "ep01.play")
            assert not re.search(hook["files"], "ep01.play.bak")
