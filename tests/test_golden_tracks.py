"""Golden tracks for every example: tests/golden/tracks/<stem>.json. Refresh with --update-golden.

The voices are replaced by synthetic speech whose length follows the text, so this snapshot
pins the timing stage (schedule, blocking, camera, mouth, blinks, cues) independently of the
voice model.
"""

from __future__ import annotations

import pytest

from screenplay_compiler import ir
from screenplay_compiler.api import compile_file
from screenplay_compiler.tracks import TrackSettings, build_tracks

from .conftest import EXAMPLES, ROOT, tone

GOLDEN = ROOT / "tests" / "golden" / "tracks"


def synthetic_audio(episode: ir.Episode) -> dict:
    """Speech-like audio for each line, 65 ms per character of text."""
    lines = [e for s in episode.shots for e in s.events if isinstance(e, ir.Line)]
    return {line.id: tone(max(0.4, 0.065 * len(line.text))) for line in lines}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_tracks_match_golden(path, golden):
    episode = compile_file(path).episode
    got = ir.to_json(build_tracks(episode, synthetic_audio(episode), TrackSettings(fps=24, width=1280, height=720)))
    golden(GOLDEN / f"{path.stem}.json", got)
