"""OTIO export: the timeline read back with opentimelineio has every shot (by stable id, frames
adding up to the episode), every dialogue line at its time, and a marker per subtitle cue."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
from typer.testing import CliRunner

from screenplay_compiler import api
from screenplay_compiler import otio as timeline
from screenplay_compiler.cli import app

from .conftest import EXAMPLES

runner = CliRunner()

SCRIPT = """\
Title: Two Lines

CAST
MEI: young woman, red coat
JUN: tall young man, glasses

EXT. OLD BRIDGE - DAWN

[WIDE]
MEI: Out.
& JUN: No.

[CLOSE ON JUN]
JUN (calm): We wait.
"""


@pytest.fixture
def timed(line_audio):
    """The tiny script compiled and timed at 24 fps, with synthetic voices."""
    episode = api.compile_text(SCRIPT, "two-lines.play").episode
    return episode, api.schedule(episode, line_audio(episode, 0.8), api.BuildSettings(fps=24))


def read_back(built: otio.schema.Timeline, tmp_path: Path) -> otio.schema.Timeline:
    """Write a timeline as .otio and read it back with opentimelineio."""
    path = tmp_path / "episode.otio"
    timeline.write(built, path, "otio")
    return otio.adapters.read_from_file(str(path))


class TestTimeline:
    """build_timeline, checked on what opentimelineio reads back."""

    def test_shots_by_id_add_up_to_the_episode(self, timed, tmp_path):
        episode, tracks = timed
        back = read_back(timeline.build_timeline(episode, tracks), tmp_path)
        video = back.video_tracks()[0]
        clips = list(video.find_clips())
        assert [c.name for c in clips] == [s.id for s in tracks.shots] == ["old-bridge-dawn.wide", "old-bridge-dawn.close-jun"]
        assert [c.metadata["sdc"]["shot_id"] for c in clips] == [s.id for s in tracks.shots]
        assert list(clips[1].metadata["sdc"]["camera"]["subjects"]) == ["JUN"]
        assert clips[0].metadata["sdc"]["scene_id"] == "old-bridge-dawn"
        assert sum(c.duration().value for c in clips) == tracks.frame_count
        assert video.duration() == otio.opentime.RationalTime(tracks.frame_count, 24)
        assert [video.range_of_child_at_index(i).start_time.value for i in range(2)] == [s.first_frame for s in tracks.shots]
        assert isinstance(clips[0].media_reference, otio.schema.MissingReference)

    def test_dialogue_clips_at_their_times_and_overlaps_on_a_second_track(self, timed, tmp_path):
        episode, tracks = timed
        back = read_back(timeline.build_timeline(episode, tracks), tmp_path)
        audio = back.audio_tracks()
        assert [t.name for t in audio] == ["Dialogue", "Dialogue 2"]
        placed = {}
        for track in audio:
            for i, item in enumerate(track):
                if isinstance(item, otio.schema.Clip):
                    placed[item.metadata["sdc"]["line_id"]] = (track.range_of_child_at_index(i).start_time.value, item.name)
        assert sorted(placed) == sorted(c.line_id for c in tracks.cues)
        for cue in tracks.cues:
            assert placed[cue.line_id] == (round(cue.start * 24), f"{cue.speaker}: {cue.text}")
        assert [c.metadata["sdc"]["speaker"] for c in audio[1].find_clips()] == ["JUN"]  # the overlapping line

    def test_one_marker_per_subtitle_cue(self, timed, tmp_path):
        episode, tracks = timed
        markers = read_back(timeline.build_timeline(episode, tracks), tmp_path).tracks.markers
        assert [m.name for m in markers] == [c.text for c in tracks.cues] == ["Out.", "No.", "We wait."]
        assert [m.marked_range.start_time.value for m in markers] == [round(c.start * 24) for c in tracks.cues]
        assert [m.metadata["sdc"]["index"] for m in markers] == [1, 2, 3]

    def test_media_reference_relative_to_the_timeline(self, timed, tmp_path):
        episode, tracks = timed
        url = timeline.media_url(tmp_path / "build" / "ep.mp4", tmp_path / "edit" / "ep.otio")
        assert url == "../build/ep.mp4"
        back = read_back(timeline.build_timeline(episode, tracks, url), tmp_path)
        ref = back.find_clips()[0].media_reference
        assert ref.target_url == url and ref.available_range.duration.value == tracks.frame_count

    def test_deterministic(self, timed):
        episode, tracks = timed
        once = timeline.to_string(timeline.build_timeline(episode, tracks), "otio")
        assert once == timeline.to_string(timeline.build_timeline(episode, tracks), "otio")


@pytest.mark.parametrize("fmt, adapter", [("edl", "cmx_3600"), ("fcpxml", "fcp_xml")])
def test_edl_and_fcp_xml_through_otio_adapters(timed, fmt, adapter):
    """EDL (shots only) and FCP XML are written by OTIO's adapter plugins and read back."""
    if not timeline.available(fmt):
        pytest.skip(f"no {adapter} adapter installed (pip install {timeline.FORMATS[fmt][1]})")
    episode, tracks = timed
    text = timeline.to_string(timeline.build_timeline(episode, tracks), fmt)
    back = otio.adapters.read_from_string(text, adapter)
    assert [c.name for c in back.video_tracks()[0].find_clips()] == [s.id for s in tracks.shots]
    assert back.video_tracks()[0].duration().value == tracks.frame_count


def test_missing_adapter_is_a_clear_error(monkeypatch, timed):
    """A format whose adapter is not installed says which package to install."""
    monkeypatch.setitem(timeline.FORMATS, "edl", ("no_such_adapter", "otio-cmx3600-adapter"))
    with pytest.raises(timeline.ExportError, match="pip install otio-cmx3600-adapter"):
        timeline.to_string(timeline.build_timeline(*timed), "edl")


def test_export_command_with_real_voices(tmp_path):
    """sdc export --otio on a real script: voices synthesized (and cached), timeline read back."""
    script = tmp_path / "ep.play"
    script.write_text(SCRIPT.split("\n[CLOSE ON JUN]")[0] + "\n", encoding="utf-8")
    out = tmp_path / "edit" / "ep.otio"
    result = runner.invoke(app, ["export", str(script), "--otio", str(out), "--fps", "24", "--media",
                                 str(tmp_path / "build" / "ep.mp4"), "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    back = otio.adapters.read_from_file(str(out))
    meta = back.metadata["sdc"]
    assert meta["fps"] == 24 and back.video_tracks()[0].duration().value == meta["frame_count"]
    assert [m.name for m in back.tracks.markers] == ["Out.", "No."]
    assert back.find_clips()[0].media_reference.target_url == "../build/ep.mp4"


def test_examples_export_without_errors(line_audio, tmp_path):
    """Every example becomes a timeline whose shots cover its frames exactly."""
    for path in EXAMPLES:
        episode = api.compile_file(path).episode
        tracks = api.schedule(episode, line_audio(episode), api.BuildSettings())
        back = read_back(timeline.build_timeline(episode, tracks), tmp_path)
        assert back.video_tracks()[0].duration().value == tracks.frame_count
        assert len(back.tracks.markers) == len(tracks.cues)
