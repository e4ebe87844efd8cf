"""Encode shots to H.264 segments, then join them and mux the episode audio.

Each shot becomes its own video-only MP4 segment, all encoded with identical settings
so that ffmpeg's concat demuxer can join them without re-encoding (``-c copy``). The
episode's WAV is encoded to AAC once, in ``mux``. Every file is written to a temp file
in its destination directory and moved into place with ``os.replace``.
"""

from __future__ import annotations

import os
import queue
import secrets
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from .probe import ffmpeg_exe, mp4_video_duration, mp4_video_size

__all__ = ["EncodeError", "SegmentWriter", "VideoSettings", "ffmpeg_exe", "mux", "raw_encode_fps"]

_LOG_TAIL_LINES = 20
_QUEUE_FRAMES = 3
_BITEXACT = ["-fflags", "+bitexact", "-map_metadata", "-1", "-map_chapters", "-1"]
# Convert RGB to limited-range BT.709 and tag it so, so players don't guess the matrix.
_VIDEO_FILTER = (
    "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
    "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709"
)
_STOP = object()
# Input layouts by channel count. The alpha of rgba input is ignored: ffmpeg drops it when it
# converts to yuv420p, giving the same picture (and bits) as rgb24. Renderers read back RGBA
# because converting to RGB on readback costs more than piping the extra byte.
PIX_FMTS = {3: "rgb24", 4: "rgba"}


class EncodeError(RuntimeError):
    """ffmpeg failed; the message ends with the tail of its log."""


@dataclass(frozen=True)
class VideoSettings:
    """Everything that changes the encoded video bits; segments must share one instance."""

    width: int
    height: int
    fps: int
    crf: int = 20
    preset: str = "veryfast"
    threads: int = 2  # pinned: x264 output differs between thread counts

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0 or self.width % 2 or self.height % 2:
            raise ValueError(f"yuv420p needs a positive even width and height, got {self.width}x{self.height}")
        if self.fps <= 0:
            raise ValueError(f"fps must be positive, got {self.fps}")
        if not 0 <= self.crf <= 51:
            raise ValueError(f"crf must be in 0..51, got {self.crf}")
        if self.threads < 1:
            raise ValueError(f"threads must be at least 1, got {self.threads}")

    @property
    def gop(self) -> int:
        """Fixed keyframe interval: two seconds of frames."""
        return 2 * self.fps


def segment_command(out: Path, settings: VideoSettings, pix_fmt: str = "rgb24") -> list[str]:
    """The ffmpeg command line that turns raw ``pix_fmt`` frames on stdin into an MP4 segment."""
    s = settings
    return [
        ffmpeg_exe(), "-hide_banner", "-nostats", "-y",
        "-f", "rawvideo", "-pix_fmt", pix_fmt, "-s", f"{s.width}x{s.height}", "-r", str(s.fps), "-i", "pipe:0",
        "-vf", _VIDEO_FILTER,
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", s.preset, "-crf", str(s.crf),
        "-threads", str(s.threads), "-g", str(s.gop), "-keyint_min", str(s.gop), "-sc_threshold", "0",
        "-flags:v", "+bitexact", *_BITEXACT,
        "-an", "-f", "mp4", str(out),
    ]  # fmt: skip


