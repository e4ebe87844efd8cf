"""Foley for actions: claps, jumps, falls and the rest are heard at the moments the rig puts a body
part against a hand, the floor or another body; silent elsewhere; deterministic; under dialogue."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from screenplay_compiler import api, foley, ir, mix, sfx
from screenplay_compiler.animate import frame_at
from screenplay_compiler.render.skeleton import BONE_INDEX, pose_matrices, proportions
from screenplay_compiler.tracks import TrackSettings, build_tracks
from screenplay_compiler.voice import LineAudio

from .conftest import ROOT, TWO_HANDER, tone

FPS = 30
FRAME = 1.0 / FPS
SR = mix.MIX_RATE
SCRIPT = TWO_HANDER + "[WIDE]\nMEI claps.\n(beat 1s)\nMEI jumps.\n(beat 1s)\nMEI falls.\n(beat 2s)\n"


def schedule(body: str, audio: dict | None = None):
    """(episode, tracks) of a scene body on the old bridge (wood), at 30 fps."""
    episode = api.compile_text(TWO_HANDER + "[WIDE]\n" + body + "\n", "<foley>").episode
    return episode, build_tracks(episode, audio or {}, TrackSettings(fps=FPS, width=160, height=90))


def hits(tracks, who: str = "MEI") -> list[foley.Hit]:
    """Every Foley hit of ``who`` in the first scene, in time order."""
    actor = next(a for a in tracks.scenes[0].actors if a.name == who)
    return sorted((h for c in actor.clips for h in foley.action_hits(c, cut=foley._cut(actor, c))), key=lambda h: h.t)


def clip(tracks, kind: str, who: str = "MEI"):
    """The first clip of ``kind`` of ``who``."""
    return next(c for a in tracks.scenes[0].actors if a.name == who for c in a.clips if c.kind == kind)


def joints(episode, tracks, t: float) -> dict[str, np.ndarray]:
    """MEI's joint positions (metres, feet planted) at ``t``, as the renderer poses her."""
    mei = next(a for a in frame_at(episode, tracks, t).actors if a.name == "MEI")
    mats = pose_matrices(proportions(mei.appearance), mei.pose, np.eye(4))
    return {bone: mats[i][:3, 3] for bone, i in BONE_INDEX.items()}


def frames(c, pad: float = 0.3) -> np.ndarray:
    """Frame times over a clip and a little either side."""
    return np.arange(round((c.start - pad) * FPS), round((c.end + pad) * FPS) + 1) / FPS


