"""End-to-end frames per second against this machine's own raw encode speed, in one run.

    .venv/bin/python bench/render_fps.py [script] [--resolution 1280x720] [--fps 30] [--draft]
                                         [--aa none|fxaa|msaa] [--set NAME] [--style toon] [--sets]
                                         [--no-cache] [--no-shadows]

Prints: render + readback fps alone (RGBA, as a build reads frames back), raw encode fps (the
same number of frames, real RGBA frames from this episode, through exactly our SegmentWriter
settings), end-to-end build fps (warm
voice cache: render -> encode per shot -> concat -> mux), and end-to-end / raw encode.
``--set NAME`` redraws every frame in set NAME (``--sets`` lists the sets by triangle count,
heaviest first); the build cannot follow it, so the end-to-end line is then the serial estimate
1 / (1/render + 1/encode). ``--aa`` and ``--style`` likewise change only the rendered frames; ``--no-cache`` draws every
rendered frame in full (no static-view set cache), for before/after comparisons; ``--no-shadows``
draws without the shadow map (what the shadows cost; render only, serial estimate).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from screenplay_compiler import api
from screenplay_compiler.animate import frame_at
from screenplay_compiler.encode import SegmentWriter
from screenplay_compiler.render import Renderer
from screenplay_compiler.segments import default_jobs
from screenplay_compiler.sets import SETS

ROOT = Path(__file__).resolve().parent.parent
POOL = 60  # distinct real frames to encode in the raw-encode measurement


def main() -> None:
    """Measure and print the ratios."""
    args = _args()
    w, h = (int(v) for v in args.resolution.split("x"))
    if args.sets:
        _list_sets(w, h)
        return
    with tempfile.TemporaryDirectory(prefix="sdc-bench-") as tmp:
        # A private cache: voices are made before timing, but no shot may come from a cache.
        settings = api.BuildSettings(width=w, height=h, fps=args.fps, draft=args.draft, cache_dir=Path(tmp) / "cache",
                                     jobs=args.jobs)
        compiled = api.compile_file(args.script)
        tracks = api.schedule(compiled.episode, api.synthesize(compiled.episode, settings.cache_dir), settings)
        n = tracks.frame_count
        render_fps, pool = _render_fps(compiled.episode, tracks, w, h, args)
        encode_fps = _raw_encode_fps(pool, n, settings)
        if args.set or args.aa or args.style or args.no_cache or args.no_shadows:
            e2e_fps, how = 1.0 / (1.0 / render_fps + 1.0 / encode_fps), "(estimate: render then encode, serially)"
        else:
            start = time.perf_counter()
            report = api.build(args.script, Path(tmp) / "bench.mp4", settings)
            e2e_fps, how = n / (time.perf_counter() - start), "(all shots rendered, voices cached, includes concat + mux)"
            assert not report.reused, "the end-to-end build must render every shot"
    changes = "".join(f", {k} {v}" for k, v in (("set", args.set), ("aa", args.aa), ("style", args.style)) if v)
    changes += ", no set cache" if args.no_cache else ""
    changes += ", no shadows" if args.no_shadows else ""
    print(f"episode          {args.script.name}: {n} frames at {w}x{h}, {args.fps} fps{' (draft)' if args.draft else ''}{changes}")
    print(f"render+readback  {render_fps:7.1f} fps   ({1000.0 / render_fps:.1f} ms a frame)")
    print(f"raw encode       {encode_fps:7.1f} fps   ({n} real frames through SegmentWriter, same settings)")
    print(f"end-to-end build {e2e_fps:7.1f} fps   {how}")
    print(f"ratio            {e2e_fps / encode_fps:7.2f}   end-to-end / raw encode")


def _render_fps(episode, tracks, w: int, h: int, args: argparse.Namespace):
    """Render+readback speed over frames spread through the episode (in the order a build draws
    them), and those frames."""
    frames = [_restage(frame_at(episode, tracks, tracks.duration * i / POOL), args) for i in range(POOL)]
    with Renderer(w, h, draft=args.draft, aa=args.aa, cache_set=not args.no_cache, shadows=not args.no_shadows) as renderer:
        renderer.render_rgba(frames[0])  # warm up: upload meshes, compile shaders
        start = time.perf_counter()
        pool = [renderer.render_rgba(f) for f in frames]
        return POOL / (time.perf_counter() - start), pool


def _restage(frame, args: argparse.Namespace):
    """``frame`` moved into ``--set`` and drawn in ``--style`` when given."""
    stage = frame.set
    if args.set:
        stage = replace(stage, name=args.set)
    if args.style:
        stage = replace(stage, style=args.style)
    return replace(frame, set=stage, blend=None)


def _list_sets(w: int, h: int) -> None:
    """Every set's triangle count, heaviest first."""
    from screenplay_compiler.frame import CameraState, FrameState, SetState

    camera = CameraState((0.0, 1.6, 4.0), (0.0, 1.0, 0.0))
    with Renderer(w, h) as renderer:
        counts = {s.name: renderer.triangle_counts(FrameState(SetState(s.name), camera))["set"] for s in SETS}
    for name, count in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"{name:24s} {count:8d} triangles")


def _raw_encode_fps(pool, frames: int, settings: api.BuildSettings) -> float:
    """Encode ``frames`` frames cycling through ``pool`` with the build's encoder settings."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        with SegmentWriter(Path(tmp) / "raw.mp4", settings.video()) as writer:
            for i in range(frames):
                writer.write(pool[i % len(pool)])
        return frames / (time.perf_counter() - start)


def _args() -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("script", nargs="?", type=Path, default=ROOT / "examples" / "the-bridge.play")
    p.add_argument("--resolution", default="1280x720")
    p.add_argument("--fps", type=int, default=30)
    p.add_argument("--draft", action="store_true")
    p.add_argument("--aa", choices=("none", "fxaa", "msaa"), help="anti-aliasing of the rendered frames")
    p.add_argument("--set", help="draw every frame in this set (e.g. the heaviest: see --sets)")
    p.add_argument("--style", choices=("realistic", "toon"), help="draw every frame in this style")
    p.add_argument("--sets", action="store_true", help="list the sets by triangle count and exit")
    p.add_argument("--jobs", type=int, default=default_jobs(),
                   help="worker processes of the end-to-end build (default: one per core, as sdc build)")
    p.add_argument("--no-cache", action="store_true", help="draw every frame in full (no static-view set cache)")
    p.add_argument("--no-shadows", action="store_true", help="draw without the key light's shadow map")
    return p.parse_args()


if __name__ == "__main__":
    main()