class SegmentWriter:
    """Stream (height, width, 3) rgb24 or (height, width, 4) rgba uint8 frames into one H.264 MP4 segment, atomically.

    ``pix_fmt`` ("rgb24" or "rgba") fixes the frame layout; left as None it is taken from the
    first frame, and ffmpeg starts then. Frames are handed to ffmpeg by a writer thread through
    a small bounded queue, so the caller renders the next frame while ffmpeg consumes the previous one.
    """

    def __init__(self, path: Path, settings: VideoSettings, pix_fmt: str | None = None):
        if pix_fmt is not None and pix_fmt not in PIX_FMTS.values():
            raise ValueError(f"pix_fmt must be one of {sorted(PIX_FMTS.values())}, not {pix_fmt!r}")
        self.path = Path(path)
        self.settings = settings
        _check_directory(self.path)
        self.frames = 0
        self.pix_fmt = pix_fmt
        self._tmp = _temp_sibling(self.path)
        self._log: IO[bytes] = tempfile.TemporaryFile(prefix="sdc-ffmpeg-", suffix=".log")
        self._queue: queue.Queue = queue.Queue(maxsize=_QUEUE_FRAMES)
        self._error: BaseException | None = None
        self._closed = False
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        if pix_fmt is not None:
            self._launch(pix_fmt)

    def _launch(self, pix_fmt: str) -> None:
        """Fix the frame layout, start ffmpeg and the writer thread."""
        self.pix_fmt = pix_fmt
        self._proc = self._start()
        self._thread = threading.Thread(target=self._pump, name=f"encode:{self.path.name}", daemon=True)
        self._thread.start()

    def _start(self) -> subprocess.Popen:
        """Launch ffmpeg, cleaning up the temp files if it cannot start."""
        cmd = segment_command(self._tmp, self.settings, self.pix_fmt)
        try:
            return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log)
        except OSError as exc:
            self._discard()
            raise EncodeError(f"cannot start ffmpeg ({cmd[0]}): {exc}") from exc

    def __enter__(self) -> SegmentWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def write(self, frame: np.ndarray) -> None:
        """Queue one top-row-first RGB or RGBA frame; blocks only while the queue is full."""
        if self._closed:
            raise EncodeError(f"{self.path}: write() after close()")
        self._check_frame(frame)
        if self._proc is None:
            self._launch(PIX_FMTS[frame.shape[2]])
        if self._error is not None:
            self._kill()
            self._proc.wait()
            failure = self._failure(f"ffmpeg stopped accepting frames ({self._error})")
            self.abort()
            raise failure
        self._queue.put(frame.tobytes())  # a copy, so the caller may reuse its buffer
        self.frames += 1

    def _check_frame(self, frame: np.ndarray) -> None:
        """Raise ValueError unless ``frame`` is uint8 of this segment's size and a layout it accepts."""
        size = (self.settings.height, self.settings.width)
        channels = [n for n, fmt in PIX_FMTS.items() if self.pix_fmt in (None, fmt)]
        if isinstance(frame, np.ndarray) and frame.dtype == np.uint8 and frame.shape[:2] == size:
            if frame.ndim == 3 and frame.shape[2] in channels:
                return
        got = f"{frame.dtype} {frame.shape}" if isinstance(frame, np.ndarray) else type(frame).__name__
        want = " or ".join(str((*size, n)) for n in channels)
        raise ValueError(f"frame must be uint8 of shape {want} (height, width, channels), got {got}")

    def _pump(self) -> None:
        """Writer thread: feed queued frames to ffmpeg; after a failure, keep draining."""
        stdin = self._proc.stdin
        while (item := self._queue.get()) is not _STOP:
            if self._error is None:
                try:
                    stdin.write(item)
                except (BrokenPipeError, OSError) as exc:
                    self._error = exc

    def close(self) -> None:
        """Flush, wait for ffmpeg and move the finished segment into place."""
        if self._closed:
            return
        if self.frames == 0:
            self.abort()
            raise EncodeError(f"{self.path}: no frames were written")
        try:
            returncode = self._finish()
            if returncode != 0 or self._error is not None:
                raise self._failure(f"ffmpeg exited with status {returncode}")
            os.replace(self._tmp, self.path)
        except BaseException:
            self._kill()
            self._discard()
            raise
        self._discard()

    def _finish(self) -> int:
        """Stop the writer thread, close ffmpeg's stdin and wait for it to exit."""
        self._closed = True
        self._queue.put(_STOP)
        self._thread.join()
        try:
            self._proc.stdin.close()
        except OSError:
            pass  # ffmpeg already gone; its exit status tells the story
        return self._proc.wait()

    def abort(self) -> None:
        """Kill ffmpeg and remove the temp output; the destination is left untouched."""
        if self._closed and self._log.closed:
            return
        self._closed = True
        if self._proc is None:  # never started: no frame arrived to fix the layout
            self._discard()
            return
        self._kill()
        self._queue.put(_STOP)  # the pump drains: writes fail fast once ffmpeg is dead
        self._thread.join()
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        self._proc.wait()
        self._discard()

    def _kill(self) -> None:
        """Kill ffmpeg if it is still running."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()

    def _failure(self, what: str) -> EncodeError:
        """An EncodeError naming the segment, with ffmpeg's log tail."""
        return EncodeError(f"encoding {self.path} failed: {what}\n{_log_tail(self._log)}")

    def _discard(self) -> None:
        """Remove the temp output and close the log."""
        _unlink(self._tmp)
        self._log.close()


