"""Two drafts of an episode -> a semantic diff: shots and lines aligned, changes field by field.

Shots and events are matched first by their stable ids, then, among what is left in the same
scene, by similarity of content (a line whose words changed is "changed", not removed and
added). Order is compared with a longest common subsequence of the matched shots, so a
reordered scene shows as moved. Durations and "would re-render" come from the timed tracks
of both sides and the shots' content keys.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from . import ir
from .actions import SPECS

DIFF_VERSION = "0.1"
Status = Literal["added", "removed", "changed", "moved", "unchanged"]


class Model(BaseModel):
    """Base of every diff model: frozen and strict."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldChange(Model):
    """One field that differs: e.g. ``emotion`` from ``calm`` to ``angry``."""

    field: str
    old: Any = None
    new: Any = None


class EventChange(Model):
    """A line, action or beat, matched across the drafts."""

    status: Status
    kind: Literal["line", "action", "pause"]
    old_id: str | None = None
    new_id: str | None = None
    old_line: int | None = None  # source line in the old script
    new_line: int | None = None
    summary: str  # how it reads now (or read, when removed): 'MEI (worried): The bridge is out.'
    fields: tuple[FieldChange, ...] = ()


class ShotChange(Model):
    """A shot, matched across the drafts, with its own changes and its events'."""

    status: Status
    old_id: str | None = None
    new_id: str | None = None
    scene: str
    camera: str  # how the camera direction reads now (or read)
    fields: tuple[FieldChange, ...] = ()
    events: tuple[EventChange, ...] = ()
    old_duration: float | None = None
    new_duration: float | None = None
    rerender: bool = False  # its frames differ from every old shot's: a build renders it again


class CharacterChange(Model):
    """A cast member added, removed or changed (description, voice)."""

    status: Status
    name: str
    fields: tuple[FieldChange, ...] = ()


class EpisodeDiff(Model):
    """The whole comparison: what a new draft changes on screen."""

    diff_version: str = DIFF_VERSION
    old: str  # what was compared: a path or git revision:path
    new: str
    old_duration: float
    new_duration: float
    characters: tuple[CharacterChange, ...] = ()
    shots: tuple[ShotChange, ...] = ()

    def changed(self) -> list[ShotChange]:
        """Shots that are not unchanged."""
        return [s for s in self.shots if s.status != "unchanged"]


# ---- alignment -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Side:
    """One draft, compiled and timed: its label, episode, shot durations and shot content keys."""

    label: str
    episode: ir.Episode
    durations: dict[str, float]  # shot id -> seconds
    keys: dict[str, str]  # shot id -> content key (what a build would render)


def diff_episodes(old: Side, new: Side) -> EpisodeDiff:
    """Compare two drafts shot by shot and line by line."""
    pairs = _match(old.episode.shots, new.episode.shots, _shot_similarity)
    moved = _moved(old.episode.shots, new.episode.shots, pairs)
    shots = [_shot_change(old, new, o, n, (o, n) in moved) for o, n in _in_new_order(old.episode.shots, new.episode.shots, pairs)]
    return EpisodeDiff(old=old.label, new=new.label, old_duration=round(sum(old.durations.values()), 3),
                       new_duration=round(sum(new.durations.values()), 3),
                       characters=tuple(_characters(old.episode, new.episode)), shots=tuple(shots))


def _match(old: tuple, new: tuple, similarity) -> list[tuple]:
    """Pairs (old, new): same id first, then the most similar of the rest (score >= 0.5)."""
    by_id = {o.id: o for o in old}
    pairs = [(by_id[n.id], n) for n in new if n.id in by_id]
    used_old, used_new = {id(o) for o, _ in pairs}, {id(n) for _, n in pairs}
    rest_old = [o for o in old if id(o) not in used_old]
    rest_new = [n for n in new if id(n) not in used_new]
    scored = sorted(((similarity(o, n), i, j) for i, o in enumerate(rest_old) for j, n in enumerate(rest_new)), reverse=True)
    taken_o, taken_n = set(), set()
    for score, i, j in scored:
        if score >= 0.5 and i not in taken_o and j not in taken_n:
            pairs.append((rest_old[i], rest_new[j]))
            taken_o.add(i)
            taken_n.add(j)
    return pairs


