"""Resource limits: sane defaults, overrides, and clear errors before any work starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from screenplay_compiler import api
from screenplay_compiler.cli import app
from screenplay_compiler.confine import Policy
from screenplay_compiler.diagnostics import CompileError
from screenplay_compiler.limits import LimitError, Limits, check_duration, check_settings

runner = CliRunner()
CAST = "CAST\nMEI: young woman, red coat\nJUN: young man, glasses\n\n"


def codes(text: str, limits: Limits = Limits(), tmp_path: Path | None = None) -> list[tuple[str, int]]:
    """(code, line) of every error compiling ``text`` under ``limits``."""
    try:
        api.compile_text(text, "<t>", Policy(limits=limits))
    except CompileError as exc:
        return [(d.code, d.span.line) for d in exc.diagnostics]
    return []


class TestOverrides:
    def test_defaults_are_sane(self):
        limits = Limits()
        assert (limits.minutes, limits.shots, limits.characters, limits.fps, limits.line, limits.depth) == (60, 2000, 8, 60, 500, 8)
        assert (limits.width, limits.height, limits.file_mb) == (3840, 2160, 50)

    def test_an_override_changes_one_cap(self):
        assert Limits().override(["shots=5000", "minutes=90.5"]) == Limits(shots=5000, minutes=90.5)

    @pytest.mark.parametrize("pair, words", [("shots", "NAME=VALUE"), ("colour=3", "NAME=VALUE"),
                                             ("shots=lots", "whole number"), ("fps=0", "more than 0")])
    def test_a_bad_override_is_a_clear_error(self, pair, words):
        with pytest.raises(LimitError, match=words):
            Limits().override([pair])


class TestScriptLimits:
    def test_a_long_line_is_refused_before_parsing(self):
        assert codes(CAST + "EXT. BRIDGE - DAY\nMEI: " + "a" * 600 + "\n") == [("over-limit", 6)]
        assert codes(CAST + "EXT. BRIDGE - DAY\nMEI: " + "a" * 600 + "\n", Limits(line=1000)) == []

    def test_too_many_shots(self):
        text = CAST + "EXT. BRIDGE - DAY\n" + "".join(f"[WIDE]\nMEI: Line {i}.\n" for i in range(6))
        assert codes(text, Limits(shots=5)) == [("over-limit", 16)]  # at the first shot over the cap
        assert codes(text, Limits(shots=6)) == []

    def test_too_many_characters_in_a_shot(self):
        text = CAST + "EXT. BRIDGE - DAY\n[WIDE]\nMEI: Hi.\nJUN: Hello.\n"
        assert codes(text, Limits(characters=1)) == [("over-limit", 6)]

    def test_use_depth_follows_the_limit(self, tmp_path):
        for i in range(3):
            (tmp_path / f"c{i}.play").write_text(f'use "c{i + 1}.play"\n' if i < 2 else CAST, encoding="utf-8")
        script = tmp_path / "ep.play"
        script.write_text('use "c0.play"\n\nEXT. BRIDGE - DAY\nMEI: Hi.\n', encoding="utf-8")
        api.compile_file(script)
        with pytest.raises(CompileError) as exc:
            api.compile_file(script, Policy(limits=Limits(depth=2)))
        assert "use-depth" in {d.code for d in exc.value.diagnostics}

    def test_an_imported_file_over_the_size_cap(self, tmp_path):
        (tmp_path / "big.wav").write_bytes(b"\0" * 2_000_000)
        script = tmp_path / "ep.play"
        script.write_text(CAST + 'EXT. BRIDGE - DAY\nMEI: Hi.\nSFX: "big.wav"\n', encoding="utf-8")
        with pytest.raises(CompileError) as exc:
            api.compile_file(script, Policy(limits=Limits(file_mb=1)))
        [d] = exc.value.diagnostics
        assert (d.code, d.span.line) == ("over-limit", 7) and "1.9 MB" in d.message


class TestSettings:
    def test_resolution_and_fps_caps(self):
        check_settings(3840, 2160, 60, Limits())
        with pytest.raises(LimitError, match="7680x4320"):
            check_settings(7680, 4320, 30, Limits())
        with pytest.raises(LimitError, match="120 fps"):
            check_settings(1280, 720, 120, Limits())

    def test_duration_cap(self):
        check_duration(3600, Limits())
        with pytest.raises(LimitError, match="60.1 min"):
            check_duration(3606, Limits())

    def test_build_settings_guard_before_work(self, tmp_path):
        script = tmp_path / "ep.play"
        script.write_text(CAST + "EXT. BRIDGE - DAY\nMEI: Hi.\n", encoding="utf-8")
        with pytest.raises(LimitError):
            api.build(script, tmp_path / "o.mp4", api.BuildSettings(width=8000, height=4000, cache_dir=tmp_path / "c"))
        assert not (tmp_path / "c").exists()


    def test_an_episode_over_the_duration_cap_stops_before_rendering(self, tmp_path):
        script = tmp_path / "ep.play"
        script.write_text(CAST + "EXT. BRIDGE - DAY\nMEI: Hi.\n", encoding="utf-8")
        settings = api.BuildSettings(width=160, height=90, fps=8, cache_dir=tmp_path / "c",
                                     policy=Policy(limits=Limits(minutes=0.01)))
        with pytest.raises(LimitError, match="more than the limit of 0.01 min"):
            api.build(script, tmp_path / "out" / "o.mp4", settings)
        assert not (tmp_path / "c" / "segments").exists() and not (tmp_path / "out").exists()


class TestCli:
    def test_an_over_limit_resolution_is_one_clear_line(self, tmp_path):
        script = tmp_path / "ep.play"
        script.write_text(CAST + "EXT. BRIDGE - DAY\nMEI: Hi.\n", encoding="utf-8")
        result = runner.invoke(app, ["build", str(script), "-o", str(tmp_path / "o.mp4"), "--resolution", "7680x4320",
                                     "--cache-dir", str(tmp_path / "c")])
        assert result.exit_code == 1 and result.stderr.startswith("error: resolution 7680x4320 is larger than the limit")
        assert not (tmp_path / "c").exists()

    def test_limit_option(self, tmp_path):
        script = tmp_path / "ep.play"
        script.write_text(CAST + "EXT. BRIDGE - DAY\n[WIDE]\nMEI: Hi.\n[WIDE]\nJUN: Yo.\n", encoding="utf-8")
        assert runner.invoke(app, ["check", str(script), "--limit", "shots=1"]).exit_code == 1
        assert runner.invoke(app, ["check", str(script), "--limit", "shots=2"]).exit_code == 0
        bad = runner.invoke(app, ["check", str(script), "--limit", "nonsense=2"])
        assert bad.exit_code == 1 and "NAME=VALUE" in bad.stderr


def test_a_used_file_keeps_to_the_limits_too(tmp_path):
    (tmp_path / "cast.play").write_text(CAST + "# " + "x" * 600 + "\n", encoding="utf-8")
    script = tmp_path / "ep.play"
    script.write_text('use "cast.play"\n\nEXT. BRIDGE - DAY\nMEI: Hi.\n', encoding="utf-8")
    with pytest.raises(CompileError) as exc:
        api.compile_file(script)
    assert [(d.code, Path(d.span.source).name, d.span.line) for d in exc.value.diagnostics] == [("over-limit", "cast.play", 5)]
    with pytest.raises(CompileError) as exc:
        api.compile_file(script, Policy(limits=Limits(file_mb=0.0001, line=1000)))
    assert [(d.code, d.span.line) for d in exc.value.diagnostics if d.code == "over-limit"] == [("over-limit", 1)]


def test_a_runaway_script_is_refused_before_it_is_voiced():
    text = CAST + "EXT. BRIDGE - DAY\n" + "".join(f"[WIDE]\n(beat 30s)\nMEI: Line {i}.\n" for i in range(5))
    assert codes(text, Limits(minutes=1)) == [("over-limit", 9)]  # the second shot passes one minute (60.3 s)
    assert codes(text, Limits(minutes=3)) == []
    fast = CAST + "EXT. BRIDGE - DAY\nMEI: " + "word " * 90 + "\n"  # 450 characters: at least 18 s spoken
    assert codes(fast, Limits(minutes=0.25)) == [("over-limit", 6)]
