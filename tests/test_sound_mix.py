"""The soundtrack: dialogue treatment, effects, footsteps, music, room tone, ducking, mastering
to -16 LUFS / -1 dBTP, timing against the subtitles, and the --audio-only radio-drama build."""

from __future__ import annotations

import socket
import wave
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from screenplay_compiler import aigc, ambience, api, ir, loudness, mix, voice
from screenplay_compiler.audiofile import AudioFileError, decode
from screenplay_compiler.cli import app
from screenplay_compiler.tracks import TrackSettings, build_tracks

from .conftest import tone
from .test_loudness import ffmpeg_ebur128

SR = mix.MIX_RATE
FPS = 24
SCRIPT = """Title: Mix
CAST
MEI: young woman, red coat
JUN: tall man, blue jacket

EXT. CITY STREET - NIGHT - RAIN
[WIDE]
MUSIC: "theme.wav" fade in 1s
MEI (worried): Did you hear that?
SFX: thunder
JUN (O.S.): I am down here!
JUN walks to MEI.
MEI (V.O.): I never told him.
MUSIC: fade out 1s
(beat 2s)
SFX: door slams
MEI: Come.
"""


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """A 16-bit WAV (mono or stereo) for a test asset."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1 if pcm.ndim == 1 else pcm.shape[1]), w.setsampwidth(2), w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def theme(path: Path, freq: float = 3000.0, seconds: float = 4.0) -> None:
    """A steady sine 'theme' (easy to follow through the mix)."""
    t = np.arange(int(seconds * 44100)) / 44100
    x = 0.3 * np.sin(2 * np.pi * freq * t)
    write_wav(path, np.stack([x, x], axis=1), 44100)


def band_level(x: np.ndarray, freq: float, a: float, b: float) -> float:
    """Level (dB) of the ``freq`` component of mono ``x`` between ``a`` and ``b`` seconds."""
    seg = x[int(a * SR) : int(b * SR)]
    window = np.hanning(len(seg))
    spec = np.abs(np.fft.rfft(seg * window)) / window.sum()  # amplitude, whatever the window's length
    bins = np.fft.rfftfreq(len(seg), 1 / SR)
    return 20 * np.log10(spec[np.abs(bins - freq) < 15].max() + 1e-12)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A script folder with the script and its music."""
    root = tmp_path_factory.mktemp("mix")
    (root / "mix.play").write_text(SCRIPT, encoding="utf-8")
    theme(root / "theme.wav")
    return root


@pytest.fixture(scope="module")
def timed(folder):
    """(episode, tracks, synthetic line audio) for the script."""
    episode = api.compile_file(folder / "mix.play").episode
    audio = {e.id: tone(1.2) for s in episode.shots for e in s.events if isinstance(e, ir.Line)}
    return episode, build_tracks(episode, audio, TrackSettings(fps=FPS, width=320, height=180)), audio


@pytest.fixture(scope="module")
def mixed(folder, timed):
    """The mastered soundtrack of the script."""
    episode, tracks, audio = timed
    return mix.mix_episode(episode, tracks, audio, folder)


class TestMaster:
    """-16 LUFS integrated, true peak at or under -1 dBTP, deterministic."""

    def test_loudness_and_true_peak(self, mixed, tmp_path):
        assert mixed.dtype == np.float32 and mixed.shape[1] == 2
        assert abs(loudness.integrated_loudness(mixed, SR) + 16.0) <= 1.0
        assert loudness.db(loudness.true_peak(mixed)) <= -1.0
        mix.write_wav(tmp_path / "m.wav", mixed, SR)
        lufs, peak = ffmpeg_ebur128(tmp_path / "m.wav")  # an independent meter agrees
        assert abs(lufs + 16.0) <= 1.0 and peak <= -1.0

    def test_deterministic(self, folder, timed, mixed):
        again = mix.mix_episode(*timed, folder)
        assert np.array_equal(again, mixed)

    def test_length_matches_the_picture(self, timed, mixed):
        assert len(mixed) == round(timed[1].duration * SR)