def _moved(old: tuple, new: tuple, pairs: list[tuple]) -> set[tuple]:
    """Matched pairs outside the longest run that kept its order: those moved."""
    index = {id(o): i for i, o in enumerate(old)}
    ordered = sorted(pairs, key=lambda p: new.index(p[1]))
    keep = _lcs_indices([index[id(o)] for o, _ in ordered])
    return {p for k, p in enumerate(ordered) if k not in keep}


def _lcs_indices(seq: list[int]) -> set[int]:
    """Positions in ``seq`` of one longest increasing subsequence."""
    best: list[int] = []  # best[k]: position of the smallest tail of an increasing run of length k+1
    parent = [-1] * len(seq)
    for pos, value in enumerate(seq):
        lo, hi = 0, len(best)
        while lo < hi:
            mid = (lo + hi) // 2
            if seq[best[mid]] < value:
                lo = mid + 1
            else:
                hi = mid
        parent[pos] = best[lo - 1] if lo else -1
        best[lo:lo + 1] = [pos]
    out, pos = set(), best[-1] if best else -1
    while pos >= 0:
        out.add(pos)
        pos = parent[pos]
    return out


def _in_new_order(old: tuple, new: tuple, pairs: list[tuple]) -> list[tuple]:
    """(old, new) for every shot: new order, removed ones after the new shot that preceded them."""
    matched_old = {id(o): n for o, n in pairs}
    matched_new = {id(n): o for o, n in pairs}
    out = [(matched_new.get(id(n)), n) for n in new]
    for i, o in enumerate(old):
        if id(o) in matched_old:
            continue
        before = next((matched_old[id(p)] for p in reversed(old[:i]) if id(p) in matched_old), None)
        at = next((k + 1 for k, (_, n) in enumerate(out) if n is before), 0)
        out.insert(at, (o, None))
    return out


def _shot_similarity(o: ir.Shot, n: ir.Shot) -> float:
    """How alike two shots are: same scene and camera count for half, shared events for the rest."""
    score = 0.25 * (o.scene == n.scene) + 0.25 * (o.camera.size == n.camera.size and o.camera.subjects == n.camera.subjects)
    a, b = [_event_text(e) for e in o.events], [_event_text(e) for e in n.events]
    if a or b:
        score += 0.5 * difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    return score


def _event_similarity(o, n) -> float:
    """How alike two events are (0 when of different kinds or by different characters)."""
    if o.kind != n.kind or _who(o) != _who(n):
        return 0.0
    if o.kind == "line":
        return 0.3 + 0.7 * difflib.SequenceMatcher(None, o.text, n.text, autojunk=False).ratio()
    return 0.6  # the same character's action, or a beat, in the same place of the same shot


def _who(e) -> str:
    """The character an event belongs to ('' for beats)."""
    return getattr(e, "speaker", None) or getattr(e, "actor", None) or ""


def _event_text(e) -> str:
    """An event as the writer would read it."""
    if isinstance(e, ir.Line):
        parens = [e.emotion] if e.emotion != "neutral" else []
        parens += list(e.delivery) + ([f"to {e.to}"] if e.to else []) + ({"os": ["O.S."], "vo": ["V.O."]}.get(e.channel, []))
        parens += [f"{e.rate:g}x"] if e.rate != 1.0 else []
        said = f" ({', '.join(parens)})" if parens else ""
        return f"{'& ' if e.overlap else ''}{e.speaker}{said}: {e.text}"
    if isinstance(e, ir.Action):
        verb = {"walk_to": "walks to", "turn_to": "turns to", "wave": "waves", "nod": "nods", "sit": "sits",
                "stand": "stands up"}.get(e.verb) or SPECS[e.verb].phrase
        target = (e.target or "").replace("mark:", "the ")
        return f"{'& ' if e.overlap else ''}{e.actor} {verb}{' ' + target if target else ''}."
    if isinstance(e, ir.Sound):
        return f"SFX: {e.effect or repr(e.path)}"
    if isinstance(e, ir.Music):
        return f"MUSIC: {repr(e.path) if e.path else 'stop'}" + (f" fade in {e.fade_in:g}s" if e.fade_in else "") + \
            (f" fade out {e.fade_out:g}s" if e.fade_out else "")
    return f"(beat {e.seconds:g}s)"


