"""Review video: the changed shots of two drafts side by side, labelled, with the new dialogue."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from screenplay_compiler import api, ir
from screenplay_compiler.diff import EpisodeDiff, EventChange, FieldChange, ShotChange
from screenplay_compiler.diffview import describe
from screenplay_compiler.review import EMPTY_PANEL, Draft, layout_for, render_review

from .conftest import decode_audio, decode_video

pytestmark = pytest.mark.e2e

HEAD = """Title: Review Test
CAST
MEI: young woman, black ponytail, red coat
JUN: tall man, short brown hair, blue jacket

EXT. OLD BRIDGE - DAWN
"""
OLD = HEAD + """[WIDE]
MEI waves.
[CLOSE ON MEI]
MEI (worried): The bridge is out.
[CLOSE ON JUN]
JUN (calm): Then we wait.
[MEDIUM ON JUN]
JUN nods.
"""
NEW = HEAD + """[TWO-SHOT MEI AND JUN]
MEI waves.
[CLOSE ON MEI]
MEI (worried): The bridge is out. The river took the middle span.
[CLOSE ON JUN]
JUN (calm): Then we wait.
"""
SETTINGS = dict(width=320, height=180, fps=8, draft=True)
SCENE = "old-bridge-dawn"
WIDE, TWO, MEI, JUN, MEDIUM = (f"{SCENE}.{s}" for s in ("wide", "two-shot-mei-jun", "close-mei", "close-jun", "medium-jun"))


def _draft(root: Path, name: str, text: str, settings: api.BuildSettings) -> Draft:
    path = root / f"{name}.play"
    path.write_text(text, encoding="utf-8")
    episode = api.compile_file(path).episode
    audio = api.synthesize(episode, settings.cache_dir)
    return Draft(episode, api.schedule(episode, audio, settings), audio)


def _line(draft: Draft, shot_id: str) -> ir.Line:
    shot = next(s for s in draft.episode.shots if s.id == shot_id)
    return next(e for e in shot.events if isinstance(e, ir.Line))


def _diff(old: Draft, new: Draft) -> EpisodeDiff:
    """What diff_episodes would say: camera changed, a line's words changed, one kept, one removed."""
    old_line, new_line = _line(old, MEI), _line(new, MEI)
    line = EventChange(status="changed", kind="line", old_id=old_line.id, new_id=new_line.id,
                       summary=f"MEI (worried): {new_line.text}",
                       fields=(FieldChange(field="text", old=old_line.text, new=new_line.text),))
    shots = (
        ShotChange(status="changed", old_id=WIDE, new_id=TWO, scene=SCENE, camera="TWO-SHOT MEI AND JUN",
                   fields=(FieldChange(field="camera", old="WIDE", new="TWO-SHOT MEI AND JUN"),), rerender=True),
        ShotChange(status="changed", old_id=MEI, new_id=MEI, scene=SCENE, camera="CLOSE ON MEI", events=(line,),
                   rerender=True),
        ShotChange(status="unchanged", old_id=JUN, new_id=JUN, scene=SCENE, camera="CLOSE ON JUN"),
        ShotChange(status="removed", old_id=MEDIUM, scene=SCENE, camera="MEDIUM ON JUN"),
    )
    return EpisodeDiff(old="old.play", new="new.play", old_duration=old.tracks.duration,
                       new_duration=new.tracks.duration, shots=shots)


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    settings = api.BuildSettings(cache_dir=root / "cache", **SETTINGS)
    old, new = _draft(root, "old", OLD, settings), _draft(root, "new", NEW, settings)
    out = root / "out" / "review.mp4"
    report = render_review(_diff(old, new), old, new, out, settings)
    return old, new, out, report, settings






def _panel(frame: np.ndarray, side: str) -> np.ndarray:
    lay = layout_for(frame.shape[1], frame.shape[0])
    return frame[lay.top : lay.top + lay.panel_h, lay.x(side) : lay.x(side) + lay.panel_w].astype(np.int16)


def _middle(report, index: int) -> int:
    shot = report.shots[index]
    return round(shot.start * SETTINGS["fps"]) + shot.frame_count // 2


def _count(draft: Draft, shot_id: str | None) -> int:
    return next(s.frame_count for s in draft.tracks.shots if s.id == shot_id) if shot_id else 0


