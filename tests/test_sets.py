"""The set library: every set renders at every time of day, marks, keywords, seats, `sdc assets`."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from screenplay_compiler import aigc, assets
from screenplay_compiler.cli import app
from screenplay_compiler.frame import CameraState, FrameState, SetState
from screenplay_compiler.render import Renderer
from screenplay_compiler.render.scenery import build_scenery, seat_height
from screenplay_compiler.sets import SETS, SETS_BY_NAME, WALL_MARGIN, find_set, resolve_set

from .conftest import ROOT

W, H = 96, 54
TIMES = ("dawn", "day", "dusk", "night")
EXTERIORS = [s.name for s in SETS if not s.interior]
LOOK_UP = CameraState(eye=(0.0, 1.6, 4.0), target=(0.0, 3.2, -4.0), fov_deg=50.0)


@pytest.fixture(scope="module")
def renderer():
    with Renderer(W, H) as r:
        yield r


def sky_fraction(img: np.ndarray) -> float:
    """Share of pixels that look like a day sky (blue clearly above red, at least green)."""
    i = img.astype(int)
    return float(((i[..., 2] > i[..., 0] + 25) & (i[..., 2] >= i[..., 1])).mean())


class TestLibrary:
    def test_at_least_24_sets_plus_the_generic_room(self):
        assert len(SETS) >= 25 and "room" in SETS_BY_NAME
        assert len({s.name for s in SETS}) == len(SETS)

    @pytest.mark.parametrize("spec", SETS, ids=lambda s: s.name)
    def test_marks_inside_the_stage(self, spec):
        assert "center" in spec.marks and len(spec.marks) >= 4
        front, back = spec.stage_depth[1], spec.stage_depth[0] - WALL_MARGIN
        for name, (x, z) in spec.marks.items():
            assert abs(x) <= spec.stage_half_width + 1e-9, name
            assert back <= z <= front, name

    @pytest.mark.parametrize("spec", SETS, ids=lambda s: s.name)
    def test_names_and_keywords(self, spec):
        assert spec.title and spec.names_zh and any(not k.isascii() for k in spec.keywords)
        for word in (spec.title, *spec.names_zh):
            assert find_set(f"INT. {word.upper()} - DAY") is spec, word

    def test_every_set_has_geometry_under_budget(self):
        counts = {s.name: len(build_scenery(s.name).indices) for s in SETS}
        assert max(counts.values()) < 60_000, counts
        assert min(counts.values()) > 1000, counts

    def test_scenery_is_deterministic(self):
        a, b = build_scenery("bamboo"), build_scenery("bamboo")
        assert a.vertices.tobytes() == b.vertices.tobytes() and a.indices.tobytes() == b.indices.tobytes()


class TestKeywords:
    @pytest.mark.parametrize("location, expected", [
        ("OLD BRIDGE", "bridge"), ("NARROW STREET", "street"), ("OLD WANG'S HOUSE", "room"), ("CITY PARK", "park"),
        ("TRAIN STATION", "subway"), ("TRAIN CARRIAGE", "train"), ("THE NIGHT TRAIN", "train"), ("CARRIAGE 4", "train"),
        ("BEDROOM", "bedroom"), ("CLASSROOM", "classroom"), ("LIVING ROOM", "living room"), ("ROOM 101", "room"),
        ("HOSPITAL ROOM", "hospital"), ("SPACESHIP BRIDGE", "spaceship"), ("TEA HOUSE", "teahouse"),
        ("CAR", "car"), ("MEI'S CAR", "car"), ("SCARF SHOP", "shop"), ("OSCAR'S OFFICE", "office"),
        ("BACK ALLEY", "alley"), ("BAMBOO FOREST", "bamboo"), ("MOUNTAIN PATH", "mountain"), ("ROOFTOP", "rooftop"),
        ("COFFEE SHOP", "cafe"), ("LITTLE CAFE", "cafe"), ("PALACE COURTYARD", "palace"), ("SUBWAY PLATFORM", "subway"),
        ("古桥", "bridge"), ("断桥", "bridge"), ("街道", "street"), ("小巷", "alley"), ("咖啡馆", "cafe"), ("办公室", "office"),
        ("教室", "classroom"), ("卧室", "bedroom"), ("客厅", "living room"), ("厨房", "kitchen"), ("病房", "hospital"),
        ("天台", "rooftop"), ("屋顶", "rooftop"), ("公园", "park"), ("竹林", "bamboo"), ("山路", "mountain"), ("海滩", "beach"),
        ("宫殿", "palace"), ("庭院", "palace"), ("茶馆", "teahouse"), ("火车", "train"), ("车厢", "train"), ("火车站", "subway"),
        ("车里", "car"), ("车内", "car"), ("地铁站", "subway"), ("商店", "shop"), ("图书馆", "library"), ("舞台", "stage"),
        ("飞船", "spaceship"), ("房间", "room"),
    ])
    def test_resolves(self, location, expected):
        assert find_set(location).name == expected

    def test_unknown_falls_back_by_interior(self):
        assert find_set("SUBMARINE HATCH") is None
        assert resolve_set("SUBMARINE HATCH", True).name == "room"
        assert resolve_set("SUBMARINE HATCH", False).name == "street"


class TestSeats:
    @pytest.mark.parametrize("spec", [s for s in SETS if s.seats], ids=lambda s: s.name)
    def test_every_seat_mark_gives_its_height(self, spec):
        for mark, seat in spec.seats.items():
            x, z = spec.marks[mark]
            assert seat_height(spec.name, x, z) == seat.height
            assert 0.3 <= seat.height <= 0.75

    def test_park_bench_kept_and_elsewhere_is_the_ground(self):
        assert seat_height("park", 0.5, -1.4) == 0.45
        assert seat_height("park", 0.0, 1.5) is None
        assert seat_height("cafe", 0.0, 0.0) is None
        assert seat_height("no such set", 0.0, 0.0) is None

    def test_at_least_ten_kinds_of_seat(self):
        assert sum(bool(s.seats) for s in SETS) >= 18


class TestRendering:
    def test_every_set_renders_in_every_time_of_day(self, renderer):
        for spec in SETS:
            images = {t: renderer.render(assets.wide_frame(spec, t, W / H, figures=False)) for t in TIMES}
            for t, img in images.items():
                assert img.std() > 8, (spec.name, t)
            assert images["night"].mean() < images["day"].mean(), spec.name
            assert np.abs(images["dusk"].astype(int) - images["day"].astype(int)).mean() > 2, spec.name

    @pytest.mark.parametrize("name", EXTERIORS)
    def test_exteriors_show_sky_and_set(self, renderer, name):
        up = renderer.render(FrameState(SetState(name, "day"), LOOK_UP, ()))
        wide = renderer.render(assets.wide_frame(SETS_BY_NAME[name], "day", W / H, figures=False))
        assert sky_fraction(up) > 0.15, name
        assert sky_fraction(wide) < 0.5, name

    def test_sets_differ_from_each_other(self, renderer):
        images = [renderer.render(assets.wide_frame(s, "day", W / H, figures=False)) for s in SETS]
        for i, a in enumerate(images):
            for j in range(i + 1, len(images)):
                assert np.abs(a.astype(int) - images[j].astype(int)).mean() > 8, (SETS[i].name, SETS[j].name)


class TestAssets:
    def test_listing_has_every_kind(self):
        listing = assets.list_assets()
        assert len(listing["sets"]) >= 24 and all(len(s["marks"]) >= 4 for s in listing["sets"])
        assert listing["actions"] and listing["emotions"] and listing["voices"] and listing["sound effects"]
        assert {t["kind"] for t in listing["camera"]} == {"size", "angle", "move", "transition"}
        assert assets.listing_json() == assets.listing_json()

    def test_cli_lists_sets(self):
        result = CliRunner().invoke(app, ["assets", "--json"])
        assert result.exit_code == 0, result.output
        listing = json.loads(result.stdout)
        assert len(listing["sets"]) >= 24 and "飞船" in listing["sets"][-1]["chinese"]
        table = CliRunner().invoke(app, ["assets"], env={"COLUMNS": "200"})
        assert table.exit_code == 0 and "spaceship" in table.stdout and "sound effect" in table.stdout

    def test_cli_rejects_unknown_time(self):
        result = CliRunner().invoke(app, ["assets", "--time", "noon"])
        assert result.exit_code == 1 and "noon" in result.output

    def test_sheet_has_a_panel_per_set(self, tmp_path):
        path = tmp_path / "sets.png"
        result = CliRunner().invoke(app, ["assets", "--sheet", str(path)])
        assert result.exit_code == 0, result.output
        layout = assets.SheetLayout()
        page = np.asarray(Image.open(path).convert("RGB"))
        assert page.shape[:2] == layout.size()[::-1]
        panels = [page[y:y + layout.panel[1], x:x + layout.panel[0]].astype(int)
                  for x, y in (layout.origin(0, i) for i in range(len(SETS)))]
        assert len(panels) >= 24
        for i, a in enumerate(panels):
            assert a.std() > 10
            for b in panels[i + 1:]:
                assert np.abs(a - b).mean() > 8
        assert json.loads(aigc.read_png_label(path))["Label"] == "1"

    def test_sheet_is_deterministic_with_a_row_per_time(self, tmp_path):
        a, b = tmp_path / "a.png", tmp_path / "b.png"
        for path in (a, b):
            assets.render_sheet(path, times=("day", "night"), panel=(64, 36), columns=9)
        assert a.read_bytes() == b.read_bytes()
        assert Image.open(a).size == assets.SheetLayout((64, 36), 9, ("day", "night")).size()

    def test_docs_table_in_step(self):
        text = (ROOT / "docs" / "sets.md").read_text(encoding="utf-8")
        table = re.search(r"<!-- sets table.*?-->\n(.*?)<!-- end of sets table -->", text, re.S)
        assert table and table.group(1) == assets.sets_markdown()
