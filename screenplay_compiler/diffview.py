"""An :class:`diff.EpisodeDiff` as text for a terminal and as Markdown for a pull request."""

from __future__ import annotations

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
