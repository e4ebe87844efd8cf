"""The content-addressed cache: atomic entries, verification, stats and pruning."""

from __future__ import annotations

import os

from screenplay_compiler.cache import Cache


def entry(tmp_path, cache: Cache, key: str, data: bytes):
    src = tmp_path / f"src-{key}"
    src.write_bytes(data)
    return cache.put("segments", key, ".mp4", src)


def test_put_then_get(tmp_path):
    cache = Cache(tmp_path / "c")
    path = entry(tmp_path, cache, "ab" * 32, b"segment bytes")
    assert path == tmp_path / "c" / "segments" / "ab" / f"{'ab' * 32}.mp4"
    assert cache.get("segments", "ab" * 32, ".mp4") == path and path.read_bytes() == b"segment bytes"
    assert not list((tmp_path / "c").rglob("*.tmp"))


def test_missing_entry_is_a_miss(tmp_path):
    assert Cache(tmp_path).get("segments", "00" * 32, ".mp4") is None


def test_corrupt_or_truncated_entries_are_misses_and_removed(tmp_path):
    cache = Cache(tmp_path / "c")
    flipped = entry(tmp_path, cache, "11" * 32, b"x" * 1000)
    flipped.write_bytes(b"y" + b"x" * 999)
    truncated = entry(tmp_path, cache, "22" * 32, b"x" * 1000)
    with open(truncated, "r+b") as f:
        f.truncate(500)
    no_sidecar = entry(tmp_path, cache, "33" * 32, b"z")
    no_sidecar.with_name(no_sidecar.name + ".sha256").unlink()
    for key in ("11", "22", "33"):
        assert cache.get("segments", key * 32, ".mp4") is None
    assert not any(p.is_file() for p in (tmp_path / "c").rglob("*"))


def test_stats_and_prune_least_recently_used(tmp_path):
    cache = Cache(tmp_path / "c")
    paths = [entry(tmp_path, cache, f"{i:02d}" * 32, bytes(1000)) for i in range(4)]
    for i, p in enumerate(paths):
        os.utime(p, (1000 + i, 1000 + i))
    os.utime(paths[0], (5000, 5000))  # the oldest entry was used most recently
    (stats,) = cache.stats()
    assert (stats.kind, stats.entries, stats.bytes) == ("segments", 4, 4000)
    removed, freed = cache.prune(2500)
    assert (removed, freed) == (2, 2000)
    assert [p.exists() for p in paths] == [True, False, False, True]
