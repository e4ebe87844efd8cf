"""Peak memory of the soundtrack mix alone (synthetic voices, no piper), in a fresh process.

    .venv/bin/python bench/mix_memory.py [--minutes 10]

Compiles the generated episode of ``bench/memory.py``, gives every line four seconds of a
speech-like tone, schedules it and runs :func:`mix.mix_episode`; prints the peak RSS of the
process (``ru_maxrss``) and of the mix itself over what was resident before it.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))


def line_audio(seconds: float, rate: int = 22050, clicks: bool = False):
    """A buzzy, syllabic tone (speech-like loudness and peaks); with ``clicks``, a full-scale click
    every half second, so mastering has to limit."""
    from screenplay_compiler.voice import LineAudio, Phoneme

    t = np.arange(int(seconds * rate)) / rate
    wave = 0.4 * np.sign(np.sin(2 * np.pi * 180.0 * t)) * (0.5 + 0.5 * np.sin(2 * np.pi * 3.0 * t) ** 2)
    wave = wave * (np.sin(2 * np.pi * 4.0 * t) > -0.6)
    if clicks:
        wave = 0.1 * wave
        wave[:: rate // 2] = 1.0
    phonemes = tuple(Phoneme("mɑ"[i % 2], i * 0.1, (i + 1) * 0.1) for i in range(int(seconds / 0.1)))
    return LineAudio(samples=wave.astype(np.float32), sample_rate=rate, phonemes=phonemes)


def main() -> None:
    """Compile, schedule and mix; print the figures."""
    from memory import episode

    from screenplay_compiler import api
    from screenplay_compiler.mix import mix_episode

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clicks", action="store_true", help="Clicks in every line: the limiter has to work.")
    parser.add_argument("--save", type=Path, help="Also save the mix here (.npy), to compare versions.")
    args = parser.parse_args()
    compiled = api.compile_text(episode(args.minutes), "memory.play")
    clip = line_audio(SECONDS, clicks=args.clicks)
    audio = {e.id: clip for s in compiled.episode.shots for e in s.events if type(e).__name__ == "Line"}
    tracks = api.schedule(compiled.episode, audio, api.BuildSettings(width=320, height=180, fps=12))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    mix = mix_episode(compiled.episode, tracks, audio, None)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"episode      {len(mix) / 48000 / 60:.2f} min")
    print(f"mix time     {seconds:.1f} s")
    print(f"peak RSS     {peak:.0f} MB (before the mix {before:.0f} MB)")
    if args.save:
        np.save(args.save, mix)
    print(f"sha256       {hashlib.sha256(mix.tobytes()).hexdigest()[:16]}")


SECONDS = 3.6

if __name__ == "__main__":
    main()
