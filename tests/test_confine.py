"""Confinement: every path a script names (use, sounds, music, voices) stays inside its project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screenplay_compiler import api
from screenplay_compiler.cli import app
from screenplay_compiler.confine import Confinement, OutsideRoot, Policy
from screenplay_compiler.diagnostics import CompileError

runner = CliRunner()
CAST = "CAST\nMEI: young woman, red coat\nJUN: young man, glasses\n\n"
SCENE = "EXT. OLD BRIDGE - DAWN\nMEI: Hi.\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors(script: Path, policy: Policy | None = None) -> list[tuple[str, int, int, str]]:
    """(code, line, col, message) of every error compiling ``script``; [] when it compiles."""
    try:
        api.compile_file(script, policy)
    except CompileError as exc:
        return [(d.code, d.span.line, d.span.col, d.message) for d in exc.diagnostics]
    return []


class TestResolve:
    def test_a_relative_path_below_the_root_resolves(self, tmp_path):
        write(tmp_path / "sounds" / "bell.wav", "x")
        assert Confinement(tmp_path).resolve("sounds/bell.wav", tmp_path) == (tmp_path / "sounds" / "bell.wav").resolve()

    @pytest.mark.parametrize("written", ["../x.wav", "a/../../x.wav", "/etc/passwd", "   "])
    def test_escapes_and_absolute_paths_are_refused(self, tmp_path, written):
        root = tmp_path / "project"
        root.mkdir()
        with pytest.raises(OutsideRoot):
            Confinement(root).resolve(written, root)

    def test_a_symlink_that_points_out_is_refused(self, tmp_path):
        root = tmp_path / "project"
        write(tmp_path / "secret.wav", "x")
        root.mkdir()
        os.symlink(tmp_path / "secret.wav", root / "bell.wav")
        with pytest.raises(OutsideRoot):
            Confinement(root).resolve("bell.wav", root)

    def test_an_allowed_folder_lets_a_path_out(self, tmp_path):
        write(tmp_path / "shared" / "bell.wav", "x")
        root = tmp_path / "project"
        root.mkdir()
        assert Confinement(root, (tmp_path / "shared",)).resolve("../shared/bell.wav", root).name == "bell.wav"
        assert Confinement(root, (tmp_path / "shared",)).resolve(str(tmp_path / "shared" / "bell.wav"), root).is_absolute()


class TestScripts:
    def test_a_sound_outside_the_project_is_a_located_error(self, tmp_path):
        script = write(tmp_path / "p" / "ep.play", CAST + SCENE + 'SFX: "../../etc/passwd"\n')
        assert errors(script) == [("path-outside", 7, 1, "'../../etc/passwd' is outside the project folder")]

    def test_absolute_music_is_a_located_error(self, tmp_path):
        script = write(tmp_path / "ep.play", CAST + SCENE + 'MUSIC: "/etc/hostname"\n')
        [(code, line, _, message)] = errors(script)
        assert (code, line) == ("path-outside", 7) and "absolute path" in message

    def test_a_voice_file_outside_the_project_is_a_located_error(self, tmp_path):
        script = write(tmp_path / "p" / "ep.play",
                       'CAST\nMEI: young woman, red coat\n  voice: piper "../voices/x.onnx"\n\n' + SCENE)
        assert {(c, line) for c, line, _, _ in errors(script)} == {("path-outside", 2)}

    def test_a_symlinked_sound_that_points_out_is_an_error(self, tmp_path):
        write(tmp_path / "secret.wav", "x")
        script = write(tmp_path / "p" / "ep.play", CAST + SCENE + 'SFX: "bell.wav"\n')
        os.symlink(tmp_path / "secret.wav", tmp_path / "p" / "bell.wav")
        assert [c for c, *_ in errors(script)] == ["path-outside"]

    def test_root_widens_the_project_for_use(self, tmp_path):
        write(tmp_path / "cast.play", CAST)
        script = write(tmp_path / "ep" / "ep.play", 'use "../cast.play"\n\n' + SCENE)
        assert "path-outside" in [c for c, *_ in errors(script)]
        assert errors(script, Policy(root=tmp_path)) == []

    def test_a_nested_use_stays_inside_the_entry_scripts_project(self, tmp_path):
        write(tmp_path / "p" / "outside.play", CAST)
        write(tmp_path / "p" / "ep" / "casts" / "cast.play", 'use "../../outside.play"\n')
        script = write(tmp_path / "p" / "ep" / "ep.play", 'use "casts/cast.play"\n\n' + SCENE)
        assert "path-outside" in [c for c, *_ in errors(script)]

    def test_allow_path_lets_a_sound_in(self, tmp_path):
        write(tmp_path / "library" / "bell.wav", "x")
        script = write(tmp_path / "p" / "ep.play", CAST + SCENE + 'SFX: "../library/bell.wav"\n')
        assert errors(script, Policy(allowed=(tmp_path / "library",))) == []


class TestCli:
    def test_check_reports_the_escape_with_its_location_and_exits_1(self, tmp_path):
        script = write(tmp_path / "ep.play", CAST + SCENE + 'SFX: "../x.wav"\n')
        result = runner.invoke(app, ["check", str(script)])
        assert result.exit_code == 1
        assert f"{script}:7:1: error[E039]: '../x.wav' is outside the project folder" in result.stderr

    def test_allow_path_and_root_options(self, tmp_path):
        write(tmp_path / "library" / "bell.wav", "x")
        script = write(tmp_path / "p" / "ep.play", CAST + SCENE + 'SFX: "../library/bell.wav"\n')
        assert runner.invoke(app, ["check", str(script), "--allow-path", str(tmp_path / "library")]).exit_code == 0
        assert runner.invoke(app, ["ir", str(script), "--root", str(tmp_path)]).exit_code == 0
        bad = runner.invoke(app, ["check", str(script), "--root", str(tmp_path / "nope")])
        assert bad.exit_code == 1 and "is not a folder" in bad.stderr

    def test_build_refuses_before_any_work(self, tmp_path):
        script = write(tmp_path / "ep.play", CAST + SCENE + 'SFX: "/etc/hostname"\n')
        out = tmp_path / "out" / "ep.mp4"
        result = runner.invoke(app, ["build", str(script), "-o", str(out), "--cache-dir", str(tmp_path / "cache")])
        assert result.exit_code == 1 and "path-outside" not in result.stdout and "E039" in result.stderr
        assert not (tmp_path / "cache").exists() and not out.parent.exists()


def test_the_language_has_no_way_to_run_code_or_fetch_urls():
    """Only gtts reaches the network, and only when a character asks for it."""
    from screenplay_compiler.parser import GRAMMAR

    grammar = GRAMMAR.read_text(encoding="utf-8").lower()
    for word in ("exec", "eval", "import", "http", "url", "shell", "system"):
        assert f'"{word}' not in grammar
    package = Path(api.__file__).parent
    network = {p.name for p in package.glob("*.py") if "urllib" in p.read_text(encoding="utf-8")
               or "requests" in p.read_text(encoding="utf-8") or "socket" in p.read_text(encoding="utf-8")}
    assert network == {"gtts_engine.py"}, network
