"""Tracks -> one encoded H.264 segment per shot, cached by the exact frames it shows.

A shot's key is the sha256 of everything that reaches its pixels: the quantised frame state
of every one of its frames (which already carries the set, camera, characters' looks, poses,
mouths and blinks), the output settings, and the versions of the renderer, GL driver, encoder
and sdc. A shot whose frames did not change is never rendered again, even if an edit earlier
in the episode moved it in time. Rendering can run in this process, in local worker
processes (``--jobs``) or as Ray tasks; each worker returns the segment's bytes and only this
process writes the cache, so all executors give byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from . import __version__, ir
from .animate import shot_frame
from .cache import Cache
from .label import NO_OVERLAYS, OverlayPlan
from .tracks import ShotTrack, Tracks

RENDER_VERSION = "1"  # bump whenever the renderer draws the same FrameState differently
KIND = "segments"
DRAFT_DRAWINGS = 10  # drawings per second in a draft (an animatic's rate): at 30 fps, every third frame
DRAFT_PRESET = "ultrafast"


@dataclass(frozen=True)
class RenderJob:
    """Everything a worker needs to render one shot: plain data, picklable for any executor."""

    episode_json: str
    tracks_json: str
    shot_id: str
    width: int
    height: int
    fps: int
    draft: bool
    crf: int
    overlays: OverlayPlan = NO_OVERLAYS  # the label and burned subtitles drawn over the frames
    models: tuple[tuple[str, str], ...] = ()  # (sha256, file) of each imported character model


@dataclass(frozen=True)
class Planned:
    """A shot, its content key and, when the cache has it, the cached segment."""

    shot: ShotTrack
    key: str
    cached: Path | None


@lru_cache(maxsize=1)
def gl_driver() -> str:
    """The GL renderer and version that will draw (llvmpipe's version changes its pixels)."""
    from .render.context import create_context

    ctx = create_context()
    try:
        return f"{ctx.info['GL_RENDERER']} | {ctx.info['GL_VERSION']}"
    finally:
        ctx.release()


def fingerprint(job_settings: dict) -> str:
    """Canonical JSON of the settings and versions that change a segment's bytes."""
    from importlib.metadata import version

    facts = {
        "sdc": __version__,
        "render_version": RENDER_VERSION,
        "gl": gl_driver(),
        "moderngl": version("moderngl"),
        "imageio-ffmpeg": version("imageio-ffmpeg"),
        "settings": job_settings,
    }
    return json.dumps(facts, sort_keys=True)


def shot_key(episode: ir.Episode, tracks: Tracks, shot: ShotTrack, facts: str, overlays: OverlayPlan = NO_OVERLAYS,
             hold: int = 1) -> str:
    """sha256 of the fingerprint and every frame state the shot will draw (every ``hold``-th frame
    in a draft), with the versions of the text rasteriser and font when any frame carries an overlay."""
    digest = hashlib.sha256(facts.encode("utf-8"))
    if hold > 1:  # the held frames are not hashed, but how many there are is
        digest.update(f"frames {shot.frame_count}".encode("utf-8"))
    texts = False
    for f in range(shot.first_frame, shot.first_frame + shot.frame_count, hold):
        state = shot_frame(episode, tracks, shot, f / tracks.fps, overlays)
        digest.update(_canonical(state).encode("utf-8"))
        texts = texts or bool(state.overlays)
    if texts:
        from .render.text import engine_facts

        digest.update(json.dumps(engine_facts(), sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def _canonical(state) -> str:
    """A frame state as canonical JSON (pydantic appearances dumped as data)."""
    return json.dumps(_plain(state), sort_keys=True, default=_dump)


def _plain(value):
    """``dataclasses.asdict`` without its deep copies: dataclasses as dicts of their fields,
    tuples as tuples, anything else (numbers, names, pydantic models) as it is."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _dump(model) -> dict:
    """A pydantic value (an appearance) as JSON data."""
    return model.model_dump(mode="json")


def plan(episode: ir.Episode, tracks: Tracks, cache: Cache | None, facts: str,
         overlays: OverlayPlan = NO_OVERLAYS, hold: int = 1) -> list[Planned]:
    """Every shot with its key and cached segment (None when it must be rendered)."""
    out = []
    for shot in tracks.shots:
        key = shot_key(episode, tracks, shot, facts, overlays, hold)
        out.append(Planned(shot, key, cache.get(KIND, key, ".mp4") if cache else None))
    return out


# ---- rendering a segment (runs in whichever process the executor chose) ---------------------

_RENDERERS: dict = {}  # one renderer per output size in each worker process (GL context reuse)


def _renderer(width: int, height: int, draft: bool):
    """This process's renderer for the size and quality (made on first use)."""
    from .render import Renderer

    key = (width, height, draft)
    if key not in _RENDERERS:
        _RENDERERS[key] = Renderer(width, height, draft=draft)
    return _RENDERERS[key]


def video_settings(width: int, height: int, fps: int, crf: int, draft: bool = False):
    """The encoder settings every segment of a build shares (drafts encode with x264's fastest preset)."""
    from .encode import VideoSettings

    return VideoSettings(width=width, height=height, fps=fps, crf=crf, **({"preset": DRAFT_PRESET} if draft else {}))


def frame_hold(fps: int, draft: bool) -> int:
    """How many frames each drawn frame is shown for: drafts hold drawings like an animatic."""
    return max(1, round(fps / DRAFT_DRAWINGS)) if draft else 1


def write_segment(episode: ir.Episode, tracks: Tracks, shot: ShotTrack, job: RenderJob, path: Path,
                  on_frame: Callable[[], None] = lambda: None) -> None:
    """Render ``shot`` frame by frame straight into the H.264 segment at ``path``."""
    from .encode import SegmentWriter

    renderer = _renderer(job.width, job.height, job.draft)
    hold = frame_hold(job.fps, job.draft)
    with SegmentWriter(path, video_settings(job.width, job.height, job.fps, job.crf, job.draft)) as writer:
        for f in range(shot.first_frame, shot.first_frame + shot.frame_count):
            if (f - shot.first_frame) % hold == 0:  # counted from the shot's start: a moved shot draws the same frames
                state = shot_frame(episode, tracks, shot, f / tracks.fps, job.overlays)
                pixels = renderer.render_rgba(state)  # RGBA: the cheap readback
            writer.write(pixels)
            on_frame()


def render_job(job: RenderJob) -> bytes:
    """Render one shot in a worker and return the segment's bytes."""
    episode = ir.Episode.model_validate_json(job.episode_json)
    tracks = Tracks.model_validate_json(job.tracks_json)
    shot = next(s for s in tracks.shots if s.id == job.shot_id)
    if job.models:
        from .modelfile import register

        for digest, file in job.models:
            register(digest, Path(file))
    with tempfile.TemporaryDirectory(prefix="sdc-shot-") as tmp:
        path = Path(tmp) / "segment.mp4"
        write_segment(episode, tracks, shot, job, path)
        return path.read_bytes()


# ---- executors ---------------------------------------------------------------------------


def run_local(jobs: list[RenderJob], workers: int) -> Iterable[tuple[RenderJob, bytes]]:
    """Render jobs in ``workers`` local processes, yielding each as it finishes."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited GL state
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(render_job, job): job for job in jobs}
        for future in as_completed(futures):
            yield futures[future], future.result()


def run_ray(jobs: list[RenderJob], address: str | None) -> Iterable[tuple[RenderJob, bytes]]:
    """Render jobs as Ray tasks on the cluster at ``address`` (a local one when None)."""
    try:
        import ray
    except ImportError:
        raise RuntimeError("the Ray executor needs Ray: pip install 'screenplay-compiler[ray]'") from None
    if not ray.is_initialized():
        os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a local instance needs no token; a cluster sets its own
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR",
                 runtime_env={"env_vars": {"PYTHONHASHSEED": "0"}})
    task = ray.remote(render_job)
    pending = {task.remote(job): job for job in jobs}
    while pending:
        done, _ = ray.wait(list(pending), num_returns=1)
        job = pending.pop(done[0])
        yield job, ray.get(done[0])


def default_jobs() -> int:
    """How many local workers to use by default: one per core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
