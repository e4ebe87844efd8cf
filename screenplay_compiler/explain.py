"""Why a shot was rendered again: compare this build's shots with the last build's record.

The record of a build (``<cache>/manifests/<script hash>.json``) keeps, per shot, its content
key and digests of its IR events, camera, cast and length. The next build reads it to say, for
every shot it cannot reuse, what changed: a line, an action, the camera, the length, a look.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import atomic, ir
from .cache import Cache
from .tracks import Tracks


def _digest(model) -> str:
    """Short sha256 of a model's canonical JSON."""
    return hashlib.sha256(ir.to_json(model).encode("utf-8")).hexdigest()[:16]


def record(episode: ir.Episode, tracks: Tracks, keys: dict[str, str], facts: str) -> dict:
    """What this build's shots were made of, for the next build's explanations."""
    shots = {}
    for shot_ir, shot in zip(episode.shots, tracks.shots):
        scene = episode.scene(shot_ir.scene)
        shots[shot.id] = {
            "key": keys[shot.id],
            "events": {e.id: _digest(e.model_copy(update={"source": ir.Source(line=1, col=1)})) for e in shot_ir.events},
            "kinds": {e.id: e.kind for e in shot_ir.events},
            "camera": _digest(shot_ir.camera.model_copy(update={"source": None})),
            "cast": hashlib.sha256("".join(_digest(episode.character(n)) for n in scene.cast).encode()).hexdigest()[:16],
            "frames": shot.frame_count,
        }
    return {"facts": hashlib.sha256(facts.encode()).hexdigest()[:16], "shots": shots}


def manifest_path(cache: Cache, script: Path) -> Path:
    """Where the record of the last build of ``script`` is kept."""
    name = hashlib.sha256(str(Path(script).resolve()).encode("utf-8")).hexdigest()
    return cache.root / "manifests" / f"{name}.json"


def load(path: Path) -> dict:
    """The last build's record, or an empty one."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save(path: Path, data: dict) -> None:
    """Keep this build's record for the next one (atomically)."""
    atomic.write_text(path, json.dumps(data, sort_keys=True, indent=1) + "\n")


def reason(previous: dict, current: dict, shot_id: str) -> str:
    """Why ``shot_id`` had to be rendered, in a writer's words."""
    old = previous.get("shots", {}).get(shot_id)
    new = current["shots"][shot_id]
    if old is None:
        return "new shot"
    if old["key"] == new["key"]:
        return "its cached segment was missing or damaged"
    if previous.get("facts") != current["facts"]:
        return "render settings or versions changed"
    changes = _event_changes(old, new)
    if old["camera"] != new["camera"]:
        changes.append("camera direction changed")
    if old["cast"] != new["cast"]:
        changes.append("a character's description or voice changed")
    if old["frames"] != new["frames"]:
        changes.append(f"length changed ({old['frames']} -> {new['frames']} frames)")
    return "; ".join(changes) or "something earlier in the scene changed what it shows (blocking or timing)"


def _event_changes(old: dict, new: dict) -> list[str]:
    """Lines, actions and beats added, removed or changed between two shot records."""
    out = []
    for event_id, digest in new["events"].items():
        kind = {"line": "line", "action": "action", "pause": "beat"}[new["kinds"][event_id]]
        if event_id not in old["events"]:
            out.append(f"{kind} {event_id} added")
        elif old["events"][event_id] != digest:
            out.append(f"{kind} {event_id} changed")
    out.extend(f"{old['kinds'][e]} {e} removed".replace("pause", "beat") for e in old["events"] if e not in new["events"])
    return out
