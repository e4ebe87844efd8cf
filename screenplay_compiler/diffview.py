"""An :class:`diff.EpisodeDiff` as text for a terminal and as Markdown for a pull request."""

from __future__ import annotations

from typing import Any

from .diff import EpisodeDiff, EventChange, FieldChange, ShotChange

MARK = {"added": "+", "removed": "-", "changed": "~", "moved": ">", "unchanged": " "}


def _secs(v: float | None) -> str:
    """Seconds, briefly."""
    return "-" if v is None else f"{v:.1f} s"


def _field(f: FieldChange) -> str:
    """``emotion: calm -> sad``."""
    show = lambda v: f"{v:.2f} s" if f.field == "duration" and v is not None else repr(v) if isinstance(v, str) else str(v)
    return f"{f.field}: {show(f.old)} -> {show(f.new)}"


def _delta(diff: EpisodeDiff) -> str:
    """The change in the episode's running time."""
    d = diff.new_duration - diff.old_duration
    return f"{diff.old_duration:.1f} s -> {diff.new_duration:.1f} s ({d:+.1f} s)"


def summary(diff: EpisodeDiff) -> str:
    """One line: how many shots changed in which way, and how many a build would render."""
    counts = {k: sum(s.status == k for s in diff.shots) for k in ("changed", "added", "removed", "moved")}
    renders = sum(s.rerender for s in diff.shots)
    return (f"{counts['changed']} changed, {counts['added']} added, {counts['removed']} removed, {counts['moved']} moved; "
            f"{renders} shot(s) would be rendered again")


def to_text(diff: EpisodeDiff) -> str:
    """Plain text, one line per changed shot, event and field."""
    out = [f"sdc diff {diff.old} -> {diff.new}", f"duration {_delta(diff)}"]
    for c in diff.characters:
        out.append(f"{MARK[c.status]} character {c.name}" + "".join(f"\n    {_field(f)}" for f in c.fields))
    for shot in diff.changed():
        out.append(_shot_line(shot))
        out.extend(f"    {_field(f)}" for f in shot.fields)
        for e in shot.events:
            if e.status != "unchanged":
                out.append(f"    {MARK[e.status]} {e.kind:<6} {e.summary}  [{_event_where(e)}]")
                out.extend(f"        {_field(f)}" for f in e.fields)
    out.append(summary(diff))
    return "\n".join(out) + "\n"


def _shot_line(shot: ShotChange) -> str:
    """The heading line of one shot's changes."""
    ids = shot.new_id if shot.old_id in (None, shot.new_id) else f"{shot.old_id} -> {shot.new_id}" if shot.new_id else shot.old_id
    time = f"{_secs(shot.old_duration)} -> {_secs(shot.new_duration)}"
    return f"{MARK[shot.status]} shot {ids} {shot.camera} {shot.status} ({time}){', renders again' if shot.rerender else ''}"


def _event_where(e: EventChange) -> str:
    """Where the event is written: ``line 12`` (new script) or ``old line 9``."""
    return f"line {e.new_line}" if e.new_line else f"old line {e.old_line}"


def to_markdown(diff: EpisodeDiff) -> str:
    """A pull-request comment: a summary, then a table of changed shots with their changes."""
    out = ["### sdc: what this draft changes on screen", "",
           f"`{diff.old}` → `{diff.new}` · running time {_delta(diff)} · {summary(diff)}", ""]
    if diff.characters:
        out += ["| cast | change |", "|---|---|"]
        out += [f"| {c.name} | {c.status}{': ' + '; '.join(_md(_field(f)) for f in c.fields) if c.fields else ''} |" for c in diff.characters]
        out.append("")
    if not diff.changed():
        return "\n".join(out + ["No shot changed."]) + "\n"
    out += ["| | shot | camera | time | changes |", "|---|---|---|---|---|"]
    for shot in diff.changed():
        changes = [_md(_field(f)) for f in shot.fields] + [
            f"{e.status} {e.kind}: {_md(e.summary)}" + "".join(f" ({_md(_field(f))})" for f in e.fields)
            for e in shot.events if e.status != "unchanged"]
        time = f"{_secs(shot.old_duration)} → {_secs(shot.new_duration)}"
        render = " 🎬" if shot.rerender else ""
        out.append(f"| {MARK[shot.status]} | `{shot.new_id or shot.old_id}`{render} | {_md(shot.camera)} | {time} | "
                   f"{'<br>'.join(changes) or shot.status} |")
    out += ["", "🎬 = rendered again by the next build."]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Text made safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


# ---- what changed, in a few words (review labels, build explanations) --------------------


def describe(change: ShotChange, side: str = "new") -> str:
    """What changed in a shot, in a few words, with values as ``side`` ("old"/"new") has them."""
    if change.status in ("added", "removed"):
        return f"{change.status} shot: {change.camera}"
    # What was written (camera, words) reads before what follows from it (the new length).
    notes = [_field_text(f, side) for f in change.fields if f.field != "duration"]
    notes += [_event_text(e, side) for e in change.events if e.status != "unchanged"]
    notes += [_field_text(f, side) for f in change.fields if f.field == "duration"]
    if not notes:
        return _fallback_text(change)
    return notes[0] + (f" (+{len(notes) - 1} more)" if len(notes) > 1 else "")


def _field_text(field: FieldChange, side: str) -> str:
    """``name: value`` for one changed field, from ``side``."""
    value = field.old if side == "old" else field.new
    if field.field == "duration" and isinstance(value, (int, float)):
        return f"duration: {value:.2f} s"
    return f"{field.field}: {_value(value)}"


def _event_text(event, side: str) -> str:
    """One changed event: its first changed field, or how it reads when added or removed."""
    if event.fields:
        return f"{event.kind} {_field_text(event.fields[0], side)}"
    return f"{event.kind} {event.status}: {event.summary}"


def _fallback_text(change: ShotChange) -> str:
    """A change with no field or event listed: a move or a new duration."""
    durations = (change.old_duration, change.new_duration)
    if None not in durations and durations[0] != durations[1]:
        return f"duration {change.old_duration:.2f}s -> {change.new_duration:.2f}s"
    return "moved" if change.status == "moved" else change.status


def _value(v: Any) -> str:
    """A field value as a reviewer reads it."""
    if v is None:
        return "none"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, (list, tuple)):
        return ", ".join(_value(x) for x in v) or "none"
    return str(v)
