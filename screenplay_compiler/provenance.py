"""The creation record: what the writer decided, what sdc generated, and with what.

Every build writes ``<name>.provenance.json`` beside its MP4 (schema:
``docs/provenance.schema.json``). It holds the script's sha256 and git facts, every
human-authored directive with its source position (lines, emotions, camera directions,
actions, beats and other timing) apart from what the compiler generated (looks, voices,
sets, automatic coverage, animation, seeds), the engines and versions, the render settings,
the label that was applied, and the hashes of the outputs. Its own sha256 is the MP4's
``ReservedCode1``, so the video points at its record and the record at the video's samples.
Nothing in it reads a clock or a machine-specific path: an unchanged build writes the same
bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from . import __version__, aigc, atomic, ir
from .label import OverlayPlan

FORMAT = "sdc-provenance/1"
PACKAGES = ("lark", "pydantic", "numpy", "moderngl", "pillow", "piper-tts", "onnxruntime", "imageio-ffmpeg",
            "cvttf-NotoSansCJK-Regular")
NOT_IN_GIT = "not in a git repository"


@dataclass(frozen=True)
class Stamp:
    """The metadata label of a build: its producer code and content-derived ProduceID."""

    producer: str
    produce_id: str

    def label(self, record_sha256: str = aigc.PLACEHOLDER) -> str:
        """The AIGC JSON, with ``record_sha256`` as ReservedCode1."""
        return aigc.make_label(self.producer, self.produce_id, record_sha256)

    def metadata(self) -> dict[str, str]:
        """What the muxer writes first: the label with a placeholder for the record's hash."""
        return {aigc.KEY: self.label()}


@dataclass(frozen=True)
class BuildFacts:
    """What a build made and from what: everything the record describes."""

    script: Path
    text: str
    episode: ir.Episode
    tracks: Any  # tracks.Tracks
    settings: Any  # api.BuildSettings
    segments: dict[str, Path]  # shot id -> its H.264 segment
    mix_wav: Path
    subtitles: dict[str, str]  # "srt"/"vtt" -> text


def stamp_for(text: str, episode: ir.Episode, producer: str | None) -> Stamp:
    """The stamp of a script: producer from the command line, the script or the default."""
    return Stamp(aigc.producer_code(producer, getattr(episode, "producer", "")), aigc.produce_id(text))


def seal(stamp: Stamp, facts: BuildFacts, muxed: Path, out: Path) -> Path:
    """Finish a muxed MP4: write the record beside ``out``, put the record's hash in the AIGC
    label (read back), sign it when asked, and move it to ``out``. Returns the record's path."""
    import os

    data = to_bytes(creation_record(facts, muxed, stamp))
    digest = hashlib.sha256(data).hexdigest()
    aigc.replace_mp4_label(muxed, stamp.label(), stamp.label(digest))
    if aigc.read_mp4_label(muxed) != stamp.label(digest):
        raise RuntimeError(f"{muxed}: the AIGC metadata did not read back as written")
    settings = facts.settings
    if getattr(settings, "sign_cert", None):
        from .signing import sign_mp4

        sign_mp4(muxed, settings.sign_cert, settings.sign_key, digest, facts.episode.title)
    record = record_path(out)
    atomic.write_bytes(record, data)
    os.replace(muxed, out)
    return record


def record_path(video: Path) -> Path:
    """Where a video's creation record lives: ``<name>.provenance.json`` beside it."""
    return Path(video).with_suffix(".provenance.json")


