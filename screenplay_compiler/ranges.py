"""Range builds: which contiguous run of shots ``--scene``, ``--shots`` or ``--from-line`` means.

A selection is resolved after scheduling, against the whole episode's timing: the chosen shots
keep the frames, and so the cache keys, they have in a full build. Only the audio and the
subtitles are cut to the span and moved to start at 0. Everything here is pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from . import ir
from .diagnostics import did_you_mean
from .tracks import Cue, Tracks

EDGE_FADE_S = 0.005  # a line cut at a span's edge fades this fast, so the cut does not click


class RangeError(ValueError):
    """A selection that names no shots of the episode; the message says what exists."""


@dataclass(frozen=True)
class Selection:
    """Part of an episode, as the writer names it: exactly one field is set.

    ``scene``: a 1-based scene number or a scene id. ``shots``: ``4-7``, ``4-``, ``-7``, ``5``
    (1-based, inclusive) or shot ids joined by ``..`` (``a.wide..b.close``). ``from_line``: the
    shot that holds this 1-based source line, and everything after it.
    """

    scene: str | None = None
    shots: str | None = None
    from_line: int | None = None

    def __post_init__(self) -> None:
        chosen = [name for name, v in (("--scene", self.scene), ("--shots", self.shots), ("--from-line", self.from_line))
                  if v is not None]
        if len(chosen) != 1:
            raise RangeError(f"choose one of --scene, --shots or --from-line (got {', '.join(chosen) or 'none'})")

    @property
    def suffix(self) -> str:
        """What a range build adds to the output's file name, e.g. ``-shots-4-7``."""
        if self.scene is not None:
            return "-scene-" + _slug(self.scene)
        if self.shots is not None:
            return "-shots-" + _slug(self.shots)
        return f"-from-line-{self.from_line}"


@dataclass(frozen=True)
class Span:
    """A contiguous run of scheduled shots and the frames they cover in the full episode."""

    shot_ids: tuple[str, ...]
    first_frame: int
    frame_count: int
    fps: int

    @property
    def start(self) -> float:
        """Seconds from the start of the episode to the span's first frame."""
        return self.first_frame / self.fps

    @property
    def duration(self) -> float:
        """Length of the span in seconds."""
        return self.frame_count / self.fps


def resolve(selection: Selection, episode: ir.Episode, tracks: Tracks, line_count: int | None = None) -> Span:
    """The span ``selection`` names in the scheduled episode; RangeError when it names nothing."""
    return span(tracks, shot_ids(selection, episode, line_count))


def shot_ids(selection: Selection, episode: ir.Episode, line_count: int | None = None) -> tuple[str, ...]:
    """The ids of the shots ``selection`` names, in order (checkable before anything is timed)."""
    ids = [s.id for s in episode.shots]
    if selection.scene is not None:
        first, stop = _scene_range(selection.scene, episode)
    elif selection.shots is not None:
        first, stop = _shot_range(selection.shots, ids)
    else:
        first, stop = _line_index(selection.from_line, episode, ids, line_count), len(ids)
    return tuple(ids[first:stop])


def span(tracks: Tracks, ids: tuple[str, ...]) -> Span:
    """The span of the scheduled shots ``ids`` (contiguous, in order)."""
    shots = [s for s in tracks.shots if s.id in ids]
    start = shots[0].first_frame
    return Span(tuple(s.id for s in shots), start, shots[-1].first_frame + shots[-1].frame_count - start, tracks.fps)


def limit(tracks: Tracks, span: Span | None) -> Tracks:
    """The tracks with only the span's shots (all of them when ``span`` is None); timing untouched."""
    if span is None:
        return tracks
    return tracks.model_copy(update={"shots": tuple(s for s in tracks.shots if s.id in span.shot_ids)})


def _scene_range(name: str, episode: ir.Episode) -> tuple[int, int]:
    """Shot indices (first, stop) of the scene given by number or id."""
    scenes = [s.id for s in episode.scenes]
    text = name.strip()
    if text.isdigit():
        n = int(text)
        if not 1 <= n <= len(scenes):
            raise RangeError(f"scene {n} is out of range: the episode has {_count(len(scenes), 'scene')} (1-{len(scenes)})")
        scene = scenes[n - 1]
    elif text in scenes:
        scene = text
    else:
        hint = did_you_mean(text, scenes)
        raise RangeError(f"no scene '{text}' ({hint or 'scenes: ' + ', '.join(scenes)})")
    indices = [i for i, s in enumerate(episode.shots) if s.scene == scene]
    return indices[0], indices[-1] + 1


