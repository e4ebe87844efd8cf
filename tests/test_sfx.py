"""The procedural sound-effect library: coverage, levels, determinism, names and user files."""

from __future__ import annotations

import math
import subprocess
import sys
import wave

import numpy as np
import pytest

from screenplay_compiler import mix, sfx
from screenplay_compiler.audiofile import AudioFileError
from screenplay_compiler.tracks import STRIDE, Clip

REQUIRED = {"door_slam", "knock", "footsteps", "thunder", "rain", "wind", "birds", "phone_ring", "bell", "chime",
            "glass_break", "car_horn", "crowd", "heartbeat", "clock_tick", "whoosh", "splash", "fire", "typing"}


def centroid(x: np.ndarray) -> float:
    """Power-weighted spectral centroid in Hz."""
    spec = np.abs(np.fft.rfft(x.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / sfx.RATE)
    return float((spec * freqs).sum() / spec.sum())


class TestLibrary:
    """Every effect renders, at its level, the same every time."""

    def test_at_least_fifteen_effects_including_the_usual_ones(self):
        assert len(sfx.EFFECTS) >= 15 and REQUIRED <= set(sfx.EFFECTS)

    @pytest.mark.parametrize("effect_id", sorted(sfx.EFFECTS))
    def test_renders_mono_48k_at_its_level(self, effect_id):
        x = sfx.render(effect_id)
        assert x.dtype == np.float32 and x.ndim == 1 and 0.5 <= len(x) / sfx.RATE <= 10
        assert np.all(np.isfinite(x))
        assert 20 * math.log10(np.abs(x).max()) == pytest.approx(sfx.EFFECTS[effect_id].level_dbfs, abs=0.01)
        assert abs(float(np.mean(x))) < 1e-3, "no DC offset"
        assert np.abs(x[-10:]).max() < 1e-3, "ends faded, no click"

    def test_effects_sound_like_themselves(self):
        assert centroid(sfx.render("thunder")) < 800 < centroid(sfx.render("glass_break"))
        assert centroid(sfx.render("birds")) > 2500 and centroid(sfx.render("heartbeat")) < 300
        ring = sfx.render("phone_ring")
        spec = np.abs(np.fft.rfft(ring[: sfx.RATE]))
        freqs = np.fft.rfftfreq(sfx.RATE, 1 / sfx.RATE)
        assert {440, 480} <= {int(round(f)) for f in freqs[np.argsort(spec)[-6:]]}
        knock = np.abs(sfx.render("knock"))
        env = knock[: len(knock) // 240 * 240].reshape(-1, 240).max(axis=1)  # 5 ms frames
        loud = np.flatnonzero(env > 0.3 * env.max())
        assert 1 + np.count_nonzero(np.diff(loud) > 10) == 3, "three knocks, 50 ms or more apart"

    def test_all_different(self):
        rendered = {e: sfx.render(e) for e in sfx.EFFECTS}
        digests = {hash(x.tobytes()) for x in rendered.values()}
        assert len(digests) == len(rendered)

    def test_deterministic_across_processes(self):
        code = "from screenplay_compiler import sfx; import hashlib; print(hashlib.sha256(sfx.render('rain').tobytes()).hexdigest())"
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        import hashlib

        assert other == hashlib.sha256(sfx.render("rain").tobytes()).hexdigest()

    def test_rendered_samples_are_read_only(self):
        with pytest.raises(ValueError):
            sfx.render("knock")[0] = 1.0

    def test_unknown_id(self):
        with pytest.raises(KeyError):
            sfx.render("kazoo")


class TestNames:
    """What scripts write, in English and Chinese, resolves to effects."""

    @pytest.mark.parametrize("name,effect", [
        ("door slams", "door_slam"), ("Door slams.", "door_slam"), ("the door slams", "door_slam"),
        ("a door slam", "door_slam"), ("关门", "door_slam"), ("thunder", "thunder"), ("雷声", "thunder"),
        ("打雷", "thunder"), ("footsteps", "footsteps"), ("脚步声", "footsteps"), ("phone rings", "phone_ring"),
        ("glass shatters", "glass_break"), ("knocks on the door", "knock"), ("敲门", "knock"), ("rain", "rain"),
        ("雨声", "rain"), ("clock ticking", "clock_tick"), ("a gunshot", "gunshot"), ("wind chimes", "chime"),
        ("鸟叫", "birds"), ("crackling fire", "fire"), ("风声", "wind"),
    ])
    def test_resolve(self, name, effect):
        assert sfx.resolve(name) == effect

    @pytest.mark.parametrize("name", ["kazoo", "", "door", "雷雨交加的夜晚"])
    def test_unknown_is_none(self, name):
        assert sfx.resolve(name) is None

    def test_every_listed_name_resolves(self):
        assert len(sfx.NAMES) > 60
        assert all(sfx.resolve(n) in sfx.EFFECTS for n in sfx.NAMES)
        assert any(not n.isascii() for n in sfx.NAMES), "Chinese names are listed for did-you-mean"


class TestFilesAndSteps:
    """User sound files and footsteps that land with the animation."""

    def test_user_file_is_decoded_to_48k_stereo(self, tmp_path):
        sr, t = 22050, np.arange(22050) / 22050
        pcm = (0.5 * np.sin(2 * np.pi * 1000 * t) * 32767).astype("<i2")
        (tmp_path / "sounds").mkdir()
        with wave.open(str(tmp_path / "sounds" / "bell.wav"), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(sr), w.writeframes(pcm.tobytes())
        x = sfx.load("sounds/bell.wav", tmp_path)
        assert x.shape[1] == 2 and abs(len(x) - sfx.RATE) < 100
        assert np.abs(x[1000:-1000]).max() == pytest.approx(0.5 / math.sqrt(2), abs=0.01)  # mono sits in the centre at -3 dB

    def test_missing_file_is_a_clear_error(self, tmp_path):
        with pytest.raises(AudioFileError, match=r"sound file not found: .*nope\.wav"):
            sfx.load("nope.wav", tmp_path)

    def test_broken_file_is_a_clear_error(self, tmp_path):
        (tmp_path / "bad.wav").write_bytes(b"RIFF not really audio")
        with pytest.raises(AudioFileError, match="cannot decode"):
            sfx.load("bad.wav", tmp_path)

    def test_footsteps_land_on_heel_strikes(self):
        clip = Clip(kind="walk", start=1.0, end=3.4, distance=3.0)
        times = mix.footstep_times(clip)
        assert len(times) == 4
        for t in times:  # the animator's phase: 2 pi * distance covered / stride; heels strike at sin = +-1
            phase = 2 * math.pi * clip.distance * (t - clip.start) / (clip.end - clip.start) / STRIDE
            assert abs(abs(math.sin(phase)) - 1.0) < 1e-9
        assert all(clip.start <= t <= clip.end for t in times)

    def test_footstep_surfaces_differ(self):
        wood, grass = sfx.footstep("wood", 0), sfx.footstep("grass", 0)
        assert centroid(wood) < centroid(grass)
        assert not np.array_equal(sfx.footstep("stone", 0), sfx.footstep("stone", 1))
