"""Incremental, parallel and distributed builds: same bytes every way, only changed shots rendered."""

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

from screenplay_compiler import api

pytestmark = pytest.mark.e2e

SCRIPT = """CAST
MEI: young woman, black ponytail, red coat
JUN: tall man, short brown hair, blue jacket

EXT. OLD BRIDGE - DAWN
[WIDE]
MEI walks to JUN.
MEI (worried): The bridge is out.
[CLOSE ON JUN]
JUN (calm): Then we wait.
(beat 1s)
[TWO-SHOT MEI AND JUN]
MEI: Fine.
JUN nods.
"""
SMALL = dict(width=160, height=90, fps=8)


@pytest.fixture(scope="module")
def warm_voices(tmp_path_factory) -> Path:
    """A cache holding the script's voices (and the patched model), built once."""
    root = tmp_path_factory.mktemp("voices")
    script = root / "ep.play"
    script.write_text(SCRIPT, encoding="utf-8")
    api.synthesize(api.compile_file(script).episode, root / "cache")
    return root / "cache"


@pytest.fixture
def project(tmp_path, warm_voices):
    """A folder with the script and a cache that has voices but no rendered shots."""
    shutil.copytree(warm_voices, tmp_path / "cache")
    script = tmp_path / "ep.play"
    script.write_text(SCRIPT, encoding="utf-8")
    return script, tmp_path / "cache"


def build(script: Path, cache: Path, out: Path, **extra) -> api.BuildReport:
    return api.build(script, out, api.BuildSettings(cache_dir=cache, **SMALL, **extra))


def test_cold_warm_and_parallel_builds_are_byte_identical(project, tmp_path):
    script, cache = project
    cold = build(script, cache, tmp_path / "cold.mp4", jobs=1)
    assert len(cold.rendered) == 3 and cold.reused == ()
    warm = build(script, cache, tmp_path / "warm.mp4", jobs=1)
    assert warm.rendered == {} and len(warm.reused) == 3
    parallel = build(script, tmp_path / "fresh-cache", tmp_path / "parallel.mp4", jobs=2)
    assert len(parallel.rendered) == 3
    data = (tmp_path / "cold.mp4").read_bytes()
    assert (tmp_path / "warm.mp4").read_bytes() == data == (tmp_path / "parallel.mp4").read_bytes()


def test_editing_one_line_renders_only_its_shot(project, tmp_path):
    script, cache = project
    build(script, cache, tmp_path / "v1.mp4")
    script.write_text(SCRIPT.replace("Then we wait.", "Then we wait for the tide."), encoding="utf-8")
    report = build(script, cache, tmp_path / "v2.mp4")
    assert report.rendered == {"old-bridge-dawn.close-jun": 'line text: "Then we wait for the tide." (+1 more)'}
    # the two-shot moved later in time and is still reused
    assert report.reused == ("old-bridge-dawn.wide", "old-bridge-dawn.two-shot-mei-jun")
    build(script, tmp_path / "cold-cache", tmp_path / "cold.mp4")
    assert (tmp_path / "v2.mp4").read_bytes() == (tmp_path / "cold.mp4").read_bytes()


def test_a_corrupt_cache_entry_is_rendered_again(project, tmp_path):
    script, cache = project
    build(script, cache, tmp_path / "a.mp4")
    victim = sorted((cache / "segments").rglob("*.mp4"))[0]
    victim.write_bytes(victim.read_bytes()[:100])
    report = build(script, cache, tmp_path / "b.mp4")
    assert list(report.rendered.values()) == ["its cached segment was missing or damaged"]
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()


def test_ray_executor_gives_the_same_bytes(project, tmp_path):
    ray = pytest.importorskip("ray")
    script, cache = project
    build(script, cache, tmp_path / "local.mp4", jobs=1)
    try:
        report = build(script, tmp_path / "ray-cache", tmp_path / "ray.mp4", executor="ray")
    finally:
        ray.shutdown()
    assert len(report.rendered) == 3
    assert (tmp_path / "ray.mp4").read_bytes() == (tmp_path / "local.mp4").read_bytes()


def test_sigkill_at_a_random_moment_then_rebuild_gives_the_same_bytes(project, tmp_path):
    script, cache = project
    reference = build(script, tmp_path / "ref-cache", tmp_path / "ref.mp4").output.read_bytes()
    out = tmp_path / "out" / "ep.mp4"
    cmd = [sys.executable, "-m", "screenplay_compiler", "build", str(script), "-o", str(out), "--cache-dir", str(cache),
           "--resolution", "160x90", "--fps", "8", "-j", "1"]
    delay = random.Random(os.getpid()).uniform(1.0, 4.0)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists() or out.read_bytes() == reference  # never a half-written video
    subprocess.run(cmd, check=True, capture_output=True)
    assert out.read_bytes() == reference
    assert sorted(p.name for p in out.parent.iterdir()) == ["ep.mp4", "ep.provenance.json", "ep.srt", "ep.vtt"]  # the killed build's scratch is swept


def test_the_mastered_soundtrack_is_cached_by_content(tmp_path, monkeypatch):
    import numpy as np

    from screenplay_compiler import api, mix

    script = tmp_path / "s.play"
    script.write_text(SCRIPT, encoding="utf-8")
    compiled = api.compile_file(script)
    audio = api.synthesize(compiled.episode, tmp_path / "cache")
    tracks = api.schedule(compiled.episode, audio, api.BuildSettings(width=160, height=90))
    first = api.soundtrack(script, compiled.episode, tracks, audio, tmp_path / "cache")
    calls = []
    monkeypatch.setattr(mix, "mix_episode", lambda *a, **k: calls.append(a) or first)
    again = api.soundtrack(script, compiled.episode, tracks, audio, tmp_path / "cache")
    assert np.array_equal(first, again) and calls == []  # unchanged inputs: not mixed again
    louder = {k: v.__class__(v.samples * 0.5, v.sample_rate, v.phonemes) for k, v in audio.items()}
    api.soundtrack(script, compiled.episode, tracks, louder, tmp_path / "cache")
    assert len(calls) == 1  # a line's samples changed: mixed again
