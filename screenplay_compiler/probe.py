"""Stream facts about a media file, without ffprobe.

``probe`` parses the stream summary that ``ffmpeg -i`` prints; the MP4 helpers walk
the box tree directly, which is exact where ffmpeg's printout is rounded.
"""

from __future__ import annotations

import re
import struct
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

_CHANNEL_LAYOUTS = {
    "mono": 1,
    "stereo": 2,
    "2.1": 3,
    "3.0": 3,
    "quad": 4,
    "4.0": 4,
    "4.1": 5,
    "5.0": 5,
    "5.0(side)": 5,
    "5.1": 6,
    "5.1(side)": 6,
    "6.1": 7,
    "7.1": 8,
}
_INPUT_RE = re.compile(r"^Input #0, (?P<formats>[^ ]+), from ", re.MULTILINE)
_DURATION_RE = re.compile(r"^\s*Duration: (?:(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?)|N/A)", re.MULTILINE)
_STREAM_RE = re.compile(r"^\s*Stream #0:\d+\S*: (?P<kind>Video|Audio): (?P<rest>.*)$", re.MULTILINE)
_SIZE_RE = re.compile(r"\b(\d+)x(\d+)\b")
_FPS_RE = re.compile(r"^([\d.]+)(k?) (fps|tbr)$")
_RATE_RE = re.compile(r"^(\d+) Hz$")
_CHANNELS_RE = re.compile(r"^(\d+) channels")


class ProbeError(RuntimeError):
    """ffmpeg could not read a file, or its output could not be understood."""


@dataclass(frozen=True)
class StreamInfo:
    """One audio or video stream; fields that do not apply to its kind are None."""

    kind: str  # "video" or "audio"
    codec: str
    width: int | None = None
    height: int | None = None
    pix_fmt: str | None = None
    fps: float | None = None
    sample_rate: int | None = None
    channels: int | None = None


@dataclass(frozen=True)
class MediaInfo:
    """A container's duration (seconds; 0.0 when ffmpeg reports N/A) and its streams."""

    duration: float
    streams: tuple[StreamInfo, ...]
    format_names: str

    def first(self, kind: str) -> StreamInfo:
        """Return the first stream of ``kind`` ("video" or "audio"), or raise LookupError."""
        for stream in self.streams:
            if stream.kind == kind:
                return stream
        raise LookupError(f"no {kind} stream")


def ffmpeg_exe() -> str:
    """Return the path of the ffmpeg binary (``IMAGEIO_FFMPEG_EXE`` overrides the bundled one)."""
    return imageio_ffmpeg.get_ffmpeg_exe()


def probe(path: Path) -> MediaInfo:
    """Describe ``path``'s container and streams by parsing ``ffmpeg -i``."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"cannot probe {path}: no such file")
    text = _ffmpeg_info_text(path)
    try:
        return parse_info(text)
    except ProbeError:
        tail = "\n".join(text.strip().splitlines()[-10:])
        raise ProbeError(f"ffmpeg could not read {path}:\n{tail}") from None


def _ffmpeg_info_text(path: Path) -> str:
    """Run ``ffmpeg -i`` with no output; it exits 1 by design, so only stderr matters."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
    try:
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except FileNotFoundError as exc:
        raise ProbeError(f"ffmpeg binary not found: {cmd[0]}") from exc
    return done.stderr.decode("utf-8", errors="replace")


def parse_info(text: str) -> MediaInfo:
    """Parse the ``Input #0`` block of ffmpeg's stderr into a MediaInfo."""
    match = _INPUT_RE.search(text)
    if match is None:
        raise ProbeError("no 'Input #0' block in ffmpeg output")
    block = text[match.start() :]
    streams = tuple(_parse_stream(m["kind"].lower(), m["rest"]) for m in _STREAM_RE.finditer(block))
    return MediaInfo(duration=_parse_duration(block), streams=streams, format_names=match["formats"])


def _parse_duration(block: str) -> float:
    """Seconds from a ``Duration: HH:MM:SS.ss`` line; 0.0 when absent or N/A."""
    match = _DURATION_RE.search(block)
    if match is None or match["h"] is None:
        return 0.0
    return int(match["h"]) * 3600 + int(match["m"]) * 60 + float(match["s"])


def _parse_stream(kind: str, rest: str) -> StreamInfo:
    """Turn the text after ``Video:``/``Audio:`` into a StreamInfo."""
    fields = _split_top_level(rest)
    codec = fields[0].split()[0] if fields and fields[0].split() else "unknown"
    if kind == "video":
        return _video_stream(codec, fields)
    return _audio_stream(codec, fields)


