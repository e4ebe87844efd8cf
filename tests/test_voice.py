"""Voice stage: alignment, determinism, caching, prosody and the seeded noise generator."""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest

from screenplay_compiler import ir, voice

TEXT = "I never thought we would find the old lighthouse again."
REQUIRED_EMOTIONS = {
    "neutral", "calm", "happy", "excited", "sad", "worried",
    "afraid", "angry", "surprised", "whispering", "shouting", "tired",
}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    """One cache for the module, so the patched model is built once."""
    return tmp_path_factory.mktemp("sdc-cache")


@pytest.fixture(scope="module")
def bank(cache_dir) -> voice.VoiceBank:
    """A voice bank on the shared cache."""
    return voice.VoiceBank(cache_dir)


@pytest.fixture(scope="module")
def engine(bank) -> voice.PiperEngine:
    """The loaded piper engine (uncached synthesis goes through it)."""
    eng = bank.engine(ir.Voice())
    eng.load()
    return eng


def estimate_f0(x: np.ndarray, sr: int, fmin: float = 60.0, fmax: float = 400.0) -> float:
    """Median autocorrelation pitch over clearly voiced 40 ms frames."""
    win, hop = int(0.04 * sr), int(0.01 * sr)
    lo, hi = int(sr / fmax), int(sr / fmin)
    floor = 0.03 * float(np.abs(x).max())
    found = []
    for i in range(0, len(x) - win, hop):
        f = x[i : i + win].astype(np.float64)
        f -= f.mean()
        if np.sqrt(np.mean(f**2)) < floor:
            continue
        ac = np.correlate(f, f, "full")[win - 1 :]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.5 * ac[0]:
            found.append(sr / lag)
    assert len(found) > 20, "too few voiced frames to measure pitch"
    return float(np.median(found))


def rms(x: np.ndarray) -> float:
    """Root mean square level."""
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


class TestGenerator:
    """The in-graph normal generator that replaces RandomNormalLike."""

    @pytest.fixture(scope="class")
    @classmethod
    def session(cls):
        """A session running the generator on its own."""
        return onnxruntime.InferenceSession(
            voice.normal_like_model().SerializeToString(), providers=["CPUExecutionProvider"]
        )

    def draw(self, session, seed: int, n: int = 400_000) -> np.ndarray:
        """``n`` draws for ``seed`` as float64."""
        x = np.zeros(n, np.float32)
        return session.run(None, {"x": x, voice.SEED_INPUT: np.array([seed], np.int64)})[0].astype(np.float64)

    def test_moments(self, session):
        y = np.concatenate([self.draw(session, s) for s in (0, 1, 987_654_321)])
        assert abs(y.mean()) < 0.005
        assert abs(y.std() - 1.0) < 0.005
        assert abs(np.mean(y**3)) < 0.02
        assert abs(np.mean(y**4) - 3.0) < 0.05

    def test_distribution_matches_normal_cdf(self, session):
        y = np.sort(self.draw(session, 42))
        cdf = 0.5 * (1.0 + np.vectorize(math.erf)(y / math.sqrt(2.0)))
        ks = np.max(np.abs(cdf - np.arange(1, len(y) + 1) / len(y)))
        assert ks < 3.0 / math.sqrt(len(y))

    def test_no_serial_or_cross_seed_correlation(self, session):
        a, b, c = self.draw(session, 7), self.draw(session, 8), self.draw(session, 7 + voice._PRIME)
        for lag in (1, 2, 3, 64):
            assert abs(np.corrcoef(a[:-lag], a[lag:])[0, 1]) < 0.01
        assert abs(np.corrcoef(a, b)[0, 1]) < 0.01
        assert abs(np.corrcoef(a**2, b**2)[0, 1]) < 0.01
        assert np.array_equal(a, c), "seed is taken mod P"

    def test_same_seed_same_draw_and_shape_follows_input(self, session):
        x = np.zeros((3, 5), np.float32)
        feeds = {"x": x.ravel(), voice.SEED_INPUT: np.array([5], np.int64)}
        assert np.array_equal(session.run(None, feeds)[0], session.run(None, feeds)[0])

    def test_patched_model_has_no_random_nodes(self, engine, cache_dir):
        full = next((cache_dir / "models").glob("*[0-9a-f].onnx"))
        model = onnx.load(str(full))
        ops = {n.op_type for n in model.graph.node}
        assert "RandomNormalLike" not in ops
        assert voice.SEED_INPUT in {i.name for i in model.graph.input}
        assert len(model.graph.output) == 2  # audio + alignment widths


