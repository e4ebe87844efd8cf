"""A cast member's free-text description -> an :class:`ir.Appearance`.

Known words set attributes; what the writer leaves open is chosen from palettes with a seed
derived from the character's name, so the same character looks the same in every build.
Words the resolver does not know are returned so the compiler can warn about them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .ir import Appearance, Garment

COLORS: dict[str, str] = {
    "black": "#1c1c1f", "white": "#ecebe6", "grey": "#8a8d91", "gray": "#8a8d91", "silver": "#b8bcc2",
    "red": "#b3262e", "crimson": "#8f1d2c", "pink": "#e58fa8", "orange": "#d9731f", "yellow": "#e3c13b",
    "gold": "#c9a03d", "golden": "#c9a03d", "green": "#3f8a4a", "olive": "#6b6e35", "teal": "#2a7f7f",
    "blue": "#2f5fa8", "navy": "#1f2d4f", "purple": "#6a3d8f", "violet": "#7d4fb0", "brown": "#6b4428",
    "beige": "#cdb894", "cream": "#e8dcc0", "khaki": "#a99a6b", "blonde": "#d8b865", "blond": "#d8b865",
    "auburn": "#7a3520", "ginger": "#b0532a", "chestnut": "#5a3220",
    "黑": "#1c1c1f", "白": "#ecebe6", "灰": "#8a8d91", "银": "#b8bcc2", "红": "#b3262e", "粉": "#e58fa8",
    "橙": "#d9731f", "黄": "#e3c13b", "金": "#c9a03d", "绿": "#3f8a4a", "青": "#2a7f7f", "蓝": "#2f5fa8",
    "藏青": "#1f2d4f", "紫": "#6a3d8f", "棕": "#6b4428", "褐": "#6b4428", "咖啡": "#5a3a22", "米": "#e8dcc0",
}
SKIN: dict[str, str] = {
    "pale": "#f3d9c8", "fair": "#efcfb4", "light": "#e9c4a4", "olive": "#c89b74", "tan": "#c08a62",
    "tanned": "#c08a62", "brown": "#8d5a3b", "dark": "#5e3a26", "白皙": "#f3d9c8", "黝黑": "#8d5a3b",
}
SKIN_PALETTE = ("#f1d3bd", "#e8c2a0", "#dcb08b", "#c8966d", "#a8734e", "#7d5035")
HAIR_PALETTE = ("#1c1c1f", "#2e2019", "#4a3020", "#6b4428", "#a8783f")
CLOTH_PALETTE = ("#2f5fa8", "#b3262e", "#3f8a4a", "#6a3d8f", "#8a8d91", "#1f2d4f", "#c9a03d", "#ecebe6")
EYE_PALETTE = ("#3b2a1e", "#4a3424", "#2c3e5c", "#3d5a3a")

GENDER = {"woman": "female", "girl": "female", "female": "female", "lady": "female", "she": "female",
          "man": "male", "boy": "male", "male": "male", "guy": "male", "gentleman": "male", "he": "male",
          "女": "female", "女子": "female", "少女": "female", "女孩": "female", "女人": "female", "姑娘": "female",
          "男": "male", "男子": "male", "男孩": "male", "男人": "male", "小伙": "male"}
AGE = {"child": "child", "kid": "child", "little": "child", "teen": "young", "teenage": "young",
       "teenager": "young", "young": "young", "adult": "adult", "middle-aged": "middle_aged",
       "middle": "middle_aged", "old": "old", "elderly": "old", "grandma": "old", "grandpa": "old",
       "小孩": "child", "孩子": "child", "年轻": "young", "少女": "young", "少年": "young", "中年": "middle_aged",
       "老": "old", "老人": "old", "年迈": "old"}
BUILD = {"slim": "slim", "thin": "slim", "skinny": "slim", "slender": "slim", "average": "average",
         "athletic": "athletic", "muscular": "athletic", "strong": "athletic", "fit": "athletic",
         "heavy": "heavy", "stocky": "heavy", "plump": "heavy", "fat": "heavy", "big": "heavy",
         "瘦": "slim", "苗条": "slim", "健壮": "athletic", "胖": "heavy", "壮": "heavy"}
HEIGHT = {"tall": 0.1, "short": -0.1, "高": 0.1, "高个": 0.1, "矮": -0.1, "矮个": -0.1}
HAIR = {"ponytail": "ponytail", "bun": "bun", "bob": "bob", "curly": "curly", "curls": "curly",
        "bald": "bald", "long": "long", "short": "short", "crew": "short", "buzz": "buzz", "buzzcut": "buzz",
        "braid": "braid", "braided": "braid", "plait": "braid", "twintails": "twintails", "pigtails": "twintails",
        "topknot": "topknot", "wavy": "wavy", "spiky": "spiky", "bangs": "fringe", "fringe": "fringe",
        "马尾": "ponytail", "发髻": "bun", "波波头": "bob", "卷发": "curly", "光头": "bald",
        "长发": "long", "短发": "short", "寸头": "buzz", "平头": "buzz", "辫子": "braid", "麻花辫": "braid",
        "双马尾": "twintails", "束发": "topknot", "发冠": "topknot", "波浪": "wavy", "大波浪": "wavy", "刺猬头": "spiky",
        "刘海": "fringe", "齐刘海": "fringe"}
TOPS = {"coat": "coat", "raincoat": "coat", "parka": "coat", "trench": "coat", "overcoat": "coat", "jacket": "jacket", "shirt": "shirt", "t-shirt": "tshirt", "tshirt": "tshirt",
        "tee": "tshirt", "sweater": "sweater", "jumper": "sweater", "hoodie": "hoodie", "dress": "dress",
        "blouse": "blouse", "suit": "jacket", "uniform": "jacket", "blazer": "jacket", "cardigan": "sweater",
        "hanfu": "hanfu", "robe": "hanfu", "robes": "hanfu", "qipao": "qipao", "cheongsam": "qipao", "vest": "vest",
        "waistcoat": "vest", "tank": "vest", "汉服": "hanfu", "长袍": "hanfu", "古装": "hanfu", "旗袍": "qipao",
        "背心": "vest", "马甲": "vest", "外套": "coat", "大衣": "coat", "雨衣": "coat", "夹克": "jacket", "衬衫": "shirt", "T恤": "tshirt", "毛衣": "sweater",
        "卫衣": "hoodie", "连衣裙": "dress", "西装": "jacket", "校服": "jacket"}
BOTTOMS = {"jeans": "jeans", "trousers": "trousers", "pants": "trousers", "slacks": "trousers",
           "skirt": "skirt", "shorts": "shorts", "long-skirt": "long_skirt", "牛仔裤": "jeans", "裤子": "trousers",
           "长裤": "trousers", "裙子": "skirt", "短裙": "skirt", "长裙": "long_skirt", "短裤": "shorts"}
SHOES = {"shoes", "boots", "sneakers", "heels", "鞋", "靴子", "运动鞋"}
ACCESSORIES = {"glasses": "glasses", "spectacles": "glasses", "sunglasses": "sunglasses", "hat": "hat", "fedora": "hat",
               "cap": "cap", "beanie": "beanie", "scarf": "scarf", "tie": "tie", "necktie": "tie", "earrings": "earrings",
               "necklace": "necklace", "watch": "watch", "belt": "belt", "sash": "belt", "bag": "bag", "handbag": "bag",
               "backpack": "bag", "beard": "beard", "mustache": "mustache", "moustache": "mustache", "hairpin": "hairpin",
               "眼镜": "glasses", "墨镜": "sunglasses", "帽子": "hat", "棒球帽": "cap", "毛线帽": "beanie", "围巾": "scarf",
               "领带": "tie", "耳环": "earrings", "项链": "necklace", "手表": "watch", "腰带": "belt", "皮带": "belt",
               "包": "bag", "背包": "bag", "手提包": "bag", "胡子": "beard", "络腮胡": "beard", "小胡子": "mustache",
               "发簪": "hairpin", "簪子": "hairpin"}
FILLER = {"a", "an", "the", "with", "and", "in", "wearing", "wears", "hair", "haired", "of", "skin",
          "skinned", "eyes", "eyed", "build", "built", "on", "her", "his", "very", "quite", "pair", "色", "的",
          "头发", "古风", "穿", "戴", "着", "和", "一件", "一条", "一双", "一顶", "皮肤", "个"}
KNOWN = (set(COLORS) | set(SKIN) | set(GENDER) | set(AGE) | set(BUILD) | set(HEIGHT) | set(HAIR) | set(TOPS)
         | set(BOTTOMS) | SHOES | set(ACCESSORIES) | FILLER)
CJK_WORDS = sorted((w for w in KNOWN if re.match(r"[\u3400-\u9fff]", w)), key=len, reverse=True)


@dataclass(frozen=True)
class Resolved:
    """The appearance and the description's words that meant nothing to the resolver."""

    appearance: Appearance
    unknown: tuple[str, ...]