def _shot_range(spec: str, ids: list[str]) -> tuple[int, int]:
    """Shot indices (first, stop) of ``4-7``, ``4-``, ``-7``, ``5`` or ``ID..ID``."""
    text = spec.strip()
    numeric = re.fullmatch(r"(\d*)\s*-\s*(\d*)", text)
    if numeric:
        a, b = numeric.groups()
    elif ".." in text:
        a, _, b = (part.strip() for part in text.partition(".."))
    else:
        a = b = text
    if not (a or b):
        raise RangeError(f"'{spec}' names no shots: write e.g. 4-7, 4-, -7, 5 or FIRST-ID..LAST-ID")
    first = _shot_index(a, ids) if a else 0
    last = _shot_index(b, ids) if b else len(ids) - 1
    if first > last:
        raise RangeError(f"shots {spec}: shot {first + 1} comes after shot {last + 1}")
    return first, last + 1


def _shot_index(token: str, ids: list[str]) -> int:
    """The 0-based index of a 1-based shot number or a shot id."""
    if token.isdigit():
        n = int(token)
        if not 1 <= n <= len(ids):
            raise RangeError(f"shot {n} is out of range: the episode has {_count(len(ids), 'shot')} (1-{len(ids)})")
        return n - 1
    if token in ids:
        return ids.index(token)
    hint = did_you_mean(token, ids)
    raise RangeError(f"no shot '{token}' ({hint or 'shot ids: ' + ', '.join(ids)})")


def shot_lines(episode: ir.Episode) -> dict[str, int]:
    """The first source line of each shot: its scene heading for a scene's first shot, else its
    camera direction (or first event when the compiler chose the camera)."""
    out: dict[str, int] = {}
    seen: set[str] = set()
    for shot in episode.shots:
        if shot.scene not in seen:
            seen.add(shot.scene)
            out[shot.id] = episode.scene(shot.scene).source.line
        else:
            lines = [e.source.line for e in shot.events] + ([shot.camera.source.line] if shot.camera.source else [])
            out[shot.id] = min(lines) if lines else max(out.values())
    return out


def _line_index(line: int, episode: ir.Episode, ids: list[str], line_count: int | None) -> int:
    """The index of the shot that holds source ``line`` (the last shot starting at or before it)."""
    if line < 1 or line_count is not None and line > line_count:
        raise RangeError(f"line {line} is not in the script (it has {_count(line_count, 'line')})" if line_count
                         else f"line {line} is not in the script: lines start at 1")
    starts = shot_lines(episode)
    before = [i for i, shot_id in enumerate(ids) if starts[shot_id] <= line]
    if not before:
        first = min(starts.values())
        raise RangeError(f"line {line} is before the first scene (line {first}): it is in the title block or cast")
    return before[-1]


def cues_in(cues: tuple[Cue, ...] | list[Cue], span: Span) -> tuple[Cue, ...]:
    """The subtitles shown during ``span``, clipped to it, moved to start at 0 and renumbered."""
    start, end = span.start, span.start + span.duration
    inside = [c for c in cues if c.end > start and c.start < end]
    return tuple(c.model_copy(update={"index": i, "start": round(max(c.start, start) - start, 6),
                                      "end": round(min(c.end, end) - start, 6)})
                 for i, c in enumerate(inside, 1))


def cut_audio(samples: np.ndarray, span: Span, rate: int) -> np.ndarray:
    """The samples of the full mix during ``span``, with a few milliseconds of fade at the edges."""
    a = round(span.first_frame * rate / span.fps)
    b = a + round(span.frame_count * rate / span.fps)
    out = np.array(samples[a:b], dtype=np.float32)
    if len(out) < b - a:  # a mix shorter than the video: the rest is silence
        out = np.concatenate([out, np.zeros((b - a - len(out), *out.shape[1:]), np.float32)])
    n = min(int(EDGE_FADE_S * rate), len(out) // 2)
    ramp = np.linspace(0.0, 1.0, n, endpoint=False, dtype=np.float32).reshape(-1, *([1] * (out.ndim - 1)))
    out[:n] *= ramp
    out[len(out) - n:] *= ramp[::-1]
    return out


def _count(n: int, noun: str) -> str:
    """``3 scenes`` / ``1 scene``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _slug(text: str) -> str:
    """A selection as part of a file name."""
    return re.sub(r"[^a-z0-9.]+", "-", text.strip().lower()).strip("-") or "range"
