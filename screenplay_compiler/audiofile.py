"""Audio files in and out through the ffmpeg that imageio-ffmpeg ships.

``decode`` reads any file (or bytes) ffmpeg understands into float samples at the rate and
channel count asked for; ``write_audio`` writes a mix as WAV (16-bit, dithered) or MP3
(libmp3lame), atomically.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from . import atomic

MP3_BITRATE = "192k"


class AudioFileError(RuntimeError):
    """A sound or music file is missing or cannot be decoded."""


def _ffmpeg() -> str:
    """Path of the bundled ffmpeg binary."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def decode(source: Path | bytes, rate: int, channels: int = 2) -> np.ndarray:
    """Float32 samples of a file or of encoded bytes: (n,) for mono, else (n, channels)."""
    data = source if isinstance(source, bytes) else None
    if data is None and not Path(source).is_file():
        raise AudioFileError(f"sound file not found: {source}")
    cmd = [_ffmpeg(), "-v", "error", "-nostdin", "-i", "pipe:0" if data is not None else str(source),
           "-map", "0:a:0", "-f", "f32le", "-acodec", "pcm_f32le", "-ac", str(channels), "-ar", str(rate), "pipe:1"]
    proc = subprocess.run(cmd, input=data, capture_output=True)
    if proc.returncode != 0:
        why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        name = "audio data" if data is not None else str(source)
        raise AudioFileError(f"cannot decode {name}: {why[-1] if why else 'ffmpeg failed'}")
    samples = np.frombuffer(proc.stdout, "<f4").astype(np.float32)
    return samples if channels == 1 else samples.reshape(-1, channels)


def write_audio(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write a mix as .wav or .mp3 (chosen by the suffix), atomically."""
    from .mix import write_wav

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".wav":
        write_wav(path, samples, rate)
    elif suffix == ".mp3":
        atomic.write_bytes(path, encode_mp3(samples, rate))
    else:
        raise AudioFileError(f"--audio-only writes .wav or .mp3, not {suffix or 'a file without a suffix'}")


def encode_mp3(samples: np.ndarray, rate: int) -> bytes:
    """MP3 bytes of float samples (libmp3lame, constant bitrate, no metadata that changes per run)."""
    from .mix import to_pcm16

    pcm = to_pcm16(samples)
    channels = 1 if pcm.ndim == 1 else pcm.shape[1]
    cmd = [_ffmpeg(), "-v", "error", "-nostdin", "-f", "s16le", "-ar", str(rate), "-ac", str(channels), "-i", "pipe:0",
           "-c:a", "libmp3lame", "-b:a", MP3_BITRATE, "-map_metadata", "-1", "-fflags", "+bitexact",
           "-flags:a", "+bitexact", "-id3v2_version", "0", "-write_xing", "0", "-f", "mp3", "pipe:1"]
    proc = subprocess.run(cmd, input=pcm.tobytes(), capture_output=True)
    if proc.returncode != 0:
        raise AudioFileError(f"MP3 encoding failed: {proc.stderr.decode('utf-8', 'replace').strip()[-300:]}")
    return proc.stdout
