"""End-to-end frames per second against this machine's own raw encode speed, in one run.

    .venv/bin/python bench/render_fps.py [script] [--resolution 1280x720] [--fps 30] [--draft]

Prints: render + readback fps alone, raw encode fps (the same number of frames, real frames
from this episode, through exactly our SegmentWriter settings), end-to-end build fps (warm
voice cache: render -> encode per shot -> concat -> mux), and end-to-end / raw encode.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from screenplay_compiler import api
from screenplay_compiler.animate import frame_at
from screenplay_compiler.encode import SegmentWriter
from screenplay_compiler.render import Renderer

ROOT = Path(__file__).resolve().parent.parent
POOL = 60  # distinct real frames to encode in the raw-encode measurement


def main() -> None:
    """Measure and print the ratios."""
    args = _args()
    w, h = (int(v) for v in args.resolution.split("x"))
    with tempfile.TemporaryDirectory(prefix="sdc-bench-") as tmp:
        # A private cache: voices are made before timing, but no shot may come from a cache.
        settings = api.BuildSettings(width=w, height=h, fps=args.fps, draft=args.draft, cache_dir=Path(tmp) / "cache")
        compiled = api.compile_file(args.script)
        tracks = api.schedule(compiled.episode, api.synthesize(compiled.episode, settings.cache_dir), settings)
        n = tracks.frame_count
        render_fps, pool = _render_fps(compiled.episode, tracks, w, h, args.draft)
        encode_fps = _raw_encode_fps(pool, n, settings)
        start = time.perf_counter()
        report = api.build(args.script, Path(tmp) / "bench.mp4", settings)
        e2e_fps = n / (time.perf_counter() - start)
    assert not report.reused, "the end-to-end build must render every shot"
    print(f"episode          {args.script.name}: {n} frames at {w}x{h}, {args.fps} fps{' (draft)' if args.draft else ''}")
    print(f"render+readback  {render_fps:7.1f} fps")
    print(f"raw encode       {encode_fps:7.1f} fps   ({n} real frames through SegmentWriter, same settings)")
    print(f"end-to-end build {e2e_fps:7.1f} fps   (all shots rendered, voices cached, includes concat + mux)")
    print(f"ratio            {e2e_fps / encode_fps:7.2f}   end-to-end / raw encode")


def _render_fps(episode, tracks, w: int, h: int, draft: bool):
    """Render+readback speed over frames spread through the episode, and those frames."""
    times = [tracks.duration * i / POOL for i in range(POOL)]
    with Renderer(w, h, draft=draft) as renderer:
        renderer.render(frame_at(episode, tracks, 0.0))  # warm up: upload meshes, compile shaders
        start = time.perf_counter()
        pool = [renderer.render(frame_at(episode, tracks, t)) for t in times]
        return POOL / (time.perf_counter() - start), pool


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
    return p.parse_args()


if __name__ == "__main__":
    main()
