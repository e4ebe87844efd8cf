"""The implicit (metadata) AI-content label of GB 45438-2025 Annex E, in MP4, MP3 and PNG.

The label is one JSON object with exactly these string fields, in this order: ``Label``
("1": AI-generated), ``ContentProducer``, ``ProduceID``, ``ReservedCode1``,
``ContentPropagator``, ``PropagateID``, ``ReservedCode2``. Values use only the printable
ASCII characters 0x21, 0x23-0x5B and 0x5D-0x7E (no space, quote or backslash). sdc writes it
first, so the propagator fields repeat the producer's; ``ProduceID`` is derived from the
script, and ``ReservedCode1`` is the sha256 of the build's creation record.

MP4: the ``AIGC`` key of ``moov/udta/meta`` (see :mod:`mp4meta`). MP3: an ID3v2.4 ``TXXX``
frame described ``AIGC``. PNG: an ``iTXt`` chunk with keyword ``AIGC``.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import zlib
from pathlib import Path

from . import atomic

KEY = "AIGC"
FIELDS = ("Label", "ContentProducer", "ProduceID", "ReservedCode1", "ContentPropagator", "PropagateID", "ReservedCode2")
DEFAULT_PRODUCER = "sdc"  # used when neither the script (Producer:) nor --producer names one
_VALUE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]*")
PLACEHOLDER = "0" * 64  # ReservedCode1 while the record that it hashes is not written yet


class LabelFormatError(ValueError):
    """A metadata label value or file that is not what GB 45438 Annex E asks for."""


def valid_value(text: str) -> bool:
    """True when ``text`` uses only the characters a label field may hold."""
    return _VALUE.fullmatch(text) is not None


def produce_id(script_text: str) -> str:
    """The ProduceID of a script: from its content, so a rebuild keeps it (32 hex digits)."""
    return hashlib.sha256(("sdc/produce-id/1\n" + script_text).encode("utf-8")).hexdigest()[:32]


def producer_code(command_line: str | None, script: str) -> str:
    """The ContentProducer: the command line's, else the script's ``Producer:``, else "sdc"."""
    code = command_line or script or DEFAULT_PRODUCER
    if not valid_value(code):
        raise LabelFormatError(f"producer code {code!r} may use only printable ASCII without spaces, '\"' or '\\'")
    return code


def make_label(producer: str, produce: str, record_sha256: str) -> str:
    """The label JSON as first written (propagator = producer), compact, fields in order."""
    values = dict(zip(FIELDS, ("1", producer, produce, record_sha256, producer, produce, "")))
    for name, value in values.items():
        if not valid_value(value):
            raise LabelFormatError(f"{name} {value!r} has characters a label field may not hold")
    return json.dumps(values, separators=(",", ":"))


class _Pairs(list):
    """A JSON object's (name, value) pairs in file order (arrays decode to plain lists)."""


def label_problems(text: str) -> list[str]:
    """What is wrong with a label JSON read back from a file (empty when nothing is)."""
    try:
        pairs = json.loads(text, object_pairs_hook=_Pairs)
    except ValueError as exc:
        return [f"not JSON ({exc})"]
    if not isinstance(pairs, _Pairs):
        return ["not a JSON object"]
    names = tuple(k for k, _ in pairs)
    problems = [] if names == FIELDS else [f"fields are {list(names)}, expected exactly {list(FIELDS)} in that order"]
    for name, value in pairs:
        if not isinstance(value, str):
            problems.append(f"{name} is not a string")
        elif not valid_value(value):
            problems.append(f"{name} {value!r} has characters outside 0x21, 0x23-0x5B, 0x5D-0x7E")
    values = dict(pairs)
    if values.get("Label") != "1":
        problems.append(f"Label is {values.get('Label')!r}, expected '1' (AI-generated)")
    problems += [f"{name} is empty" for name in ("ContentProducer", "ProduceID") if values.get(name) == ""]
    return problems


def fields(text: str) -> dict[str, str]:
    """The label's fields (call :func:`label_problems` first for untrusted input)."""
    return json.loads(text)


# ---- MP4: the AIGC key, and filling in ReservedCode1 once the record exists ------------------


def replace_mp4_label(path: Path, old: str, new: str) -> None:
    """Rewrite the MP4's AIGC value ``old`` to ``new`` in place (same length, so no box or
    sample offset moves); raise when the file does not carry ``old``."""
    from .mp4meta import tags

    data = bytearray(Path(path).read_bytes())
    tag = next((t for t in tags(bytes(data)) if t.key == KEY), None)
    if tag is None or tag.value != old or len(new.encode()) != tag.length:
        raise LabelFormatError(f"{path}: the AIGC metadata to complete is not there")
    data[tag.offset : tag.offset + tag.length] = new.encode()
    atomic.write_bytes(path, bytes(data))


def read_mp4_label(path: Path) -> str | None:
    """The AIGC value of an MP4, or None when it has none."""
    from .mp4meta import read_tags

    return read_tags(path).get(KEY)