class TestVideo:
    def test_only_changed_shots_each_after_a_title_card(self, reviewed):
        old, new, out, report, _ = reviewed
        assert [(s.old_id, s.new_id) for s in report.shots] == [(WIDE, TWO), (MEI, MEI), (MEDIUM, None)]
        expected = [max(_count(old, s.old_id), _count(new, s.new_id)) for s in report.shots]
        assert [s.frame_count for s in report.shots] == expected
        assert report.card_frames == 4  # 0.5 s at 8 fps
        assert len(decode_video(out)) == report.frame_count == sum(expected) + 3 * report.card_frames

    def test_shots_start_after_their_cards(self, reviewed):
        report = reviewed[3]
        fps, card = SETTINGS["fps"], reviewed[3].card_frames
        assert report.shots[0].start == card / fps
        assert report.shots[1].start == (2 * card + report.shots[0].frame_count) / fps

    def test_new_camera_differs_from_old(self, reviewed):
        frame = decode_video(reviewed[2])[_middle(reviewed[3], 0)]
        assert np.abs(_panel(frame, "old") - _panel(frame, "new")).mean() > 8

    def test_removed_shot_shows_an_empty_panel_on_the_right(self, reviewed):
        frame = decode_video(reviewed[2])[_middle(reviewed[3], 2)]
        right, left = _panel(frame, "new"), _panel(frame, "old")
        assert np.abs(np.median(right.reshape(-1, 3), axis=0) - EMPTY_PANEL).max() <= 4
        assert right.std() > 3  # the "REMOVED" word
        assert left.mean() > 60 and left.std() > 15  # the old shot, rendered

    def test_shorter_side_holds_its_last_frame(self, reviewed):
        old, new, out, report, _ = reviewed
        shot = report.shots[1]
        assert _count(old, MEI) < _count(new, MEI)  # the longer line makes the new shot longer
        frames = decode_video(out)
        first = round(shot.start * SETTINGS["fps"])
        held = [_panel(frames[first + i], "old") for i in range(_count(old, MEI), shot.frame_count)]
        assert len(held) >= 2 and all(np.abs(h - held[0]).mean() < 1.5 for h in held)  # up to encoding noise
        live = _panel(frames[first + _count(old, MEI) - 1], "old")
        corner = (slice(4, 10), slice(4, 30))
        assert held[0][corner].mean() < 0.6 * live[corner].mean()  # the "ENDED" mark's darkened box

    def test_label_bands_carry_text(self, reviewed):
        frame = decode_video(reviewed[2])[_middle(reviewed[3], 1)].astype(np.int16)
        lay = layout_for(frame.shape[1], frame.shape[0])
        band = frame[: lay.top]
        assert np.abs(frame[:3] - frame[0, 0]).max() < 12  # the blank top edge of the band
        for side in ("old", "new"):
            region = band[:, lay.x(side) : lay.x(side) + lay.panel_w]
            contrast = np.abs(np.diff(region.mean(axis=2), axis=1))
            assert (contrast > 60).sum() > 40, side

    def test_the_same_inputs_give_the_same_bytes(self, reviewed, tmp_path):
        old, new, out, _, settings = reviewed
        again = tmp_path / "again.mp4"
        render_review(_diff(old, new), old, new, again, settings)
        assert again.read_bytes() == out.read_bytes()


class TestAudio:
    def _rms(self, samples: np.ndarray, rate: int, start: float, end: float) -> float:
        part = samples[int(start * rate) : int(end * rate)]
        return float(np.sqrt(np.mean(part**2)))

    def test_changed_line_is_heard_and_silence_elsewhere(self, reviewed):
        old, new, out, report, _ = reviewed
        samples, rate = decode_audio(out)
        fps = SETTINGS["fps"]
        mei = report.shots[1]
        assert self._rms(samples, rate, mei.start, mei.start + mei.frame_count / fps) > 0.02
        assert self._rms(samples, rate, 0, report.shots[0].start) < 1e-3  # the first title card
        wide = report.shots[0]
        assert self._rms(samples, rate, wide.start + 0.1, wide.start + wide.frame_count / fps - 0.1) < 1e-3

    def test_line_starts_where_it_starts_in_its_shot(self, reviewed):
        old, new, out, report, _ = reviewed
        line = _line(new, MEI)
        placed = next(p for p in new.tracks.audio if p.line_id == line.id)
        shot = next(s for s in new.tracks.shots if s.id == MEI)
        onset = report.shots[1].start + placed.start - shot.first_frame / SETTINGS["fps"]
        samples, rate = decode_audio(out)
        loud = np.flatnonzero(np.abs(samples[int((onset - 0.3) * rate) :]) > 0.02)
        assert abs((loud[0] / rate + onset - 0.3) - onset) < 0.15


