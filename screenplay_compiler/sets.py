"""The built-in set library: names, the words that select them, their marks and their seats.

The renderer builds each set's geometry by ``name``; the compiler uses the marks and the
stage area to place and move characters. Marks are ``(x, z)`` on the ground in metres; the
camera looks towards -z from the +z side, so a set's back wall stands at z < ``stage_depth[0]``.
A mark may sit up to ``WALL_MARGIN`` behind the stage line (a window, a railing, a counter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

WALL_MARGIN = 0.6  # metres a mark may lie behind the stage's back line (people stand against walls)


@dataclass(frozen=True)
class Seat:
    """Something to sit on at a mark: its seat height and the half extents a sitter may be off it."""

    height: float
    half_width: float = 0.35
    half_depth: float = 0.35


@dataclass(frozen=True)
class SetSpec:
    """One set: how writers name it, whether it is indoors, where people can stand and sit."""

    name: str
    keywords: tuple[str, ...]
    interior: bool
    marks: dict[str, tuple[float, float]] = field(default_factory=dict)
    stage_half_width: float = 3.0  # characters stay within |x| <= this
    stage_depth: tuple[float, float] = (-2.0, 2.0)  # z range characters may use
    title: str = ""  # English display name
    names_zh: tuple[str, ...] = ()  # Chinese display names
    seats: dict[str, Seat] = field(default_factory=dict)  # mark name -> the seat standing there

    @property
    def chinese(self) -> str:
        """The Chinese display names joined with '/'."""
        return "/".join(self.names_zh)


def _spec(name: str, title: str, zh: str, en_words: str, zh_words: str, interior: bool, marks: dict,
          half_width: float = 3.0, depth: tuple[float, float] = (-2.0, 2.0), seats: dict | None = None) -> SetSpec:
    """A set from compact arguments: ``zh`` names and keyword lists are '/'- and ','-separated."""
    names_zh = tuple(zh.split("/"))
    keywords = tuple(w.strip() for w in en_words.split(",") if w.strip()) + tuple(
        dict.fromkeys(names_zh + tuple(w.strip() for w in zh_words.split(",") if w.strip())))
    return SetSpec(name, keywords, interior, {**marks, "center": (0.0, 0.0)}, half_width, depth, title, names_zh,
                   seats or {})


SETS: tuple[SetSpec, ...] = (
    SetSpec(
        "bridge",
        ("bridge", "桥", "古桥", "断桥"),
        interior=False,
        marks={"railing": (0.0, -1.2), "left end": (-3.0, 0.0), "right end": (3.0, 0.0), "center": (0.0, 0.0)},
        stage_half_width=3.5,
        stage_depth=(-1.0, 1.0),
        title="old stone bridge",
        names_zh=("古桥", "断桥"),
    ),
    SetSpec(
        "street",
        ("street", "road", "avenue", "market", "街", "街道", "马路"),
        interior=False,
        marks={"lamp": (-2.5, -1.5), "corner": (3.0, -1.0), "center": (0.0, 0.0), "door": (1.5, -2.0)},
        title="street",
        names_zh=("街道",),
    ),
    SetSpec(
        "park",
        ("park", "garden", "forest", "field", "公园", "花园", "树林"),
        interior=False,
        marks={"bench": (0.0, -1.5), "tree": (-2.5, -2.0), "center": (0.0, 0.0), "lamp": (2.5, -1.9)},
        title="park",
        names_zh=("公园",),
        seats={"bench": Seat(0.45, 1.0, 0.45)},
    ),
    SetSpec(
        "room",
        ("room", "house", "apartment", "home", "房间", "家", "屋"),
        interior=True,
        marks={"door": (-2.5, -2.0), "window": (2.0, -2.3), "table": (0.0, -1.2), "center": (0.0, 0.0)},
        stage_half_width=2.8,
        stage_depth=(-1.8, 1.5),
        title="room",
        names_zh=("房间",),
    ),
    _spec("alley", "alley", "小巷", "alley, alleyway, lane, backstreet, back street, hutong", "巷, 胡同, 弄堂, 巷子", False,
          {"door": (-1.6, -1.9), "crates": (1.6, -1.7), "puddle": (0.6, 0.8)}, 2.0, (-2.0, 2.0),
          {"crates": Seat(0.5, 0.35, 0.3)}),
    _spec("cafe", "cafe", "咖啡馆", "cafe, coffee shop, coffeehouse, coffee house, coffee bar", "咖啡厅, 咖啡店, café", True,
          {"counter": (-2.0, -1.9), "table": (1.3, -0.35), "chair": (1.3, -1.5), "window": (1.6, -2.2), "door": (-0.4, -2.3)},
          2.8, (-1.8, 1.5), {"chair": Seat(0.46)}),
    _spec("office", "office", "办公室", "office, workplace, cubicle, boardroom", "写字楼, 公司", True,
          {"desk": (-1.2, -0.35), "chair": (-1.2, -1.5), "window": (1.8, -2.2), "door": (2.3, -1.9), "cooler": (0.6, -1.9)},
          2.8, (-1.8, 1.5), {"chair": Seat(0.48)}),
    _spec("classroom", "classroom", "教室", "classroom, class room, schoolroom, school, lecture hall", "课堂, 学校", True,
          {"blackboard": (0.0, -2.0), "teacher's desk": (-1.5, -1.3), "desk": (1.3, -0.2), "chair": (1.3, 0.35),
           "window": (2.4, -1.9)}, 2.8, (-1.8, 1.5), {"chair": Seat(0.44)}),
    _spec("bedroom", "bedroom", "卧室", "bedroom, bed room, dormitory, dorm", "寝室, 宿舍", True,
          {"bed": (-1.2, -1.0), "window": (1.6, -2.2), "wardrobe": (2.3, -1.7), "door": (-2.5, -1.9)},
          2.8, (-1.8, 1.5), {"bed": Seat(0.5, 0.8, 0.6)}),
    _spec("living room", "living room", "客厅", "living room, livingroom, sitting room, lounge, parlour, parlor", "起居室", True,
          {"sofa": (0.0, -1.3), "tv": (2.2, -1.6), "window": (-1.8, -2.2), "door": (2.4, -2.2), "armchair": (-2.1, -0.7)},
          2.8, (-1.8, 1.5), {"sofa": Seat(0.45, 0.9, 0.4), "armchair": Seat(0.45)}),
    _spec("kitchen", "kitchen", "厨房", "kitchen, galley", "灶间", True,
          {"stove": (-1.2, -1.9), "sink": (0.6, -1.9), "table": (1.5, -0.6), "stool": (1.5, 0.05), "window": (0.6, -2.3)},
          2.8, (-1.8, 1.5), {"stool": Seat(0.62)}),
    _spec("hospital", "hospital room", "病房", "hospital, ward, clinic, infirmary, sickroom", "医院, 诊所", True,
          {"bed": (-1.0, -1.0), "chair": (0.5, -0.6), "window": (1.6, -2.2), "door": (-2.4, -1.9), "monitor": (-2.2, -1.6)},
          2.8, (-1.8, 1.5), {"bed": Seat(0.62, 0.9, 0.5), "chair": Seat(0.46)}),
    _spec("rooftop", "rooftop", "天台/屋顶", "rooftop, roof top, roof, terrace", "楼顶, 阳台", False,
          {"edge": (0.0, -1.9), "water tank": (-2.6, -1.7), "door": (2.6, -1.7), "ledge": (1.4, -1.6)},
          3.0, (-1.6, 2.0), {"ledge": Seat(0.55, 0.5, 0.25)}),
    _spec("bamboo", "bamboo forest", "竹林", "bamboo forest, bamboo grove, bamboo", "竹子, 竹", False,
          {"path": (0.0, -1.0), "stone": (-1.8, -1.4), "grove": (2.2, -1.8)}, 2.8, (-2.0, 2.0),
          {"stone": Seat(0.45, 0.45, 0.35)}),
    _spec("mountain", "mountain path", "山路", "mountain path, mountain trail, mountain, trail, hillside, cliff, pass",
          "山, 山间, 山上, 山顶, 悬崖", False,
          {"rock": (-1.9, -1.3), "pine": (2.4, -1.8), "lookout": (0.6, -1.6)}, 2.8, (-1.8, 1.8),
          {"rock": Seat(0.48, 0.45, 0.35)}),
    _spec("beach", "beach", "海滩", "beach, seaside, sea shore, shore, coast, seashore, sand", "海边, 沙滩, 海岸, 海", False,
          {"umbrella": (-2.2, -1.4), "driftwood": (1.6, -1.2), "water": (0.0, -2.4)}, 3.2, (-2.0, 2.0),
          {"driftwood": Seat(0.35, 0.7, 0.25)}),
    _spec("palace", "palace courtyard", "宫殿/庭院", "palace, courtyard, imperial court, throne", "皇宫, 宫, 院子, 大殿, 宫廷", False,
          {"steps": (0.0, -2.0), "pillar": (-2.6, -1.9), "incense burner": (2.5, -1.3), "lion": (2.6, 0.6)},
          3.0, (-1.8, 2.0), {"steps": Seat(0.4, 1.2, 0.3)}),
    _spec("teahouse", "ancient teahouse", "茶馆", "teahouse, tea house, tearoom, tea room, tavern, inn", "茶楼, 茶室, 客栈, 酒楼", True,
          {"table": (0.9, -0.35), "stool": (0.9, -1.5), "counter": (-2.0, -1.9), "window": (1.8, -2.3), "screen": (-0.5, -2.2)},
          2.8, (-1.8, 1.5), {"stool": Seat(0.45)}),
    _spec("train", "train carriage", "火车/车厢", "train carriage, carriage, train, railway car, railcar, coach",
          "列车, 高铁, 动车", True,
          {"seat": (-1.0, -1.0), "window": (0.0, -1.5), "door": (2.3, -1.3), "aisle": (0.5, 0.2)},
          2.6, (-1.3, 0.8), {"seat": Seat(0.46, 0.5, 0.3)}),
    _spec("car", "car interior", "车里/车内", "car, taxi, cab, sedan, automobile, truck, van", "汽车, 出租车, 轿车, 车上", True,
          {"driver": (-0.4, -0.1), "passenger": (0.4, -0.1), "back seat": (0.0, -1.0)},
          0.8, (-1.0, 0.3), {"driver": Seat(0.45, 0.3, 0.3), "passenger": Seat(0.45, 0.3, 0.3), "back seat": Seat(0.45, 0.7, 0.3)}),
    _spec("subway", "subway platform", "地铁站", "subway platform, subway station, subway, metro, underground, platform, "
          "train station, station", "地铁, 站台, 车站, 火车站", True,
          {"bench": (-1.8, -1.3), "pillar": (2.2, -1.4), "edge": (0.0, -1.9), "sign": (0.6, -1.7)},
          3.0, (-1.6, 1.5), {"bench": Seat(0.45, 0.8, 0.3)}),
    _spec("shop", "shop", "商店", "shop, store, grocery, boutique, convenience store, supermarket, bookshop",
          "店, 超市, 小卖部, 便利店, 书店", True,
          {"counter": (-1.6, -1.3), "shelf": (1.6, -1.9), "door": (2.5, -0.8), "register": (-1.9, -1.3)},
          2.8, (-1.8, 1.5)),
    _spec("library", "library", "图书馆", "library, study, reading room, archive", "书房, 阅览室, 藏书阁", True,
          {"shelf": (-1.8, -2.0), "reading table": (1.2, -0.35), "chair": (1.2, -1.5), "window": (0.2, -2.1)},
          2.8, (-1.8, 1.5), {"chair": Seat(0.46)}),
    _spec("stage", "stage", "舞台", "stage, theatre, theater, auditorium, concert hall, opera", "剧场, 剧院, 戏台, 礼堂", True,
          {"stage left": (2.2, -0.8), "stage right": (-2.2, -0.8), "microphone": (0.0, -1.2), "stool": (-1.0, -1.2)},
          3.0, (-1.8, 1.6), {"stool": Seat(0.7)}),
    _spec("spaceship", "spaceship bridge", "飞船", "spaceship, starship, spacecraft, space station, space ship, cockpit",
          "宇宙飞船, 太空船, 舰桥, 太空, 星舰", True,
          {"console": (-1.6, -1.2), "captain's chair": (0.0, -0.6), "viewscreen": (0.0, -2.0), "helm": (1.6, -1.2)},
          2.8, (-1.8, 1.5), {"captain's chair": Seat(0.5)}),
)

SETS_BY_NAME = {s.name: s for s in SETS}


def _pattern(word: str) -> re.Pattern[str]:
    """A keyword's matcher: ASCII words on word boundaries (an optional plural), others anywhere."""
    if not word.isascii():
        return re.compile(re.escape(word))
    return re.compile(r"(?<![a-z0-9])" + re.escape(word) + r"(?:s|es)?(?![a-z0-9])")


_KEYWORDS: tuple[tuple[int, int, re.Pattern[str], SetSpec], ...] = tuple(
    (-len(word), order, _pattern(word), spec) for order, spec in enumerate(SETS) for word in spec.keywords)


def find_set(location: str) -> SetSpec | None:
    """The set named in ``location``, or None: the longest keyword that appears wins ("train
    station" over "train", "living room" over "room"), ties go to the set listed first."""
    text = location.lower()
    hits = [(length, order, spec) for length, order, pattern, spec in _KEYWORDS if pattern.search(text)]
    return min(hits, key=lambda h: h[:2])[2] if hits else None


def resolve_set(location: str, interior: bool) -> SetSpec:
    """The set whose keyword appears in ``location``; the room or street when none does."""
    return find_set(location) or SETS_BY_NAME["room" if interior else "street"]


def seat_at(name: str, x: float, z: float) -> float | None:
    """Height of the seat under a sitter at (x, z) in set ``name``, or None to sit on the ground."""
    spec = SETS_BY_NAME.get(name)
    for mark, seat in (spec.seats.items() if spec else ()):
        mx, mz = spec.marks[mark]
        if abs(x - mx) < seat.half_width and abs(z - mz) < seat.half_depth:
            return seat.height
    return None
