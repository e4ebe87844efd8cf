"""Voices: the three engines, per-line language routing, per-character timbre, emotion and delivery
prosody, gTTS's offline honesty, and the line cache (a warm rebuild synthesizes nothing)."""

from __future__ import annotations

import itertools
import json
import re
import socket
from pathlib import Path

import numpy as np
import pytest

from screenplay_compiler import api, ir, voice
from screenplay_compiler.espeak import EspeakEngine
from screenplay_compiler.voicefx import colour, timbre_for

from .conftest import ROOT
from .test_voice import estimate_f0, rms

TEXT = "I never thought we would find the old lighthouse again."
ZH = "我从来没有想到我们会再次找到那座旧灯塔。"
DOCS = ROOT / "docs" / "voices.md"


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory, piper_models) -> Path:
    """One line cache for the module, on the session's patched piper models."""
    root = tmp_path_factory.mktemp("voices-cache")
    (root / "models").symlink_to(piper_models)
    return root


@pytest.fixture(scope="module")
def bank(cache_dir) -> voice.VoiceBank:
    """A bank on the module's cache."""
    return voice.VoiceBank(cache_dir)


@pytest.fixture
def fresh_cache(tmp_path, piper_models) -> Path:
    """An empty line cache on the session's patched piper models."""
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "models").symlink_to(piper_models)
    return fresh


