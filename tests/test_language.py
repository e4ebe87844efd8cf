"""The language, construct by construct: golden IR, formatter properties, and mutations that
may only ever produce diagnostics.

tests/golden/constructs/<name>.play is one construct (with its Chinese form where it has one);
<name>.json is its IR. Refresh with --update-golden.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from screenplay_compiler import ir
from screenplay_compiler.api import compile_file, compile_text
from screenplay_compiler.cli import app
from screenplay_compiler.diagnostics import CompileError
from screenplay_compiler.fmt import format_text

from .conftest import ROOT

CONSTRUCTS = ROOT / "tests" / "golden" / "constructs"
EXAMPLES = sorted((ROOT / "examples").glob("*.play"))
runner = CliRunner()


@pytest.mark.parametrize("path", sorted(CONSTRUCTS.glob("*.play")), ids=lambda p: p.stem)
def test_construct_ir(path, golden):
    golden(path.with_suffix(".json"), ir.to_json(compile_file(path).episode))


def _episode(text: str) -> ir.Episode:
    return compile_text(text, "t.play").episode


class TestConstructMeaning:
    """What the golden files pin down, stated as facts a writer relies on."""

    def test_block_dialogue_equals_inline(self):
        head = "CAST\nMEI: woman\n\nEXT. STREET\n"
        block = _episode(head + "MEI\n(angry)\nThe bridge\nis out.\n").shots[0].events[0]
        inline = _episode(head + "MEI (angry): The bridge is out.\n").shots[0].events[0]
        assert block.model_dump(exclude={"source"}) == inline.model_dump(exclude={"source"})

    def test_chinese_keywords_mean_what_english_ones_do(self):
        zh = _episode("角色\n美：女子\n俊：男子\n\n外景 古桥 - 夜 - 雨\n【特写 美，仰拍，推 2秒】\n美（担心，对 俊）：走吧。\n叠化 1秒：\n【全景】\n俊 点头。\n淡出。\n")
        en = _episode("CAST\n美: woman\n俊: man\n\nEXT. OLD BRIDGE - NIGHT - RAIN\n[CLOSE ON 美, LOW ANGLE, DOLLY IN 2s]\n美 (worried, to 俊): 走吧。\nDISSOLVE TO 1s:\n[WIDE]\n俊 nods.\nFADE OUT.\n")
        assert (zh.scenes[0].time_of_day, zh.scenes[0].weather) == (en.scenes[0].time_of_day, en.scenes[0].weather) == ("night", "rain")
        assert _same_but_sources(zh, en)

    def test_aliases_resolve_to_the_character(self):
        e = _episode("CAST\nMEI: woman\n  aka: XIAOMEI, 小美\n\nEXT. STREET\n小美: Hi.\nXIAOMEI: Hi again.\n")
        assert [ev.speaker for ev in e.shots[0].events] == ["MEI", "MEI"]

    def test_together_and_overlap(self):
        e = _episode("CAST\nMEI: woman\nJUN: man\n\nEXT. STREET\nMEI: Look.\n& JUN nods.\nMEI and JUN sit.\n")
        acts = [(ev.actor, ev.verb, ev.overlap) for ev in e.shots[0].events if isinstance(ev, ir.Action)]
        assert acts == [("JUN", "nod", True), ("MEI", "sit", False), ("JUN", "sit", True)]


def _same_but_sources(a: ir.Episode, b: ir.Episode) -> bool:
    """True when two episodes differ only in source positions and ids."""
    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in ("source", "id", "scene")}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    return clean(a.model_dump(mode="json")["shots"]) == clean(b.model_dump(mode="json")["shots"])


# ---- formatter properties on generated scripts -------------------------------------------------

NAMES = ["MEI", "JUN", "美"]
LINE = st.sampled_from(["The bridge is out.", "Then we wait.", "桥断了。", "I'm your #1 fan.", "No!"])
PAREN = st.sampled_from(["", " (worried)", " (angry, to JUN)", " (V.O.)", " (whispering, fast)", "（担心）"])
STATEMENT = st.one_of(
    st.builds(lambda n, p, t: f"{n}{p}: {t}", st.sampled_from(NAMES), PAREN, LINE),
    st.builds(lambda n, p, t: f"\n{n}{p}\n{t}\n{t}\n", st.sampled_from(NAMES), PAREN, LINE),
    st.builds(lambda n: f"& {n} nods.", st.sampled_from(NAMES)),
    st.sampled_from(["[WIDE]", "[CLOSE ON MEI,  LOW ANGLE, DOLLY IN 2s]", "【特写 美，仰拍】", "[TWO-SHOT MEI AND JUN, 4s]",
                     "(beat)", "(beat   1.5s)", "CUT TO:", "DISSOLVE TO 2s:", "FADE OUT.", "MEI walks to JUN.",
                     "MEI and JUN sit.", "JUN   turns to MEI .", "# a comment", "[[ a note ]]", "NOTE: for people",
                     "MEI (calm):   spaced   out  ", "美 挥手。"]),
)
HEAD = "Title:  Props\n\nCAST\nMEI: woman\nJUN:   man\n  voice: pitch +2,rate 1.1\n美：女子\n\nEXT. OLD BRIDGE - NIGHT - RAIN\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STATEMENT, min_size=1, max_size=12))
def test_fmt_is_idempotent_and_keeps_meaning(lines):
    text = HEAD + "\n".join(lines) + "\n"
    try:
        before = _episode(text)
    except CompileError:
        return  # e.g. FADE OUT before any shot: not a script to format
    once = format_text(text, "t.play")
    assert format_text(once, "t.play") == once
    after = _episode(once)
    assert _strip_sources(before) == _strip_sources(after)


def _strip_sources(e: ir.Episode):
    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k != "source"}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    return clean(e.model_dump(mode="json"))


# ---- mutations of the examples: only diagnostics may come out ---------------------------------


def _mutate(text: str, rng: random.Random) -> bytes:
    """One random edit of a script: a line deleted, duplicated or swapped, characters swapped,
    random bytes inserted, or its UTF-8 broken."""
    lines = text.split("\n")
    kind = rng.randrange(6)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if kind == 0:
        del lines[i]
    elif kind == 1:
        lines.insert(i, lines[j])
    elif kind == 2:
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == 3 and len(lines[i]) > 1:
        k = rng.randrange(len(lines[i]) - 1)
        lines[i] = lines[i][:k] + lines[i][k + 1] + lines[i][k] + lines[i][k + 2:]
    elif kind == 4:
        data = "\n".join(lines).encode("utf-8")
        k = rng.randrange(len(data))
        return data[:k] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 6))) + data[k:]
    else:
        data = "\n".join(lines).encode("utf-8")
        k = rng.randrange(len(data))
        return data[:k] + b"\xff\xfe" + data[k:]
    return "\n".join(lines).encode("utf-8")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_mutated_examples_give_diagnostics_never_a_traceback(path, tmp_path):
    rng = random.Random(path.stem)  # seeded: the same mutations every run
    text = path.read_text(encoding="utf-8")
    script = tmp_path / path.name
    for n in range(40):
        data = _mutate(text, rng)
        for _ in range(rng.randrange(3)):
            data = _mutate(data.decode("utf-8", "replace"), rng)
        script.write_bytes(data)
        result = runner.invoke(app, ["check", str(script)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (n, data, result.exception)
        assert result.exit_code in (0, 1), (n, data, result.output)
        if result.exit_code == 1:
            assert "error[" in result.stderr or "not UTF-8" in result.stderr, (n, data, result.stderr)


class TestUse:
    """``use "cast.play"``: a shared cast, confined to the script's folder."""

    def test_two_episodes_share_one_cast(self, tmp_path):
        (tmp_path / "cast.play").write_text("CAST\nMEI: young woman, red coat\n  voice: pitch +3\n", encoding="utf-8")
        for n in (1, 2):
            (tmp_path / f"ep{n}.play").write_text(f'use "cast.play"\nTitle: Episode {n}\n\nEXT. STREET\nMEI: Hi.\n', encoding="utf-8")
        one, two = (compile_file(tmp_path / f"ep{n}.play").episode for n in (1, 2))
        assert one.characters == two.characters and one.characters[0].voice.pitch_semitones == 3.0

    def test_a_symlink_out_of_the_folder_is_refused(self, tmp_path):
        (tmp_path / "outside").mkdir()
        (tmp_path / "outside" / "secret.play").write_text("CAST\nMEI: woman\n", encoding="utf-8")
        project = tmp_path / "project"
        project.mkdir()
        (project / "cast.play").symlink_to(tmp_path / "outside" / "secret.play")
        (project / "ep.play").write_text('use "cast.play"\n\nEXT. STREET\nMEI: Hi.\n', encoding="utf-8")
        with pytest.raises(CompileError) as info:
            compile_file(project / "ep.play")
        assert info.value.diagnostics[0].code == "path-outside" and "outside" in info.value.diagnostics[0].message

    def test_errors_inside_a_used_file_name_that_file(self, tmp_path):
        (tmp_path / "cast.play").write_text("CAST\nMEI woman\n", encoding="utf-8")
        (tmp_path / "ep.play").write_text('use "cast.play"\n\nEXT. STREET\nJUN: Hi.\n', encoding="utf-8")
        with pytest.raises(CompileError) as info:
            compile_file(tmp_path / "ep.play")
        sources = {(d.span.source.split("/")[-1], d.code) for d in info.value.diagnostics}
        assert ("cast.play", "syntax") in sources and ("ep.play", "unknown-character") in sources
        assert "MEI woman" in info.value.render()


def test_emotion_intensity_words():
    head = "CAST\nMEI: woman\n\nEXT. STREET\n"
    lines = _episode(head + "MEI (slightly angry): a\nMEI (furious): b\nMEI (very sad): c\nMEI（有点生气）：d\nMEI (smug): e\n"
                     "MEI (disgusted): f\nMEI (shy): g\n").shots[0].events
    assert [(x.emotion, x.intensity) for x in lines] == [("angry", 0.5), ("angry", 1.6), ("sad", 1.5), ("angry", 0.5),
                                                         ("smug", 1.0), ("disgusted", 1.0), ("shy", 1.0)]
