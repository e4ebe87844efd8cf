"""Fuzzing: only diagnostics may come out, never an uncaught exception, a hang or a crash.

Inputs come from the grammar itself (``hypothesis.extra.lark.from_lark``: token sequences the
grammar accepts, with random words in them) and from raw bytes. Each input has a time limit.
The budget is small in ``make test``; ``make fuzz`` runs it long (``SDC_FUZZ_EXAMPLES``).
Every input that ever broke sdc is kept in tests/fixtures/fuzz/ and replayed here.
"""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from screenplay_compiler.api import compile_text
from screenplay_compiler.diagnostics import CompileError
from screenplay_compiler.fmt import format_text
from lark import Lark

from screenplay_compiler.parser import GRAMMAR

from .conftest import ROOT

EXAMPLES = int(os.environ.get("SDC_FUZZ_EXAMPLES", "120"))
TIME_LIMIT = 5  # seconds per input: a parse or a lowering that takes longer is a hang
CRASHES = ROOT / "tests" / "fixtures" / "fuzz"
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                derandomize="SDC_FUZZ_EXAMPLES" not in os.environ)  # `make test` replays; `make fuzz` explores


class Hang(Exception):
    """An input took longer than TIME_LIMIT."""


@contextmanager
def time_limit(seconds: int):
    """Raise Hang if the block runs longer than ``seconds`` (SIGALRM: main thread, POSIX)."""
    def expire(signum, frame):
        raise Hang(f"no result after {seconds}s")
    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def compiles_or_diagnoses(text: str) -> None:
    """The contract: a compiled episode, or a CompileError whose diagnostics all render;
    and a script that compiles formats to a script with the same meaning, idempotently."""
    with time_limit(TIME_LIMIT):
        try:
            compiled = compile_text(text, "fuzz.play")
        except CompileError as exc:
            assert exc.diagnostics and all(d.span.line >= 1 for d in exc.diagnostics)
            exc.render()
            return
        formatted = format_text(text, "fuzz.play")  # raises FormatError if it would change meaning
        assert format_text(formatted, "fuzz.play") == formatted
        assert compiled.episode.shots or not compiled.episode.scenes  # a cast file has no shots


# from_lark needs the grammar object, which a parser loaded from lark's cache does not keep.
LANGUAGE = Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="contextual")


@FUZZ
@given(from_lark(LANGUAGE))
def test_grammar_generated_scripts(text):
    compiles_or_diagnoses(text)


SCRIPT_WORDS = st.sampled_from([
    "CAST\n", "MEI: woman\n", "JUN: man, glasses\n", "  voice: pitch +2\n", "  aka: XIAOMEI\n", "EXT. STREET - NIGHT\n",
    "INT. CAFE\n", "外景 古桥 - 夜\n", "[WIDE]\n", "[CLOSE ON MEI, LOW ANGLE]\n", "【特写 美】\n", "MEI (angry): Hi.\n",
    "MEI\n(softly)\nHello\nthere.\n\n", "& JUN nods.\n", "MEI walks to JUN.\n", "(beat 2s)\n", "DISSOLVE TO:\n", "FADE OUT.\n",
    "SFX: thunder\n", 'MUSIC: "a.mp3" fade in 2s\n', 'use "x.play"\n', "Title: T\n", "PRESENT: MEI\n", "[[n]]\n",
    "NOTE: x\n", "# c\n", "\n", ":", "(", ")", "[", "]", "：", "（", "美", "#id", " ", "\t", "\r", "\x00", "\ufeff",
])


@FUZZ
@given(st.lists(SCRIPT_WORDS, max_size=30).map("".join))
def test_shuffled_statements(text):
    compiles_or_diagnoses(text)


@FUZZ
@given(st.binary(max_size=400))
def test_raw_bytes(data):
    compiles_or_diagnoses(data.decode("utf-8", "replace"))


@pytest.mark.parametrize("path", sorted(CRASHES.glob("*.play")), ids=lambda p: p.name)
def test_inputs_that_once_broke_sdc(path):
    compiles_or_diagnoses(path.read_bytes().decode("utf-8", "replace"))