PAIRS = {("long", "skirt"): "long-skirt", ("maxi", "skirt"): "long-skirt", ("tank", "top"): "vest"}


def words(description: str) -> list[str]:
    """Split a description into words: English by letters, Chinese by longest known match;
    two-word garments (``long skirt``) become one word."""
    out: list[str] = []
    for chunk in re.findall(r"[A-Za-z][A-Za-z\-']*|[\u3400-\u9fff]+|T恤", description):
        for word in _segment_cjk(chunk) if re.match(r"[\u3400-\u9fff]", chunk) else [chunk.lower()]:
            if out and (out[-1], word) in PAIRS:
                out.append(PAIRS[out.pop(), word])
            else:
                out.append(word)
    return out


def _segment_cjk(chunk: str) -> list[str]:
    """Greedy longest-match segmentation of a run of Chinese characters."""
    out, i = [], 0
    while i < len(chunk):
        word = next((w for w in CJK_WORDS if chunk.startswith(w, i)), chunk[i])
        out.append(word)
        i += len(word)
    return out


def resolve(name: str, description: str) -> Resolved:
    """Resolve ``description`` into an appearance seeded by ``name``."""
    ws = words(description)
    pick = _picker(name)
    attrs: dict = {}
    unknown: list[str] = []
    pending_color: str | None = None
    for i, w in enumerate(ws):
        nxt = next((n for n in ws[i + 1 :] if n not in COLORS), "")
        if w in COLORS and not (w in SKIN and nxt in ("skin", "skinned", "皮肤")):
            pending_color = COLORS[w]
            continue
        pending_color = _apply(w, nxt, pending_color, attrs, unknown)
    return Resolved(_build(attrs, pick), tuple(unknown))


