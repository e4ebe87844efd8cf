"""Shared fixtures: paths, the --update-golden switch, and synthetic line audio for timing tests."""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pytest

from screenplay_compiler.voice import LineAudio, Phoneme

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.play"))
# The cast and first scene heading of the small scripts that preview tests build (lines 2-6 after a title).
TWO_HANDER = """CAST
MEI: young woman, black ponytail, red coat
JUN: tall man, short brown hair, blue jacket

EXT. OLD BRIDGE - DAWN
"""


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files and show what changed")


@pytest.fixture
def golden(request):
    """Compare text with a golden file; with --update-golden rewrite it and print the diff."""
    update = request.config.getoption("--update-golden")

    def check(path: Path, got: str) -> None:
        if update or not path.exists():
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            print("".join(difflib.unified_diff(old.splitlines(True), got.splitlines(True), str(path), "new")))
            path.write_text(got, encoding="utf-8")
            if not update:
                pytest.fail(f"{path} was missing and has been written; check it in")
        assert got == path.read_text(encoding="utf-8")

    return check


def decode_video(path: Path) -> list[np.ndarray]:
    """Every video frame of an MP4 as (h, w, 3) RGB arrays (PyAV: no ffprobe needed)."""
    import av

    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def decode_audio(path: Path) -> tuple[np.ndarray, int]:
    """The first audio stream of an MP4 as mono float samples (channels averaged), and its rate."""
    import av

    with av.open(str(path)) as container:
        rate = container.streams.audio[0].rate
        data = np.concatenate([frame.to_ndarray() for frame in container.decode(audio=0)], axis=1)  # planar
    return data.mean(axis=0), rate


def tone(seconds: float, rate: int = 22050, freq: float = 180.0, gaps: bool = True) -> LineAudio:
    """Speech-like test audio: a buzzy tone broken into syllables, with phoneme marks."""
    t = np.arange(int(seconds * rate)) / rate
    wave = 0.4 * np.sign(np.sin(2 * np.pi * freq * t)) * (0.5 + 0.5 * np.sin(2 * np.pi * 3.0 * t) ** 2)
    if gaps:
        wave = wave * (np.sin(2 * np.pi * 4.0 * t) > -0.6)
    phonemes = tuple(Phoneme("mɑ"[i % 2], i * 0.1, (i + 1) * 0.1) for i in range(int(seconds / 0.1)))  # "mamama": lips shut and open
    return LineAudio(samples=wave.astype(np.float32), sample_rate=rate, phonemes=phonemes)


@pytest.fixture
def line_audio():
    """A factory: line id -> synthetic audio of a fixed length, for every line of an episode."""
    from screenplay_compiler import ir

    def make(episode: ir.Episode, seconds: float = 1.5) -> dict[str, LineAudio]:
        return {e.id: tone(seconds) for s in episode.shots for e in s.events if isinstance(e, ir.Line)}

    return make


# ---- a small labelled build shared by the label, provenance and verify tests -----------------

LABEL_SCRIPT = """Title: Label Test
Producer: SDC-TEST-01

CAST
MEI: young woman, black ponytail, red coat
JUN: tall man, short brown hair, blue jacket

EXT. OLD BRIDGE - DAY
MEI waves.
[CLOSE ON JUN]
JUN (calm): Then we wait for the tide.
"""


def build_labelled(root: Path, name: str = "clip", script_text: str = LABEL_SCRIPT, **settings):
    """Build ``script_text`` at 320x180, 12 fps, with synthetic voices (fast): (script, mp4)."""
    from screenplay_compiler import api

    script = root / f"{name}.play"
    script.write_text(script_text, encoding="utf-8")

    def voices(episode, cache_dir, progress=None, **_):
        return {e.id: tone(1.0) for s in episode.shots for e in s.events if type(e).__name__ == "Line"}

    options = {"width": 320, "height": 180, "fps": 12, "cache_dir": root / "cache", **settings}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(api, "synthesize", voices)
        api.build(script, root / "out" / f"{name}.mp4", api.BuildSettings(**options))
    return script, root / "out" / f"{name}.mp4"


@pytest.fixture(scope="session")
def labelled(tmp_path_factory):
    """One default build (visible label, metadata label, creation record): (script, mp4)."""
    return build_labelled(tmp_path_factory.mktemp("labelled"))


@pytest.fixture(scope="session")
def piper_models(tmp_path_factory) -> Path:
    """The patched piper models, made once a session (it takes seconds): link them into a test's
    voice cache as ``models`` to start it warm."""
    from screenplay_compiler import ir, voice

    root = tmp_path_factory.mktemp("piper-models")
    voice.VoiceBank(root).line("Hi.", ir.Voice(), "neutral")
    return root / "models"
