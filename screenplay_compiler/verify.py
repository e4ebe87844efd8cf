"""``sdc verify``: read a video back and check its AI-content labels and its creation record.

Checks, each pass / fail / warn / skip: the metadata label (the ``AIGC`` key: fields, order,
characters), the creation record (its sha256 is ``ReservedCode1``, it names the same
producer and ProduceID), the media (the samples hash to what the record says), the visible
label (its text stands out of its band in every frame of the first seconds, at least 5% of
the shorter side tall), a C2PA manifest if there is one, and, given the script, whether the
video was built from it.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Literal

import numpy as np

from . import aigc, mp4meta, provenance
from .label import CORNERS, MIN_HEIGHT, LabelSpec

Status = Literal["pass", "fail", "warn", "skip"]
CONTRAST = 60  # luma levels the label's text must stand above its band
BRIGHT = 160  # luma of a text pixel when measuring the text's height


@dataclass(frozen=True)
class Check:
    """One verified property: its name, outcome and what was found."""

    name: str
    status: Status
    detail: str


@dataclass(frozen=True)
class Report:
    """Every check of one video; it passes when none failed."""

    video: str
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return all(c.status != "fail" for c in self.checks)

    def to_text(self) -> str:
        """The report for a person: one line per check, then the verdict."""
        width = max(len(c.name) for c in self.checks)
        lines = [f"sdc verify {self.video}"]
        lines += [f"  {c.status.upper():<4}  {c.name:<{width}}  {c.detail}" for c in self.checks]
        failed = [c.name for c in self.checks if c.status == "fail"]
        lines.append("verified: the labels and the creation record are in order" if self.ok
                     else f"FAILED: {', '.join(failed)}")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict:
        """The report as JSON data for tools."""
        return {"video": self.video, "ok": self.ok, "checks": [c.__dict__ for c in self.checks]}


@dataclass
class _Found:
    """What the checks learn from the file and pass on to later checks."""

    label: dict[str, str] | None = None
    record: dict | None = None
    record_sha256: str | None = None


def verify(video: Path, script: Path | None = None, record: Path | None = None) -> Report:
    """Check ``video``'s labels, its creation record (beside it, or ``record``) and, given
    ``script``, that it was built from that script."""
    video = Path(video)
    if not video.is_file():
        raise FileNotFoundError(f"no such video: {video}")
    found = _Found()
    checks = [_metadata(video, found), *_record(video, record or provenance.record_path(video), found),
              _visible(video, found), _c2pa(video, found)]
    if script is not None:
        checks.append(_script(Path(script), found))
    return Report(str(video), tuple(checks))


def _metadata(video: Path, found: _Found) -> Check:
    """The AIGC key: present, exactly the seven fields in order, allowed characters."""
    name = "metadata label"
    try:
        text = aigc.read_mp4_label(video)
    except Exception as exc:  # not an MP4 we can walk: that is the finding
        return Check(name, "fail", f"cannot read the MP4's boxes ({exc})")
    if text is None:
        return Check(name, "fail", "no AIGC key in moov/udta/meta")
    problems = aigc.label_problems(text)
    if problems:
        return Check(name, "fail", "; ".join(problems))
    found.label = aigc.fields(text)
    return Check(name, "pass", f"AIGC in moov/udta/meta, 7 fields in order; ContentProducer "
                               f"{found.label['ContentProducer']}, ProduceID {found.label['ProduceID']}")


def _record(video: Path, path: Path, found: _Found) -> list[Check]:
    """The creation record: found, hashed into ReservedCode1, consistent, and hashing the samples."""
    if not path.is_file():
        return [Check("creation record", "fail", f"no creation record at {path} (give it with --record)")]
    data = path.read_bytes()
    found.record_sha256 = hashlib.sha256(data).hexdigest()
    try:
        found.record = json.loads(data)
    except ValueError as exc:
        return [Check("creation record", "fail", f"{path} is not JSON ({exc})")]
    return [_record_hash(path, found), _record_schema(found.record), _media(video, found.record)]


def _record_hash(path: Path, found: _Found) -> Check:
    """The record's sha256 is the label's ReservedCode1 and the record names the same label."""
    name = "creation record"
    if found.label is None:
        return Check(name, "fail", f"{path.name}: no metadata label to compare its sha256 {found.record_sha256[:16]}… with")
    if found.label["ReservedCode1"] != found.record_sha256:
        return Check(name, "fail", f"sha256 of {path.name} is {found.record_sha256[:16]}…, ReservedCode1 says "
                                   f"{found.label['ReservedCode1'][:16]}…: the record or the label was changed")
    meta = found.record.get("label", {}).get("metadata", {})
    wrong = [k for k in ("ContentProducer", "ProduceID") if meta.get(k) != found.label[k]]
    if wrong:
        return Check(name, "fail", f"{path.name} names a different {', '.join(wrong)}")
    return Check(name, "pass", f"{path.name}: its sha256 is ReservedCode1")


def _record_schema(record: dict) -> Check:
    """The record is valid against the published schema (when jsonschema is installed)."""
    try:
        import jsonschema
    except ImportError:
        return Check("record schema", "skip", "jsonschema is not installed")
    if not schema_path().is_file():
        return Check("record schema", "skip", f"the schema is not at {schema_path()}")
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(record), key=lambda e: list(e.path))
    if errors:
        return Check("record schema", "fail", f"{len(errors)} error(s), first: {errors[0].message}")
    return Check("record schema", "pass", f"valid {record.get('format')}")


def schema_path() -> Path:
    """The published schema of the creation record (``docs/`` of a source checkout)."""
    return Path(__file__).resolve().parent.parent / "docs" / "provenance.schema.json"


def _media(video: Path, record: dict) -> Check:
    """The video's samples (mdat) hash to what the record says."""
    expected = record.get("outputs", {}).get("mp4_media_sha256")
    actual = mp4meta.media_sha256(video)
    if expected != actual:
        return Check("media", "fail", f"the audio/video samples hash to {actual[:16]}…, the record says "
                                      f"{str(expected)[:16]}…: the video was altered or re-encoded")
    return Check("media", "pass", f"samples (mdat) sha256 {actual[:16]}… as recorded")


