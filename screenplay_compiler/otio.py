"""Timed tracks -> an OpenTimelineIO timeline, for editors (and EDL / FCP XML via OTIO's adapters).

The timeline runs at the episode's frame rate and holds:

* a video track ``Shots``: one clip per shot, named by its stable shot id, with
  ``metadata["sdc"]`` giving the shot, scene, set and camera; its media is the built MP4 when
  one is named, else a MissingReference until the episode is built;
* audio tracks ``Dialogue``: one clip per spoken line at its exact time, gaps between (a line
  that overlaps another goes on a second track);
* one marker per subtitle cue on the timeline, named by the words spoken.

Every time comes from the compiled tracks, rounded to whole frames, so the shot clips add up
to exactly the episode's frame count.
"""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from . import atomic, ir
from .tracks import Cue, ShotTrack, Tracks

# Output formats: the OTIO adapter that writes each, and the pip package that provides it.
FORMATS = {"otio": ("otio_json", "opentimelineio"), "edl": ("cmx_3600", "otio-cmx3600-adapter"),
           "fcpxml": ("fcp_xml", "otio-fcp-adapter")}


class ExportError(RuntimeError):
    """A timeline could not be written (an adapter is missing or refused the timeline)."""


def build_timeline(episode: ir.Episode, tracks: Tracks, media: str | None = None) -> otio.schema.Timeline:
    """The OTIO timeline of a compiled, timed episode; ``media`` is the MP4's path or URL."""
    fps = tracks.fps
    timeline = otio.schema.Timeline(name=episode.title, global_start_time=otio.opentime.RationalTime(0, fps),
                                    metadata={"sdc": _episode_metadata(episode, tracks)})
    timeline.tracks.append(_video_track(episode, tracks, media))
    for track in _dialogue_tracks(episode, tracks, media):
        timeline.tracks.append(track)
    for cue in tracks.cues:
        timeline.tracks.markers.append(_marker(cue, fps))
    return timeline


def _episode_metadata(episode: ir.Episode, tracks: Tracks) -> dict:
    """What the timeline carries about the episode as a whole."""
    return {"title": episode.title, "author": episode.author, "language": episode.language, "source": episode.source,
            "fps": tracks.fps, "width": tracks.width, "height": tracks.height, "duration": tracks.duration,
            "frame_count": tracks.frame_count, "ir_version": episode.ir_version}


def _range(start: int, frames: int, fps: int) -> otio.opentime.TimeRange:
    """A range of whole frames."""
    return otio.opentime.TimeRange(otio.opentime.RationalTime(start, fps), otio.opentime.RationalTime(frames, fps))


def _frame(seconds: float, fps: int) -> int:
    """The frame a time falls on."""
    return round(seconds * fps)


def _reference(media: str | None, tracks: Tracks):
    """The built MP4 as the clips' media, or a MissingReference until there is one."""
    if media is None:
        return otio.schema.MissingReference(name="not built yet", metadata={"sdc": {"hint": "run sdc build"}})
    return otio.schema.ExternalReference(target_url=media, available_range=_range(0, tracks.frame_count, tracks.fps))


def _video_track(episode: ir.Episode, tracks: Tracks, media: str | None) -> otio.schema.Track:
    """One clip per shot, in order, with a gap wherever the shots leave frames uncovered."""
    track = otio.schema.Track(name="Shots", kind=otio.schema.TrackKind.Video)
    shots = {s.id: s for s in episode.shots}
    cursor = 0
    for shot in tracks.shots:
        if shot.first_frame > cursor:
            track.append(otio.schema.Gap(source_range=_range(0, shot.first_frame - cursor, tracks.fps)))
        track.append(otio.schema.Clip(name=shot.id, media_reference=_reference(media, tracks),
                                      source_range=_range(shot.first_frame, shot.frame_count, tracks.fps),
                                      metadata={"sdc": _shot_metadata(episode, shots[shot.id], shot),
                                                "cmx_3600": {"reel": _reel(episode)}}))
        cursor = shot.first_frame + shot.frame_count
    return track


def _reel(episode: ir.Episode) -> str:
    """The EDL reel name of the episode's MP4: its title in at most 8 capitals or digits."""
    return "".join(c for c in episode.title.upper() if c.isascii() and c.isalnum())[:8] or "SDC"


def _shot_metadata(episode: ir.Episode, shot: ir.Shot, timed: ShotTrack) -> dict:
    """What a shot clip carries: ids, the scene and the camera, its time and its lines."""
    scene = episode.scene(shot.scene)
    return {"shot_id": shot.id, "scene_id": scene.id, "heading": scene.heading, "set": scene.set,
            "time_of_day": scene.time_of_day, "camera": shot.camera.model_dump(mode="json", exclude={"source"}),
            "start": timed.start, "end": timed.end, "first_frame": timed.first_frame, "frame_count": timed.frame_count,
            "lines": [e.id for e in shot.events if e.kind == "line"]}


