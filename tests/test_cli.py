"""The command line: exit codes, diagnostics on stderr, never a traceback."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from screenplay_compiler.cli import app

from .conftest import ROOT

BROKEN = ROOT / "tests" / "fixtures" / "broken"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_check_ok():
    result = run("check", str(ROOT / "examples" / "the-bridge.play"))
    assert result.exit_code == 0 and "ok: 1 scene(s)" in result.stdout


def test_ir_prints_canonical_json():
    result = run("ir", str(ROOT / "examples" / "the-bridge.play"))
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["ir_version"] == "0.2" and data["title"] == "The Bridge"


@pytest.mark.parametrize("name,expect", [
    ("garbage.play", "garbage.play:2:1: error[E001]"),
    ("truncated.play", "truncated.play:18:15: error[E001]: nothing after ':'"),
    ("unknown-character.play", "unknown-character.play:6:1: error[E012]: unknown character 'MEE'"),
])
def test_broken_scripts_give_located_diagnostics(name, expect):
    result = run("check", str(BROKEN / name))
    assert result.exit_code == 1
    assert expect in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "^" in result.stderr and "error(s)" in result.stderr


def test_several_diagnostics_with_did_you_mean():
    result = run("check", str(BROKEN / "unknown-character.play"))
    assert "did you mean 'MEI'?" in result.stderr and "did you mean 'JUN'?" in result.stderr
    assert "2 error(s)" in result.stderr


def test_missing_file_and_non_utf8(tmp_path):
    assert run("check", str(tmp_path / "nope.play")).exit_code == 1
    bad = tmp_path / "latin1.play"
    bad.write_bytes(b"Title: caf\xe9\n")
    result = run("check", str(bad))
    assert result.exit_code == 1 and "not UTF-8" in result.stderr


def test_build_rejects_bad_resolution(tmp_path):
    result = run("build", str(ROOT / "examples" / "the-bridge.play"), "--resolution", "641x360", "-o", str(tmp_path / "x.mp4"))
    assert result.exit_code == 2 and not (tmp_path / "x.mp4").exists()


def test_build_command_writes_video_and_subtitles(tmp_path):
    script = tmp_path / "tiny.play"
    script.write_text("CAST\nMEI: woman, red coat\nEXT. PARK - DUSK\n[MEDIUM ON MEI]\nMEI (happy): Hello there.\n", encoding="utf-8")
    out = tmp_path / "out" / "tiny.mp4"
    result = run("build", str(script), "-o", str(out), "--resolution", "160x90", "--fps", "8", "--draft",
                 "--cache-dir", str(tmp_path / "cache"))
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_size > 1000 and "Hello there." in out.with_suffix(".srt").read_text(encoding="utf-8")
    assert f"wrote {out}" in result.stdout


def test_tracks_command_prints_json(tmp_path):
    result = run("tracks", str(ROOT / "examples" / "the-bridge.play"), "--fps", "12", "--cache-dir", str(tmp_path))
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["fps"] == 12 and len(data["cues"]) == 5


def test_season_build_cache_stats_and_prune(tmp_path):
    season = tmp_path / "season"
    season.mkdir()
    for n, line in ((1, "Hello."), (2, "Goodbye.")):
        (season / f"ep{n}.play").write_text(f"CAST\nMEI: woman\nEXT. STREET - DAY\nMEI: {line}\n", encoding="utf-8")
    cache = str(tmp_path / "cache")
    result = run("build", str(season), "--out-dir", str(tmp_path / "out"), "--resolution", "160x90", "--fps", "8",
                 "--cache-dir", cache, "-j", "1", "--explain")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ep1.mp4", "ep1.provenance.json", "ep1.srt", "ep1.vtt",
                                                                  "ep2.mp4", "ep2.provenance.json", "ep2.srt", "ep2.vtt"]
    assert result.stdout.count("rendered: new shot") == 2
    stats = run("cache", "stats", "--cache-dir", cache)
    assert stats.exit_code == 0 and "segments" in stats.stdout and "voice" in stats.stdout
    pruned = run("cache", "prune", "--max-size", "0", "--cache-dir", cache)
    assert pruned.exit_code == 0 and "removed" in pruned.stdout
    assert "0 entries" in run("cache", "stats", "--cache-dir", cache).stdout


def test_output_option_names_one_file(tmp_path):
    ex = str(ROOT / "examples" / "the-bridge.play")
    result = run("build", ex, ex, "-o", str(tmp_path / "x.mp4"))
    assert result.exit_code == 2 and "--out-dir" in result.stderr


def test_check_formats_for_tools_and_ci(tmp_path):
    broken = str(BROKEN / "unknown-character.play")
    data = json.loads(run("check", "--format", "json", broken).stdout)
    assert [(d["line"], d["col"], d["code"], d["name"], d["hint"]) for d in data] == [
        (6, 1, "E012", "unknown-character", "did you mean 'MEI'?"), (7, 11, "E012", "unknown-character", "did you mean 'JUN'?")]
    github = run("check", "--format", "github", broken, str(ROOT / "examples" / "the-bridge.play"))
    assert github.exit_code == 1
    assert github.stdout.splitlines()[0] == (f"::error file={broken},line=6,col=1,endLine=6,endColumn=4,"
                                             "title=sdc E012 unknown-character::unknown character 'MEE' (did you mean 'MEI'?)")
    assert run("check", "--format", "yaml", broken).exit_code == 2


def test_strict_makes_warnings_fail(tmp_path):
    script = tmp_path / "w.play"
    script.write_text("CAST\nMEI: woman, wierd hat\nEXT. STREET\nMEI: hi\n", encoding="utf-8")
    assert run("check", str(script)).exit_code == 0
    strict = run("check", "--strict", "--format", "json", str(script))
    assert strict.exit_code == 1 and json.loads(strict.stdout)[0]["name"] == "unknown-word"


def test_build_without_egl_is_a_clear_error(tmp_path, monkeypatch):
    import moderngl

    from screenplay_compiler import segments

    def no_egl(*args, **kwargs):
        raise Exception("eglGetDisplay failed")

    monkeypatch.setattr(moderngl, "create_standalone_context", no_egl)
    segments.gl_driver.cache_clear()
    try:
        result = run("build", str(ROOT / "examples" / "the-bridge.play"), "-o", str(tmp_path / "x.mp4"),
                     "--resolution", "160x90", "--cache-dir", str(tmp_path / "c"), "-j", "1")
    finally:
        segments.gl_driver.cache_clear()
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "cannot create an offscreen OpenGL 3.3 context through EGL (eglGetDisplay failed)" in result.stderr
    assert "apt-get install -y libegl1" in result.stderr and not (tmp_path / "x.mp4").exists()


def test_building_a_folder_skips_the_cast_file_and_takes_the_scripts_format(tmp_path):
    season = tmp_path / "season"
    season.mkdir()
    (season / "cast.play").write_text("CAST\nMEI: woman, red coat\n", encoding="utf-8")
    (season / "ep1.play").write_text('use "cast.play"\nFormat: 96x160 8fps\n\nEXT. PARK - DUSK\nMEI: Hi.\n', encoding="utf-8")
    result = run("build", str(season), "--out-dir", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"))
    assert result.exit_code == 0, result.stderr
    assert "cast.play: skipped: no scenes" in result.stderr and not (tmp_path / "out" / "cast.mp4").exists()
    from screenplay_compiler.probe import probe
    video = probe(tmp_path / "out" / "ep1.mp4").first("video")
    assert (video.width, video.height, round(video.fps)) == (96, 160, 8)


def test_the_console_script_exits_with_the_commands_code_and_all_its_output(tmp_path):
    """`sdc check` ends the process without teardown; its output and exit code must survive that."""
    import subprocess
    import sys
    from pathlib import Path

    sdc = Path(sys.executable).with_name("sdc")
    good = subprocess.run([str(sdc), "check", str(ROOT / "examples" / "the-bridge.play")], capture_output=True, text=True)
    bad = subprocess.run([str(sdc), "check", "--format", "json", str(BROKEN / "unknown-character.play")],
                         capture_output=True, text=True)
    assert good.returncode == 0 and "ok: 1 scene(s)" in good.stdout
    assert bad.returncode == 1 and json.loads(bad.stdout)[0]["code"] == "E012"
