"""Stage 5: scheduling, blocking, mouth, blinks, camera framing, cues; and the animator."""

from __future__ import annotations

import math

import pytest

from screenplay_compiler import ir
from screenplay_compiler.animate import frame_at, shot_at
from screenplay_compiler.api import compile_text
from screenplay_compiler.camera import project
from hypothesis import given, settings
from hypothesis import strategies as st

from screenplay_compiler.subtitles import NO_END, NO_START, srt_time, to_srt, to_vtt, width, wrap
from screenplay_compiler.tracks import LINE_GAP, LINE_LEAD, SHOT_TAIL, TrackSettings, build_tracks, mouth_track

from .conftest import tone

SCRIPT = """CAST
MEI: young woman, red coat
JUN: tall man, blue jacket

EXT. OLD BRIDGE - DAWN
[WIDE]
MEI (worried): The bridge is out.
(beat 2s)
[CLOSE ON JUN]
JUN: Then we wait.
JUN nods.
[TWO-SHOT MEI AND JUN]
MEI walks to JUN.
MEI sits.
"""


@pytest.fixture
def compiled(line_audio):
    episode = compile_text(SCRIPT, "t.play").episode
    tracks = build_tracks(episode, line_audio(episode, 1.5), TrackSettings(fps=24, width=640, height=360))
    return episode, tracks


class TestSchedule:
    def test_lines_follow_each_other_with_the_beat_between(self, compiled):
        _, tracks = compiled
        first, second = tracks.cues
        assert first.start == pytest.approx(LINE_LEAD)
        assert first.end == pytest.approx(LINE_LEAD + 1.5)
        shot_start = math.ceil((first.end + LINE_GAP + 2.0 + SHOT_TAIL) * 24) / 24  # shots start on a frame
        assert second.start == pytest.approx(shot_start + LINE_LEAD, abs=1e-3)
        assert tracks.shots[1].start == pytest.approx(shot_start, abs=1e-4)

    def test_shots_tile_the_episode_in_whole_frames(self, compiled):
        _, tracks = compiled
        assert tracks.shots[0].first_frame == 0
        for a, b in zip(tracks.shots, tracks.shots[1:]):
            assert a.first_frame + a.frame_count == b.first_frame
        last = tracks.shots[-1]
        assert last.first_frame + last.frame_count == tracks.frame_count == round(tracks.duration * tracks.fps)

    def test_walk_covers_the_distance_at_walking_speed(self, compiled):
        _, tracks = compiled
        mei = tracks.scenes[0].actors[0]
        (walk,) = [c for c in mei.clips if c.kind == "walk"]
        assert walk.distance == pytest.approx(0.5, abs=0.01)  # 1.5 m apart, stops 1 m short
        assert walk.end - walk.start == pytest.approx(walk.distance / 1.25, abs=1e-3)
        assert mei.keys[-1].x == pytest.approx(-0.25, abs=0.01)

    def test_sit_comes_after_the_walk(self, compiled):
        _, tracks = compiled
        clips = {c.kind: c for c in tracks.scenes[0].actors[0].clips}
        assert clips["sit"].start >= clips["walk"].end

    def test_blinks_are_seeded_and_spaced(self, compiled, line_audio):
        episode, tracks = compiled
        again = build_tracks(episode, line_audio(episode, 1.5), TrackSettings(fps=24, width=640, height=360))
        assert ir.to_json(again) == ir.to_json(tracks)
        blinks = tracks.scenes[0].actors[0].blinks
        assert blinks != tracks.scenes[0].actors[1].blinks
        for shot in tracks.shots:
            inside = [b for b in blinks if shot.start <= b < shot.end]
            assert all(1.7 < b - a < 5.0 for a, b in zip(inside, inside[1:]))
            assert not inside or 0.3 < inside[0] - shot.start < 2.1

    @pytest.mark.parametrize("fps", [8, 12, 24, 30])
    def test_a_shot_moved_in_time_draws_the_same_frames(self, line_audio, fps):
        from screenplay_compiler.animate import shot_frame

        def frames(script, seconds=1.5, index=2):
            episode = compile_text(script, "t.play").episode
            tracks = build_tracks(episode, line_audio(episode, seconds), TrackSettings(fps=fps, width=640, height=360))
            shot = tracks.shots[index]
            return [shot_frame(episode, tracks, shot, f / fps) for f in range(shot.first_frame, shot.first_frame + shot.frame_count)]

        reference = frames(SCRIPT)
        for beat in ("0.6s", "3.37s", "5.123s", "11s"):
            assert frames(SCRIPT.replace("(beat 2s)", f"(beat {beat})")) == reference, beat
        # The same shot is as long when it ends the episode as when another shot follows it.
        assert frames(SCRIPT + "[WIDE]\n(beat 1s)\n") == reference


class TestMouth:
    def test_mouth_follows_loudness(self):
        audio = tone(1.0, gaps=False)
        silent = tone(1.0)
        silent = type(silent)(samples=silent.samples * 0, sample_rate=silent.sample_rate, phonemes=())
        times = [i / 24 for i in range(24)]
        assert max(mouth_track(audio, times, 24)) > 0.8
        assert max(mouth_track(silent, times, 24)) == 0.0

    def test_mouth_opens_during_lines_and_rests_in_beats(self, compiled):
        episode, tracks = compiled
        cue = tracks.cues[0]
        during = [frame_at(episode, tracks, cue.start + i / 24).actors[0].pose.mouth_open for i in range(30)]
        after = [frame_at(episode, tracks, cue.end + 0.5 + i / 24).actors[0].pose.mouth_open for i in range(24)]
        assert max(during) > 0.6 and len({round(v, 2) for v in during}) > 5
        assert max(after) == 0.0