def _dialogue_tracks(episode: ir.Episode, tracks: Tracks, media: str | None) -> list[otio.schema.Track]:
    """Dialogue clips at their spoken times: one track, plus one more for each level of overlap."""
    fps = tracks.fps
    lines = {e.id: e for s in episode.shots for e in s.events if e.kind == "line"}
    placements = {p.line_id: p for p in tracks.audio}
    lanes: list[list[Cue]] = []
    for cue in sorted(tracks.cues, key=lambda c: (c.start, c.index)):
        lane = next((lane for lane in lanes if _span(lane[-1], fps)[1] <= _span(cue, fps)[0]), None)
        if lane is None:
            lanes.append(lane := [])
        lane.append(cue)
    out = []
    for i, lane in enumerate(lanes or [[]]):
        track = otio.schema.Track(name="Dialogue" if i == 0 else f"Dialogue {i + 1}", kind=otio.schema.TrackKind.Audio)
        cursor = 0
        for cue in lane:
            start, end = _span(cue, fps)
            if start > cursor:
                track.append(otio.schema.Gap(source_range=_range(0, start - cursor, fps)))
            track.append(_line_clip(cue, lines[cue.line_id], placements.get(cue.line_id), media, tracks))
            cursor = end
        out.append(track)
    return out


def _span(cue: Cue, fps: int) -> tuple[int, int]:
    """A cue's first frame and the frame after it (at least one frame long)."""
    start = _frame(cue.start, fps)
    return start, max(start + 1, _frame(cue.end, fps))


def _line_clip(cue: Cue, line: ir.Line, placement, media: str | None, tracks: Tracks) -> otio.schema.Clip:
    """A spoken line as an audio clip named by speaker and words."""
    start, end = _span(cue, tracks.fps)
    metadata = {"line_id": line.id, "speaker": line.speaker, "text": line.text, "emotion": line.emotion,
                "start": cue.start, "end": cue.end,
                "gain_db": placement.gain_db if placement else 0.0, "pan": placement.pan if placement else 0.0}
    return otio.schema.Clip(name=f"{line.speaker}: {line.text}", media_reference=_reference(media, tracks),
                            source_range=_range(start, end - start, tracks.fps), metadata={"sdc": metadata})


def _marker(cue: Cue, fps: int) -> otio.schema.Marker:
    """A subtitle cue as a timeline marker named by its words."""
    start, end = _span(cue, fps)
    return otio.schema.Marker(name=cue.text, marked_range=_range(start, end - start, fps),
                              color=otio.schema.MarkerColor.YELLOW,
                              metadata={"sdc": {"index": cue.index, "line_id": cue.line_id, "speaker": cue.speaker,
                                                "text": cue.text, "start": cue.start, "end": cue.end}})


def available(fmt: str) -> bool:
    """True when OTIO has an adapter for ``fmt`` (``otio``, ``edl``, ``fcpxml``) installed."""
    names = {a.name for a in otio.plugins.ActiveManifest().adapters}
    return FORMATS[fmt][0] in names


def to_string(timeline: otio.schema.Timeline, fmt: str) -> str:
    """The timeline in ``fmt``; an EDL holds the shots only (CMX 3600 has one video track)."""
    adapter, package = FORMATS[fmt]
    if not available(fmt):
        raise ExportError(f"no OpenTimelineIO adapter for {fmt} is installed (pip install {package})")
    if fmt == "edl":
        timeline = _shots_only(timeline)
    try:
        return otio.adapters.write_to_string(timeline, adapter)
    except otio.exceptions.OTIOError as exc:
        raise ExportError(f"OpenTimelineIO could not write {fmt}: {exc}") from exc


def _shots_only(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy of the timeline with just its video track."""
    copy = timeline.deepcopy()
    for track in [t for t in copy.tracks if t.kind != otio.schema.TrackKind.Video]:
        copy.tracks.remove(track)
    return copy


def write(timeline: otio.schema.Timeline, path: Path, fmt: str) -> None:
    """Write the timeline to ``path`` in ``fmt``, atomically."""
    atomic.write_text(Path(path), to_string(timeline, fmt))


def media_url(media: Path, out: Path) -> str:
    """The MP4's path as the timeline names it: relative to the timeline file's folder (so the
    pair can move together), in POSIX form."""
    import os

    return Path(os.path.relpath(Path(media).resolve(), Path(out).resolve().parent)).as_posix()