# ---- the visible label -----------------------------------------------------------------------


def _visible(video: Path, found: _Found) -> Check:
    """The label's text stands out of its band in every frame of its first seconds."""
    name = "visible label"
    recorded = (found.record or {}).get("label", {}).get("visible")
    if recorded is not None and not recorded.get("enabled", True):
        return Check(name, "warn", "none: disabled explicitly at build (--no-visible-label, recorded); "
                                   "the metadata label remains")
    specs = ([LabelSpec(recorded["text"], recorded["corner"], recorded["seconds"], recorded["repeat_end"], recorded["height"])]
             if recorded else [LabelSpec(corner=c) for c in CORNERS])
    seconds = max(s.seconds for s in specs)
    frames, fps = _first_frames(video, seconds)
    if not frames:
        return Check(name, "fail", "no frames could be decoded")
    height, width = frames[0].shape[:2]
    for spec in specs:
        scores = [_contrast(f, spec) for f in frames]
        if min(scores) >= CONTRAST:
            px = _text_height(frames[0], spec)
            share = px / min(width, height)
            where = "" if recorded else " (no creation record: matched the default label)"
            status = "pass" if share >= MIN_HEIGHT else "fail"
            return Check(name, status, f"{spec.text!r} {spec.corner} in all {len(frames)} frames of the first "
                                       f"{len(frames) / fps:.2f} s; text {px} px tall = {share:.1%} of {min(width, height)} px{where}")
    return Check(name, "fail", f"the label is missing from frames of the first {seconds:g} s "
                               f"(text/band contrast {min(_contrast(f, specs[0]) for f in frames):.0f} < {CONTRAST})")