def onsets(stem: np.ndarray, floor_db: float = -60.0) -> list[float]:
    """Transients of a stem: 1 ms blocks that jump 12 dB above the 20 ms before them and pass ``floor_db``."""
    x = np.abs(stem[:, 0]).astype(np.float64)
    env = x[: len(x) // 48 * 48].reshape(-1, 48).max(axis=1)
    db = 20 * np.log10(env + 1e-12)
    out = []
    for i in range(20, len(db)):
        if db[i] > floor_db and db[i] > db[i - 20 : i].max() + 12.0 and (not out or i / 1000 - out[-1] > 0.05):
            out.append(i / 1000)
    return out


class TestPictureAgrees:
    """The contact times come from the action library's keys and sways; the rig must agree."""

    def test_claps_land_when_the_hands_meet(self):
        episode, tracks = schedule("MEI claps.")
        c = clip(tracks, "clap")
        claps = foley.clap_times(c)
        assert len(claps) >= 7
        apart = {t: float(np.linalg.norm(j["hand_l"] - j["hand_r"])) for t in frames(c) for j in [joints(episode, tracks, t)]}
        for t in claps:  # palms together within a frame of the sound, open half a beat later
            near = [d for ft, d in apart.items() if abs(ft - t) <= FRAME + 1e-9]
            assert min(near) < 0.03, (t, near)
            assert apart[min(apart, key=lambda ft: abs(ft - (t + 0.105)))] > 0.05
        closed = [ft for ft, d in apart.items() if d < 0.02 and c.start + 0.3 < ft < c.end - 0.3]
        assert all(min(abs(ft - t) for t in claps) <= FRAME + 1e-9 for ft in closed)  # and no silent clap

    def test_jump_scuffs_on_take_off_and_thuds_on_landing(self):
        episode, tracks = schedule("MEI jumps.")
        c = clip(tracks, "jump")
        feet = {t: min(j["foot_l"][1], j["foot_r"][1]) for t in frames(c) for j in [joints(episode, tracks, t)]}
        rest = feet[min(feet)]
        air = [t for t, y in feet.items() if y > rest + 0.005]
        scuff, land = (next(h.t for h in hits(tracks) if h.sound == s) for s in ("scuff", "land"))
        assert abs(scuff - (air[0] - FRAME)) <= FRAME + 1e-9  # the last frame on the ground
        assert abs(land - (air[-1] + FRAME)) <= FRAME + 1e-9  # the first frame back on it

    def test_a_fall_thuds_when_the_chest_stops_on_the_ground(self):
        episode, tracks = schedule("MEI falls.")
        c = clip(tracks, "fall")
        times = frames(c)
        chest = np.array([joints(episode, tracks, t)["chest"][1] for t in times])
        drop = -np.diff(chest)
        fastest = int(np.argmax(drop))
        stopped = times[fastest + 1 + int(np.argmax(drop[fastest:] < 0.01))]
        thud = next(h.t for h in hits(tracks) if h.sound == "body_fall")
        assert abs(thud - stopped) <= FRAME + 1e-9, (thud, stopped)
        assert chest[times.searchsorted(thud)] < 0.25  # the body is down


class TestStem:
    def test_transients_at_the_contacts_and_silence_between(self):
        _, tracks = schedule(SCRIPT.split("[WIDE]\n")[1])
        n = int(round(tracks.duration * SR))
        stem = mix.foley(tracks, n)
        expected = [h.t for h in hits(tracks) if h.sound in ("clap", "land", "body_fall", "scuff")]
        found = onsets(stem)
        print("onsets", [round(t, 3) for t in found])
        for t in expected:
            assert min(abs(f - t) for f in found) <= FRAME, t
        heard = np.zeros(n, bool)
        for h in hits(tracks):
            a = int(round(h.t * SR))
            heard[a : a + SR] = True  # no Foley sound lasts a second
        assert not np.any(stem[~heard]), "Foley where no body touches anything"
        thud = next(h.t for h in hits(tracks) if h.sound == "body_fall")
        quiet = stem[int((thud + 1.0) * SR) :]  # lying still: nothing once the thud has died away
        assert quiet.size and not np.any(quiet)

    def test_deterministic(self):
        _, tracks = schedule(SCRIPT.split("[WIDE]\n")[1])
        n = int(round(tracks.duration * SR))
        assert mix.foley(tracks, n).tobytes() == mix.foley(tracks, n).tobytes()
        first = sfx.foley("clap", "wood", 3).tobytes()
        sfx._foley.cache_clear()  # synthesised again from its seed: the same samples
        assert sfx.foley("clap", "wood", 3).tobytes() == first

    def test_the_floor_changes_the_thud_and_variants_differ(self):
        wood, grass, stone = (sfx.foley("body_fall", s, 0) for s in ("wood", "grass", "stone"))
        assert not np.array_equal(wood, grass) and not np.array_equal(wood, stone)
        assert not np.array_equal(sfx.foley("clap", "wood", 0), sfx.foley("clap", "wood", 1))
        for name in sfx.FOLEY_SOUNDS:
            x = sfx.foley(name, "wood", 0)
            assert x.dtype == np.float32 and abs(float(np.abs(x).max()) - 1.0) < 1e-6 and len(x) < SR

    def test_under_the_dialogue_and_never_clipping(self):
        body = SCRIPT.split("[WIDE]\n")[1] + "MEI: That hurt.\n"
        episode = api.compile_text(TWO_HANDER + "[WIDE]\n" + body, "<foley>").episode
        audio = {e.id: speech(1.5) for s in episode.shots for e in s.events if isinstance(e, ir.Line)}
        tracks = build_tracks(episode, audio, TrackSettings(fps=FPS, width=160, height=90))
        n = int(round(tracks.duration * SR))
        said, _ = mix.dialogue(episode, tracks, audio, n)
        body_sounds = mix.foley(tracks, n)
        loudest = [float(window_rms(x).max()) for x in (said, body_sounds)]
        print("loudest 100 ms RMS: dialogue %.1f dBFS, Foley %.1f dBFS" % tuple(loudest))
        assert loudest[1] < loudest[0] - 1.0
        out = mix.mix_episode(episode, tracks, audio)
        assert np.abs(out).max() <= 10 ** (-1.4 / 20)


def speech(seconds: float) -> LineAudio:
    """Test speech at a real line's level (about -26 dBFS RMS)."""
    line = tone(seconds)
    x = line.samples / np.sqrt(np.mean(line.samples.astype(np.float64) ** 2)) * 10 ** (-26 / 20)
    return LineAudio(samples=x.astype(np.float32), sample_rate=line.sample_rate, phonemes=line.phonemes)


def window_rms(samples: np.ndarray, seconds: float = 0.1) -> np.ndarray:
    """RMS (dBFS) of each window of a stereo signal."""
    w = int(seconds * SR)
    m = len(samples) // w
    return 10 * np.log10(np.mean(samples[: m * w].astype(np.float64).reshape(m, w, 2) ** 2, axis=(1, 2)) + 1e-20)


def bed_seconds(samples: np.ndarray, scenes) -> int:
    """Seconds at room-tone level: per-second RMS within 3 dB of the quietest tenth of its scene's seconds."""
    rms = window_rms(samples, 1.0)
    count = 0
    for s in scenes:
        part = rms[int(np.ceil(s.start)) : int(s.end)]
        if part.size:
            count += int(np.sum(part < np.percentile(part, 10) + 3.0))
    return count


@pytest.fixture(scope="module")
def audition():
    """The Audition, scheduled with speech-level test lines."""
    episode = api.compile_file(ROOT / "examples" / "the-audition.play").episode
    audio = {e.id: speech(1.5) for s in episode.shots for e in s.events if isinstance(e, ir.Line)}
    return episode, build_tracks(episode, audio, TrackSettings(fps=FPS, width=320, height=180)), audio


def test_the_audition_has_fewer_silent_seconds(audition, monkeypatch):
    episode, tracks, audio = audition
    base = Path(ROOT / "examples")
    after = bed_seconds(mix.mix_episode(episode, tracks, audio, base), tracks.scenes)
    monkeypatch.setattr(mix, "foley", lambda tracks, n, out=None: out)
    before = bed_seconds(mix.mix_episode(episode, tracks, audio, base), tracks.scenes)
    print(f"room tone only: {before} s before Foley, {after} s after, of {tracks.duration:.1f} s")
    assert after <= before - 8
