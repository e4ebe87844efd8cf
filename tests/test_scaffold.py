"""sdc new: a project that checks out of the box, and never over an existing one."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from screenplay_compiler import api
from screenplay_compiler.cli import app
from screenplay_compiler.scaffold import ScaffoldError, project_files, scaffold, title_for

runner = CliRunner()


def test_creates_every_file(tmp_path):
    files = scaffold(tmp_path / "my-show")
    assert sorted(p.relative_to(tmp_path / "my-show").as_posix() for p in files) == [
        ".gitattributes", ".github/workflows/sdc.yml", ".gitignore", "README.md", "episodes/cast.play", "episodes/ep01.play"]
    assert all(p.is_file() for p in files)
    assert "# My Show\n" in (tmp_path / "my-show" / "README.md").read_text(encoding="utf-8")


def test_the_episode_uses_the_shared_cast_and_compiles(tmp_path):
    scaffold(tmp_path / "show", "The Lamp")
    episode = tmp_path / "show" / "episodes" / "ep01.play"
    assert 'use "cast.play"' in episode.read_text(encoding="utf-8")
    compiled = api.compile_file(episode)
    assert [c.name for c in compiled.episode.characters] == ["MEI", "JUN"]
    assert compiled.episode.title == "The Lamp" and compiled.episode.episode == "1"
    assert not compiled.warnings
    result = runner.invoke(app, ["check", "--strict", str(episode)])
    assert result.exit_code == 0, result.output


def test_git_and_ci_files(tmp_path):
    files = project_files("My Show")
    assert "*.play      text eol=lf diff=sdc" in files[".gitattributes"]
    assert files[".gitignore"].splitlines()[1:] == ["build/", ".sdc-cache/"]
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load(files[".github/workflows/sdc.yml"])
    steps = " ".join(step.get("run", "") for step in workflow["jobs"]["episodes"]["steps"])
    assert "sdc check --format github episodes/ep*.play" in steps and "sdc build --out-dir build episodes/ep*.play" in steps


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "show").mkdir()
    (tmp_path / "show" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="not empty"):
        scaffold(tmp_path / "show")
    assert sorted(p.name for p in (tmp_path / "show").iterdir()) == ["notes.txt"]
    scaffold(tmp_path / "empty-but-there")  # an empty folder is fine
    (tmp_path / "empty").mkdir()
    scaffold(tmp_path / "empty")


def test_title_from_the_folder_name():
    assert title_for("my-show") == "My Show"
    assert title_for("the_lamp lighters") == "The Lamp Lighters"
    assert title_for("夜雨") == "夜雨"


def test_new_command(tmp_path):
    result = runner.invoke(app, ["new", str(tmp_path / "my-show")])
    assert result.exit_code == 0, result.output
    assert "episodes/ep01.play" in result.output
    again = runner.invoke(app, ["new", str(tmp_path / "my-show")])
    assert again.exit_code == 1 and "not empty" in again.output
