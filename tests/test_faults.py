"""Faults a build must survive: Ctrl-C, SIGTERM, SIGKILL, a broken ffmpeg, two builds sharing
one cache, and no OpenGL. Each runs ``sdc build`` as a subprocess on a tiny episode (160x90)
and checks that the previous output is intact, nothing temporary is left and the cache verifies.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screenplay_compiler import api
from screenplay_compiler.cache import DIGEST, file_sha256
from screenplay_compiler.cli import app

from .test_incremental import SCRIPT  # the same three-shot two-hander

EDITED = SCRIPT.replace("Then we wait.", "Then we wait here.")
OUTPUTS = ["ep.mp4", "ep.provenance.json", "ep.srt", "ep.vtt"]


@pytest.fixture(scope="module")
def warm_voices(tmp_path_factory) -> Path:
    """A cache holding both drafts' voices, built once (the faults are about rendering and muxing)."""
    root = tmp_path_factory.mktemp("fault-voices")
    for name, text in (("a.play", SCRIPT), ("b.play", EDITED)):
        (root / name).write_text(text, encoding="utf-8")
        api.synthesize(api.compile_file(root / name).episode, root / "cache")
    return root / "cache"


@pytest.fixture
def project(tmp_path, warm_voices):
    """A project with a finished build of SCRIPT in out/, then the script edited (so the next
    build must render again); returns (script, cache, output, the previous output's bytes)."""
    shutil.copytree(warm_voices, tmp_path / "cache")
    script = tmp_path / "ep.play"
    script.write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "out" / "ep.mp4"
    sdc(script, out, tmp_path / "cache", check=True)
    script.write_text(EDITED, encoding="utf-8")
    return script, tmp_path / "cache", out, out.read_bytes()


def command(script: Path, out: Path, cache: Path, size: str = "160x90") -> list[str]:
    return [sys.executable, "-m", "screenplay_compiler", "build", str(script), "-o", str(out), "--cache-dir", str(cache),
            "--resolution", size, "--fps", "8", "-j", "1"]


