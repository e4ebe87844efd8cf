"""Incremental builds against a cold build of the same episode, measured in one run.

    .venv/bin/python bench/incremental.py [script (default: the longest example)] [--resolution 1280x720] [--fps 30] [--jobs N]

Prints the cold build time (empty cache), a warm rebuild with no change, and a rebuild after
editing one dialogue line, each also as a fraction of the cold build. Targets: no change <= 5%,
one-line edit <= 25%.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import time
from pathlib import Path

from screenplay_compiler import api
from screenplay_compiler.segments import default_jobs

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Time the three builds and print the ratios."""
    args = _args()
    w, h = (int(v) for v in args.resolution.split("x"))
    with tempfile.TemporaryDirectory(prefix="sdc-bench-") as tmp:
        work = Path(tmp)
        script = work / args.script.name
        shutil.copyfile(args.script, script)
        settings = api.BuildSettings(width=w, height=h, fps=args.fps, cache_dir=work / "cache", jobs=args.jobs)
        cold = _timed(script, work / "cold.mp4", settings)
        warm = _timed(script, work / "warm.mp4", settings)
        edited_line = _edit_one_line(script)
        edit = _timed(script, work / "edit.mp4", settings)
    print(f"episode       {args.script.name} at {w}x{h}, {args.fps} fps, {args.jobs} job(s)")
    print(f"cold build    {cold[0]:6.2f} s   ({len(cold[1].rendered)} shots rendered)")
    print(f"no change     {warm[0]:6.2f} s   {warm[0] / cold[0]:6.1%} of cold   ({len(warm[1].rendered)} rendered)")
    print(f"one-line edit {edit[0]:6.2f} s   {edit[0] / cold[0]:6.1%} of cold   "
          f"({len(edit[1].rendered)} rendered: {', '.join(f'{k}: {v}' for k, v in edit[1].rendered.items())})")
    print(f"edited line   {edited_line}")


def _timed(script: Path, out: Path, settings: api.BuildSettings) -> tuple[float, api.BuildReport]:
    """Wall-clock seconds of one build, and its report."""
    start = time.perf_counter()
    report = api.build(script, out, settings)
    return time.perf_counter() - start, report


def _edit_one_line(script: Path) -> str:
    """Change the words of the middle dialogue line of the script; returns the new line."""
    lines = script.read_text(encoding="utf-8").split("\n")
    spoken = [i for i, line in enumerate(lines) if re.match(r"^[A-Z][A-Z0-9_'\-]*( \([^)]*\))?: ", line)]
    i = spoken[len(spoken) // 2]
    lines[i] = lines[i].rstrip(".!?") + ", I think."
    script.write_text("\n".join(lines), encoding="utf-8")
    return lines[i]


def _longest_example() -> Path:
    """The example with the most shots and lines: where incremental builds matter most."""
    return max(sorted((ROOT / "examples").glob("*.play")), key=lambda p: len(p.read_text(encoding="utf-8").splitlines()))


def _args() -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("script", nargs="?", type=Path, default=_longest_example())
    p.add_argument("--resolution", default="1280x720")
    p.add_argument("--fps", type=int, default=30)
    p.add_argument("--jobs", type=int, default=default_jobs())
    return p.parse_args()


if __name__ == "__main__":
    main()
