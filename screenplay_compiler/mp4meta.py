"""Read the metadata an MP4 carries, straight from its boxes: ``moov/udta/meta`` with a
``keys`` + ``ilst`` pair (what ffmpeg writes with ``-movflags +use_metadata_tags``), the hash
of its media payload (``mdat``), and whether it holds a C2PA manifest.

Reading the boxes ourselves, rather than asking ffmpeg, is the check that a key really is in
the file: ffmpeg quietly drops keys it does not know without ``use_metadata_tags``.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

from .probe import ProbeError
from .probe import _boxes as boxes

C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")  # the C2PA manifest store's 'uuid' box
UTF8 = 1  # 'data' box type indicator for UTF-8 text


@dataclass(frozen=True)
class Tag:
    """One metadata key, its text and where that text's bytes are in the file."""

    key: str
    value: str
    offset: int
    length: int


def _child(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    """(payload start, end) of the first ``kind`` box between ``start`` and ``end``."""
    return next(((s, e) for k, s, e in boxes(data, start, end) if k == kind), None)


def _path(data: bytes, *kinds: bytes) -> tuple[int, int] | None:
    """The payload span of the box at ``kinds`` (a path of box types from the top level)."""
    span: tuple[int, int] | None = (0, len(data))
    for kind in kinds:
        span = _child(data, span[0], span[1], kind) if span else None
        if span and kind == b"meta" and data[span[0] + 8 : span[0] + 12] == b"hdlr":
            span = (span[0] + 4, span[1])  # ISO 'meta' is a full box: skip version and flags
    return span


def tags(data: bytes) -> list[Tag]:
    """Every ``mdta`` key of ``moov/udta/meta`` (in the file's order) with its UTF-8 value."""
    meta = _path(data, b"moov", b"udta", b"meta")
    if meta is None:
        return []
    keys_box, ilst = _child(data, *meta, b"keys"), _child(data, *meta, b"ilst")
    if keys_box is None or ilst is None:
        return []
    names = _key_names(data, keys_box)
    out = []
    for kind, start, end in boxes(data, *ilst):
        index = struct.unpack(">I", kind)[0]
        value = _child(data, start, end, b"data")
        if value is None or not 1 <= index <= len(names):
            continue
        type_code = struct.unpack_from(">I", data, value[0])[0] & 0xFFFFFF
        if type_code == UTF8:
            text = data[value[0] + 8 : value[1]]
            out.append(Tag(names[index - 1], text.decode("utf-8", "replace"), value[0] + 8, len(text)))
    return out


def _key_names(data: bytes, span: tuple[int, int]) -> list[str]:
    """The names of a ``keys`` box (version/flags, count, then size + namespace + name each)."""
    count = struct.unpack_from(">I", data, span[0] + 4)[0]
    names, pos = [], span[0] + 8
    for _ in range(count):
        size = struct.unpack_from(">I", data, pos)[0]
        if size < 8 or pos + size > span[1]:
            raise ProbeError("malformed 'keys' box")
        names.append(data[pos + 8 : pos + size].decode("utf-8", "replace"))
        pos += size
    return names


def read_tags(path: Path) -> dict[str, str]:
    """The MP4's metadata keys and values (empty when it has none)."""
    return {t.key: t.value for t in tags(Path(path).read_bytes())}


def media_sha256(path: Path) -> str:
    """sha256 of the payload of every top-level ``mdat`` box, in order: the coded audio and
    video samples, which neither metadata nor a C2PA manifest changes."""
    data = Path(path).read_bytes()
    digest = hashlib.sha256()
    found = False
    for kind, start, end in boxes(data, 0, None):
        if kind == b"mdat":
            digest.update(memoryview(data)[start:end])
            found = True
    if not found:
        raise ProbeError(f"{path}: no 'mdat' box")
    return digest.hexdigest()


def has_c2pa(path: Path) -> bool:
    """True when the MP4 holds a C2PA manifest store (a top-level 'uuid' box with its id)."""
    data = Path(path).read_bytes()
    return any(kind == b"uuid" and data[start : start + 16] == C2PA_UUID for kind, start, _ in boxes(data, 0, None))
