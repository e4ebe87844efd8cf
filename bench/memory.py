"""Peak memory (RSS) of a long build, measured with ``/usr/bin/time -v`` around ``sdc build``.

    .venv/bin/python bench/memory.py [--minutes 10] [--resolution 1920x1080] [--fps 30] [--jobs 1] [--audio-only]

Writes a generated episode of about ``--minutes`` of dialogue into a scratch folder, builds it
once (cold cache) and prints the peak resident set size of the build and every process it
started (``Maximum resident set size`` of time -v covers the largest single process; the
render workers are reported by the same line when -j 1 keeps rendering in-process).
``--audio-only`` builds only the soundtrack (voices, timing, the whole-episode mix): the stage
whose memory grows with the episode's length, while rendering streams one frame at a time.
Target: under 1.5 GB for 10 minutes at 1080p. ``bench/mix_memory.py`` measures the mix alone
(synthetic voices, seconds instead of minutes).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINES = (
    ("MEI", "worried", "The bridge is out. The river took the middle span last night."),
    ("JUN", "calm", "Then we wait for the tide. It will be low by noon, or a little after."),
    ("MEI", "angry", "We don't have until noon! The market closes before then."),
    ("JUN", "sad", "I know. I'm sorry. There is nothing else we can do today."),
)
SHOTS = ("[WIDE]", "[CLOSE ON JUN]", "[CLOSE ON MEI]", "[TWO-SHOT MEI AND JUN]")
SECONDS_PER_LINE = 4.0  # about what piper takes to say one of LINES


def episode(minutes: float) -> str:
    """A two-hander of about ``minutes`` of dialogue: one line per shot, ten shots per scene."""
    count = max(1, round(minutes * 60 / SECONDS_PER_LINE))
    out = ["Title: Memory Bench", "", "CAST",
           "MEI: young woman, slim, black ponytail, red coat, blue jeans",
           "JUN: tall young man, short brown hair, navy jacket, grey trousers", ""]
    for i in range(count):
        if i % 10 == 0:
            out += ["", f"EXT. OLD BRIDGE {i // 10 + 1} - DAWN", ""]
        speaker, emotion, text = LINES[i % len(LINES)]
        out += [SHOTS[i % len(SHOTS)], f"{speaker} ({emotion}): {text} ({i + 1})", ""]
    return "\n".join(out) + "\n"


def peak_rss_mb(time_log: str) -> float:
    """``Maximum resident set size`` from time -v's report, in MB."""
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", time_log)
    if not match:
        raise SystemExit(f"no peak RSS in /usr/bin/time's report:\n{time_log[-2000:]}")
    return int(match.group(1)) / 1024


def main() -> None:
    """Generate the episode, build it under time -v and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--resolution", default="1920x1080")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--audio-only", action="store_true", help="Build only the soundtrack (a WAV).")
    parser.add_argument("--keep", type=Path, help="Build in this folder and keep it (default: a scratch folder).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sdc-memory-") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        script = work / "memory.play"
        script.write_text(episode(args.minutes), encoding="utf-8")
        out = work / ("memory.wav" if args.audio_only else "memory.mp4")
        cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "screenplay_compiler", "build", str(script), "-o", str(out),
               "--cache-dir", str(work / "cache"), "--resolution", args.resolution, "--fps", str(args.fps),
               "-j", str(args.jobs), *(["--audio-only"] if args.audio_only else [])]
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"build failed ({done.returncode}):\n{done.stderr[-3000:]}")
        length = _duration(out)
    what = "soundtrack only" if args.audio_only else f"{args.resolution}, {args.fps} fps, {args.jobs} job(s)"
    print(f"episode      {length / 60:.1f} min, {what}")
    print(f"build time   {seconds:.0f} s")
    print(f"peak RSS     {peak_rss_mb(done.stderr):.0f} MB (target < 1536 MB)")


def _duration(path: Path) -> float:
    """The video's (or WAV's) length in seconds."""
    import av

    with av.open(str(path)) as container:
        return float(container.duration or 0) / 1_000_000


if __name__ == "__main__":
    main()
