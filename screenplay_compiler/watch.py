"""Watch mode: rebuild the preview whenever the script (or a file it uses) is saved with new content.

The loop polls instead of using OS file events: it needs no dependency and behaves the same on
every system and network drive. A file is re-read only when its size or modification time
moved, and a rebuild happens only when the content hash of the watched files changed, so a
save without changes renders nothing. Rebuilds go through :func:`api.build`, so every shot
that did not change comes from the cache. The clock, the sleep and the number of polls are
parameters, so tests drive the loop without waiting.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import api
from .diagnostics import CompileError, Diagnostic, Diagnostics

POLL_S = 0.3


@dataclass(frozen=True)
class Outcome:
    """What one rebuild did: its diagnostics, and its report or the reason it made nothing."""

    files: tuple[Path, ...]  # the script and the files it uses, as watched from now on
    seconds: float
    diagnostics: tuple[Diagnostic, ...] = ()
    text: str | None = None  # the script's text, which the diagnostics point into
    report: api.BuildReport | None = None
    error: str | None = None  # a build that failed for a reason other than the script

    @property
    def ok(self) -> bool:
        """True when the preview was rebuilt."""
        return self.report is not None


def used_files(script: Path) -> tuple[Path, ...]:
    """The script and every file it uses (``use "cast.play"``), as far as they can be read."""
    from .includes import load_uses

    texts: dict[str, str] = {}
    try:
        load_uses(api.build_ast(api.read_script(script), str(script)), str(script), Diagnostics(), texts)
    except (CompileError, OSError, UnicodeDecodeError):
        pass  # a script that does not parse still has itself to watch
    return (Path(script), *(Path(name) for name in texts))


@dataclass
class Files:
    """Content digests of watched files, re-read only when their size or mtime moved."""

    seen: dict[Path, tuple[int, int, str]] = field(default_factory=dict)  # path -> (mtime_ns, size, sha256)

    def digest(self, paths: tuple[Path, ...]) -> str:
        """One sha256 over the paths and their contents (a missing file counts as 'missing')."""
        total = hashlib.sha256()
        for path in paths:
            total.update(f"{path}\0{self._sha256(path)}\n".encode("utf-8"))
        return total.hexdigest()

    def _sha256(self, path: Path) -> str:
        """The file's content hash, from the last read when its stat did not change."""
        try:
            stat = path.stat()
        except OSError:
            return "missing"
        known = self.seen.get(path)
        if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
            return known[2]
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return "missing"
        self.seen[path] = (stat.st_mtime_ns, stat.st_size, digest)
        return digest


def rebuild(script: Path, out: Path, settings: api.BuildSettings, clock: Callable[[], float] = time.perf_counter) -> Outcome:
    """Compile and build once, catching what a writer can cause so that watching goes on."""
    from .encode import EncodeError
    from .ranges import RangeError

    start = clock()
    try:
        compiled = api.compile_file(script)
    except CompileError as exc:
        return Outcome(used_files(script), clock() - start, tuple(exc.diagnostics), exc.texts.get(str(script)))
    except (OSError, UnicodeDecodeError) as exc:
        return Outcome(used_files(script), clock() - start, error=f"cannot read {script}: {exc}")
    files, warnings = used_files(script), tuple(compiled.warnings)
    try:
        report = api.build(script, out, settings)
    except (EncodeError, OSError, RuntimeError, RangeError) as exc:
        return Outcome(files, clock() - start, warnings, compiled.text, error=f"build failed: {exc}")
    return Outcome(files, clock() - start, warnings, compiled.text, report)


def watch(script: Path, out: Path, settings: api.BuildSettings, on_outcome: Callable[[Outcome], None], *,
          interval: float = POLL_S, sleep: Callable[[float], None] = time.sleep,
          clock: Callable[[], float] = time.perf_counter, polls: int | None = None) -> int:
    """Build ``script`` into ``out`` now and after every change, ``polls`` times (None: until
    interrupted); ``on_outcome`` hears of each rebuild. Returns the number of rebuilds."""
    files, state = used_files(script), Files()
    built: str | None = None
    rebuilds = 0
    done = 0
    while polls is None or done < polls:
        current = state.digest(files)
        if current != built:
            outcome = rebuild(script, out, settings, clock)
            built = current if outcome.files == files else state.digest(outcome.files)
            files = outcome.files
            rebuilds += 1
            on_outcome(outcome)
        done += 1
        sleep(interval)
    return rebuilds
