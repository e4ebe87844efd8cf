"""How fast `sdc check` is on a long script: a generated 20,000-line episode.

Prints the wall time of a full `sdc check` (a fresh process: start-up, parse, lowering and
every semantic check), the time of each stage in-process, and lines per second. The target
is under 1 s on a 2-core machine.

    python bench/check_speed.py [--lines 20000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STATEMENTS = (
    "MEI (worried, to JUN): The bridge is out. The river took the middle span last night.",
    "JUN walks to the railing.",
    "JUN (calm): Then we wait for the tide.",
    "(beat 1s)",
    "& MEI nods.",
    "MEI\n(softly)\nIt will be low by noon,\nif the moon is kind.\n",
    "SFX: thunder",
)


def script(lines: int) -> str:
    """A valid episode of about ``lines`` lines: scenes of 40 lines with varied shots."""
    out = ["Title: Long", "", "CAST", "MEI: young woman, black ponytail, red coat", "  voice: pitch +3",
           "JUN: tall young man, glasses", ""]
    scene, count = 0, len(out)
    while count < lines:
        scene += 1
        out += [f"EXT. OLD BRIDGE - {'DAWN' if scene % 2 else 'NIGHT - RAIN'} #s{scene}", "PRESENT: MEI, JUN", ""]
        for shot in range(6):
            out.append(["[WIDE]", "[CLOSE ON MEI, LOW ANGLE]", "[CLOSE ON JUN, DOLLY IN 2s]", "[TWO-SHOT MEI AND JUN]",
                        "DISSOLVE TO:", "[MEDIUM ON MEI, PAN LEFT]"][shot])
            out += [STATEMENTS[(scene + shot + k) % len(STATEMENTS)] for k in range(5)]
            out.append("")
        count = sum(item.count("\n") + 1 for item in out)
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from screenplay_compiler import api
    from screenplay_compiler.confine import Policy
    from screenplay_compiler.limits import Limits
    from screenplay_compiler.parser import parse_recovering

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.play"
        path.write_text(script(args.lines), encoding="utf-8")
        n = path.read_text(encoding="utf-8").count("\n")
        sdc = Path(sys.executable).with_name("sdc")
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            # A 20,000-line script runs for hours: above the default 60-minute cap, so it is raised.
            done = subprocess.run([str(sdc), "check", "--limit", "minutes=1000", "--limit", "shots=100000", str(path)],
                                  capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
            runs.append(time.perf_counter() - t0)
        if done.returncode != 0:
            sys.exit(f"sdc check failed:\n{done.stderr[-2000:]}")
        t_start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import screenplay_compiler.cli"], check=True)
        startup = time.perf_counter() - t_start
        text = api.read_script(path)
        policy = Policy(limits=Limits(minutes=1000, shots=100000))
        api.compile_text(text, str(path), policy)  # warm the grammar cache
        t0 = time.perf_counter()
        tree, _ = parse_recovering(text, str(path))
        t1 = time.perf_counter()
        api.compile_text(text, str(path), policy)
        t2 = time.perf_counter()
    best = min(runs)
    print(f"script: {n} lines")
    print(f"sdc check (fresh process, best of 3): {best:.3f} s  ->  {n / best:,.0f} lines/s  (target < 1 s: {'met' if best < 1 else 'NOT met'})")
    print(f"  python start-up + imports: {startup:.3f} s")
    print(f"  parse (in process): {t1 - t0:.3f} s")
    print(f"  parse + AST + lowering + checks (in process): {t2 - t1:.3f} s")


if __name__ == "__main__":
    main()