def mux(
    segments: Sequence[Path], audio_wav: Path, out: Path, settings: VideoSettings, *, audio_bitrate: str = "160k",
    metadata: Mapping[str, str] | None = None,
) -> None:
    """Join segments without re-encoding, add the WAV as AAC, and write ``out`` atomically.

    ``metadata`` keys go into ``moov/udta/meta`` (as ``mdta`` keys); each is read back from
    the written file before it replaces ``out``, and a missing one is an EncodeError.
    """
    segments = [Path(s) for s in segments]
    _check_inputs(segments, Path(audio_wav))
    durations = [_segment_duration(s, settings) for s in segments]
    out = Path(out)
    _check_directory(out)
    with tempfile.TemporaryDirectory(prefix="sdc-mux-") as workdir:
        listing = Path(workdir) / "segments.txt"
        listing.write_text(_concat_listing(segments, durations), encoding="utf-8")
        cmd = mux_command(listing, Path(audio_wav), sum(durations), audio_bitrate, metadata)
        _run_to(cmd, out, Path(workdir) / "ffmpeg.log", lambda written: _check_metadata(written, metadata or {}))


def mux_command(listing: Path, audio_wav: Path, duration: float, bitrate: str,
                metadata: Mapping[str, str] | None = None) -> list[str]:
    """ffmpeg command line for ``mux``; the output path is appended by the caller.

    ``-map_metadata -1`` drops what the inputs carry; explicit ``-metadata`` keys still land,
    but only with ``use_metadata_tags`` (without it the mov muxer silently drops unknown keys).
    """
    seconds = f"{duration:.6f}"
    tags = [arg for key, value in (metadata or {}).items() for arg in ("-metadata", f"{key}={value}")]
    return [
        ffmpeg_exe(), "-hide_banner", "-nostats", "-nostdin", "-y",
        "-f", "concat", "-safe", "0", "-i", str(listing),
        "-t", seconds, "-i", str(audio_wav),
        "-map", "0:v:0", "-map", "1:a:0",
        "-c:v", "copy",
        "-af", f"apad=whole_dur={seconds}", "-c:a", "aac", "-b:a", bitrate, "-ar", "48000",
        "-flags:a", "+bitexact", *_BITEXACT, *tags,
        "-movflags", "+faststart+use_metadata_tags" if tags else "+faststart", "-f", "mp4",
    ]  # fmt: skip


def _check_metadata(path: Path, metadata: Mapping[str, str]) -> None:
    """Raise EncodeError unless every key of ``metadata`` reads back from ``path`` unchanged."""
    if not metadata:
        return
    from .mp4meta import read_tags

    found = read_tags(path)
    lost = [key for key, value in metadata.items() if found.get(key) != value]
    if lost:
        raise EncodeError(f"ffmpeg did not write the metadata key(s) {', '.join(lost)} into {path.name}")


def _check_inputs(segments: list[Path], audio_wav: Path) -> None:
    """Fail early and clearly on missing inputs, before ffmpeg runs."""
    if not segments:
        raise EncodeError("mux needs at least one segment")
    for path in [*segments, audio_wav]:
        if not path.is_file():
            raise EncodeError(f"mux input not found: {path}")


def _check_directory(path: Path) -> None:
    """Raise a clear error if ``path``'s directory does not exist."""
    if not path.parent.is_dir():
        raise FileNotFoundError(f"output directory does not exist: {path.parent}")