# ---- MP3: an ID3v2.4 TXXX frame --------------------------------------------------------------


def _synchsafe(n: int) -> bytes:
    """A 28-bit number as four 7-bit bytes (ID3v2.4 sizes)."""
    return bytes(((n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F))


def _unsynchsafe(b: bytes) -> int:
    """Four 7-bit bytes back to a number."""
    return (b[0] << 21) | (b[1] << 14) | (b[2] << 7) | b[3]


def _txxx(description: str, value: str) -> bytes:
    """A TXXX frame (UTF-8) for ID3v2.4."""
    body = b"\x03" + description.encode("utf-8") + b"\x00" + value.encode("utf-8")
    return b"TXXX" + _synchsafe(len(body)) + b"\x00\x00" + body


def _id3_frames(data: bytes) -> tuple[list[tuple[bytes, bytes, bytes]], int]:
    """The frames (id, flags, body) of a leading ID3v2.3/2.4 tag and the tag's total size
    (([], 0) when the file has no tag)."""
    if data[:3] != b"ID3":
        return [], 0
    version, flags = data[3], data[5]
    if version not in (3, 4) or flags & 0xC0:
        raise LabelFormatError(f"unsupported ID3v2.{version} tag (flags {flags:#x}): re-encode without tags first")
    end = 10 + _unsynchsafe(data[6:10])
    frames, pos = [], 10
    while pos + 10 <= end and data[pos : pos + 4].strip(b"\x00"):
        size_bytes = data[pos + 4 : pos + 8]
        size = _unsynchsafe(size_bytes) if version == 4 else struct.unpack(">I", size_bytes)[0]
        flags_v4 = data[pos + 8 : pos + 10] if version == 4 else b"\x00\x00"  # v2.3 flags mean other things
        frames.append((data[pos : pos + 4], flags_v4, data[pos + 10 : pos + 10 + size]))
        pos += 10 + size
    return frames, end + (10 if flags & 0x10 else 0)


def _is_label_frame(frame_id: bytes, body: bytes) -> bool:
    """True for a TXXX frame described AIGC (Latin-1 or UTF-8 text)."""
    if frame_id != b"TXXX" or body[:1] not in (b"\x00", b"\x03"):
        return False
    return body[1:].split(b"\x00", 1)[0] == KEY.encode()


def tag_mp3(path: Path, label_json: str) -> None:
    """Put the label in the MP3's ID3v2.4 tag as TXXX:AIGC (replacing an earlier one), atomically."""
    data = Path(path).read_bytes()
    frames, size = _id3_frames(data)
    kept = b"".join(fid + _synchsafe(len(body)) + fl + body for fid, fl, body in frames if not _is_label_frame(fid, body))
    payload = kept + _txxx(KEY, label_json)
    atomic.write_bytes(path, b"ID3\x04\x00\x00" + _synchsafe(len(payload)) + payload + data[size:])


def read_mp3_label(path: Path) -> str | None:
    """The TXXX:AIGC value of an MP3's ID3v2 tag, or None."""
    frames, _ = _id3_frames(Path(path).read_bytes())
    for fid, _, body in frames:
        if _is_label_frame(fid, body):
            return body[1:].split(b"\x00", 1)[1].decode("utf-8" if body[:1] == b"\x03" else "latin-1")
    return None


# ---- PNG: an iTXt chunk ----------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk of a PNG."""
    if data[:8] != PNG_SIGNATURE:
        raise LabelFormatError("not a PNG file")
    chunks, pos = [], 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def _chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_label(kind: bytes, body: bytes) -> str | None:
    """The value of an iTXt or tEXt chunk with keyword AIGC, else None."""
    keyword, _, rest = body.partition(b"\x00")
    if keyword != KEY.encode():
        return None
    if kind == b"tEXt":
        return rest.decode("latin-1")
    if kind == b"iTXt" and rest[:1] == b"\x00":  # uncompressed
        return rest[2:].split(b"\x00", 2)[2].decode("utf-8")
    return None


def tag_png(path: Path, label_json: str) -> None:
    """Put the label in the PNG as an iTXt chunk ``AIGC`` before its image data, atomically;
    the pixels and every other chunk stay as they are."""
    chunks = [(k, b) for k, b in _png_chunks(Path(path).read_bytes()) if k not in (b"iTXt", b"tEXt") or _png_label(k, b) is None]
    first_data = next(i for i, (k, _) in enumerate(chunks) if k == b"IDAT")
    label = (b"iTXt", KEY.encode() + b"\x00\x00\x00\x00\x00" + label_json.encode("utf-8"))
    chunks.insert(first_data, label)
    atomic.write_bytes(path, PNG_SIGNATURE + b"".join(_chunk(k, b) for k, b in chunks))


def read_png_label(path: Path) -> str | None:
    """The AIGC text chunk of a PNG, or None."""
    return next((v for k, b in _png_chunks(Path(path).read_bytes()) if (v := _png_label(k, b)) is not None), None)