def ltas_db(x: np.ndarray, sr: int) -> np.ndarray:
    """Long-term average spectrum in 24 log-spaced bands (100 Hz - 8 kHz), mean removed."""
    n = 1024
    frames = x[: len(x) // n * n].reshape(-1, n) * np.hanning(n)
    power = (np.abs(np.fft.rfft(frames, axis=1)) ** 2).mean(axis=0)
    freqs = np.fft.rfftfreq(n, 1 / sr)
    edges = np.geomspace(100, 8000, 25)
    bands = np.array([10 * np.log10(power[(freqs >= a) & (freqs < b)].mean()) for a, b in zip(edges, edges[1:])])
    return bands - bands.mean()


def voicing(x: np.ndarray, sr: int) -> float:
    """Mean normalised autocorrelation peak (60-400 Hz lags) over loud 40 ms frames: 1 = buzzy, 0 = noise."""
    win, lo, hi = int(0.04 * sr), int(sr / 400), int(sr / 60)
    floor = 0.1 * np.abs(x).max()
    peaks = []
    for i in range(0, len(x) - win, win // 2):
        f = x[i : i + win].astype(np.float64) - x[i : i + win].mean()
        if np.abs(f).max() < floor:
            continue
        ac = np.correlate(f, f, "full")[win - 1 :]
        peaks.append(ac[lo:hi].max() / ac[0])
    return float(np.mean(peaks))


class TestEspeak:
    """The offline multi-language engine driven through ctypes."""

    def test_english_and_mandarin_with_phoneme_timing(self):
        for name, text in (("en-us", TEXT), ("cmn", ZH)):
            audio = EspeakEngine(name).synthesize(text, voice.Prosody(), seed=0)
            assert audio.sample_rate == 22050 and 1.0 < audio.duration < 8.0
            assert len(audio.phonemes) > 15
            starts = [p.start for p in audio.phonemes]
            assert starts == sorted(starts) and audio.phonemes[-1].end <= audio.duration + 1e-9

    def test_deterministic(self):
        a = EspeakEngine("cmn").synthesize(ZH, voice.Prosody(rate=1.1, pitch_semitones=2), seed=1)
        b = EspeakEngine("cmn").synthesize(ZH, voice.Prosody(rate=1.1, pitch_semitones=2), seed=2)
        assert np.array_equal(a.samples, b.samples)

    def test_pitch_and_rate_follow_the_prosody(self):
        eng = EspeakEngine("en-us")
        low, high = (eng.synthesize(TEXT, voice.Prosody(pitch_semitones=s), 0) for s in (-3.0, 3.0))
        shift = 12 * np.log2(estimate_f0(high.samples, 22050) / estimate_f0(low.samples, 22050))
        assert shift == pytest.approx(6.0, abs=0.8)
        slow, fast = (eng.synthesize(TEXT, voice.Prosody(rate=r), 0) for r in (0.8, 1.25))
        assert slow.duration / fast.duration == pytest.approx(1.25 / 0.8, rel=0.08)

    def test_pitch_beyond_espeaks_range_is_finished_in_numpy(self):
        eng = EspeakEngine("en-us")
        base, up = (eng.synthesize(TEXT, voice.Prosody(pitch_semitones=s), 0) for s in (0.0, 11.0))
        assert 12 * np.log2(estimate_f0(up.samples, 22050) / estimate_f0(base.samples, 22050)) == pytest.approx(11, abs=1.0)
        assert up.duration == pytest.approx(base.duration, rel=0.02)

    def test_unknown_voice_is_a_clear_error(self):
        with pytest.raises(voice.VoiceError, match="espeak has no voice 'zz-xx'"):
            EspeakEngine("zz-xx")  # (espeak does speak Klingon)


class TestLanguages:
    """Per-line language choice: Chinese on an English voice goes to espeak's Mandarin."""

    def test_routing_rule(self, bank):
        assert bank.route(ir.Voice(), "zh") == ir.Voice(engine="espeak", model="cmn")
        assert bank.route(ir.Voice(pitch_semitones=2), "en") == ir.Voice(pitch_semitones=2)
        assert bank.route(ir.Voice(engine="espeak", model="cmn"), "en").model == "en-us"
        assert bank.route(ir.Voice(engine="espeak", model="cmn"), "zh").model == "cmn"
        assert bank.route(ir.Voice(engine="gtts", model="zh-CN"), "en") == ir.Voice(engine="gtts", model="en")
        assert bank.route(ir.Voice(engine="gtts", model="en"), "zh").model == "zh-CN"
        assert bank.route(ir.Voice(), None) == ir.Voice()

    def test_chinese_line_on_piper_is_spoken_by_espeak_cmn(self, bank):
        audio = bank.line(ZH, ir.Voice(), "neutral", language="zh", character="MEI")
        direct = EspeakEngine("cmn").synthesize(ZH, voice.Prosody(), 0)
        assert audio.sample_rate == 22050 and audio.duration == pytest.approx(direct.duration, rel=0.02)
        assert {p.symbol for p in audio.phonemes} & {p.symbol for p in direct.phonemes}

    def test_a_chinese_piper_voice_keeps_its_lines(self, tmp_path):
        model, config = voice.model_files(voice.DEFAULT_MODEL)
        (tmp_path / "zh.onnx").symlink_to(model)
        data = json.loads(config.read_text("utf-8"))
        data["language"] = {"code": "zh_CN"}
        (tmp_path / "zh.onnx.json").write_text(json.dumps(data), "utf-8")
        bank = voice.VoiceBank(None, tmp_path)
        v = ir.Voice(model="zh.onnx")
        assert bank.route(v, "zh") == v and bank.route(v, "en").engine == "espeak"


class TestPiperVoiceFiles:
    """``voice: piper "voices/x.onnx"``: a user's model beside the script."""

    @pytest.fixture
    def script_dir(self, tmp_path) -> Path:
        """A folder with voices/x.onnx (the bundled model under another name) and its config."""
        model, config = voice.model_files(voice.DEFAULT_MODEL)
        (tmp_path / "voices").mkdir()
        (tmp_path / "voices" / "x.onnx").symlink_to(model)
        (tmp_path / "voices" / "x.onnx.json").write_bytes(config.read_bytes())
        return tmp_path

    def test_user_model_speaks(self, script_dir, cache_dir):
        bank = voice.VoiceBank(cache_dir, script_dir)
        audio = bank.line("Hello there.", ir.Voice(model="voices/x.onnx"), "neutral")
        assert 0.3 < audio.duration < 2.0 and len(audio.phonemes) > 4

    def test_missing_model_or_config(self, script_dir):
        bank = voice.VoiceBank(None, script_dir)
        with pytest.raises(voice.VoiceError, match=r"piper voice file not found: .*voices/y\.onnx"):
            bank.line("Hi.", ir.Voice(model="voices/y.onnx"), "neutral")
        (script_dir / "voices" / "x.onnx.json").unlink()
        with pytest.raises(voice.VoiceError, match="has no config beside it"):
            bank.line("Hi.", ir.Voice(model="voices/x.onnx"), "neutral")

    def test_broken_model(self, script_dir):
        (script_dir / "voices" / "x.onnx").unlink()
        (script_dir / "voices" / "x.onnx").write_bytes(b"\x08\x07 definitely not onnx")
        with pytest.raises(voice.VoiceError, match="is not a usable piper voice"):
            voice.VoiceBank(None, script_dir).line("Hi.", ir.Voice(model="voices/x.onnx"), "neutral")


class TestCharacters:
    """Per-character pitch and a seeded timbre: five people on one model."""

    def test_configured_pitch_difference_is_heard(self, bank):
        mei = bank.line(TEXT, ir.Voice(pitch_semitones=3.0), "neutral", character="MEI")
        jun = bank.line(TEXT, ir.Voice(pitch_semitones=-2.0), "neutral", character="JUN")
        measured = 12 * np.log2(estimate_f0(mei.samples, mei.sample_rate) / estimate_f0(jun.samples, jun.sample_rate))
        assert measured >= 5.0 - 0.5

    def test_five_characters_on_one_model_sound_different(self, bank):
        names = ["MEI", "JUN", "ANA", "BOB", "LI"]
        spectra = {n: ltas_db(bank.line(TEXT, ir.Voice(), "neutral", character=n).samples, 22050) for n in names}
        for a, b in itertools.combinations(names, 2):
            assert np.sqrt(np.mean((spectra[a] - spectra[b]) ** 2)) > 0.6, (a, b)
        assert len({timbre_for(n) for n in names}) == 5

    def test_timbre_keeps_pitch_and_length(self, bank):
        plain = bank.line(TEXT, ir.Voice(), "neutral")
        for name in ("ANA", "LI"):
            coloured = colour(plain.samples, 22050, timbre_for(name))
            assert len(coloured) == len(plain.samples)
            assert estimate_f0(coloured, 22050) == pytest.approx(estimate_f0(plain.samples, 22050), rel=0.03)

    def test_timbre_is_seeded_from_the_name(self):
        assert timbre_for("MEI") == timbre_for("MEI") != timbre_for("JUN")
        assert timbre_for("").neutral


class TestEmotionAndDelivery:
    """Emotion and delivery shape speed, pitch, loudness, pauses and voice quality."""

    @pytest.mark.parametrize("engine", ["piper", "espeak"])
    def test_angry_is_louder_and_faster_than_sad(self, bank, engine):
        v = ir.Voice(engine=engine, model="en-us" if engine == "espeak" else voice.DEFAULT_MODEL)
        angry, sad = bank.line(TEXT, v, "angry", character="MEI"), bank.line(TEXT, v, "sad", character="MEI")
        assert 20 * np.log10(rms(angry.samples) / rms(sad.samples)) > 4.0
        assert angry.duration < 0.85 * sad.duration

    def test_whispering_is_quiet_and_breathy(self, bank):
        plain = bank.line(TEXT, ir.Voice(), "neutral", character="MEI")
        whisper = bank.line(TEXT, ir.Voice(), "neutral", delivery=("whispering",), character="MEI")
        assert 20 * np.log10(rms(plain.samples) / rms(whisper.samples)) > 7.0
        assert voicing(whisper.samples, 22050) < voicing(plain.samples, 22050) - 0.15

    def test_shouting_is_loud(self, bank):
        plain = bank.line(TEXT, ir.Voice(), "neutral", character="MEI")
        shout = bank.line(TEXT, ir.Voice(), "neutral", delivery=("shouting",), character="MEI")
        assert 20 * np.log10(rms(shout.samples) / rms(plain.samples)) > 3.0
        assert np.abs(shout.samples).max() <= 10 ** (-1 / 20) + 1e-6

    def test_sad_pauses_are_longer(self, bank):
        two = "We waited. Nobody came."
        calm = bank.line(two, ir.Voice(), "neutral", delivery=("fast",))
        slow = bank.line(two, ir.Voice(), "neutral", delivery=("slowly",))
        assert slow.duration / calm.duration == pytest.approx(1.25 / 0.8, rel=0.1)

    def test_combination_rule(self):
        p = voice.prosody_for(ir.Voice(pitch_semitones=2, rate=1.1, volume_db=-1), "sad", ("crying", "fast"), rate=1.2)
        sad, cry, fast = voice.EMOTIONS["sad"], voice.DELIVERIES["crying"], voice.DELIVERIES["fast"]
        assert p.rate == pytest.approx(1.1 * 1.2 * sad.rate * cry.rate * fast.rate)
        assert p.pitch_semitones == pytest.approx(2 + sad.pitch_semitones + cry.pitch_semitones)
        assert p.volume_db == pytest.approx(-1 + sad.volume_db + cry.volume_db)
        assert p.breath == max(sad.breath, cry.breath) and p.tremolo == cry.tremolo
        assert voice.resolve_delivery(("Whispering", "whispering", "yodelling"), "whispering") == ()

    def test_docs_table_matches_the_code(self):
        text = DOCS.read_text("utf-8")
        for table, name in ((voice.EMOTIONS, "emotion"), (voice.DELIVERIES, "delivery")):
            for key, p in table.items():
                row = re.search(rf"^\| `{key}` \|(.*)\|\s*$", text[text.index(f"<!-- {name} table -->"):], re.M)
                assert row, f"{key} missing from the {name} table in docs/voices.md"
                cells = [c.strip() for c in row.group(1).split("|")]
                want = [f"{p.rate:g}", f"{p.pitch_semitones:+g}", f"{p.volume_db:+g}", f"{p.pitch_range:g}",
                        f"{p.pause:g}", f"{p.breath:g}", f"{p.tremolo:g}", f"{p.noise_scale:g}"]
                assert cells == want, f"docs/voices.md {name} row {key}: {cells} != {want}"


def _block_network(monkeypatch) -> list:
    """Make every connection attempt fail at once (no network needed); returns the attempts."""
    attempts: list = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


class TestGtts:
    """Online gTTS: asked for explicitly, always with a timeout, honest when offline."""

    @pytest.fixture(autouse=True)
    def _needs_gtts(self):
        pytest.importorskip("gtts")

    def test_forced_offline_request_fails_naming_the_offline_engines(self, monkeypatch, tmp_path):
        attempts = _block_network(monkeypatch)
        bank = voice.VoiceBank(tmp_path)
        with pytest.raises(voice.VoiceError) as info:
            bank.line(ZH, ir.Voice(engine="gtts", model="zh-CN"), "neutral", language="zh")
        message = str(info.value)
        assert "gTTS (zh-CN) could not be reached" in message
        assert "piper" in message and "espeak" in message and "--voice-fallback" in message
        assert attempts, "the request really went to the (blocked) network"

    def test_every_request_has_a_timeout(self, monkeypatch):
        import gtts

        seen = {}

        class Spy:
            def __init__(self, text, **kwargs):
                seen.update(kwargs)
                raise gtts.tts.gTTSError("stop here")

        monkeypatch.setattr(gtts, "gTTS", Spy)
        with pytest.raises(voice.VoiceError):
            voice.VoiceBank(None).line("Hello.", ir.Voice(engine="gtts", model="en"), "neutral")
        assert seen["timeout"] is not None and 0 < seen["timeout"] <= 30

    def test_fallback_speaks_offline_and_says_so(self, monkeypatch, fresh_cache):
        _block_network(monkeypatch)
        bank = voice.VoiceBank(fresh_cache, fallback=True)
        audio = bank.line(ZH, ir.Voice(engine="gtts", model="zh-CN"), "neutral", language="zh")
        assert audio.duration > 1.0
        english = bank.line("Hello.", ir.Voice(engine="gtts", model="en"), "neutral", language="en")
        assert english.duration > 0.2
        assert any("espeak cmn" in n for n in bank.notices) and any("piper" in n for n in bank.notices)

    def test_other_engines_never_touch_the_network(self, monkeypatch, bank):
        attempts = _block_network(monkeypatch)
        bank.line("Offline and fine.", ir.Voice(), "calm", character="JUN")
        bank.line(ZH, ir.Voice(engine="espeak", model="cmn"), "happy", character="MEI")
        assert attempts == []


class TestCache:
    """Every line cached by content: a warm rebuild synthesizes nothing."""

    SCRIPT = """Title: Cache
CAST
MEI: young woman, red coat
JUN: tall man, blue jacket
  voice: espeak en-us, pitch -2

INT. ROOM - DAY
[WIDE]
MEI (sad, whispering): We lost it.
JUN (angry): Then we find it again.
MEI: 我们走吧。
"""

    def test_warm_rebuild_synthesizes_nothing(self, fresh_cache):
        episode = api.compile_text(self.SCRIPT, "cache.play").episode
        cold = voice.VoiceBank(fresh_cache)
        first = api.synthesize(episode, None, bank=cold)
        warm = voice.VoiceBank(fresh_cache)
        second = api.synthesize(episode, None, bank=warm)
        assert (cold.stats.misses, warm.stats.misses, warm.stats.hits) == (3, 0, 3)
        assert all(np.array_equal(first[k].samples, second[k].samples) for k in first)

    def test_key_covers_engine_voice_prosody_and_character(self, bank):
        base = bank.cache_key("Hi.", ir.Voice(), "neutral")
        assert base != bank.cache_key("Hi.", ir.Voice(), "neutral", delivery=("softly",))
        assert base != bank.cache_key("Hi.", ir.Voice(), "neutral", rate=1.2)
        assert base != bank.cache_key("Hi.", ir.Voice(), "neutral", character="MEI")
        assert base != bank.cache_key("Hi.", ir.Voice(engine="espeak", model="en-us"), "neutral")
        assert base == bank.cache_key("Hi.", ir.Voice(), "neutral", delivery=("yodelling",))


def test_intensity_scales_the_emotion_from_neutral():
    angry = voice.EMOTIONS["angry"]
    slight = voice.prosody_for(ir.Voice(), "angry", intensity=0.5)
    furious = voice.prosody_for(ir.Voice(), "angry", intensity=1.6)
    assert slight.volume_db == pytest.approx(angry.volume_db * 0.5) and furious.volume_db == pytest.approx(angry.volume_db * 1.6)
    assert slight.rate < angry.rate < furious.rate
    assert voice.prosody_for(ir.Voice(), "angry") == voice.prosody_for(ir.Voice(), "angry", intensity=1.0)
    bank = voice.VoiceBank(None)
    assert bank.cache_key("Go.", ir.Voice(), "angry") != bank.cache_key("Go.", ir.Voice(), "angry", intensity=1.6)