def _segment_duration(path: Path, settings: VideoSettings) -> float:
    """Exact duration of a segment, after checking it matches ``settings``' frame size."""
    try:
        size, duration = mp4_video_size(path), mp4_video_duration(path)
    except Exception as exc:
        raise EncodeError(f"cannot read segment {path}: {exc}") from exc
    if size != (settings.width, settings.height):
        raise EncodeError(f"segment {path} is {size[0]}x{size[1]}, expected {settings.width}x{settings.height}")
    return duration


def _concat_listing(segments: list[Path], durations: list[float]) -> str:
    """A concat-demuxer script; explicit durations keep segment boundaries frame-exact."""
    lines = ["ffconcat version 1.0"]
    for path, duration in zip(segments, durations):
        quoted = str(path.resolve()).replace("'", "'\\''")
        lines += [f"file '{quoted}'", f"duration {duration:.6f}"]
    return "\n".join(lines) + "\n"


def _run_to(cmd: list[str], out: Path, log_path: Path, check: Callable[[Path], None] = lambda path: None) -> None:
    """Run ffmpeg writing to a temp sibling of ``out``, ``check`` it, then move it into place."""
    tmp = _temp_sibling(out)
    try:
        with open(log_path, "w+b") as log:
            returncode = _run_logged([*cmd, str(tmp)], log)
            if returncode != 0:
                raise EncodeError(f"writing {out} failed: ffmpeg exited with status {returncode}\n{_log_tail(log)}")
        check(tmp)
        os.replace(tmp, out)
    finally:
        _unlink(tmp)


def _run_logged(cmd: list[str], log: IO[bytes]) -> int:
    """Run a command with stderr to ``log``; kill it if we are interrupted."""
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
    except OSError as exc:
        raise EncodeError(f"cannot start ffmpeg ({cmd[0]}): {exc}") from exc
    try:
        return proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise


def raw_encode_fps(settings: VideoSettings, frames: int) -> float:
    """Frames per second of SegmentWriter alone, fed pre-rendered frames (a ceiling for us)."""
    if frames < 1:
        raise ValueError("frames must be at least 1")
    pool = synthetic_frames(settings.width, settings.height, min(frames, 2 * settings.fps))
    with tempfile.TemporaryDirectory(prefix="sdc-bench-") as workdir:
        start = time.perf_counter()
        with SegmentWriter(Path(workdir) / "bench.mp4", settings) as writer:
            for i in range(frames):
                writer.write(pool[i % len(pool)])
        elapsed = time.perf_counter() - start
    return frames / elapsed


def synthetic_frames(width: int, height: int, count: int) -> list[np.ndarray]:
    """``count`` varied test frames: a drifting colour gradient with a moving square."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    frames = []
    for i in range(count):
        phase = i / max(count, 1)
        frame = np.empty((height, width, 3), np.uint8)
        frame[..., 0] = (255 * ((xs / width + phase) % 1.0)).astype(np.uint8)
        frame[..., 1] = (255 * ys / height).astype(np.uint8)
        frame[..., 2] = (128 + 127 * np.sin(2 * np.pi * (xs + ys) / width + 6.28 * phase)).astype(np.uint8)
        side = max(2, min(width, height) // 6)
        x0 = int((width - side) * phase)
        frame[height // 3 : height // 3 + side, x0 : x0 + side] = (255, 255, 255)
        frames.append(frame)
    return frames


def _temp_sibling(path: Path) -> Path:
    """A unique temp path next to ``path`` (same filesystem, so os.replace is atomic).

    Only the name is reserved; ffmpeg creates the file, so it gets normal permissions.
    """
    return path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp.mp4"


def _log_tail(log: IO[bytes], lines: int = _LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of an ffmpeg log file, indented for error messages."""
    log.flush()
    log.seek(0)
    text = log.read().decode("utf-8", errors="replace").replace("\r", "\n")
    tail = [line for line in text.splitlines() if line.strip()][-lines:]
    return "ffmpeg log (last lines):\n" + "\n".join(f"  {line}" for line in tail)


def _unlink(path: Path) -> None:
    """Remove a file if it exists."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
