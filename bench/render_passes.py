"""Where a frame's time goes: each render pass timed on its own (the GL queue drained around it).

    .venv/bin/python bench/render_passes.py [script] [--resolution 1280x720] [--draft] [--set NAME]
                                            [--frames 90] [--start N] [--no-cache]

Renders ``--frames`` consecutive frames from ``--start`` (default: the middle of the episode) (in build order, so a
static shot hits the set cache), calls ``ctx.finish()`` after every pass and prints each pass's
mean milliseconds a frame; "python" is what is left: pose matrices, uniforms, FrameState handling.
Draining the queue after each pass costs a little, so the total is slightly above render_fps.py's.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from screenplay_compiler import api
from screenplay_compiler.animate import frame_at
from screenplay_compiler.render import Renderer

ROOT = Path(__file__).resolve().parent.parent
PASSES = ("_draw_set_shadow", "_cache_set_image", "_draw_casters", "_draw_actors", "_draw_scenery",
          "_draw_blobs", "_draw_sky", "_draw_particles", "_finish")


def main() -> None:
    """Time the passes and print a table."""
    args = _args()
    w, h = (int(v) for v in args.resolution.split("x"))
    with tempfile.TemporaryDirectory(prefix="sdc-bench-") as tmp:
        settings = api.BuildSettings(width=w, height=h, fps=30, draft=args.draft, cache_dir=Path(tmp) / "cache")
        compiled = api.compile_file(args.script)
        tracks = api.schedule(compiled.episode, api.synthesize(compiled.episode, settings.cache_dir), settings)
    first = tracks.frame_count // 2 if args.start is None else args.start
    frames = [frame_at(compiled.episode, tracks, (first + i) / 30) for i in range(args.frames)]
    frames = [replace(f, set=replace(f.set, name=args.set or f.set.name), blend=None) for f in frames]
    with Renderer(w, h, draft=args.draft, cache_set=not args.no_cache) as renderer:
        renderer.render_rgba(frames[0])
        spent = _instrument(renderer)
        start, cpu = time.perf_counter(), time.process_time()
        for f in frames:
            renderer.render_rgba(f)  # as a build reads frames back
        total = (time.perf_counter() - start) * 1000 / len(frames)
        cpu = (time.process_time() - cpu) * 1000 / len(frames)
    print(f"{args.script.name} frames {first}..{first + len(frames) - 1} at {w}x{h}"
          f"{' draft' if args.draft else ''}{' no cache' if args.no_cache else ''}, set {args.set or 'as scripted'}")
    for name, ms in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name.strip('_'):18s} {ms / len(frames):6.2f} ms")
    print(f"  {'python':18s} {total - sum(spent.values()) / len(frames):6.2f} ms")
    print(f"  {'total':18s} {total:6.2f} ms  ({1000 / total:.1f} fps)")
    print(f"  {'cpu':18s} {cpu:6.2f} ms  (every thread's CPU time a frame: what an encoder beside it cannot use)")


def _instrument(renderer: Renderer) -> dict[str, float]:
    """Wrap each pass of ``renderer`` so that it drains the GL queue and adds its milliseconds."""
    spent: dict[str, float] = defaultdict(float)
    ctx = renderer._ctx

    def timed(name, method):
        def run(*a, **kw):
            ctx.finish()
            t = time.perf_counter()
            out = method(*a, **kw)
            ctx.finish()
            spent[name] += (time.perf_counter() - t) * 1000
            return out
        return run

    for name in PASSES:
        setattr(renderer, name, timed(name, getattr(renderer, name)))
    copy = ctx.copy_framebuffer
    ctx_copy = timed("restore_set", copy)
    ctx.copy_framebuffer = ctx_copy  # the per-frame blit of the cached set
    return spent


def _args() -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("script", nargs="?", type=Path, default=ROOT / "examples" / "the-bridge.play")
    p.add_argument("--resolution", default="1280x720")
    p.add_argument("--draft", action="store_true")
    p.add_argument("--set", help="draw every frame in this set")
    p.add_argument("--frames", type=int, default=90)
    p.add_argument("--start", type=int, help="the first frame (default: the middle one)")
    p.add_argument("--no-cache", action="store_true", help="draw every frame in full (no set cache)")
    return p.parse_args()


if __name__ == "__main__":
    main()