class TestStems:
    """Each layer where and how the script puts it."""

    def test_effects_start_at_their_cue(self, folder, timed):
        _, tracks, _ = timed
        stem = mix.effects(tracks, folder, round(tracks.duration * SR))
        for p in tracks.sounds:
            if p.kind == "sound":
                after = np.abs(stem[int(p.start * SR) - 480 :, 0])
                onset = int(p.start * SR) - 480 + int(np.argmax(after > 1e-4))
                assert abs(onset / SR - p.start) <= 0.01, p.effect

    def test_footsteps_while_walking(self, timed):
        _, tracks, _ = timed
        n = round(tracks.duration * SR)
        stem = np.abs(mix.footsteps(tracks, n)[:, 0])
        walk = next(c for s in tracks.scenes for a in s.actors for c in a.clips if c.kind == "walk")
        times = mix.footstep_times(walk)
        assert times and all(stem[int(t * SR) : int(t * SR) + 480].max() > 1e-3 for t in times)
        assert stem[: int((walk.start - 0.1) * SR)].max() == 0.0

    def test_music_fades_in_loops_and_stops(self, folder, timed):
        _, tracks, _ = timed
        cues = [p for p in tracks.sounds if p.kind == "music"]
        n = round(tracks.duration * SR)
        bed = np.abs(ambience.music_bed(cues, folder, n)[:, 0])
        level = lambda a, b: float(np.sqrt(np.mean(bed[int(a * SR) : int(b * SR)] ** 2)))  # noqa: E731
        assert level(0.0, 0.2) < 0.5 * level(1.2, 1.6), "fades in over a second"
        stop = cues[1].start
        assert level(stop + 1.05, tracks.duration) == 0.0, "silent after the fade out"
        assert level(stop - 0.3, stop) > 0.0

    def test_music_loops_past_the_end_of_its_file(self, tmp_path):
        theme(tmp_path / "short.wav", seconds=1.0)
        from screenplay_compiler.tracks import SoundPlacement

        cue = SoundPlacement(event_id="m", kind="music", start=0.0, path="short.wav")
        bed = ambience.music_bed([cue], tmp_path, 4 * SR)
        assert np.abs(bed[int(2.5 * SR) : int(2.6 * SR)]).max() > 0.01

    def test_music_ducks_ten_db_under_dialogue(self, folder, timed, mixed):
        _, tracks, _ = timed
        mono = mixed.mean(axis=1)
        cue = next(c for c in tracks.cues if c.start > 1.0 and c.end - c.start > 1.0)
        under = band_level(mono, 3000, cue.start + 0.2, cue.end - 0.2)
        clear = band_level(mono, 3000, cue.end + 0.45, cue.end + 0.85)
        assert under - clear == pytest.approx(ambience.MUSIC_DUCK_DB, abs=1.5)

    def test_duck_envelope_attack_and_release(self):
        amount = ambience.speech_amount([(1.0, 2.0)], 3 * SR)
        at = lambda t: amount[int(t * SR)]  # noqa: E731
        assert at(0.8) == 0.0 and at(1.0) == pytest.approx(1.0, abs=0.01) and at(1.5) == 1.0
        assert 0.0 < at(0.925) < 1.0 and 0.0 < at(2.2) < 1.0 and at(2.45) == 0.0
        gain = 20 * np.log10(ambience.duck_gain(amount, -10.0))
        assert gain[int(1.5 * SR)] == pytest.approx(-10.0) and gain[int(0.5 * SR)] == 0.0

    def test_room_tone_follows_set_and_weather(self):
        def scene(**kw):
            base = dict(id="s", heading="h", location="x", interior=False, set="street", time_of_day="night",
                        cast=(), source=ir.Source(line=1, col=1))
            return ir.Scene(**{**base, **kw})
        rain = ambience.scene_tone(scene(weather="rain"), 3 * SR)
        room = ambience.scene_tone(scene(interior=True, set="room"), 3 * SR)
        rms = lambda x: float(np.sqrt(np.mean(x**2)))  # noqa: E731
        assert rms(rain) > 4 * rms(room) > 0.0
        assert not np.array_equal(rain[:, 0], rain[:, 1]), "left and right decorrelated"
        assert np.array_equal(rain, ambience.scene_tone(scene(weather="rain"), 3 * SR))