class TestAlignment:
    """Phoneme alignment, sentence joins, trimming and empty text."""

    def test_phonemes_ordered_and_within_duration(self, engine):
        audio = engine.synthesize(TEXT, voice.Prosody(), seed=1)
        assert audio.sample_rate == 22050 and audio.samples.dtype == np.float32
        assert len(audio.phonemes) > 20
        starts = [p.start for p in audio.phonemes]
        assert starts == sorted(starts)
        assert all(0.0 <= p.start <= p.end <= audio.duration + 1e-9 for p in audio.phonemes)
        assert "ð" in {p.symbol for p in audio.phonemes}  # "the"
        assert audio.phonemes[-1].end > 0.9 * audio.duration

    def test_two_sentences_have_a_gap_and_consistent_times(self, engine):
        one = engine.synthesize("Hello there.", voice.Prosody(), seed=3)
        two = engine.synthesize("Hello there. Come inside.", voice.Prosody(), seed=3)
        assert two.duration > one.duration + 0.3
        starts = [p.start for p in two.phonemes]
        assert starts == sorted(starts) and two.phonemes[-1].end <= two.duration

    def test_speech_is_trimmed_tight(self, engine):
        audio = engine.synthesize(TEXT, voice.Prosody(), seed=1)
        edge = int(0.01 * audio.sample_rate)
        assert np.abs(audio.samples[:edge]).max() < 0.02
        assert audio.phonemes[0].start < 0.15

    @pytest.mark.parametrize("text", ["", "   \n", "..."])
    def test_empty_text_is_short_silence(self, bank, text):
        audio = bank.line(text, ir.Voice(), "neutral")
        assert 0.1 <= audio.duration <= 0.5
        assert audio.phonemes == () and not np.any(audio.samples)


class TestDeterminism:
    """Same content, same samples: in process and across processes."""

    def test_same_input_same_samples(self, engine):
        a = engine.synthesize(TEXT, voice.Prosody(pitch_semitones=2.0), seed=11)
        b = engine.synthesize(TEXT, voice.Prosody(pitch_semitones=2.0), seed=11)
        assert np.array_equal(a.samples, b.samples) and a.phonemes == b.phonemes

    def test_other_seed_is_slightly_different(self, engine):
        a = engine.synthesize(TEXT, voice.Prosody(), seed=11)
        b = engine.synthesize(TEXT, voice.Prosody(), seed=12)
        assert not np.array_equal(a.samples[: len(b.samples)], b.samples[: len(a.samples)])
        assert abs(a.duration - b.duration) < 0.15 * a.duration

    def test_fresh_process_gives_identical_samples(self, engine, cache_dir):
        text = "The tide is coming in fast."
        here = engine.synthesize(text, voice.Prosody(rate=1.1), seed=99)
        code = textwrap.dedent(f"""
            import hashlib; from pathlib import Path
            from screenplay_compiler import voice
            e = voice.PiperEngine(voice.DEFAULT_MODEL, Path({str(cache_dir)!r}))
            a = e.synthesize({text!r}, voice.Prosody(rate=1.1), seed=99)
            print(hashlib.sha256(a.samples.tobytes()).hexdigest())
        """)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == hashlib.sha256(here.samples.tobytes()).hexdigest()

    def test_seed_comes_from_content(self):
        assert voice.seed_from("a", "b") == voice.seed_from("a", "b") != voice.seed_from("a", "c")