def _camera_text(c: ir.Camera) -> str:
    """A camera direction as the writer would read it ('(automatic) WIDE' when sdc chose it)."""
    size = c.size.replace("_", "-").upper()
    on = (" ON " if c.size != "two_shot" else " ") + " AND ".join(c.subjects) if c.subjects else ""
    extra = ([c.angle.replace("_", " ").upper() + " ANGLE"] if c.angle != "eye" else []) + (["FROM BEHIND"] if c.reverse else [])
    if c.move:
        extra.append(c.move.kind.replace("_", " ").upper() + (f" {c.move.seconds:g}s" if c.move.seconds else ""))
    return ("" if c.explicit else "(automatic) ") + f"[{size}{on}{''.join(', ' + x for x in extra)}]"


# ---- changes -------------------------------------------------------------------------------


def _shot_change(old: Side, new: Side, o: ir.Shot | None, n: ir.Shot | None, moved: bool) -> ShotChange:
    """The change record of one shot pair (either side may be missing)."""
    shot = n or o
    events = tuple(_event_changes(o.events if o else (), n.events if n else ()))
    fields = _shot_fields(o, n, old, new) if o and n else ()
    if o is None or n is None:
        status = "added" if o is None else "removed"
    elif fields or any(e.status != "unchanged" for e in events):
        status = "changed"
    else:
        status = "moved" if moved else "unchanged"
    return ShotChange(status=status, old_id=o.id if o else None, new_id=n.id if n else None, scene=shot.scene,
                      camera=_camera_text(shot.camera), fields=fields, events=events,
                      old_duration=old.durations.get(o.id) if o else None, new_duration=new.durations.get(n.id) if n else None,
                      rerender=bool(n) and new.keys.get(n.id) not in set(old.keys.values()))


def _shot_fields(o: ir.Shot, n: ir.Shot, old: Side, new: Side) -> tuple[FieldChange, ...]:
    """Camera, scene and duration differences of a matched shot."""
    out = []
    if _camera_text(o.camera) != _camera_text(n.camera):
        out.append(FieldChange(field="camera", old=_camera_text(o.camera), new=_camera_text(n.camera)))
    if o.scene != n.scene:
        out.append(FieldChange(field="scene", old=o.scene, new=n.scene))
    a, b = old.durations.get(o.id), new.durations.get(n.id)
    if a is not None and b is not None and abs(a - b) >= 0.02:
        out.append(FieldChange(field="duration", old=a, new=b))
    return tuple(out)


def _event_changes(old: tuple, new: tuple) -> list[EventChange]:
    """Events aligned between two versions of a shot, in the new order (removed ones in place)."""
    pairs = _match(old, new, _event_similarity)
    moved = _moved(old, new, pairs)
    return [_event_change(o, n, (o, n) in moved) for o, n in _in_new_order(old, new, pairs)]


FIELDS = {"line": ("speaker", "text", "emotion"), "action": ("actor", "verb", "target"), "pause": ("seconds",)}


def _event_change(o, n, moved: bool) -> EventChange:
    """The change record of one event pair."""
    e = n or o
    fields = tuple(FieldChange(field=f, old=getattr(o, f), new=getattr(n, f))
                   for f in FIELDS[e.kind] if o and n and getattr(o, f) != getattr(n, f))
    if o is None or n is None:
        status = "added" if o is None else "removed"
    else:
        status = "changed" if fields else ("moved" if moved else "unchanged")
    return EventChange(status=status, kind=e.kind, old_id=o.id if o else None, new_id=n.id if n else None,
                       old_line=o.source.line if o else None, new_line=n.source.line if n else None,
                       summary=_event_text(e), fields=fields)


def _characters(old: ir.Episode, new: ir.Episode) -> list[CharacterChange]:
    """Cast members added, removed, or whose description or voice changed."""
    a, b = {c.name: c for c in old.characters}, {c.name: c for c in new.characters}
    out = []
    for name in list(b) + [n for n in a if n not in b]:
        if name not in a or name not in b:
            out.append(CharacterChange(status="added" if name not in a else "removed", name=name))
            continue
        fields = [FieldChange(field=f, old=getattr(a[name], f).model_dump(mode="json") if f == "voice" else getattr(a[name], f),
                              new=getattr(b[name], f).model_dump(mode="json") if f == "voice" else getattr(b[name], f))
                  for f in ("description", "voice") if getattr(a[name], f) != getattr(b[name], f)]
        if fields:
            out.append(CharacterChange(status="changed", name=name, fields=tuple(fields)))
    return out


def json_schema() -> dict:
    """The JSON Schema of ``sdc diff --format json`` (published as docs/diff.schema.json)."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "sdc diff", **EpisodeDiff.model_json_schema()}