class TestDialogue:
    """Panning, off-screen and voice-over treatment, and timing against the subtitles."""

    def burst(self) -> np.ndarray:
        """Half a second of white noise, then silence."""
        x = np.zeros(SR)
        x[: SR // 2] = np.random.default_rng(0).standard_normal(SR // 2) * 0.1
        return x

    def test_on_screen_pans(self):
        out = mix.treat(self.burst(), "on", 0.5, "l1")
        assert np.sqrt(np.mean(out[:, 1] ** 2)) > 1.5 * np.sqrt(np.mean(out[:, 0] ** 2))

    def test_off_screen_is_muffled_quieter_and_reverberant(self):
        on, off = mix.treat(self.burst(), "on", 0.0, "l1"), mix.treat(self.burst(), "os", 0.0, "l1")
        high = lambda x: np.abs(np.fft.rfft(x[: SR // 2, 0]))[int(0.5 * 4000 * 2) :].sum()  # noqa: E731 (> 4 kHz)
        assert high(off) < 0.25 * high(on)
        assert np.sqrt(np.mean(off[: SR // 2] ** 2)) < 0.6 * np.sqrt(np.mean(on[: SR // 2] ** 2))
        tail = off[SR // 2 + 2400 : SR // 2 + 9600]
        assert np.abs(tail).max() > 1e-3 and np.abs(on[SR // 2 :]).max() == 0.0

    def test_voice_over_is_centred_and_dry(self):
        vo = mix.treat(self.burst(), "vo", 0.7, "l1")
        np.testing.assert_allclose(vo[:, 0], vo[:, 1], rtol=1e-12)
        assert np.abs(vo[SR // 2 + 960 :]).max() < 1e-6, "no reverb tail"

    def test_dialogue_starts_within_one_frame_of_its_subtitle(self, tmp_path, piper_models):
        text = SCRIPT.replace("JUN: tall man, blue jacket", "JUN: tall man, blue jacket\n  voice: espeak en-us")
        episode = api.compile_text(text, "cue.play").episode  # MEI on piper, JUN on espeak
        (tmp_path / "models").symlink_to(piper_models)
        audio = api.synthesize(episode, None, bank=voice.VoiceBank(tmp_path))
        tracks = build_tracks(episode, audio, TrackSettings(fps=FPS, width=320, height=180))
        n = round(tracks.duration * SR)
        stem, _ = mix.dialogue(episode, tracks, audio, n)
        level = np.abs(stem).max(axis=1)
        for cue in tracks.cues:
            line = level[int(cue.start * SR) : int(cue.end * SR)]
            onset = cue.start + int(np.argmax(line > 0.05 * line.max())) / SR
            assert 0.0 <= onset - cue.start <= 1.0 / FPS, cue.line_id
            assert level[int((cue.start - 0.1) * SR) : int(cue.start * SR)].max() < 1e-6 or cue.index > 1


class TestBuilds:
    """Sound files fail early; --audio-only writes WAV or MP3; --voice-fallback."""

    def test_missing_sound_file_fails_before_any_rendering(self, tmp_path, monkeypatch):
        text = SCRIPT.replace('"theme.wav"', '"nowhere.wav"').replace("Title: Mix", "Title: Mix\nVoice: espeak")
        (tmp_path / "x.play").write_text(text, encoding="utf-8")

        def no_render(*args, **kwargs):
            raise AssertionError("rendered before the sound was checked")

        monkeypatch.setattr(api, "_render_missing", no_render)
        settings = api.BuildSettings(width=160, height=90, fps=12, cache_dir=tmp_path / "cache")
        with pytest.raises(AudioFileError, match=r"sound file not found: .*nowhere\.wav"):
            api.build(tmp_path / "x.play", tmp_path / "out.mp4", settings)
        assert not (tmp_path / "out.mp4").exists()

    @pytest.fixture(scope="class")
    @classmethod
    def radio(cls, folder, tmp_path_factory):
        """The script built with --audio-only to WAV and MP3 (espeak voices: quick)."""
        out = tmp_path_factory.mktemp("radio")
        script = out / "mix.play"
        script.write_text(SCRIPT.replace("Title: Mix", "Title: Mix\nVoice: espeak"), encoding="utf-8")
        theme(out / "theme.wav")
        runner = CliRunner()
        results = [runner.invoke(app, ["build", str(script), "--audio-only", "-o", str(out / f"mix.{ext}"),
                                       "--cache-dir", str(out / "cache")]) for ext in ("wav", "mp3")]
        return out, results

    def test_audio_only_wav(self, radio):
        out, results = radio
        assert results[0].exit_code == 0, results[0].output
        with wave.open(str(out / "mix.wav")) as w:
            assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (48000, 2, 2)
        lufs, peak = ffmpeg_ebur128(out / "mix.wav")
        assert abs(lufs + 16.0) <= 1.0 and peak <= -1.0
        assert not list(out.glob("*.tmp")) and not list(out.glob(".sdc-build-*"))

    def test_audio_only_mp3_is_labelled(self, radio):
        out, results = radio
        assert results[1].exit_code == 0, results[1].output
        samples = decode(out / "mix.mp3", SR)
        wav = decode(out / "mix.wav", SR)
        assert abs(len(samples) - len(wav)) < 0.1 * SR
        label = aigc.read_mp3_label(out / "mix.mp3")
        assert label and aigc.fields(label)["Label"] == "1"

    def test_audio_only_rejects_other_suffixes(self, folder):
        result = CliRunner().invoke(app, ["build", str(folder / "mix.play"), "--audio-only", "-o", "x.ogg"])
        assert result.exit_code != 0 and ".wav or an .mp3" in result.output

    def test_offline_gtts_stops_or_falls_back(self, tmp_path, monkeypatch):
        pytest.importorskip("gtts")

        def refuse(*args, **kwargs):
            raise OSError(101, "Network is unreachable")

        monkeypatch.setattr(socket, "getaddrinfo", refuse)
        monkeypatch.setattr(socket, "create_connection", refuse)
        script = tmp_path / "zh.play"
        script.write_text("Title: Online\nCAST\nMEI: young woman\n  voice: gtts zh-CN\n\n"
                          "INT. ROOM - DAY\n[WIDE]\nMEI: 我们走吧。\n", encoding="utf-8")
        args = ["build", str(script), "--audio-only", "-o", str(tmp_path / "zh.wav"), "--cache-dir", str(tmp_path / "c")]
        stopped = CliRunner().invoke(app, args)
        assert stopped.exit_code == 1 and "could not be reached" in stopped.output and "espeak" in stopped.output
        assert "Traceback" not in stopped.output and not (tmp_path / "zh.wav").exists()
        fell_back = CliRunner().invoke(app, [*args, "--voice-fallback"])
        assert fell_back.exit_code == 0, fell_back.output
        assert "espeak cmn" in fell_back.output and (tmp_path / "zh.wav").exists()