def sdc(script: Path, out: Path, cache: Path, env: dict | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run one build to the end."""
    return subprocess.run(command(script, out, cache), capture_output=True, text=True, check=check,
                          env={**os.environ, **(env or {})}, timeout=300)


def assert_clean(out: Path, cache: Path) -> None:
    """Only the finished outputs in the output folder; every cache entry matches its digest."""
    assert sorted(p.name for p in out.parent.iterdir()) == OUTPUTS
    assert not [p for p in cache.rglob("*.tmp")], "a temp file was left in the cache"
    for sidecar in cache.rglob(f"*{DIGEST}"):
        entry = sidecar.with_name(sidecar.name.removesuffix(DIGEST))
        assert file_sha256(entry) == sidecar.read_text(encoding="ascii").strip(), entry


def wait_for_frames(proc: subprocess.Popen, out: Path, timeout: float = 120) -> None:
    """Block until the build's scratch folder appears beside the output (rendering has begun)."""
    end = time.monotonic() + timeout
    while not list(out.parent.glob(".sdc-build-*")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, "the build never started rendering"
        time.sleep(0.02)


class TestSignals:
    @pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
    def test_a_signal_stops_promptly_and_leaves_everything_intact(self, project, sig, code, word):
        script, cache, out, before = project
        proc = subprocess.Popen(command(script, out, cache, "320x180"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_frames(proc, out)
        time.sleep(0.2)
        sent = time.monotonic()
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=30)
        assert time.monotonic() - sent < 10, "the build did not stop promptly"
        assert proc.returncode == code
        assert stderr.strip().splitlines()[-1] == f"{word}: {out} was left as it was"  # after the progress bars
        assert "Traceback" not in stderr
        assert out.read_bytes() == before
        assert_clean(out, cache)
        assert sdc(script, out, cache).returncode == 0

    def test_sigkill_at_a_random_moment_keeps_the_previous_output_and_the_rebuild_is_identical(self, project, tmp_path):
        script, cache, out, before = project
        fresh = tmp_path / "fresh" / "ep.mp4"
        sdc(script, fresh, tmp_path / "fresh-cache", check=True)
        proc = subprocess.Popen(command(script, out, cache), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(random.Random(os.getpid()).uniform(0.5, 4.0))
        proc.kill()
        proc.wait()
        assert out.read_bytes() in (before, fresh.read_bytes())  # the old video or the whole new one, never a mix
        assert sdc(script, out, cache).returncode == 0
        assert_clean(out, cache)
        assert out.read_bytes() == fresh.read_bytes()


FAKE_FFMPEG = """#!/bin/sh
echo "ffmpeg version fake"
echo "Input #0, rawvideo, from 'pipe:0':"
echo "{last}" >&2
exit 1
"""


class TestFfmpeg:
    @pytest.mark.parametrize("last", ["Segmentation fault (core dumped)",
                                      "av_interleaved_write_frame(): No space left on device"])
    def test_a_failing_ffmpeg_is_a_clear_error_with_its_log(self, project, tmp_path, last):
        script, cache, out, before = project
        fake = tmp_path / "ffmpeg"
        fake.write_text(FAKE_FFMPEG.format(last=last), encoding="utf-8")
        fake.chmod(0o755)
        done = sdc(script, out, cache, {"IMAGEIO_FFMPEG_EXE": str(fake)})
        assert done.returncode == 1
        assert "error: build failed:" in done.stderr and "Traceback" not in done.stderr
        assert "ffmpeg log" in done.stderr and last in done.stderr
        assert out.read_bytes() == before
        assert_clean(out, cache)

    def test_a_missing_ffmpeg_is_a_clear_error(self, project, tmp_path):
        script, cache, out, before = project
        done = sdc(script, out, cache, {"IMAGEIO_FFMPEG_EXE": str(tmp_path / "no-such-ffmpeg")})
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "cannot start ffmpeg" in done.stderr and "no-such-ffmpeg" in done.stderr
        assert out.read_bytes() == before
        assert_clean(out, cache)


def test_two_builds_sharing_one_cache_both_succeed_with_identical_bytes(tmp_path, warm_voices):
    shutil.copytree(warm_voices, tmp_path / "cache")
    script = tmp_path / "ep.play"
    script.write_text(SCRIPT, encoding="utf-8")
    outs = [tmp_path / f"out{i}" / "ep.mp4" for i in (1, 2)]
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    procs = [subprocess.Popen(command(script, o, tmp_path / "cache"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
             for o in outs]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert outs[0].read_bytes() == outs[1].read_bytes()
    for o in outs:
        assert_clean(o, tmp_path / "cache")
    assert not list(cwd.iterdir()), "a build wrote outside its output and cache folders"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "cwd", "ep.play", "out1", "out2"]


class TestNoOpenGL:
    """Without EGL, check, ir and diff still work; a build says which packages to install."""

    @pytest.fixture
    def no_gl(self, monkeypatch):
        import moderngl

        from screenplay_compiler.segments import gl_driver

        gl_driver.cache_clear()  # it may have been asked (with GL) earlier in this process
        def refuse(*args, **kwargs):
            raise Exception("no EGL display")

        monkeypatch.setattr(moderngl, "create_standalone_context", refuse)
        yield
        gl_driver.cache_clear()

    def test_check_ir_and_diff_need_no_gl_context(self, no_gl, tmp_path, warm_voices):
        shutil.copytree(warm_voices, tmp_path / "cache")
        (tmp_path / "a.play").write_text(SCRIPT, encoding="utf-8")
        (tmp_path / "b.play").write_text(EDITED, encoding="utf-8")
        runner = CliRunner()
        assert runner.invoke(app, ["check", str(tmp_path / "a.play")]).exit_code == 0
        assert runner.invoke(app, ["ir", str(tmp_path / "a.play")]).exit_code == 0
        diff = runner.invoke(app, ["diff", str(tmp_path / "a.play"), str(tmp_path / "b.play"),
                                   "--cache-dir", str(tmp_path / "cache")])
        assert diff.exit_code == 0, diff.output
        assert "text: 'Then we wait.' -> 'Then we wait here.'" in diff.stdout

    def test_a_build_names_the_packages_to_install(self, no_gl, tmp_path, warm_voices):
        shutil.copytree(warm_voices, tmp_path / "cache")
        (tmp_path / "a.play").write_text(SCRIPT, encoding="utf-8")
        result = CliRunner().invoke(app, ["build", str(tmp_path / "a.play"), "-o", str(tmp_path / "out" / "a.mp4"),
                                          "--cache-dir", str(tmp_path / "cache"), "--resolution", "160x90", "-j", "1"])
        assert result.exit_code == 1
        assert "apt-get install" in result.stderr and "libegl1" in result.stderr
        assert not (tmp_path / "out" / "a.mp4").exists()
