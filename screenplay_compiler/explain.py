"""Why a shot was rendered again: this build against the record of the last one.

The record of a build (``<cache>/manifests/<script hash>.json``) keeps the episode's IR, each
shot's duration and content key, and a digest of the output settings. The next build diffs its
episode against the recorded one (:mod:`diff`) and says, for each shot it cannot reuse, what
changed in the writer's terms: a line, an action, the camera, or something earlier that moved.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import atomic, ir
from .cache import Cache
from .diff import Side, diff_episodes
from .diffview import describe


def record(side: Side, facts: str) -> dict:
    """What this build was made of, for the next build's explanations."""
    return {"facts": hashlib.sha256(facts.encode()).hexdigest()[:16], "episode": side.episode.model_dump(mode="json"),
            "durations": side.durations, "keys": side.keys}


def manifest_path(cache: Cache, script: Path) -> Path:
    """Where the record of the last build of ``script`` is kept."""
    name = hashlib.sha256(str(Path(script).resolve()).encode("utf-8")).hexdigest()
    return cache.root / "manifests" / f"{name}.json"


def load(path: Path) -> dict:
    """The last build's record, or an empty one (also when it is unreadable or outdated)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ir.Episode.model_validate(data["episode"])
        return data
    except (OSError, ValueError, KeyError):
        return {}


def save(path: Path, data: dict) -> None:
    """Keep this build's record for the next one (atomically)."""
    atomic.write_text(path, json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n")


def reasons(previous: dict, current: Side, facts: str, shot_ids: list[str]) -> dict[str, str]:
    """Why each of ``shot_ids`` (shots the cache did not have) must be rendered."""
    if not previous:
        return {s: "new shot" for s in shot_ids}
    if previous["facts"] != hashlib.sha256(facts.encode()).hexdigest()[:16]:
        return {s: "render settings or versions changed" for s in shot_ids}
    old = Side("last build", ir.Episode.model_validate(previous["episode"]), previous["durations"], previous["keys"])
    changes = {c.new_id: c for c in diff_episodes(old, current).shots if c.new_id}
    return {s: _reason(previous, current, changes.get(s), s) for s in shot_ids}


def _reason(previous: dict, current: Side, change, shot_id: str) -> str:
    """One shot's reason, from its diff entry."""
    if current.keys[shot_id] in previous["keys"].values():
        return "its cached segment was missing or damaged"
    if change is None or change.status == "added":
        return "new shot"
    if change.status == "changed":
        return describe(change)
    return "something earlier in the scene changed what it shows (blocking or timing)"
