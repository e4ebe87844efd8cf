"""A content-addressed file cache shared by builds, checkouts and CI runs.

An entry is ``<root>/<kind>/<key[:2]>/<key><suffix>`` plus a sidecar ``.sha256`` holding the
digest of the entry's bytes. Entries are written atomically (data first, sidecar last), so a
reader sees a complete entry or none; on read the bytes are checked against the sidecar, and a
missing, truncated or corrupt entry is a miss (and is removed). Two builds writing the same key
at once both succeed: they write the same bytes and the last ``os.replace`` wins.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import atomic

DIGEST = ".sha256"


def file_sha256(path: Path) -> str:
    """sha256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class KindStats:
    """How many entries of one kind the cache holds, and their size."""

    kind: str
    entries: int
    bytes: int


class Cache:
    """A content-addressed store of files under ``root``."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, kind: str, key: str, suffix: str) -> Path:
        """Where the entry for ``key`` lives (whether or not it exists)."""
        return self.root / kind / key[:2] / f"{key}{suffix}"

    def get(self, kind: str, key: str, suffix: str) -> Path | None:
        """The verified entry for ``key``, or None (a bad entry is removed and is a miss)."""
        path = self.path(kind, key, suffix)
        sidecar = path.with_name(path.name + DIGEST)
        try:
            expected = sidecar.read_text(encoding="ascii").strip()
            ok = file_sha256(path) == expected
        except (OSError, UnicodeDecodeError):
            ok = False
        if not ok:
            self._discard(path)
            return None
        os.utime(path)  # recently used: prune keeps it longer
        return path

    def put(self, kind: str, key: str, suffix: str, source: Path) -> Path:
        """Copy ``source`` into the cache as ``key`` (atomically) and return the entry's path."""
        path = self.path(kind, key, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            digest = file_sha256(Path(tmp))
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        atomic.write_text(path.with_name(path.name + DIGEST), digest + "\n")
        return path

    def stats(self) -> list[KindStats]:
        """Entries and bytes per kind of entry."""
        out = []
        for kind in sorted(p for p in self.root.iterdir() if p.is_dir()) if self.root.is_dir() else ():
            files = [f for f in kind.rglob("*") if f.is_file() and not f.name.endswith((DIGEST, ".tmp"))]
            out.append(KindStats(kind.name, len(files), sum(f.stat().st_size for f in files)))
        return out

    def prune(self, max_bytes: int) -> tuple[int, int]:
        """Remove least recently used entries until the cache holds at most ``max_bytes``.

        Returns (entries removed, bytes freed).
        """
        files = [f for f in self.root.rglob("*") if f.is_file() and not f.name.endswith(DIGEST)] if self.root.is_dir() else []
        files.sort(key=lambda f: (f.stat().st_mtime, str(f)))
        total = sum(f.stat().st_size for f in files)
        removed = freed = 0
        for f in files:
            if total <= max_bytes:
                break
            size = f.stat().st_size
            self._discard(f)
            total -= size
            freed += size
            removed += 1
        return removed, freed

    @staticmethod
    def _discard(path: Path) -> None:
        """Remove an entry and its sidecar, if present."""
        path.unlink(missing_ok=True)
        path.with_name(path.name + DIGEST).unlink(missing_ok=True)
