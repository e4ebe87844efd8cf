"""The built-in asset library as data (``sdc assets``) and its contact sheet of every set.

:func:`list_assets` gathers what a writer can name: sets (with their Chinese names, marks and
seats), actions, emotions, camera terms, voices and sound effects, each from the module that
owns it, so the listing never drifts from what the compiler accepts. :func:`render_sheet`
draws one wide frame of every set with the real renderer, labelled in English and Chinese,
and writes it as a PNG atomically with the AIGC label. The same call gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import typing
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from . import aigc, atomic, fonts, ir, vocab
from .sets import SETS, SetSpec

TIMES = ("dawn", "day", "dusk", "night")
PANEL = (320, 180)
COLUMNS = 5
MARGIN, HEADER, CAPTION, SECTION = 16, 60, 26, 30


# ---- the listing ------------------------------------------------------------------------


def list_assets() -> dict[str, list[dict]]:
    """Every kind of asset, each a list of plain records (JSON-ready, deterministic order)."""
    return {"sets": sets(), "actions": actions(), "emotions": emotions(), "camera": camera_terms(),
            "voices": voices(), "sound effects": sound_effects()}


def sets() -> list[dict]:
    """Each set: name, English title, Chinese names, indoors or not, keywords, marks, seats."""
    return [{"name": s.name, "title": s.title, "chinese": list(s.names_zh), "interior": s.interior,
             "keywords": list(s.keywords), "marks": {m: list(xz) for m, xz in s.marks.items()},
             "seats": {m: seat.height for m, seat in s.seats.items()}} for s in SETS]


def actions() -> list[dict]:
    """Each action with its English and Chinese phrases (the action library, or the lowering's verbs)."""
    try:
        from .actions import ACTIONS
    except ImportError:  # an older tree without the action library: the verbs lowering reads
        from .lower import VERBS

        grouped: dict[str, list[str]] = {}
        for phrase, name in VERBS.items():
            grouped.setdefault(name, []).append(phrase)
        return [{"name": n, "english": [p for p in ps if p.isascii()], "chinese": [p for p in ps if not p.isascii()]}
                for n, ps in grouped.items()]
    return [{"name": a.name, "english": list(a.english), "chinese": list(a.chinese)} for a in ACTIONS]


def emotions() -> list[dict]:
    """Each facial expression the faces module knows."""
    from .faces import EMOTIONS

    return [{"name": name} for name in EMOTIONS]


def camera_terms() -> list[dict]:
    """Shot sizes, angles, moves and transitions: each meaning with every word that asks for it."""
    out = []
    for kind, table in (("size", vocab.SHOT_SIZES), ("angle", vocab.ANGLES), ("move", vocab.MOVES), ("transition", vocab.TRANSITIONS)):
        grouped: dict[str, list[str]] = {}
        for word, meaning in table.items():
            grouped.setdefault(meaning, []).append(word)
        out += [{"kind": kind, "name": meaning, "words": words} for meaning, words in grouped.items()]
    return out


def voices() -> list[dict]:
    """Each voice engine with the models sdc picks for it by default."""
    from .voice import DEFAULT_MODEL, ESPEAK_VOICE_FOR, GTTS_LANG_FOR

    models = {"piper": [DEFAULT_MODEL], "espeak": sorted(set(ESPEAK_VOICE_FOR.values())),
              "gtts": sorted({"en", *GTTS_LANG_FOR.values()})}
    engines = typing.get_args(ir.Voice.model_fields["engine"].annotation)
    return [{"engine": e, "models": models.get(e, [])} for e in engines]


def sound_effects() -> list[dict]:
    """Each synthesised effect with the names that call it."""
    from .sfx import EFFECTS

    return [{"name": e.id, "words": list(e.names)} for e in EFFECTS.values()]


def listing_json() -> str:
    """The listing as canonical JSON (sorted keys, UTF-8), for ``--json`` and the sheet's ProduceID."""
    return json.dumps(list_assets(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


# ---- the contact sheet ------------------------------------------------------------------


@dataclass(frozen=True)
class SheetLayout:
    """Where panels go: panel size, columns and the times of day (one block of rows each)."""

    panel: tuple[int, int] = PANEL
    columns: int = COLUMNS
    times: tuple[str, ...] = ("day",)

    @property
    def rows(self) -> int:
        """Rows of panels in one time-of-day block."""
        return -(-len(SETS) // self.columns)

    def size(self) -> tuple[int, int]:
        """The page's width and height in pixels."""
        cell_h = self.panel[1] + CAPTION
        width = 2 * MARGIN + self.columns * self.panel[0] + (self.columns - 1) * MARGIN // 2
        height = HEADER + len(self.times) * (SECTION + self.rows * (cell_h + MARGIN // 2)) + MARGIN
        return width, height

    def origin(self, block: int, index: int) -> tuple[int, int]:
        """Top-left corner of panel ``index`` in time-of-day block ``block``."""
        cell_h = self.panel[1] + CAPTION
        top = HEADER + block * (SECTION + self.rows * (cell_h + MARGIN // 2)) + SECTION
        row, col = divmod(index, self.columns)
        return MARGIN + col * (self.panel[0] + MARGIN // 2), top + row * (cell_h + MARGIN // 2)


def render_sheet(path: Path, times: tuple[str, ...] = ("day",), panel: tuple[int, int] = PANEL,
                 columns: int = COLUMNS, figures: bool = True) -> Path:
    """Draw every set (one wide frame each, a block of rows per time of day) to a labelled PNG."""
    unknown = [t for t in times if t not in TIMES]
    if unknown or not times:
        raise ValueError(f"times of day must be among {', '.join(TIMES)}, not {', '.join(unknown) or 'nothing'}")
    layout = SheetLayout(panel, columns, tuple(times))
    frames = render_panels(layout, figures)
    image = compose(layout, frames)
    from .storyboard import png_bytes

    data = png_bytes(image)
    atomic.write_bytes(Path(path), data)
    label = aigc.make_label(aigc.DEFAULT_PRODUCER, aigc.produce_id(listing_json()), hashlib.sha256(data).hexdigest())
    aigc.tag_png(Path(path), label)
    return Path(path)


def render_panels(layout: SheetLayout, figures: bool = True) -> dict[tuple[str, str], np.ndarray]:
    """One wide frame per (time of day, set) at the layout's panel size."""
    from .render import Renderer

    w, h = layout.panel
    with Renderer(w, h) as renderer:
        return {(t, s.name): renderer.render(wide_frame(s, t, w / h, figures)) for t in layout.times for s in SETS}


def wide_frame(spec: SetSpec, time_of_day: str, aspect: float, figures: bool = True):
    """The FrameState of a set's wide shot: two figures for scale (seated when the stage is too
    narrow to stand in, as in a car), framed the way a script's WIDE shot frames them."""
    from .camera import Body, frame
    from .frame import ActorState, FrameState, Pose, SetState

    people = _figures(spec) if figures else []
    bodies = [Body(x, z, 0.0, 1.7, 1.6 if sit == 0 else 1.15, 0.11) for _, x, z, sit in people]
    if not bodies:
        bodies = [Body(x, 0.0, 0.0, 1.7, 1.6, 0.11) for x in (-1.0, 1.0)]
    camera = frame("wide", bodies, bodies, aspect)
    actors = tuple(ActorState(name, look, x, z, 0.0, Pose(sit=sit)) for (name, x, z, sit), look in zip(people, _looks()))
    return FrameState(SetState(spec.name, time_of_day), camera, actors)


def _figures(spec: SetSpec) -> list[tuple[str, float, float, float]]:
    """Two figures (name, x, z, sit): seated on the first two seats of a narrow set, else standing
    either side of the centre mark."""
    if spec.stage_half_width < 1.5 and len(spec.seats) >= 2:
        return [(f"P{i}", *spec.marks[m], 1.0) for i, m in enumerate(list(spec.seats)[:2])]
    d = min(1.0, spec.stage_half_width / 2)
    return [("P0", -d, 0.0, 0.0), ("P1", d, 0.0, 0.0)]


def _looks() -> tuple[ir.Appearance, ir.Appearance]:
    """Two plainly dressed stand-ins, resolved like any cast description."""
    from .appearance import resolve

    return (resolve("P0", "a woman in a grey coat and dark trousers").appearance,
            resolve("P1", "a man in a blue sweater and jeans").appearance)


def compose(layout: SheetLayout, frames: dict[tuple[str, str], np.ndarray]) -> Image.Image:
    """The page: a title, then per time of day a heading and the panels captioned EN · ZH."""
    from .storyboard import INK, MUTED, PAPER

    page = Image.new("RGB", layout.size(), PAPER)
    draw = ImageDraw.Draw(page)
    draw.text((MARGIN, 12), "sdc set library · 场景库", font=fonts.font(24), fill=INK)
    draw.text((MARGIN, 40), f"{len(SETS)} sets, one wide shot each", font=fonts.font(13), fill=MUTED)
    caption_font = fonts.font(max(11, min(16, layout.panel[0] // 20)))
    for block, t in enumerate(layout.times):
        x, y = layout.origin(block, 0)
        draw.text((x, y - SECTION + 6), t.upper(), font=fonts.font(16), fill=INK)
        for i, spec in enumerate(SETS):
            x, y = layout.origin(block, i)
            page.paste(Image.fromarray(frames[(t, spec.name)]), (x, y))
            draw.text((x, y + layout.panel[1] + 4), f"{spec.title or spec.name} · {spec.chinese}", font=caption_font, fill=INK)
    return page


# ---- the table ------------------------------------------------------------------------------


def rows() -> list[tuple[str, str, str]]:
    """The listing as (kind, name, details) text rows, grouped by kind, for ``sdc assets``."""
    listing = list_assets()
    out = [("set", s["name"], f"{s['title']} · {'/'.join(s['chinese'])} · {'interior' if s['interior'] else 'exterior'} · "
            f"marks: {', '.join(s['marks'])}" + (f" · seats: {', '.join(s['seats'])}" if s["seats"] else ""))
           for s in listing["sets"]]
    out += [("action", a["name"], ", ".join(a["english"][:3] + a["chinese"][:2])) for a in listing["actions"]]
    out += [("emotion", e["name"], "") for e in listing["emotions"]]
    out += [(f"camera {t['kind']}", t["name"], ", ".join(t["words"][:6])) for t in listing["camera"]]
    out += [("voice", v["engine"], ", ".join(v["models"])) for v in listing["voices"]]
    out += [("sound effect", e["name"], ", ".join(e["words"][:4])) for e in listing["sound effects"]]
    return out


def sets_markdown() -> str:
    """The table of sets in ``docs/sets.md``: name, Chinese names, indoors, keywords, marks, seats."""
    lines = ["| set | 中文 | indoors | written as | marks (x, z in metres) | seats (height) |", "|---|---|---|---|---|---|"]
    for s in SETS:
        marks = ", ".join(f"{m} ({x:g}, {z:g})" for m, (x, z) in s.marks.items())
        seats = ", ".join(f"{m} ({seat.height:g} m)" for m, seat in s.seats.items()) or "—"
        words = ", ".join(k for k in s.keywords if k not in s.names_zh)
        lines.append(f"| `{s.name}` — {s.title} | {s.chinese} | {'yes' if s.interior else 'no'} | {words} | {marks} | {seats} |")
    return "\n".join(lines) + "\n"
