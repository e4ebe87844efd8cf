"""Lip sync: IPA -> Rhubarb visemes, co-articulated mouth curves, timing against piper's alignment."""

from __future__ import annotations

import math

import numpy as np
import pytest

from screenplay_compiler import ir, voice
from screenplay_compiler.animate import frame_at
from screenplay_compiler.api import compile_text
from screenplay_compiler.camera import project
from screenplay_compiler.render import Renderer
from screenplay_compiler.tracks import TrackSettings, build_tracks, lipsync_notices
from screenplay_compiler.visemes import CLOSE_LEAD, mouth_curves, viseme_of
from screenplay_compiler.voice import LineAudio, Phoneme

from .conftest import tone

FPS = 30
TEXT = "Mama bought my baby a map."
SCRIPT = f"""CAST
MEI: young woman, short black hair, red coat

EXT. PARK - DAY
[CLOSE ON MEI]
MEI: {TEXT}
"""


class TestMapping:
    @pytest.mark.parametrize("symbol,viseme", [("m", "A"), ("b", "A"), ("p", "A"), ("u", "F"), ("w", "F"), ("o", "F"),
                                               ("ɑ", "D"), ("æ", "C"), ("f", "G"), ("l", "H"), ("s", "B"), ("ɔ", "E"),
                                               (".", "X"), ("tɕ", "B")])
    def test_ipa_to_rhubarb(self, symbol, viseme):
        assert viseme_of(symbol) == viseme

    @pytest.mark.parametrize("symbol", ["ˈ", "ː", " ", "ʲ", "3"])
    def test_marks_are_transparent(self, symbol):
        assert viseme_of(symbol) is None


class TestCurves:
    def test_short_bilabial_is_shut_on_its_nearest_frame(self):
        # a 20 ms /m/ between two frames must still close the lips on one of them
        ph = (Phoneme("ɑ", 0.0, 0.2), Phoneme("m", 0.21, 0.23), Phoneme("ɑ", 0.23, 0.45))
        c = mouth_curves(ph, [i / FPS for i in range(14)], FPS)
        nearest = round(0.22 * FPS)
        assert c.closure[nearest] == 1.0 and c.open[nearest] == 0.0 and c.visemes[nearest] == "A"
        assert max(c.open[:4]) > 0.5 and max(c.open[9:]) > 0.5

    def test_coarticulated_not_held(self):
        # a long vowel blends smoothly into a rounded one: intermediate values, no jump of more than half the range
        ph = (Phoneme("i", 0.0, 0.3), Phoneme("u", 0.3, 0.6))
        c = mouth_curves(ph, [i / FPS for i in range(19)], FPS)
        assert c.round[2] < 0.2 and c.round[16] > 0.8
        assert len(set(c.round[5:14])) >= 4 and max(abs(a - b) for a, b in zip(c.round, c.round[1:])) < 0.5

    def test_rests_outside_speech(self):
        c = mouth_curves((Phoneme("ɑ", 0.3, 0.6),), [0.0, 0.45, 1.0], FPS)
        assert c.open[0] < 0.05 and c.open[1] > 0.6 and c.open[2] < 0.05

    def test_deterministic(self):
        ph = tuple(Phoneme(s, i * 0.07, (i + 1) * 0.07) for i, s in enumerate("mɑmɐbɔt"))
        times = [i / FPS for i in range(20)]
        assert mouth_curves(ph, times, FPS) == mouth_curves(ph, times, FPS)


@pytest.fixture(scope="module")
def spoken(tmp_path_factory, piper_models):
    """The bilabial line spoken by piper (with its own alignment) and scheduled at 30 fps."""
    cache = tmp_path_factory.mktemp("visemes-cache")
    (cache / "models").symlink_to(piper_models)
    episode = compile_text(SCRIPT, "v.play").episode
    line = next(e for s in episode.shots for e in s.events if isinstance(e, ir.Line))
    audio = voice.VoiceBank(cache).line(line.text, ir.Voice(), "neutral")
    tracks = build_tracks(episode, {line.id: audio}, TrackSettings(fps=FPS, width=320, height=180))
    speech = tracks.scenes[0].actors[0].speech[0]
    return episode, tracks, speech, audio


