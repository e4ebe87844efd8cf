"""The built-in set library: names, the words that select them, and their marks.

The renderer builds each set's geometry by ``name``; the compiler uses the marks and the
stage area to place and move characters. Marks are ``(x, z)`` on the ground in metres.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SetSpec:
    """One set: how writers name it, whether it is indoors, and where people can stand."""

    name: str
    keywords: tuple[str, ...]
    interior: bool
    marks: dict[str, tuple[float, float]] = field(default_factory=dict)
    stage_half_width: float = 3.0  # characters stay within |x| <= this
    stage_depth: tuple[float, float] = (-2.0, 2.0)  # z range characters may use


SETS: tuple[SetSpec, ...] = (
    SetSpec(
        "bridge",
        ("bridge", "桥", "古桥", "断桥"),
        interior=False,
        marks={"railing": (0.0, -1.2), "left end": (-3.0, 0.0), "right end": (3.0, 0.0), "center": (0.0, 0.0)},
        stage_half_width=3.5,
        stage_depth=(-1.0, 1.0),
    ),
    SetSpec(
        "street",
        ("street", "road", "alley", "market", "街", "街道", "小巷", "马路"),
        interior=False,
        marks={"lamp": (-2.5, -1.5), "corner": (3.0, -1.0), "center": (0.0, 0.0), "door": (1.5, -2.0)},
    ),
    SetSpec(
        "park",
        ("park", "garden", "forest", "field", "公园", "花园", "树林"),
        interior=False,
        marks={"bench": (0.0, -1.5), "tree": (-2.5, -2.0), "center": (0.0, 0.0)},
    ),
    SetSpec(
        "room",
        ("room", "house", "apartment", "office", "cafe", "home", "kitchen", "bedroom", "房间", "家", "办公室", "咖啡馆"),
        interior=True,
        marks={"door": (-2.5, -2.0), "window": (2.0, -2.3), "table": (0.0, -1.2), "center": (0.0, 0.0)},
        stage_half_width=2.8,
        stage_depth=(-1.8, 1.5),
    ),
)

SETS_BY_NAME = {s.name: s for s in SETS}


def find_set(location: str) -> SetSpec | None:
    """The set whose keyword appears in ``location``, or None."""
    text = location.lower()
    return next((spec for spec in SETS if any(word in text for word in spec.keywords)), None)


def resolve_set(location: str, interior: bool) -> SetSpec:
    """The set whose keyword appears in ``location``; the room or street when none does."""
    return find_set(location) or SETS_BY_NAME["room" if interior else "street"]