def _video_stream(codec: str, fields: list[str]) -> StreamInfo:
    """Pick size, pixel format and frame rate out of a video stream's fields."""
    width = height = None
    fps = tbr = None
    for field in fields[1:]:
        size = _SIZE_RE.match(field)
        if size and width is None:
            width, height = int(size[1]), int(size[2])
        rate = _FPS_RE.match(field)
        if rate:
            value = float(rate[1]) * (1000 if rate[2] else 1)
            fps, tbr = (value, tbr) if rate[3] == "fps" else (fps, value)
    pix_fmt = fields[1].split("(")[0].strip() if len(fields) > 1 and not _SIZE_RE.match(fields[1]) else None
    return StreamInfo("video", codec, width, height, pix_fmt or None, fps if fps is not None else tbr)


def _audio_stream(codec: str, fields: list[str]) -> StreamInfo:
    """Pick sample rate and channel count out of an audio stream's fields."""
    sample_rate = channels = None
    for field in fields[1:]:
        rate = _RATE_RE.match(field)
        if rate:
            sample_rate = int(rate[1])
        elif channels is None and sample_rate is not None:
            channels = _channel_count(field)
    return StreamInfo("audio", codec, sample_rate=sample_rate, channels=channels)


def _channel_count(layout: str) -> int | None:
    """Channels in a layout name ("mono", "5.1(side)", "3 channels"), or None if unknown."""
    match = _CHANNELS_RE.match(layout)
    if match:
        return int(match[1])
    return _CHANNEL_LAYOUTS.get(layout.strip())


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside parentheses or brackets, stripping each part."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def faststart(path: Path) -> bool:
    """True when the MP4's top-level 'moov' box comes before its 'mdat' box."""
    order = [kind for kind, _, _ in _boxes(Path(path).read_bytes(), 0, None) if kind in (b"moov", b"mdat")]
    return bool(order) and order[0] == b"moov" and b"mdat" in order


def mp4_video_duration(path: Path) -> float:
    """Exact duration in seconds of the first video track (``mdhd`` duration / timescale)."""
    data = Path(path).read_bytes()
    mdhd = _child(data, _video_mdia(data, path), b"mdhd")
    if mdhd is None:
        raise ProbeError(f"{path}: video track has no 'mdhd' box")
    return _mdhd_seconds(data, mdhd)


def mp4_video_size(path: Path) -> tuple[int, int]:
    """(width, height) of the first video track, from its ``tkhd`` box."""
    data = Path(path).read_bytes()
    for trak in _children(data, b"moov", b"trak"):
        mdia = _child(data, trak, b"mdia")
        tkhd = _child(data, trak, b"tkhd")
        if mdia is not None and tkhd is not None and _handler(data, mdia) == b"vide":
            width, height = struct.unpack_from(">II", data, tkhd[1] - 8)  # 16.16 fixed point
            return width >> 16, height >> 16
    raise ProbeError(f"{path}: no video track")


def _video_mdia(data: bytes, path: Path) -> tuple[int, int]:
    """The ``mdia`` box of the first video track."""
    for trak in _children(data, b"moov", b"trak"):
        mdia = _child(data, trak, b"mdia")
        if mdia is not None and _handler(data, mdia) == b"vide":
            return mdia
    raise ProbeError(f"{path}: no video track")


def _boxes(data: bytes, start: int, end: int | None) -> Iterator[tuple[bytes, int, int]]:
    """Yield (type, payload start, box end) for each box between start and end."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise ProbeError("truncated 64-bit MP4 box header")
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise ProbeError(f"malformed MP4 box {kind!r} at offset {pos}")
        yield kind, pos + header, pos + size
        pos += size


def _children(data: bytes, parent: bytes, kind: bytes) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each ``kind`` box inside the top-level ``parent`` box."""
    for top, start, end in _boxes(data, 0, None):
        if top == parent:
            yield from ((s, e) for k, s, e in _boxes(data, start, end) if k == kind)


def _child(data: bytes, span: tuple[int, int], kind: bytes) -> tuple[int, int] | None:
    """The first ``kind`` box directly inside ``span``, or None."""
    return next(((s, e) for k, s, e in _boxes(data, *span) if k == kind), None)


def _handler(data: bytes, mdia: tuple[int, int]) -> bytes | None:
    """The handler type ('vide', 'soun', ...) of an ``mdia`` box."""
    hdlr = _child(data, mdia, b"hdlr")
    return None if hdlr is None else data[hdlr[0] + 8 : hdlr[0] + 12]


def _mdhd_seconds(data: bytes, mdhd: tuple[int, int]) -> float:
    """Duration / timescale from an ``mdhd`` payload (version 0 or 1)."""
    start = mdhd[0]
    if data[start] == 1:
        timescale, duration = struct.unpack_from(">IQ", data, start + 20)
    else:
        timescale, duration = struct.unpack_from(">II", data, start + 12)
    if timescale == 0:
        raise ProbeError("mdhd timescale is zero")
    return duration / timescale