class TestAgainstPiper:
    def test_line_is_lip_synced_from_phonemes(self, spoken):
        _, tracks, speech, audio = spoken
        assert speech.lipsync == "phonemes" and lipsync_notices(tracks) == ()
        assert len(speech.mouth) == len(speech.closure) == len(speech.visemes) == len(speech.round)
        assert sum(viseme_of(p.symbol) == "A" for p in audio.phonemes) == 8  # ma-ma bought my ba-by a map: m m b m b b m p

    def test_lips_closed_at_every_bilabial(self, spoken):
        _, _, speech, audio = spoken
        for p in (p for p in audio.phonemes if viseme_of(p.symbol) == "A"):
            mid = round((speech.start + (p.start + p.end) / 2) * FPS) - speech.first_frame  # within half a frame
            if 0 <= mid < len(speech.closure):
                assert speech.closure[mid] == 1.0 and speech.mouth[mid] == 0.0, p
                assert speech.visemes[mid] == "A"

    def test_closures_only_near_bilabials(self, spoken):
        _, _, speech, audio = spoken
        bilabials = [p for p in audio.phonemes if viseme_of(p.symbol) == "A"]
        for i, c in enumerate(speech.closure):
            t = (speech.first_frame + i) / FPS - speech.start
            gap = min(max(p.start - t, t - p.end, 0.0) for p in bilabials)
            if gap > CLOSE_LEAD + 1.0 / FPS:
                assert c == 0.0, (i, t)

    def test_mouth_opens_on_vowels_and_rounds_on_o(self, spoken):
        _, _, speech, audio = spoken
        for p in audio.phonemes:
            if p.symbol in ("ɑ", "ɔ", "a", "æ") and p.end - p.start >= 0.04:
                k = round((speech.start + (p.start + p.end) / 2) * FPS) - speech.first_frame
                window = range(max(0, k - 1), min(len(speech.mouth), k + 2))  # within one frame
                assert max(speech.mouth[j] for j in window) > 0.3, p
                if p.symbol == "ɔ":
                    assert max(speech.round[j] for j in window) > 0.2

    def test_rendered_mouth_follows_visemes(self, spoken):
        episode, tracks, speech, _ = spoken
        shut = [i for i, v in enumerate(speech.visemes) if v == "A"]
        wide = max(range(len(speech.mouth)), key=lambda i: speech.mouth[i])
        assert speech.mouth[wide] > 0.5
        with Renderer(320, 180) as r:
            crops = [_mouth_crop(r, episode, tracks, (speech.first_frame + i) / FPS) for i in (shut[0], shut[1], wide)]
        dark = [float((c.mean(axis=2) < 70).sum()) for c in crops]
        assert dark[2] > dark[0] + 4 and dark[2] > dark[1] + 4  # an open, dark mouth on the vowel only
        assert np.abs(crops[2].astype(int) - crops[0].astype(int)).mean() > 3.0


def _mouth_crop(renderer: Renderer, episode, tracks, t: float) -> np.ndarray:
    """The pixels around the speaker's mouth at ``t`` in the close-up."""
    state = frame_at(episode, tracks, t)
    actor = state.actors[0]
    yaw = actor.yaw + actor.pose.head_yaw
    point = (actor.x + math.sin(yaw) * 0.09, actor.appearance.height_m * 0.885, actor.z + math.cos(yaw) * 0.09)
    x, y, _ = project(state.camera, point, tracks.width / tracks.height)
    px, py = int((x + 1) / 2 * tracks.width), int((1 - y) / 2 * tracks.height)
    return renderer.render(state)[py - 10 : py + 10, px - 14 : px + 14]


class TestFallback:
    def test_line_without_alignment_follows_loudness_and_says_so(self):
        episode = compile_text(SCRIPT, "v.play").episode
        line = next(e for s in episode.shots for e in s.events if isinstance(e, ir.Line))
        t = tone(1.2)
        bare = LineAudio(t.samples, t.sample_rate, ())
        tracks = build_tracks(episode, {line.id: bare}, TrackSettings(fps=FPS, width=320, height=180))
        speech = tracks.scenes[0].actors[0].speech[0]
        assert speech.lipsync == "audio" and speech.closure == () and max(speech.mouth) > 0.5
        notes = lipsync_notices(tracks)
        assert len(notes) == 1 and line.id in notes[0] and "loudness" in notes[0]