def _apply(w: str, nxt: str, color: str | None, attrs: dict, unknown: list[str]) -> str | None:
    """Apply one word to ``attrs``; returns the colour still waiting for a noun."""
    if w in SKIN and nxt in ("skin", "skinned", "皮肤"):
        attrs["skin"] = SKIN[w]
    elif w in HAIR and (w not in ("short", "long") or nxt in ("hair", "haired", "头发", "") or nxt in HAIR):
        attrs["hair_style"] = HAIR[w]
        attrs.setdefault("hair_color", color) if color else None
    elif w in ("hair", "头发", "haired") and color:
        attrs["hair_color"] = color
    elif w in TOPS:
        attrs["top"] = (TOPS[w], color)
        if w in ("suit", "uniform", "西装", "校服"):
            attrs.setdefault("bottom", ("trousers", color))
    elif w in BOTTOMS:
        attrs["bottom"] = (BOTTOMS[w], color)
    elif w in SHOES:
        attrs["shoes"] = color
    elif w in ACCESSORIES:
        attrs.setdefault("accessories", []).append((ACCESSORIES[w], color))
    elif w in HEIGHT:
        attrs["height"] = HEIGHT[w]
    elif w in GENDER:
        attrs["gender"] = GENDER[w]
        if w in ("girl", "boy", "女孩", "男孩", "少女") and "age" not in attrs:
            attrs["age"] = "young"
    elif w in AGE:
        attrs["age"] = AGE[w]
    elif w in BUILD:
        attrs["build"] = BUILD[w]
    elif w not in FILLER:
        unknown.append(w)
        return color
    else:
        return color
    return None


def _picker(name: str):
    """A deterministic chooser seeded by the character's name."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()

    def pick(slot: int, options):
        return options[digest[slot % len(digest)] % len(options)]

    return pick


def _build(attrs: dict, pick) -> Appearance:
    """Fill every open attribute from seeded palettes and assemble the appearance."""
    gender = attrs.get("gender", "neutral")
    age = attrs.get("age", "adult")
    base = {"female": 1.65, "male": 1.77, "neutral": 1.71}[gender]
    base = 1.25 if age == "child" else base - (0.03 if age == "old" else 0.0)
    top_kind, top_color = attrs.get("top", (pick(1, ("shirt", "jacket", "sweater", "tshirt")), None))
    bottom_kind, bottom_color = attrs.get("bottom", ("trousers", None))
    if top_kind in ("dress", "qipao"):
        bottom_kind, bottom_color = "skirt", bottom_color or top_color
    elif top_kind == "hanfu" and "bottom" not in attrs:  # loose trousers under the robe, in its colour
        bottom_color = top_color
    default_hair = "long" if gender == "female" else "short"
    hair_color = attrs.get("hair_color") or (COLORS["grey"] if age == "old" else pick(2, HAIR_PALETTE))
    return Appearance.model_construct(
        gender=gender,
        age=age,
        height_m=round(base + attrs.get("height", 0.0), 3),
        build=attrs.get("build", "average"),
        skin=attrs.get("skin", pick(3, SKIN_PALETTE)),
        hair_style=attrs.get("hair_style", default_hair),
        hair_color=hair_color,
        eye_color=pick(4, EYE_PALETTE),
        top=Garment.model_construct(kind=top_kind, color=top_color or pick(5, CLOTH_PALETTE)),
        bottom=Garment.model_construct(kind=bottom_kind, color=bottom_color or pick(6, ("#1f2d4f", "#2e2e33", "#5a4a3a", "#3d4f6b"))),
        shoes=attrs.get("shoes") or pick(7, ("#1c1c1f", "#4a3020", "#ecebe6")),
        accessories=tuple(Garment.model_construct(kind=k, color=c or pick(8 + i, CLOTH_PALETTE)) for i, (k, c) in enumerate(attrs.get("accessories", []))),
    )