class TestCache:
    """Content-addressed line cache: hits, keys and damaged entries."""

    def test_second_bank_hits_without_loading(self, bank, cache_dir):
        first = bank.line("Meet me at the pier.", ir.Voice(pitch_semitones=-2.0), "calm")
        fresh = voice.VoiceBank(cache_dir)
        again = fresh.line("Meet me at the pier.", ir.Voice(pitch_semitones=-2.0), "calm")
        assert (fresh.stats.hits, fresh.stats.misses) == (1, 0)
        assert fresh.engine(ir.Voice())._voice is None, "a cache hit must not load the model"
        assert np.array_equal(first.samples, again.samples) and first.phonemes == again.phonemes

    def test_construction_loads_nothing(self, tmp_path):
        fresh = voice.VoiceBank(tmp_path)
        assert fresh.stats.misses == 0 and not any(tmp_path.iterdir())

    def test_key_depends_on_every_input(self, bank):
        base = bank.cache_key("Hi.", ir.Voice(), "happy")
        assert len(base) == 64 and base == bank.cache_key("Hi.", ir.Voice(), "happy")
        assert base != bank.cache_key("Hi!", ir.Voice(), "happy")
        assert base != bank.cache_key("Hi.", ir.Voice(rate=1.1), "happy")
        assert base != bank.cache_key("Hi.", ir.Voice(), "sad")

    @pytest.mark.parametrize("damage", [b"", b"PK\x03\x04 not really a zip", None])
    def test_corrupt_entry_is_a_miss_and_rewritten(self, bank, cache_dir, damage):
        text, v = "The lamp is out.", ir.Voice(rate=0.9)
        good = bank.line(text, v, "tired")
        key = bank.cache_key(text, v, "tired")
        path = cache_dir / "voice" / key[:2] / f"{key}.npz"
        blob = path.read_bytes()
        path.write_bytes(blob[: len(blob) // 2] if damage is None else damage)
        fresh = voice.VoiceBank(cache_dir)
        again = fresh.line(text, v, "tired")
        assert (fresh.stats.hits, fresh.stats.misses) == (0, 1)
        assert np.array_equal(good.samples, again.samples)
        assert voice.VoiceBank(cache_dir).line(text, v, "tired") is not None
        assert not list(path.parent.glob("*.tmp"))

    def test_no_cache_dir_writes_nothing(self, engine, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        nocache = voice.VoiceBank(None)
        nocache._engines[("piper", voice.DEFAULT_MODEL)] = engine  # reuse the loaded model
        nocache.line("Quiet now.", ir.Voice(), "neutral")
        nocache.line("Quiet now.", ir.Voice(), "neutral")
        assert nocache.stats.misses == 2 and not any(tmp_path.iterdir())


class TestProsody:
    """Pitch, rate, volume and the emotion table."""

    def test_pitch_shift_moves_f0_and_keeps_duration(self, engine):
        low = engine.synthesize(TEXT, voice.Prosody(pitch_semitones=-3.0), seed=5)
        mid = engine.synthesize(TEXT, voice.Prosody(), seed=5)
        high = engine.synthesize(TEXT, voice.Prosody(pitch_semitones=3.0), seed=5)
        ratio = estimate_f0(high.samples, 22050) / estimate_f0(low.samples, 22050)
        assert ratio == pytest.approx(2.0**0.5, rel=0.06)
        for shifted in (low, high):
            assert shifted.duration == pytest.approx(mid.duration, rel=0.05)

    def test_rate_changes_duration(self, engine):
        slow = engine.synthesize(TEXT, voice.Prosody(rate=0.8), seed=5)
        fast = engine.synthesize(TEXT, voice.Prosody(rate=1.25), seed=5)
        assert slow.duration / fast.duration == pytest.approx(1.25 / 0.8, rel=0.06)

    def test_volume_db(self, engine):
        loud = engine.synthesize(TEXT, voice.Prosody(volume_db=0.0), seed=5)
        quiet = engine.synthesize(TEXT, voice.Prosody(volume_db=-6.0), seed=5)
        assert rms(quiet.samples) / rms(loud.samples) == pytest.approx(10 ** (-6 / 20), rel=0.02)
        assert np.abs(loud.samples).max() <= 1.0

    def test_angry_is_louder_and_faster_than_sad(self, bank):
        angry = bank.line(TEXT, ir.Voice(), "angry")
        sad = bank.line(TEXT, ir.Voice(), "sad")
        assert rms(angry.samples) > 1.5 * rms(sad.samples)
        assert angry.duration < 0.9 * sad.duration

    def test_emotion_table(self):
        assert REQUIRED_EMOTIONS <= set(voice.EMOTIONS)
        assert voice.prosody_for(ir.Voice(), "bewildered") == voice.prosody_for(ir.Voice(), "neutral")
        assert voice.prosody_for(ir.Voice(), " Angry ") == voice.prosody_for(ir.Voice(), "angry")
        p = voice.prosody_for(ir.Voice(pitch_semitones=2.0, rate=1.2, volume_db=-1.0), "whispering")
        w = voice.EMOTIONS["whispering"]
        assert p.pitch_semitones == pytest.approx(2.0 + w.pitch_semitones)
        assert p.rate == pytest.approx(1.2 * w.rate)
        assert p.volume_db == pytest.approx(-1.0 + w.volume_db)