class TestWithTheRealDiff:
    def test_reviews_what_diff_episodes_reports(self, reviewed, tmp_path):
        from screenplay_compiler.diff import diff_episodes

        old, new, _, _, settings = reviewed
        sides = [api.draft_side(name, d.episode, d.tracks, settings) for name, d in (("old.play", old), ("new.play", new))]
        diff = diff_episodes(*sides)
        report = render_review(diff, old, new, tmp_path / "real.mp4", settings)
        assert [(s.old_id, s.new_id) for s in report.shots] == [(c.old_id, c.new_id) for c in diff.changed()]
        mei = next(s for s in report.shots if s.new_id == MEI)
        assert "The river took the middle span" in mei.summary
        assert len(decode_video(tmp_path / "real.mp4")) == report.frame_count


class TestErrors:
    def test_nothing_changed(self, reviewed, tmp_path):
        old, new, *_, settings = reviewed
        same = EpisodeDiff(old="a", new="b", old_duration=1.0, new_duration=1.0,
                           shots=(ShotChange(status="unchanged", old_id=JUN, new_id=JUN, scene=SCENE, camera="x"),))
        with pytest.raises(ValueError, match="no shot changed: nothing to review"):
            render_review(same, old, new, tmp_path / "x.mp4", settings)
        assert not (tmp_path / "x.mp4").exists()

    def test_a_shot_the_draft_lacks(self, reviewed, tmp_path):
        old, new, *_, settings = reviewed
        bad = EpisodeDiff(old="a", new="b", old_duration=1.0, new_duration=1.0,
                          shots=(ShotChange(status="added", new_id="nowhere.wide", scene=SCENE, camera="x"),))
        with pytest.raises(ValueError, match="new draft has no shot 'nowhere.wide'"):
            render_review(bad, old, new, tmp_path / "x.mp4", settings)
        assert not (tmp_path / "x.mp4").exists()


class TestDescribe:
    def test_values_from_each_side(self):
        change = ShotChange(status="changed", old_id="s.a", new_id="s.a", scene="s", camera="WIDE",
                            fields=(FieldChange(field="camera", old="WIDE", new="CLOSE ON MEI"),
                                    FieldChange(field="scene", old="a", new="b")))
        assert describe(change, "old") == 'camera: "WIDE" (+1 more)'
        assert describe(change, "new") == 'camera: "CLOSE ON MEI" (+1 more)'

    def test_added_event_and_added_shot(self):
        event = EventChange(status="added", kind="action", new_id="s.a.x", summary="JUN nods.")
        assert describe(ShotChange(status="changed", scene="s", camera="WIDE", events=(event,))) == "action added: JUN nods."
        assert describe(ShotChange(status="added", new_id="s.b", scene="s", camera="WIDE")) == "added shot: WIDE"

    def test_words_before_the_length_they_cause(self):
        event = EventChange(status="changed", kind="line", summary="MEI: b",
                            fields=(FieldChange(field="text", old="a", new="b"),))
        change = ShotChange(status="changed", scene="s", camera="WIDE", events=(event,),
                            fields=(FieldChange(field="duration", old=2.0, new=2.5),))
        assert describe(change, "old") == 'line text: "a" (+1 more)'
        assert describe(change, "new") == 'line text: "b" (+1 more)'
        only = ShotChange(status="changed", scene="s", camera="WIDE", fields=(FieldChange(field="duration", old=2.0, new=2.5),))
        assert describe(only, "new") == "duration: 2.50 s"

    def test_move_and_duration(self):
        assert describe(ShotChange(status="moved", scene="s", camera="WIDE", old_duration=2.0, new_duration=2.0)) == "moved"
        assert describe(ShotChange(status="changed", scene="s", camera="WIDE", old_duration=2.0,
                                   new_duration=2.5)) == "duration 2.00s -> 2.50s"