def to_bytes(record: dict) -> bytes:
    """The record as canonical JSON bytes (sorted keys, UTF-8, trailing newline)."""
    return (json.dumps(record, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def creation_record(facts: BuildFacts, mp4: Path, stamp: Stamp) -> dict:
    """The creation record of a build whose muxed MP4 is ``mp4``."""
    return {
        "format": FORMAT,
        "generator": {"name": "sdc", "version": __version__},
        "script": script_facts(facts.script, facts.text),
        "authored": authored(facts.episode),
        "generated": generated(facts.episode, facts.tracks, facts.settings.overlay_plan()),
        "engines": engines(facts.episode, next(iter(facts.segments.values()))),
        "render": render_settings(facts.settings),
        "label": label_facts(facts.settings, stamp),
        "outputs": outputs(facts, mp4),
    }


# ---- the script and its git history ----------------------------------------------------------


def script_facts(script: Path, text: str) -> dict:
    """The script's name, size, sha256 (of its UTF-8 text as compiled) and git facts."""
    data = text.encode("utf-8")
    return {"name": Path(script).name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "git": git_facts(Path(script))}


def _git(script: Path, *args: str) -> str | None:
    """Output of a git command run in the script's folder, or None when it fails."""
    try:
        done = subprocess.run(["git", *args], cwd=script.parent if script.parent.as_posix() else Path("."),
                              capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def git_facts(script: Path) -> dict:
    """The last commit touching the script (commit, author, date), its path in the repository
    and whether the working copy differs; or a status saying why there are none."""
    if _git(script, "rev-parse", "--show-toplevel") is None:
        return {"status": NOT_IN_GIT}
    path = (_git(script, "ls-files", "--full-name", "--", script.name) or "").strip()
    if not path:
        return {"status": "not committed"}
    last = (_git(script, "log", "-1", "--format=%H%x00%an <%ae>%x00%aI", "--", script.name) or "").strip()
    if not last:
        return {"status": "not committed", "path": path}
    commit, author, date = last.split("\x00")
    modified = _git(script, "diff", "--quiet", "HEAD", "--", script.name) is None
    return {"status": "modified since last commit" if modified else "committed", "path": path, "commit": commit,
            "author": author, "date": date, "history": revisions(script)}


def revisions(script: Path) -> list[dict]:
    """Every commit that touched the script, oldest first, with the lines it added and removed."""
    log = _git(script, "log", "--follow", "--format=%x01%H%x00%an <%ae>%x00%aI%x00%s", "--numstat", "--", script.name)
    out = []
    for entry in (log or "").split("\x01")[1:]:
        head, _, stats = entry.partition("\n")
        commit, author, date, subject = head.split("\x00")
        counts = [line.split("\t")[:2] for line in stats.splitlines() if line.strip()]
        added = sum(int(a) for a, _ in counts if a.isdigit())
        removed = sum(int(r) for _, r in counts if r.isdigit())
        out.append({"commit": commit, "author": author, "date": date, "subject": subject,
                    "lines_added": added, "lines_removed": removed})
    return out[::-1]


# ---- what the writer decided, and what sdc generated -----------------------------------------


def _source(source: ir.Source | None) -> dict | None:
    """A source position as data."""
    return None if source is None else {"line": source.line, "col": source.col}


def _fields(model: ir.Node, *drop: str) -> dict:
    """A model's fields as JSON data, without ``drop`` and the bookkeeping ones."""
    return model.model_dump(mode="json", exclude={"source", "explicit", "id", *drop})


def authored(episode: ir.Episode) -> dict:
    """Everything the writer wrote: the title block, the cast as described, scene headings and
    every directive, in script order, each with its line and column."""
    title = {k: getattr(episode, k) for k in ("title", "author", "episode", "language", "producer")
             if getattr(episode, k, "")}
    cast = [{"name": c.name, "description": c.description, "source": _source(c.source)} for c in episode.characters]
    scenes = [{"id": s.id, "heading": s.heading, "source": _source(s.source)} for s in episode.scenes]
    return {"title_block": title, "characters": cast, "scenes": scenes, "directives": directives(episode)}


def directives(episode: ir.Episode) -> list[dict]:
    """Every human-authored directive: explicit camera directions and transitions, timing
    overrides, and every line, action, beat and cue, sorted by position in the script."""
    out = []
    for shot in episode.shots:
        cam = shot.camera
        if cam.explicit:
            out.append({"kind": "camera", "shot": shot.id, "source": _source(cam.source), **_fields(cam)})
        transition = getattr(shot, "transition", None)
        if transition is not None and transition.source is not None:
            out.append({"kind": "transition", "shot": shot.id, "source": _source(transition.source), **_fields(transition)})
        timing = {k: getattr(shot, k) for k in ("duration", "fade_out") if getattr(shot, k, None)}
        if timing:
            out.append({"kind": "timing", "shot": shot.id, "source": _source(cam.source), **timing})
        out.extend({"kind": e.kind, "id": e.id, "shot": shot.id, "source": _source(e.source), **_fields(e, "kind")}
                   for e in shot.events)
    return sorted(out, key=lambda d: tuple((d["source"] or {"line": 0, "col": 0})[k] for k in ("line", "col")))


def generated(episode: ir.Episode, tracks, plan: OverlayPlan) -> dict:
    """What sdc decided for the writer: looks, voices, sets, automatic coverage, animation,
    seeds, and the text it drew over the frames."""
    return {
        "appearances": {c.name: c.appearance.model_dump(mode="json") for c in episode.characters},
        "voices": {c.name: c.voice.model_dump(mode="json") for c in episode.characters},  # with any voice: line applied
        "sets": [{"scene": s.id, **_fields(s, "heading", "location", "interior", "cast")} for s in episode.scenes],
        "automatic_cameras": [{"shot": s.id, **_fields(s.camera)} for s in episode.shots if not s.camera.explicit],
        "animation": {"fps": tracks.fps, "frames": tracks.frame_count, "duration": tracks.duration,
                      "shots": len(tracks.shots), "camera_keys": sum(len(s.camera) for s in tracks.shots),
                      "blinks": sum(len(a.blinks) for sc in tracks.scenes for a in sc.actors),
                      "clips": sum(len(a.clips) for sc in tracks.scenes for a in sc.actors)},
        "seeds": {
            "voices": "per line: sha256 of its text, voice and emotion (voice.seed_from)",
            "blinks": "per character and shot: sha256 of 'NAME|SHOT_ID'",
            "breath_offsets": {f"{sc.id}/{a.name}": a.breath_offset for sc in tracks.scenes for a in sc.actors},
            "dither": "sha256 of the mixed samples",
        },
        "subtitles": {"cues": len(tracks.cues), "burned_in": plan.subtitles},
    }


# ---- engines, settings, label and outputs ----------------------------------------------------


def _version(package: str) -> str:
    """An installed package's version, or "not installed"."""
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


@lru_cache(maxsize=1)
def ffmpeg_version() -> str:
    """The first line of ``ffmpeg -version`` (the bundled ffmpeg)."""
    from .probe import ffmpeg_exe

    done = subprocess.run([ffmpeg_exe(), "-version"], capture_output=True, timeout=60)
    return done.stdout.decode("utf-8", "replace").splitlines()[0].strip() if done.stdout else "unknown"


def x264_version(segment: Path) -> str:
    """The x264 build an H.264 segment was encoded with (from the encoder's SEI message)."""
    match = re.search(rb"x264 - core (\d+)( r\d+ [0-9a-f]+)?", Path(segment).read_bytes()[:1 << 20])
    return f"core {match[1].decode()}{(match[2] or b'').decode()}" if match else "unknown"


def engines(episode: ir.Episode, segment: Path) -> dict:
    """Versions of everything that made the video: packages, voices, GL driver, encoders."""
    from .render.renderer import DEFAULT_AA
    from .segments import RENDER_VERSION, gl_driver

    return {
        "sdc": __version__,
        "packages": {p: _version(p) for p in PACKAGES},
        "voices": voice_engines(episode),
        "renderer": {"gl": gl_driver(), "render_version": RENDER_VERSION, "default_aa": DEFAULT_AA},
        "ffmpeg": ffmpeg_version(),
        "x264": x264_version(segment),
        "audio_codec": "aac (ffmpeg native)",
    }


def voice_engines(episode: ir.Episode) -> dict:
    """Each voice engine and model the cast uses, with the engine's version string."""
    from .voice import VoiceBank

    bank, out = VoiceBank(None), {}
    for voice in {(c.voice.engine, c.voice.model): c.voice for c in episode.characters}.values():
        try:
            detail = bank.engine(voice).version
        except Exception as exc:  # an engine that cannot say (not installed here): say so
            detail = f"unknown ({type(exc).__name__})"
        out[f"{voice.engine}:{voice.model}"] = detail
    return out


def render_settings(settings) -> dict:
    """The settings that shaped the pixels and the encode (not where or how fast it ran)."""
    from dataclasses import asdict

    from .render.renderer import DEFAULT_AA

    return {**asdict(settings.video()), "draft": settings.draft, "aa": "none" if settings.draft else DEFAULT_AA}


def label_facts(settings, stamp: Stamp) -> dict:
    """The labels applied: visible (or that it was explicitly disabled), metadata, C2PA."""
    plan = settings.overlay_plan()
    if plan.label is None:
        visible = {"enabled": False, "disabled_by": "--no-visible-label"}
    else:
        spec = plan.label
        visible = {"enabled": True, "text": spec.text, "corner": spec.corner, "seconds": spec.seconds,
                   "repeat_end": spec.repeat_end, "height": spec.height}
    fields = aigc.fields(stamp.label())
    fields["ReservedCode1"] = "sha256 of this file"
    return {"visible": visible, "metadata": {"key": aigc.KEY, "standard": "GB 45438-2025 Annex E", **fields},
            "c2pa": {"signed": bool(getattr(settings, "sign_cert", None))}}


def _sha256(path: Path) -> str:
    """sha256 of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def outputs(facts: BuildFacts, mp4: Path) -> dict:
    """Hashes of what the build wrote (the MP4 by its samples: its own bytes carry this record's hash)."""
    from .mp4meta import media_sha256

    return {
        "mp4_media_sha256": media_sha256(mp4),
        "segments_sha256": {shot: _sha256(path) for shot, path in sorted(facts.segments.items())},
        "audio_mix_sha256": _sha256(facts.mix_wav),
        "subtitles_sha256": {k: hashlib.sha256(v.encode("utf-8")).hexdigest() for k, v in sorted(facts.subtitles.items())},
    }


# ---- drafts: the creative process from git history -------------------------------------------


def draft_history(script: Path, settings=None) -> list[dict]:
    """The script's revisions in git, oldest first, each with what it changed on screen
    (a shot-level diff against the revision before it); the working copy last when modified."""
    from .api import BuildSettings, diff_drafts
    from .diffview import summary, to_text
    from .drafts import DraftError

    settings = settings or BuildSettings()
    facts = git_facts(script)
    revs = list(facts.get("history", []))
    if facts.get("status") == "modified since last commit":
        revs.append({"commit": "working copy", "author": "", "date": "", "subject": "uncommitted changes"})
    out, previous = [], None
    for rev in revs:
        spec = str(script) if rev["commit"] == "working copy" else f"{rev['commit']}:{script}"
        entry = dict(rev)
        try:
            entry["changes"] = _first_draft(spec) if previous is None else summary(diff := diff_drafts(previous, spec, settings))
            if previous is not None:
                entry["details"] = to_text(diff).splitlines()[1:-1]
                entry["diff"] = json.loads(diff.model_dump_json())
        except DraftError as exc:
            entry["changes"] = f"cannot be read: {exc}"
        except Exception as exc:  # a draft that does not compile is part of the story too
            entry["changes"] = f"does not compile ({type(exc).__name__})"
        out.append(entry)
        previous = spec
    return out


def _first_draft(spec: str) -> str:
    """What the first draft held."""
    from .api import compile_text
    from .drafts import read_draft

    episode = compile_text(read_draft(spec).text, spec).episode
    lines = sum(isinstance(e, ir.Line) for s in episode.shots for e in s.events)
    return f"first draft: {len(episode.scenes)} scene(s), {len(episode.shots)} shot(s), {lines} line(s)"


def summary(script: Path, text: str, episode: ir.Episode) -> dict:
    """What ``sdc provenance`` shows: the script's facts and everything its writer authored."""
    return {"script": script_facts(script, text), "authored": authored(episode)}


def summary_text(data: dict) -> str:
    """``sdc provenance`` for a person: the script, its directives, and the drafts when present."""
    script, directives_ = data["script"], data["authored"]["directives"]
    git = script["git"]
    where = (f"{git['status']} {git['commit'][:10]} by {git['author']} on {git['date']}, "
             f"{len(git['history'])} revision(s)") if "commit" in git else git["status"]
    kinds = {k: sum(d["kind"] == k for d in directives_) for k in dict.fromkeys(d["kind"] for d in directives_)}
    out = [f"{script['name']}: sha256 {script['sha256'][:16]}…; git: {where}",
           f"authored: {len(data['authored']['characters'])} character(s), {len(data['authored']['scenes'])} scene(s), "
           f"{len(directives_)} directive(s) (" + ", ".join(f"{n} {k}" for k, n in kinds.items()) + ")"]
    out += [f"  {(d['source'] or {}).get('line', '?'):>4}  {d['kind']:<10} {_directive_text(d)}" for d in directives_]
    if "drafts" in data:
        out.append(f"drafts ({len(data['drafts'])}):")
        for d in data["drafts"]:
            out.append(f"  {d['date'][:10] or '—':<10} {d['commit'][:12]:<12} {d['author'] or '—'}: {d['subject']}")
            out += [f"      {line}" for line in [d["changes"], *d.get("details", [])]]
    return "\n".join(out) + "\n"


def _directive_text(d: dict) -> str:
    """One directive in a few words."""
    if d["kind"] == "line":
        return f"{d['speaker']} ({d.get('emotion', 'neutral')}): {d['text']}"
    skip = {"kind", "shot", "source", "id"}
    return ", ".join(f"{k}={v}" for k, v in d.items() if k not in skip and v not in (None, [], False, "")) + f"  [{d['shot']}]"