def _luma(frame: np.ndarray) -> np.ndarray:
    """BT.709 luma of an RGB frame."""
    return frame[..., :3].astype(np.float32) @ np.array([0.2126, 0.7152, 0.0722], np.float32)


def _contrast(frame: np.ndarray, spec: LabelSpec) -> float:
    """Mean luma of the label's text minus that of its band around it, in this frame."""
    from .render.text import masks

    height, width = frame.shape[:2]
    text, band = masks(spec.overlay(), width, height)
    luma = _luma(frame)
    return float(luma[text].mean() - luma[band].mean()) if text.any() and band.any() else 0.0


def _text_height(frame: np.ndarray, spec: LabelSpec) -> int:
    """The height of the tallest glyph as decoded: the longest vertical run, column by column,
    from the first to the last bright pixel inside the label's band."""
    from .render.text import ink_height, layout

    height, width = frame.shape[:2]
    lay = layout(spec.overlay(), width, height)
    return ink_height(_luma(frame)[lay.y : lay.y + lay.height, lay.x : lay.x + lay.width] >= BRIGHT)


def _first_frames(video: Path, seconds: float) -> tuple[list[np.ndarray], float]:
    """The decoded RGB frames of the first ``seconds`` of a video, and its frame rate."""
    frames: list[np.ndarray] = []
    reader = _frames(video)
    meta = next(reader)
    fps, (width, height) = float(meta["fps"]), meta["size"]
    wanted = max(1, math.ceil(seconds * fps - 1e-6))
    for raw in reader:
        frames.append(np.frombuffer(raw, np.uint8).reshape(height, width, 3))
        if len(frames) == wanted:
            break
    reader.close()
    return frames, fps


def _frames(video: Path) -> Iterator:
    """imageio-ffmpeg's frame reader: the metadata first, then raw RGB frames."""
    import imageio_ffmpeg

    return imageio_ffmpeg.read_frames(str(video), pix_fmt="rgb24")


# ---- C2PA and the script ---------------------------------------------------------------------


def _c2pa(video: Path, found: _Found) -> Check:
    """A C2PA manifest, when the file has one: valid, AI-created, naming the record's hash."""
    from .signing import SigningError, read_manifest

    name = "C2PA"
    if not mp4meta.has_c2pa(video):
        return Check(name, "skip", "not signed (sdc build --sign adds a manifest)")
    try:
        manifest = read_manifest(video)
    except SigningError as exc:
        return Check(name, "warn", f"a manifest is present but cannot be checked here: {exc}")
    problems = list(manifest.failures)
    if not manifest.created_by_ai:
        problems.append("no c2pa.created action with digitalSourceType trainedAlgorithmicMedia")
    if manifest.record_sha256 != found.record_sha256:
        problems.append("its creation-record hash is not the record's sha256")
    if problems:
        return Check(name, "fail", f"{manifest.state}: {'; '.join(problems)}")
    trust = "; signer not on a trust list" if manifest.warnings else ""
    return Check(name, "pass", f"{manifest.state}, signed by {manifest.signer}; c2pa.created by a trained algorithm; "
                               f"names the creation record{trust}")


def _script(script: Path, found: _Found) -> Check:
    """The video was built from ``script``: its ProduceID and the record's script hash match."""
    from .api import read_script

    name = "script"
    if not script.is_file():
        return Check(name, "fail", f"no such script: {script}")
    text = read_script(script)
    problems = []
    if found.label is not None and found.label["ProduceID"] != aigc.produce_id(text):
        problems.append("its ProduceID is not this script's")
    recorded = (found.record or {}).get("script", {}).get("sha256")
    if recorded is not None and recorded != hashlib.sha256(text.encode("utf-8")).hexdigest():
        problems.append("the record names another script text")
    if found.label is None and recorded is None:
        problems.append("nothing in the video names a script")
    if problems:
        return Check(name, "fail", f"{script}: " + "; ".join(problems))
    return Check(name, "pass", f"{script} is the script this video was built from")
