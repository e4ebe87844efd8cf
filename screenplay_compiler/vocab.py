"""The words of the screenplay language that are vocabulary, not grammar, in English and Chinese.

The grammar reads a camera direction as free text between brackets; these tables give its
words their meaning. Keys are lower case with single spaces; lookups normalise hyphens.
"""

from __future__ import annotations

import re

SHOT_SIZES = {
    "extreme wide": "extreme_wide", "extreme wide shot": "extreme_wide", "ews": "extreme_wide", "xws": "extreme_wide",
    "establishing": "extreme_wide", "establishing shot": "extreme_wide", "extreme long shot": "extreme_wide",
    "wide": "wide", "wide shot": "wide", "ws": "wide", "long shot": "wide", "ls": "wide",
    "full": "full", "full shot": "full", "fs": "full",
    "medium": "medium", "medium shot": "medium", "ms": "medium", "mid shot": "medium",
    "medium close": "medium_close", "medium close up": "medium_close", "mcu": "medium_close",
    "close": "close", "close up": "close", "closeup": "close", "cu": "close",
    "extreme close": "extreme_close", "extreme close up": "extreme_close", "ecu": "extreme_close", "xcu": "extreme_close",
    "two shot": "two_shot", "twoshot": "two_shot", "2 shot": "two_shot",
    "over the shoulder": "over_shoulder", "over shoulder": "over_shoulder", "ots": "over_shoulder",
    "pov": "pov", "point of view": "pov", "insert": "insert", "insert shot": "insert",
    "大远景": "extreme_wide", "远景": "extreme_wide", "全景": "wide", "中全景": "full", "中景": "medium",
    "中近景": "medium_close", "近景": "medium_close", "特写": "close", "大特写": "extreme_close",
    "双人": "two_shot", "双人镜头": "two_shot", "过肩": "over_shoulder", "过肩镜头": "over_shoulder",
    "主观": "pov", "主观镜头": "pov", "插入": "insert", "插入镜头": "insert",
}

# How sizes are written in hints and docs.
SHOT_SIZE_NAMES = ("EXTREME WIDE", "ESTABLISHING", "WIDE", "FULL", "MEDIUM", "MEDIUM CLOSE-UP", "CLOSE", "CLOSE-UP",
                   "EXTREME CLOSE-UP", "TWO-SHOT", "OTS", "OVER THE SHOULDER", "POV", "INSERT")

ANGLES = {
    "eye level": "eye", "eye": "eye", "平视": "eye",
    "high angle": "high", "high": "high", "俯拍": "high", "俯视": "high", "俯角": "high",
    "low angle": "low", "low": "low", "仰拍": "low", "仰视": "low", "仰角": "low",
    "bird's eye": "birds_eye", "birds eye": "birds_eye", "bird's eye view": "birds_eye", "overhead": "birds_eye",
    "top shot": "birds_eye", "鸟瞰": "birds_eye", "顶拍": "birds_eye",
    "worm's eye": "worms_eye", "worms eye": "worms_eye", "虫视": "worms_eye",
    "dutch": "dutch", "dutch angle": "dutch", "dutch tilt": "dutch", "canted": "dutch", "倾斜": "dutch", "荷兰角": "dutch",
}

MOVES = {
    "static": "static", "locked off": "static", "locked": "static", "固定": "static",
    "pan": "pan", "摇": "pan", "横摇": "pan", "摇镜头": "pan",
    "tilt": "tilt", "竖摇": "tilt",
    "dolly in": "dolly_in", "push in": "dolly_in", "push": "dolly_in", "track in": "dolly_in", "推": "dolly_in", "推镜头": "dolly_in", "推近": "dolly_in",
    "dolly out": "dolly_out", "pull out": "dolly_out", "pull back": "dolly_out", "track out": "dolly_out",
    "拉": "dolly_out", "拉镜头": "dolly_out", "拉远": "dolly_out",
    "truck": "truck", "track": "truck", "tracking": "truck", "移": "truck", "移镜头": "truck", "横移": "truck",
    "orbit": "orbit", "arc": "orbit", "环绕": "orbit", "环拍": "orbit",
    "crane up": "crane_up", "boom up": "crane_up", "crane": "crane_up", "升": "crane_up", "升镜头": "crane_up",
    "crane down": "crane_down", "boom down": "crane_down", "降": "crane_down", "降镜头": "crane_down",
    "zoom in": "zoom_in", "zoom": "zoom_in", "变焦推": "zoom_in", "zoom out": "zoom_out", "变焦拉": "zoom_out",
    "handheld": "handheld", "hand held": "handheld", "shaky": "handheld", "手持": "handheld",
    "follow": "follow", "following": "follow", "跟": "follow", "跟拍": "follow", "跟镜头": "follow",
}

EASINGS = {
    "linear": "linear", "匀速": "linear", "ease in": "ease_in", "slow in": "ease_in", "渐快": "ease_in",
    "ease out": "ease_out", "slow out": "ease_out", "渐慢": "ease_out",
    "ease": "ease_in_out", "ease in out": "ease_in_out", "smooth": "ease_in_out", "平滑": "ease_in_out",
}

CROSS_LINE = {"cross the line", "crossing the line", "other side", "from behind", "reverse side", "越轴", "反面"}
DIRECTIONS = {"left": -1.0, "right": 1.0, "up": 1.0, "down": -1.0, "左": -1.0, "右": 1.0, "上": 1.0, "下": -1.0}

TRANSITIONS = {
    "fade in": "fade_in", "fade out": "fade_out", "fade to black": "fade_out", "cut to": "cut", "smash cut to": "cut",
    "match cut to": "cut", "hard cut to": "cut", "dissolve": "dissolve", "dissolve to": "dissolve",
    "crossfade": "dissolve", "crossfade to": "dissolve", "cross-fade": "dissolve", "cross-fade to": "dissolve",
    "wipe": "wipe", "wipe to": "wipe", "淡入": "fade_in", "淡出": "fade_out", "切": "cut", "切至": "cut", "切换": "cut",
    "叠化": "dissolve", "溶解": "dissolve", "划像": "wipe", "转场": "dissolve",
}
DEFAULT_TRANSITION_SECONDS = {"cut": 0.0, "fade_in": 1.0, "fade_out": 1.0, "dissolve": 1.0, "wipe": 0.6}

SFX_WORDS = {"sfx", "sound", "音效", "声效"}
MUSIC_WORDS = {"music", "音乐", "配乐"}


_SEPARATORS = re.compile(r"[\s\-]+")


def key(text: str) -> str:
    """A phrase as a table key: lower case, hyphens and runs of spaces made one space."""
    return _SEPARATORS.sub(" ", text.strip().lower())


def split_shot_size(text: str) -> int:
    """How many characters at the start of ``text`` name a shot size (0 when none does).

    The longest known size wins (``EXTREME CLOSE-UP`` over ``EXTREME``); a size must end at a
    word boundary, except a Chinese one, which may run straight into a Chinese name.
    """
    best = 0
    for end in range(1, len(text) + 1):
        if text[end - 1].isspace():
            continue
        if end < len(text) and text[end].isascii() and text[end].isalnum() and text[end - 1].isascii():
            continue
        if key(text[:end]) in SHOT_SIZES:
            best = end
    return best