class TestCamera:
    def test_close_up_frames_the_face_on_a_third(self, compiled):
        episode, tracks = compiled
        t = tracks.cues[1].start + 0.3
        frame = frame_at(episode, tracks, t)
        jun = next(a for a in frame.actors if a.name == "JUN")
        x, y, depth = project(frame.camera, (jun.x, jun.appearance.height_m * 0.935, jun.z), 640 / 360)
        assert abs(abs(x) - 1 / 3) < 0.12 and abs(y - 1 / 3) < 0.12 and depth < 1.5

    def test_two_shot_keeps_both_in_frame(self, compiled):
        episode, tracks = compiled
        shot = tracks.shots[2]
        for t in (shot.start + 0.1, (shot.start + shot.end) / 2, shot.end - 0.1):
            frame = frame_at(episode, tracks, t)
            for a in frame.actors:
                x, y, _ = project(frame.camera, (a.x, a.appearance.height_m * 0.9, a.z), 640 / 360)
                assert -0.95 < x < 0.95 and -0.95 < y < 0.95

    def test_wide_shot_sees_everyone_head_to_toe(self, compiled):
        episode, tracks = compiled
        frame = frame_at(episode, tracks, 0.5)
        for a in frame.actors:
            for h in (0.0, a.appearance.height_m):
                x, y, _ = project(frame.camera, (a.x, h, a.z), 640 / 360)
                assert -1 < x < 1 and -1 < y < 1

    def test_shot_at_uses_frame_boundaries(self, compiled):
        _, tracks = compiled
        second = tracks.shots[1]
        assert shot_at(tracks, second.first_frame / tracks.fps).id == second.id
        assert shot_at(tracks, (second.first_frame - 1) / tracks.fps).id == tracks.shots[0].id


class TestAnimator:
    def test_walk_phase_tracks_distance(self, compiled):
        episode, tracks = compiled
        walk = next(c for c in tracks.scenes[0].actors[0].clips if c.kind == "walk")
        end = frame_at(episode, tracks, walk.end - 1e-3).actors[0].pose
        assert end.walk_phase == pytest.approx(2 * math.pi * walk.distance / 1.4, rel=0.01)

    def test_nod_moves_the_head(self, compiled):
        episode, tracks = compiled
        nod = next(c for c in tracks.scenes[0].actors[1].clips if c.kind == "nod")
        pitches = [frame_at(episode, tracks, nod.start + i * 0.05).actors[1].pose.head_pitch for i in range(18)]
        assert max(pitches) > 0.15

    def test_listener_looks_at_the_speaker(self, compiled):
        episode, tracks = compiled
        frame = frame_at(episode, tracks, tracks.cues[0].start + 0.2)
        mei, jun = frame.actors
        want = math.atan2(mei.x - jun.x, mei.z - jun.z)
        assert abs((jun.yaw + jun.pose.head_yaw) - want) < 0.05

    def test_blink_closes_the_eyes(self, compiled):
        episode, tracks = compiled
        blink = tracks.scenes[0].actors[0].blinks[0]
        assert frame_at(episode, tracks, blink + 0.08).actors[0].pose.blink > 0.9


CJK_TEXT = st.text(alphabet=st.sampled_from(list("桥断了河水昨晚冲走中间那一段我们得等到午潮退去才能过") + list("，。、！？」「（）")),
                   min_size=1, max_size=80)
WORDS = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz,.!?'", min_size=1, max_size=12), min_size=1, max_size=20)


class TestSubtitles:
    @settings(max_examples=300, deadline=None)
    @given(CJK_TEXT, st.integers(min_value=8, max_value=42))
    def test_cjk_wrap_keeps_every_character_and_kinsoku(self, text, limit):
        lines = wrap(text, limit)
        assert "".join(lines) == text
        assert all(width(line) <= limit for line in lines)
        for line in lines[1:]:
            assert line[0] not in NO_START or len(line) == 1 or all(c in NO_START for c in line[:2])
        for line in lines[:-1]:
            assert line[-1] not in NO_END or all(c in NO_END for c in line)

    @settings(max_examples=200, deadline=None)
    @given(WORDS, st.integers(min_value=12, max_value=42))
    def test_latin_wrap_never_splits_a_word(self, words, limit):
        text = " ".join(words)
        lines = wrap(text, limit)
        assert " ".join(lines).split() == words
        assert all(width(line) <= limit or " " not in line for line in lines)

    def test_vtt(self, compiled):
        _, tracks = compiled
        vtt = to_vtt(tracks.cues)
        first = tracks.cues[0]
        assert vtt.startswith(f"WEBVTT\n\n{first.line_id}\n00:00:00.120 --> 00:00:01.620\n<v MEI>The bridge is out.\n")
        assert to_vtt([first.model_copy(update={"text": "a <b> & c"})]).endswith("<v MEI>a &lt;b&gt; &amp; c\n")

    def test_srt_format(self, compiled):
        _, tracks = compiled
        srt = to_srt(tracks.cues)
        assert srt.startswith("1\n00:00:00,120 --> 00:00:01,620\nThe bridge is out.\n\n2\n")

    def test_srt_time(self):
        assert srt_time(3725.0456) == "01:02:05,046"

    def test_wrap_latin_at_spaces_and_cjk_by_width(self):
        lines = wrap("The river took the middle span of the old bridge last night, and nobody saw it go.")
        assert all(len(l) <= 42 for l in lines) and " ".join(lines).split() == "The river took the middle span of the old bridge last night, and nobody saw it go.".split()
        cjk = wrap("桥断了。河水昨晚冲走了中间那一段，我们得等到中午潮水退去才能过河。")
        assert len(cjk) == 2 and all(sum(2 for _ in l) <= 42 for l in cjk)
