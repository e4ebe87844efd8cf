"""AST -> shot IR: name resolution, vocabulary checks, shot splitting and stable ids.

Problems are collected as diagnostics so one run reports all of them; the caller raises
when any is an error. The models built once per line or shot (sources, lines, actions, beats,
cameras, shots) are constructed unvalidated: lowering has already checked every value, and
validation would be a third of a long script's check. tests/test_lower.py validates the full
IR of every example and construct.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from . import actions, coverage, ir, nodes, vocab
from .appearance import resolve
from .diagnostics import Diagnostics, Span, did_you_mean
from .sets import SETS, SETS_BY_NAME, find_set, resolve_set

FIELDS = {"title": "title", "author": "author", "language": "language", "lang": "language", "episode": "episode",
          "format": "format", "style": "style", "voice": "voice", "producer": "producer", "coverage": "coverage",
          "标题": "title", "作者": "author", "语言": "language", "集数": "episode", "剧集": "episode",
          "格式": "format", "画幅": "format", "风格": "style", "配音": "voice", "制作者": "producer", "出品方": "producer",
          "镜头": "coverage"}
STYLES = {"realistic": "realistic", "real": "realistic", "写实": "realistic", "toon": "toon", "cel": "toon",
          "anime": "toon", "cartoon": "toon", "国漫": "toon", "卡通": "toon", "动漫": "toon"}
ENGINES = ("piper", "espeak", "gtts")
WEATHER = {"clear": "clear", "sunny": "clear", "rain": "rain", "rainy": "rain", "raining": "rain", "storm": "rain",
           "fog": "fog", "foggy": "fog", "mist": "fog", "misty": "fog", "snow": "snow", "snowy": "snow",
           "snowing": "snow", "晴": "clear", "雨": "rain", "下雨": "rain", "暴雨": "rain", "雾": "fog", "大雾": "fog",
           "雪": "snow", "下雪": "snow"}
TIMES = {"dawn": "dawn", "morning": "dawn", "sunrise": "dawn", "day": "day", "noon": "day", "afternoon": "day",
         "continuous": "day", "later": "day", "dusk": "dusk", "evening": "dusk", "sunset": "dusk",
         "night": "night", "midnight": "night", "黎明": "dawn", "清晨": "dawn", "早晨": "dawn", "白天": "day",
         "中午": "day", "下午": "day", "黄昏": "dusk", "傍晚": "dusk", "夜": "night", "夜晚": "night", "深夜": "night",
         "日": "day", "晨": "dawn", "昼": "day", "晚": "dusk"}
VERBS = {"walk": "walk_to", "walks": "walk_to", "turn": "turn_to", "turns": "turn_to", "wave": "wave",
         "waves": "wave", "nod": "nod", "nods": "nod", "sit": "sit", "sits": "sit", "sit down": "sit",
         "sits down": "sit", "stand": "stand", "stands": "stand", "stand up": "stand", "stands up": "stand",
         "turns around": "turn_to", "走向": "walk_to", "走到": "walk_to", "转向": "turn_to", "挥手": "wave",
         "点头": "nod", "坐下": "sit", "站起": "stand", "站起来": "stand"}
# VERBS: the short phrases the Fountain importer reads; lowering resolves every phrase of the
# action library (actions.py), multi-word ones included ("shakes her head", "picks up the cup").
ACTION_HINT = "actions include walks to, runs to, looks at, waves, nods, points at, sits, kneels, dances; " \
              "`sdc assets` and docs/actions.md list them all"
EMOTION_ALIASES = {"厌恶": "disgusted", "害羞": "shy", "得意": "smug", "disgusted": "disgusted", "担心": "worried", "生气": "angry", "愤怒": "angry", "开心": "happy", "高兴": "happy",
                   "难过": "sad", "伤心": "sad", "平静": "calm", "害怕": "afraid", "惊讶": "surprised",
                   "低语": "whispering", "大喊": "shouting", "疲惫": "tired", "激动": "excited",
                   "scared": "afraid", "mad": "angry", "whisper": "whispering", "shout": "shouting",
                   "whispers": "whispering", "shouts": "shouting", "cheerful": "happy", "anxious": "worried"}
PARAM_KEYS = {"pitch": "pitch", "rate": "rate", "speed": "rate", "volume": "volume", "engine": "engine",
              "model": "model", "音高": "pitch", "语速": "rate", "音量": "volume", "引擎": "engine", "声线": "model",
              **{e: e for e in ENGINES}}
CHANNELS = {"v.o.": "vo", "vo": "vo", "v.o": "vo", "voice over": "vo", "voice-over": "vo", "voiceover": "vo",
            "画外音": "vo", "旁白": "vo", "o.s.": "os", "os": "os", "o.s": "os", "o.c.": "os", "off": "os",
            "off screen": "os", "off-screen": "os", "offscreen": "os", "画外": "os", "幕后": "os"}
DELIVERIES = {"whispering": "whispering", "whisper": "whispering", "whispers": "whispering", "whispered": "whispering",
              "低语": "whispering", "耳语": "whispering", "小声": "whispering", "shouting": "shouting", "shout": "shouting",
              "shouts": "shouting", "yelling": "shouting", "yells": "shouting", "大喊": "shouting", "喊": "shouting",
              "muttering": "muttering", "mutters": "muttering", "嘀咕": "muttering", "softly": "softly", "soft": "softly",
              "quietly": "softly", "轻声": "softly", "loudly": "loudly", "loud": "loudly", "大声": "loudly",
              "crying": "crying", "sobbing": "crying", "in tears": "crying", "哭着": "crying", "哭泣": "crying",
              "laughing": "laughing", "laughs": "laughing", "笑着": "laughing"}
SPEEDS = {"fast": 1.25, "quickly": 1.25, "rapidly": 1.3, "hurried": 1.2, "快速": 1.25, "快": 1.25, "急促": 1.3,
          "slowly": 0.8, "slow": 0.8, "deliberately": 0.85, "慢慢": 0.8, "缓慢": 0.8, "慢": 0.8}
OVERLAP_WORDS = {"overlapping", "overlap", "simultaneously", "at the same time", "同时", "抢话"}
IGNORED_PARENS = {"cont'd", "contd", "cont.", "continuing", "continued", "继续"}
NEUTRAL_SHOTS = {"extreme_wide", "pov", "insert"}
SPEECH_CPS = {"en": 14.0, "zh": 4.5}  # characters per second of speech at rate 1
READ_CPS = {"en": 20.0, "zh": 9.0}  # comfortable subtitle reading speed
DEFAULT_BEAT = 1.0
_SIZE = re.compile(r"(\d{2,5})\s*[x×*]\s*(\d{2,5})")
_FPS = re.compile(r"(\d{1,3})\s*(fps|帧)")
_NUMBER = re.compile(r"([+\-]?\d+(?:\.\d+)?)(st|x|%|db)?")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SECONDS = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|毫秒|s|sec|secs|seconds?|秒)?")
_HEADING_PART = re.compile(r"[^\s\-–—,，、()（）/]+(?: [^\s\-–—,，、()（）/]+)*")
_NAME_SEP = re.compile(r"\s+(?:and|&|和|与)\s+|\s+")
_LIST_ITEM = re.compile(r"[^,，;；、]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_RATE = re.compile(r"(?:x\s*)?(\d+(?:\.\d+)?)\s*x?")
_SPACES = re.compile(r"\s+")
_QUOTED = re.compile(r'^["“]([^"”]+)["”]\s*(.*)$')
_FADE_IN = re.compile(r"(?:fade in|淡入)\s*(\d+(?:\.\d+)?)\s*(?:s|秒)?")
_FADE_OUT = re.compile(r"(?:fade out|淡出)\s*(\d+(?:\.\d+)?)\s*(?:s|秒)?")
_TO = re.compile(r"(?:to|at|对|向)\s*(.+)", re.I)
_PREPOSITION = re.compile(r"^(to|towards?|at|on|the|toward)\s+|^(the)\s+", re.I)
_THE = re.compile(r"^(the)\s+", re.I)
_GAIN = re.compile(r"([+\-]?\d+(?:\.\d+)?)\s*db", re.I)
MAX_BEAT = 30.0


@dataclass
class Lowering:
    """State carried while lowering one script: the source name and the diagnostics."""

    source: str
    diags: Diagnostics = field(default_factory=Diagnostics)
    cast: dict[str, ir.Character] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> cast name
    emotions: tuple[str, ...] = ()
    ids: set[str] = field(default_factory=set)  # scene and shot ids given out so far
    language: str = "en"
    default_engine: str = "piper"
    coverage: str = "dialogue"  # the episode's default coverage (title block `Coverage:`)
    confinement: object = None  # confine.Confinement for model files (None: the script's folder)

    def unique(self, base: str, taken: set[str] | None = None) -> str:
        """``base``, or ``base-2``, ``base-3``... if taken (in ``taken``, default: episode ids)."""
        taken = self.ids if taken is None else taken
        out, n = base, 1
        while out in taken:
            n += 1
            out = f"{base}-{n}"
        taken.add(out)
        return out

    def explicit(self, word: nodes.Word) -> str:
        """An id the writer gave; giving one twice is an error."""
        if word.text in self.ids:
            self.diags.error("duplicate-id", f"the id '#{word.text}' is used twice", word.span,
                             "explicit ids name one scene or shot each")
        self.ids.add(word.text)
        return word.text

    def span(self, node: nodes.Node) -> ir.Source:
        """The IR source location of an AST node (built unvalidated: two ints from the parser)."""
        return ir.Source.model_construct(line=node.span.line, col=node.span.col)

    def name(self, word: nodes.Word) -> str | None:
        """The cast name a word refers to (directly or by alias), or None."""
        text = word.text
        return text if text in self.cast else self.aliases.get(text)


@dataclass
class Included:
    """A script taken in by ``use``: its AST and source name (already parsed by the caller)."""

    script: nodes.Script
    source: str


def lower(script: nodes.Script, source: str, diags: Diagnostics, emotions: tuple[str, ...],
          included: tuple[Included, ...] = (), confinement=None) -> ir.Episode:
    """Lower ``script`` (and the casts of the scripts it uses) to an episode, recording problems in ``diags``."""
    ctx = Lowering(source, diags, emotions=emotions, confinement=confinement)
    meta: dict[str, str] = {}
    for inc in included:
        meta.update(_fields(ctx, inc.script.fields))
    meta.update(_fields(ctx, script.fields))
    ctx.language = meta.get("language", "en")
    ctx.default_engine = _default_engine(ctx, script.fields)
    ctx.coverage = _default_coverage(ctx, script.fields)
    characters = []
    for block in [inc.script.cast for inc in included] + [script.cast]:
        characters.extend(_cast(ctx, block))
    scenes, shots = [], []
    for scene in script.scenes:
        lowered_scene, scene_shots = _scene(ctx, scene)
        scenes.append(lowered_scene)
        shots.extend(scene_shots)
    if not script.scenes and script.cast is None:  # a cast alone is a cast file, for `use`
        ctx.diags.error("no-scenes", "the script has no scenes", Span(source, 1, 1, 1, 1),
                        "add a scene heading such as 'EXT. OLD BRIDGE - DAWN' followed by dialogue")
    _check_crossing(ctx, shots)
    width, height, fps = _format(ctx, script.fields)
    return ir.Episode.model_construct(source=PurePath(source).name, title=meta.get("title", PurePath(source).stem),
                      author=meta.get("author", ""), episode=meta.get("episode", ""), language=ctx.language,
                      producer=meta.get("producer", ""), style=_style(ctx, script.fields),
                      width=width, height=height, fps=fps, coverage=ctx.coverage,
                      characters=tuple(characters), scenes=tuple(scenes), shots=tuple(shots))


def _fields(ctx: Lowering, fields: tuple[nodes.Field, ...]) -> dict[str, str]:
    """Title-block fields by canonical key; unknown keys warn."""
    out: dict[str, str] = {}
    for f in fields:
        key = FIELDS.get(f.key.text.lower())
        if key is None:
            ctx.diags.warning("unknown-field", f"unknown title field '{f.key.text}'", f.key.span,
                              did_you_mean(f.key.text, [k.capitalize() for k in FIELDS if k.isascii()]))
            continue
        out[key] = f.value
    return out


def _field(fields: tuple[nodes.Field, ...], key: str) -> nodes.Field | None:
    """The last title field with canonical key ``key``."""
    found = [f for f in fields if FIELDS.get(f.key.text.lower()) == key]
    return found[-1] if found else None


def _value_span(f: nodes.Field) -> Span:
    """Where a field's value is (the whole line's end when it cannot be told)."""
    return Span(f.span.source, f.span.line, f.key.span.end_col + 2, f.span.line, f.key.span.end_col + 2 + len(f.value))


def _format(ctx: Lowering, fields: tuple[nodes.Field, ...]) -> tuple[int | None, int | None, int | None]:
    """``Format: 1080x1920 30fps`` / ``9:16`` / ``vertical`` -> (width, height, fps)."""
    f = _field(fields, "format")
    if f is None:
        return None, None, None
    text = f.value.lower()
    width = height = fps = None
    size = _SIZE.search(text)
    aspect = {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (720, 720), "4:3": (960, 720), "竖屏": (720, 1280),
              "vertical": (720, 1280), "portrait": (720, 1280), "横屏": (1280, 720), "landscape": (1280, 720),
              "square": (720, 720), "方形": (720, 720)}
    if size:
        width, height = int(size.group(1)), int(size.group(2))
    else:
        width, height = next((wh for k, wh in aspect.items() if k in text), (None, None))
    rate = _FPS.search(text)
    fps = int(rate.group(1)) if rate else None
    if width is None and fps is None:
        ctx.diags.error("bad-format", f"cannot read the format '{f.value}'", _value_span(f),
                        "write e.g. 'Format: 1920x1080 30fps', 'Format: 9:16' or 'Format: vertical'")
    elif width is not None and not (16 <= width <= 7680 and 16 <= height <= 7680 and width % 2 == 0 and height % 2 == 0):
        ctx.diags.error("bad-format", f"{width}x{height} is not a size sdc can encode", _value_span(f),
                        "width and height must be even numbers from 16 to 7680")
        width = height = None
    if fps is not None and not 1 <= fps <= 120:
        ctx.diags.error("bad-format", f"{fps} fps is out of range", _value_span(f), "frame rates run from 1 to 120")
        fps = None
    return width, height, fps


def _style(ctx: Lowering, fields: tuple[nodes.Field, ...]) -> str:
    """The look: ``realistic`` (default) or ``toon``."""
    f = _field(fields, "style")
    if f is None:
        return "realistic"
    style = STYLES.get(f.value.strip().lower())
    if style is None:
        ctx.diags.error("unknown-style", f"unknown style '{f.value}'", _value_span(f),
                        did_you_mean(f.value, [k for k in STYLES if k.isascii()]) or "styles: realistic, toon")
        return "realistic"
    return style


def _default_engine(ctx: Lowering, fields: tuple[nodes.Field, ...]) -> str:
    """The episode's default voice engine (``Voice: espeak``)."""
    f = _field(fields, "voice")
    if f is None:  # the bundled piper voice speaks English: a Chinese episode speaks with espeak's Mandarin
        return "espeak" if ctx.language.lower().startswith("zh") else "piper"
    engine = f.value.strip().lower()
    if engine not in ENGINES:
        ctx.diags.error("unknown-engine", f"unknown voice engine '{f.value}'", _value_span(f),
                        did_you_mean(engine, ENGINES) or "engines: piper (offline), espeak (offline), gtts (online)")
        return "piper"
    return engine


def _default_coverage(ctx: Lowering, fields: tuple[nodes.Field, ...]) -> str:
    """The episode's default coverage (``Coverage: static``); scenes may override it."""
    f = _field(fields, "coverage")
    return "dialogue" if f is None else _coverage_mode(ctx, nodes.Word(_value_span(f), f.value.strip()), "dialogue")


def _coverage_mode(ctx: Lowering, word: nodes.Word, fallback: str) -> str:
    """``dialogue``, ``static`` or ``none`` (``对话``, ``固定``, ``无``); unknown words warn."""
    mode = coverage.MODES.get(word.text.lower())
    if mode is None:
        ctx.diags.warning("unknown-coverage", f"unknown coverage '{word.text}'; using {fallback}", word.span,
                          did_you_mean(word.text, [k for k in coverage.MODES if k.isascii()])
                          or "coverage is dialogue, static or none (镜头：对话、固定、无)")
        return fallback
    return mode


def _cast(ctx: Lowering, block: nodes.CastBlock | None) -> list[ir.Character]:
    """Cast members with their resolved appearance, voice and aliases."""
    members: list[tuple[nodes.CastMember, list]] = []
    for item in block.items if block else ():
        if isinstance(item, nodes.CastMember):
            members.append((item, []))
        elif members:
            members[-1][1].append(item)
        else:
            what = {nodes.VoiceSettings: "voice settings", nodes.Model: "a model"}.get(type(item), "aliases")
            ctx.diags.error("orphan-voice", f"{what} before any cast member", item.span,
                            "put 'voice: ...' or 'aka: ...' on the line under the character it belongs to")
    out = []
    for member, extras in members:
        name = member.name.text
        if name in ctx.cast or name in ctx.aliases:
            first = ctx.cast[ctx.name(member.name)].source
            ctx.diags.error("duplicate-character", f"{name} is already in the cast (line {first.line})", member.name.span,
                            "each character is declared once; a shared cast file is taken in with 'use'")
            continue
        character = _character(ctx, member, [x for x in extras if isinstance(x, nodes.VoiceSettings)])
        character = _with_model(ctx, character, [x for x in extras if isinstance(x, nodes.Model)])
        ctx.cast[name] = character
        out.append(character)
        for aliases in (x for x in extras if isinstance(x, nodes.Aliases)):
            _aliases(ctx, name, aliases)
    return out


def _aliases(ctx: Lowering, name: str, aliases: nodes.Aliases) -> None:
    """Record other names for ``name``; a name may mean one character only."""
    for alias in aliases.names:
        if alias.text in ctx.cast or alias.text in ctx.aliases:
            ctx.diags.error("duplicate-character", f"'{alias.text}' already names a character", alias.span,
                            "an alias must differ from every name and alias in the cast")
            continue
        ctx.aliases[alias.text] = name


def _character(ctx: Lowering, member: nodes.CastMember, voices: list[nodes.VoiceSettings]) -> ir.Character:
    """One cast member: appearance from the description, voice from defaults and settings."""
    name = member.name.text
    desc = member.description
    resolved = resolve(name, desc.text)
    for word in resolved.unknown:
        ctx.diags.warning("unknown-word", f"'{word}' in {name}'s description means nothing to sdc yet", _word_span(desc, word),
                          did_you_mean(word, _appearance_words()) or "it is kept in the description but not drawn")
    voice = _default_voice(ctx, name, resolved.appearance)
    for settings in voices:
        voice = _voice_settings(ctx, voice, settings)
    return ir.Character.model_construct(id=_slug(name), name=name, description=desc.text, appearance=resolved.appearance,
                        voice=voice, source=ctx.span(member))


def _with_model(ctx: Lowering, character: ir.Character, models: list[nodes.Model]) -> ir.Character:
    """``character`` drawn with the mesh of its (last) ``model:`` line, when that file is readable."""
    ref = None
    for line in models:
        ref = _model_ref(ctx, line.path)
    if ref is None:
        return character
    return character.model_copy(update={"appearance": character.appearance.model_copy(update={"model": ref})})


def _model_ref(ctx: Lowering, written: nodes.Word) -> ir.ModelRef | None:
    """The model a ``model:`` line names, checked (inside the project, present, readable); None after an error."""
    from pathlib import Path

    from .confine import Confinement, OutsideRoot, script_folder
    from .modelfile import ModelError, check_model

    here = script_folder(written.span.source)
    confinement = ctx.confinement or Confinement(script_folder(ctx.source))
    try:
        path = confinement.resolve(written.text, here)
    except OutsideRoot as exc:
        ctx.diags.error("path-outside", str(exc), written.span,
                        "the project is the script's folder (or --root); to use files elsewhere, pass --allow-path FOLDER")
        return None
    if not path.is_file():
        nearby = sorted(str(p.relative_to(here)) for p in [*here.glob("*"), *here.glob("*/*")] if p.suffix.lower() in (".glb", ".gltf", ".obj"))
        ctx.diags.error("missing-file", f"no such file: '{written.text}'", written.span,
                        did_you_mean(written.text, nearby) or "models are .glb, .gltf or .obj files; the path is relative to the script's folder")
        return None
    try:
        digest = check_model(path)
    except (ModelError, OSError) as exc:
        ctx.diags.error("bad-model", str(exc), written.span, "export the character as glTF (.glb/.gltf) or Wavefront .obj")
        return None
    entry = Path(script_folder(ctx.source))
    shown = written.text if here == entry else PurePath(_relative(path, entry.resolve())).as_posix()
    return ir.ModelRef(path=shown, sha256=digest)


def _relative(path, folder) -> str:
    """``path`` relative to ``folder`` (climbing with '..' where needed)."""
    import os

    return os.path.relpath(path, folder)


def _word_span(text: nodes.Word, word: str) -> Span:
    """The span of ``word`` inside a located piece of text (the whole text if not found)."""
    found = re.search(re.escape(word), text.text, flags=re.IGNORECASE)
    if not found:
        return text.span
    return _inner(text, found.start(), found.start() + len(word))


def _inner(text: nodes.Word, start: int, end: int) -> Span:
    """The span of ``text.text[start:end]`` (one line)."""
    col = text.span.col + start
    return Span(text.span.source, text.span.line, col, text.span.line, col + (end - start))


def _appearance_words() -> list[str]:
    """Every English word the appearance resolver knows (for did-you-mean)."""
    from .appearance import KNOWN
    return [w for w in KNOWN if w.isascii()]


def _engine_model(engine: str, language: str) -> str:
    """The default voice model of an engine for the episode's language."""
    chinese = language.lower().startswith("zh")
    return {"piper": "en_US-joe-medium", "espeak": "cmn" if chinese else "en-us", "gtts": "zh-CN" if chinese else "en"}[engine]


def _default_voice(ctx: Lowering, name: str, look: ir.Appearance) -> ir.Voice:
    """A voice that suits the look, varied per name so two similar characters differ."""
    base = {"female": 3.0, "male": -2.0, "neutral": 0.5}[look.gender] + (4.0 if look.age == "child" else 0.0)
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    jitter = (digest[0] / 255.0 - 0.5) * 2.0
    rate = 1.0 + (digest[1] / 255.0 - 0.5) * 0.08 - (0.08 if look.age == "old" else 0.0)
    engine = ctx.default_engine
    return ir.Voice.model_construct(engine=engine, model=_engine_model(engine, ctx.language),
                    pitch_semitones=round(base + jitter, 2), rate=round(rate, 3))


def _voice_settings(ctx: Lowering, voice: ir.Voice, settings: nodes.VoiceSettings) -> ir.Voice:
    """``voice`` updated by one ``voice:`` line; bad keys and values are errors."""
    updates: dict = {}
    for p in settings.params:
        key = PARAM_KEYS.get(p.key.text.lower())
        if key is None:
            ctx.diags.error("unknown-voice-setting", f"unknown voice setting '{p.key.text}'", p.key.span,
                            did_you_mean(p.key.text, [k for k in PARAM_KEYS if k.isascii()]) or
                            "settings: an engine (piper, espeak, gtts), pitch, rate, volume")
            continue
        if key in ENGINES or key in ("engine", "model"):
            updates.update(_engine_setting(ctx, key, p, {**voice.model_dump(), **updates}))
            continue
        if p.value is None:
            ctx.diags.error("bad-voice-value", f"{key} needs a value", p.key.span, _voice_hint(key))
            continue
        value = _voice_value(ctx, key, p.value)
        if value is not None:
            updates[{"pitch": "pitch_semitones", "volume": "volume_db"}.get(key, key)] = value
    return voice.model_copy(update=updates)


def _engine_setting(ctx: Lowering, key: str, p: nodes.VoiceParam, current: dict) -> dict:
    """``espeak cmn`` / ``piper "voices/x.onnx"`` / ``engine gtts`` / ``model cmn`` as Voice fields."""
    value = p.value.text.strip('"“”') if p.value else None
    if key == "model":
        if not value:
            ctx.diags.error("bad-voice-value", "model needs a name or a quoted path", p.key.span,
                            "e.g. 'voice: piper \"voices/mei.onnx\"' or 'voice: espeak cmn'")
            return {}
        return {"model": value}
    engine = value.lower() if key == "engine" and value else key
    if engine not in ENGINES:
        ctx.diags.error("unknown-engine", f"unknown voice engine '{value}'", (p.value or p.key).span,
                        did_you_mean(engine, ENGINES) or "engines: piper (offline), espeak (offline), gtts (online)")
        return {}
    model = value if key != "engine" and value else _engine_model(engine, ctx.language)
    if engine == "piper" and key != "engine" and value and not value.endswith(".onnx") and value != "en_US-joe-medium":
        ctx.diags.error("bad-voice-value", f"'{value}' is not a piper voice", p.value.span,
                        "piper takes the bundled voice or a quoted path to a .onnx voice, e.g. piper \"voices/mei.onnx\"")
        return {}
    return {"engine": engine, "model": model}


def _voice_value(ctx: Lowering, key: str, word: nodes.Word):
    """Parse one voice setting's value, checking its range."""
    text = word.text.lower()
    m = _NUMBER.fullmatch(text)
    limits = {"pitch": (-12.0, 12.0), "rate": (0.5, 2.0), "volume": (-20.0, 12.0)}[key]
    if not m:
        ctx.diags.error("bad-voice-value", f"'{word.text}' is not a number for {key}", word.span, _voice_hint(key))
        return None
    value = float(m.group(1)) / (100.0 if m.group(2) == "%" else 1.0)
    if not limits[0] <= value <= limits[1]:
        ctx.diags.error("bad-voice-value", f"{key} {word.text} is out of range", word.span, _voice_hint(key))
        return None
    return value


def _voice_hint(key: str) -> str:
    """What a valid value looks like for a voice setting."""
    return {"pitch": "pitch is in semitones from -12 to +12, e.g. 'pitch +2'",
            "rate": "rate is a speed factor from 0.5 to 2, e.g. 'rate 1.1' or 'rate 90%'",
            "volume": "volume is in dB from -20 to +12, e.g. 'volume -3db'"}[key]


def _slug(name: str) -> str:
    """A stable id for a name (ASCII names lower-cased, others hashed)."""
    ascii_part = _NON_SLUG.sub("-", name.lower()).strip("-")
    return ascii_part or "c-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


@dataclass
class _ShotBuilder:
    """Accumulates the events of one shot while walking a scene."""

    camera: ir.Camera
    explicit_id: nodes.Word | None = None
    events: list = field(default_factory=list)
    transition: ir.Transition = field(default_factory=ir.Transition.model_construct)
    fade_out: float = 0.0
    duration: float | None = None
    span: Span | None = None


@dataclass
class _SceneState:
    """What lowering a scene has seen so far."""

    spec: object  # the set (sets.SetSpec)
    cast: list[str] = field(default_factory=list)  # who appears, in order of appearance
    present: set[str] | None = None  # the PRESENT line's names, when there is one
    shots: list[_ShotBuilder] = field(default_factory=list)
    transition: ir.Transition | None = None  # waiting for the next shot
    addressed: list[tuple[str, nodes.Word]] = field(default_factory=list)
    events: int = 0
    coverage: str = "dialogue"  # how shots no direction covers are cut (coverage.py)


def _scene(ctx: Lowering, scene: nodes.Scene) -> tuple[ir.Scene, list[ir.Shot]]:
    """A scene and its shots; a camera direction or a transition starts a new shot.

    Ids come from content, not position, so they survive unrelated edits: the scene's from its
    heading, a shot's from its camera direction, an event's from what it says or does.
    """
    heading = scene.heading
    scene_id = _scene_id(ctx, heading)
    interior = heading.int_ext.upper().startswith(("INT", "I/")) or heading.int_ext.endswith("内景")
    state = _SceneState(resolve_set(heading.location.text, interior), coverage=ctx.coverage)
    if find_set(heading.location.text) is None:
        ctx.diags.warning("unknown-set", f"no set in the library is a '{heading.location.text}'; using the {state.spec.name}",
                          heading.location.span, "sets: " + ", ".join(f"{s.name} ({next(k for k in s.keywords if not k.isascii())})" for s in SETS))
    for item in scene.items:
        _scene_item(ctx, item, state)
    if not state.shots or state.transition is not None:  # a heading alone still establishes the place
        _new_shot(state, ir.Camera.model_construct(size="wide", explicit=False), None)
    state.shots = _covered(ctx, state)
    for name, word in state.addressed:
        if name not in state.cast and (state.present is None or name not in state.present):
            ctx.diags.warning("absent-addressee", f"this line is addressed to {name}, who is not in the scene", word.span,
                              f"bring {name} into the scene (PRESENT: ...) or address someone who is here")
    shots = [_finish_shot(ctx, b, scene_id, state.cast) for b in state.shots]
    time, weather = _time_and_weather(ctx, heading.time_of_day)
    lowered = ir.Scene.model_construct(id=scene_id, heading=_heading_text(heading), location=heading.location.text,
                       interior=interior, set=state.spec.name, time_of_day=time, weather=weather,
                       cast=tuple(state.cast), coverage=state.coverage, source=ctx.span(heading))
    return lowered, shots


def _covered(ctx: Lowering, state: _SceneState) -> list[_ShotBuilder]:
    """The scene's shots with each automatic one (events no direction covers) replaced by the
    shots coverage.py plans for it; under ``coverage: none`` a later one carries the camera on."""
    out: list[_ShotBuilder] = []
    covered: set[str] = set()  # speakers already introduced (their first shot is over the shoulder)
    for i, b in enumerate(state.shots):
        if b.camera.explicit:
            out.append(b)
            continue
        if state.coverage == "none" and out:
            update = {"explicit": False, "move": None, "source": None, "role": "carried"}
            out.append(_ShotBuilder(out[-1].camera.model_copy(update=update), None, b.events, b.transition, b.fade_out))
            continue
        planned = coverage.plan(b.events, state.coverage, state.cast, opening=i == 0, covered=covered,
                                line_seconds=lambda line: _line_seconds(ctx, line))
        for k, (camera, events) in enumerate(planned):
            last = k == len(planned) - 1
            out.append(_ShotBuilder(camera, None, events, b.transition if k == 0 else ir.Transition.model_construct(),
                                    b.fade_out if last else 0.0))
    return out


LINE_PADDING = 0.47  # the silence tracks.py puts before and after a line (LINE_LEAD + LINE_GAP)


def _line_seconds(ctx: Lowering, line: ir.Line) -> float:
    """How long a line is expected to take, from its length and speed (as the reading-speed check)."""
    speech = SPEECH_CPS.get(line.language, SPEECH_CPS["en"]) * ctx.cast[line.speaker].voice.rate * line.rate
    return len(line.text) / speech + LINE_PADDING


def _scene_item(ctx: Lowering, item: nodes.Node, state: _SceneState) -> None:
    """Lower one line of a scene into the shot being built."""
    if isinstance(item, nodes.Camera):
        camera, duration = _camera(ctx, item, state)
        _new_shot(state, camera, item.explicit_id, duration, item.span)
    elif isinstance(item, nodes.Transition):
        _transition(ctx, item, state)
    elif isinstance(item, nodes.Present):
        _present(ctx, item, state)
    elif isinstance(item, nodes.Coverage):
        state.coverage = _coverage_mode(ctx, item.value, ctx.coverage)
    else:
        if not state.shots or state.transition is not None:
            _new_shot(state, ir.Camera.model_construct(size="wide", explicit=False), None)
        event = _event(ctx, item, state)
        if event is not None:
            state.shots[-1].events.append(event)
            state.events += 1


def _new_shot(state: _SceneState, camera: ir.Camera, explicit_id: nodes.Word | None,
              duration: float | None = None, span: Span | None = None) -> None:
    """Start a shot, taking the transition that waits for it."""
    transition = state.transition or ir.Transition.model_construct()
    state.transition = None
    state.shots.append(_ShotBuilder(camera, explicit_id, transition=transition, duration=duration, span=span))


def _transition(ctx: Lowering, t: nodes.Transition, state: _SceneState) -> None:
    """``CUT TO:`` and friends start the next shot; ``FADE OUT.`` ends the current one."""
    kind = vocab.TRANSITIONS[vocab.key(t.word.text)]
    seconds = vocab.DEFAULT_TRANSITION_SECONDS[kind]
    if t.duration is not None:
        seconds = _seconds(ctx, t.duration, "a transition", 0.0, 10.0, seconds)
    if kind == "fade_out":
        if not state.shots:
            ctx.diags.error("impossible-timing", "nothing to fade out yet", t.word.span,
                            "FADE OUT ends a shot: put it after the shot's lines")
            return
        state.shots[-1].fade_out = seconds
        return
    if kind == "fade_in" and state.events:
        ctx.diags.warning("impossible-timing", "FADE IN in the middle of a scene fades up from black", t.word.span,
                          "use DISSOLVE TO: for a soft change of shot")
    state.transition = ir.Transition.model_construct(kind=kind, seconds=seconds, source=ctx.span(t))


def _present(ctx: Lowering, p: nodes.Present, state: _SceneState) -> None:
    """``PRESENT: MEI, JUN``: the scene's cast, checked against the cast list."""
    names = {n for n in (_known(ctx, w, state.cast) for w in p.names) if n}
    state.present = (state.present or set()) | names


def _seconds(ctx: Lowering, word: nodes.Word, what: str, low: float, high: float, fallback: float) -> float:
    """A written duration in seconds, checked to lie in (low, high]."""
    m = _SECONDS.fullmatch(word.text.strip())
    if m is None:
        ctx.diags.error("bad-duration", f"'{word.text}' is not a duration", word.span, "write e.g. '2s', '1.5s' or '500ms'")
        return fallback
    value = float(m.group(1)) / (1000.0 if m.group(2) in ("ms", "毫秒") else 1.0)
    if not low < value <= high:
        ctx.diags.error("bad-duration", f"{what} of {word.text} is out of range", word.span,
                        f"{what} lasts more than {low:g} and at most {high:g} seconds")
        return fallback
    return round(value, 3)


def _heading_text(h: nodes.SceneHeading) -> str:
    """The scene heading as the writer would print it."""
    return f"{h.int_ext} {h.location.text}" + (f" - {h.time_of_day.text}" if h.time_of_day else "")


def _time_and_weather(ctx: Lowering, word: nodes.Word | None) -> tuple[ir.TimeOfDay, ir.Weather]:
    """The lighting time and weather of a heading's last part (``NIGHT - RAIN``, ``夜，雨``)."""
    if word is None:
        return "day", "clear"
    time, weather = None, "clear"
    for m in _HEADING_PART.finditer(word.text):
        part = m.group().lower()
        span = _inner(word, m.start(), m.end())
        if part in TIMES and time is None:
            time = TIMES[part]
        elif part in WEATHER:
            weather = WEATHER[part]
        else:
            ctx.diags.warning("unknown-time", f"unknown time of day or weather '{m.group()}'", span,
                              did_you_mean(part, [t.upper() for t in list(TIMES) + list(WEATHER) if t.isascii()])
                              or "use DAWN, DAY, DUSK or NIGHT, then RAIN, FOG or SNOW")
    return time or "day", weather


def _camera(ctx: Lowering, cam: nodes.Camera, state: _SceneState) -> tuple[ir.Camera, float | None]:
    """A camera direction: size, subjects checked against the cast, angle, move and duration."""
    size = vocab.SHOT_SIZES.get(vocab.key(cam.size.text))
    if size is None:
        ctx.diags.error("unknown-shot-size", f"unknown shot size '{cam.size.text}'", cam.size.span,
                        did_you_mean(cam.size.text, vocab.SHOT_SIZE_NAMES) or
                        "shot sizes: EXTREME WIDE, WIDE, FULL, MEDIUM, MEDIUM CLOSE, CLOSE, EXTREME CLOSE, TWO-SHOT, OTS, POV, INSERT")
        size = "wide"
    subjects, terms = [], []
    for word in cam.subjects:
        if ctx.name(word) is not None or not _camera_term(word.text):
            name = _known(ctx, word, state.cast)
            if name:
                subjects.append(name)
                _check_present(ctx, word, name, state)
        else:
            terms.append(word)
    settings = {"angle": "eye", "move": None, "reverse": False, "duration": None}
    for word in [*terms, *cam.modifiers]:
        _camera_modifier(ctx, word, settings, subjects, state)
    if size == "two_shot" and len(subjects) not in (0, 2):
        ctx.diags.warning("two-shot-subjects", "a two-shot frames two characters", cam.span,
                          "write '[TWO-SHOT MEI AND JUN]'; sdc frames the first two")
        subjects = subjects[:2]
    move = settings["move"]
    if move is not None and move.seconds and settings["duration"] and move.seconds > settings["duration"]:
        ctx.diags.warning("impossible-timing", f"the move lasts {move.seconds:g}s but the shot only {settings['duration']:g}s",
                          cam.span, "shorten the move or lengthen the shot")
    camera = ir.Camera.model_construct(size=size, subjects=tuple(subjects), angle=settings["angle"], move=move,
                       reverse=settings["reverse"], explicit=True, source=ctx.span(cam))
    return camera, settings["duration"]


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|毫秒|s|sec|secs|seconds?|秒)(?![a-z])", re.I)
_AMOUNT = re.compile(r"([+\-]?\d+(?:\.\d+)?)\s*(°|deg|degrees?|度|m|metres?|meters?|米|x|倍)(?![a-z])", re.I)


def _camera_term(text: str) -> bool:
    """True when ``text`` reads as a camera term rather than a name."""
    k = vocab.key(_DURATION.sub("", text))
    return bool(k) and any(k in table for table in (vocab.ANGLES, vocab.MOVES, vocab.EASINGS)) or k in vocab.CROSS_LINE \
        or bool(_DURATION.fullmatch(text.strip()))


def _camera_modifier(ctx: Lowering, word: nodes.Word, settings: dict, subjects: list[str], state: _SceneState) -> None:
    """One comma-separated part after the shot size: names, an angle, a move, a duration."""
    names = [w for w in _NAME_SEP.split(word.text) if w]
    if names and all(n in ctx.cast or n in ctx.aliases for n in names):
        for n in names:
            subjects.append(ctx.name(nodes.Word(word.span, n)))
        return
    text = word.text
    seconds = None
    m = _DURATION.search(text)
    if m:
        seconds = _seconds(ctx, nodes.Word(_inner(word, m.start(), m.end()), m.group()), "a shot", 0.0, 600.0, None)
        text = text[:m.start()] + text[m.end():]
    amount = None
    a = _AMOUNT.search(text)
    if a:
        amount = float(a.group(1))
        text = text[:a.start()] + text[a.end():]
    k = vocab.key(text)
    if not k:
        settings["duration"] = seconds
        return
    _apply_term(ctx, word, k, seconds, amount, settings, subjects, state)


def _apply_term(ctx: Lowering, word: nodes.Word, k: str, seconds, amount, settings: dict, subjects: list[str], state) -> None:
    """Set the angle, move, easing or side a camera term names; unknown terms are errors."""
    if k in vocab.ANGLES:
        settings["angle"] = vocab.ANGLES[k]
        return
    if k in vocab.CROSS_LINE:
        settings["reverse"] = True
        return
    if k in vocab.EASINGS:
        move = settings["move"]
        if move is None:
            ctx.diags.warning("unknown-camera-term", f"'{word.text}' eases a move, but this shot has none", word.span,
                              "put the easing after a move, e.g. '[WIDE, DOLLY IN 3s, EASE OUT]'")
            return
        settings["move"] = move.model_copy(update={"easing": vocab.EASINGS[k]})
        return
    words = k.split(" ")
    direction = 1.0
    if words[-1] in vocab.DIRECTIONS:
        direction = vocab.DIRECTIONS[words.pop()]
    if words and words[0] == "follow" and len(words) > 1:  # `FOLLOW MEI`
        name = ctx.name(nodes.Word(word.span, word.text.split()[-1])) or ctx.name(nodes.Word(word.span, words[-1].upper()))
        if name:
            subjects.append(name) if name not in subjects else None
            words = ["follow"]
    move = vocab.MOVES.get(" ".join(words))
    if move is None:
        known = [t for t in list(vocab.ANGLES) + list(vocab.MOVES) + list(vocab.EASINGS) if t.isascii()]
        ctx.diags.error("unknown-camera-term", f"unknown camera term '{word.text}'", word.span,
                        did_you_mean(k, known) or "angles: HIGH, LOW, DUTCH, BIRD'S EYE; moves: PAN, TILT, DOLLY IN/OUT, "
                        "TRUCK, ORBIT, CRANE UP/DOWN, ZOOM IN/OUT, HANDHELD, FOLLOW; then a duration such as 2s")
        return
    if amount is not None:
        amount *= direction
    elif direction != 1.0:
        amount = {"pan": 30.0, "tilt": 15.0, "truck": 1.5, "orbit": 45.0}.get(move, 1.0) * direction
    settings["move"] = ir.Move.model_construct(kind=move, seconds=seconds, amount=amount)


def _check_present(ctx: Lowering, word: nodes.Word, name: str, state: _SceneState) -> None:
    """An error when a PRESENT line names who is in the scene and ``name`` is not among them."""
    if state.present is not None and name not in state.present:
        ctx.diags.error("not-in-scene", f"{name} is not in this scene", word.span,
                        f"the scene's PRESENT line lists {', '.join(sorted(state.present))}; add {name} there")


def _known(ctx: Lowering, name: nodes.Word, cast: list[str]) -> str | None:
    """The cast name ``name`` refers to (and note them in the scene), or None after an error."""
    resolved = ctx.name(name)
    if resolved is not None:
        if resolved not in cast:
            cast.append(resolved)
        return resolved
    ctx.diags.error("unknown-character", f"unknown character '{name.text}'", name.span,
                    did_you_mean(name.text, list(ctx.cast) + list(ctx.aliases)) or _cast_hint(ctx))
    return None


def _cast_hint(ctx: Lowering) -> str:
    """A hint listing the cast, or how to declare one."""
    if ctx.cast:
        return "the cast is " + ", ".join(ctx.cast) + "; add new characters to the CAST list"
    return "declare characters in a CAST list, e.g. 'MEI: young woman, red coat'"


def _event(ctx: Lowering, item: nodes.Node, state: _SceneState):
    """The IR event of a dialogue line, action, beat or sound cue (None when it is in error).

    Its id is left empty: :func:`_finish_shot` names events once the shot's id is known.
    """
    if isinstance(item, nodes.Dialogue):
        return _dialogue(ctx, item, state)
    if isinstance(item, nodes.Action):
        return _action(ctx, item, state)
    if isinstance(item, nodes.SoundCue):
        return _sound(ctx, item) if item.kind == "sfx" else _music(ctx, item)
    return ir.Pause.model_construct(id="", seconds=_beat_seconds(ctx, item), source=ctx.span(item))


@dataclass
class _Delivery:
    """What a line's parentheticals say about how it is spoken."""

    emotion: str = "neutral"
    intensity: float = 1.0
    delivery: list[str] = field(default_factory=list)
    to: str | None = None
    channel: str = "on"
    overlap: bool = False
    rate: float = 1.0


def _dialogue(ctx: Lowering, d: nodes.Dialogue, state: _SceneState) -> ir.Line | None:
    """A spoken line with its emotion, delivery, addressee and channel resolved."""
    speaker = _known(ctx, d.speaker, state.cast)
    how = _Delivery(overlap=d.with_previous)
    for paren in d.parentheticals:
        for m in _LIST_ITEM.finditer(paren.text):
            if m.group().strip():
                lead = len(m.group()) - len(m.group().lstrip())
                _parenthetical(ctx, nodes.Word(_inner(paren, m.start() + lead, m.start() + len(m.group().rstrip())),
                                               m.group().strip()), how, state)
    if speaker is None:
        return None
    if how.channel == "on":
        _check_present(ctx, d.speaker, speaker, state)
    if how.overlap and not any(isinstance(e, ir.Line) for b in state.shots for e in b.events):
        ctx.diags.error("impossible-timing", "this line overlaps a line that is not there", d.speaker.span,
                        "an overlapping line ('&' or '(overlapping)') starts with the line before it in the scene")
        how.overlap = False
    if not d.text:
        ctx.diags.error("empty-line", f"{speaker} says nothing", d.speaker.span, "write the words under the cue")
        return None
    language = "zh" if _CJK.search(d.text) else ("en" if ctx.language.startswith("zh") else ctx.language)
    voice = ctx.cast[speaker].voice
    if language == "zh" and voice.engine == "piper":
        ctx.diags.warning("voice-language", f"{speaker}'s voice (piper) speaks English; this Chinese line goes to espeak's Mandarin voice",
                          d.span, f"give {speaker} a Chinese voice: 'voice: espeak cmn' (offline) or 'voice: gtts zh-CN' (online)")
    _check_reading_speed(ctx, d, language, voice.rate * how.rate)
    # Every field is checked above; unvalidated construction keeps `sdc check` fast on long scripts
    # (tests validate every example's IR in full).
    return ir.Line.model_construct(id="", speaker=speaker, text=d.text, emotion=how.emotion, intensity=float(how.intensity),
                                   delivery=tuple(how.delivery),
                                   to=how.to, channel=how.channel, overlap=how.overlap, rate=float(how.rate),
                                   language=language, source=ctx.span(d))


def _parenthetical(ctx: Lowering, word: nodes.Word, how: _Delivery, state: _SceneState) -> None:
    """Sort one parenthetical item into emotion, delivery, channel, addressee, overlap or speed."""
    text = word.text.strip().lower()
    to = _TO.fullmatch(word.text.strip())
    rate = _RATE.fullmatch(text)
    if text in CHANNELS:
        how.channel = CHANNELS[text]
    elif text in OVERLAP_WORDS:
        how.overlap = True
    elif text in IGNORED_PARENS:
        pass
    elif text in DELIVERIES:
        how.delivery.append(DELIVERIES[text])
    elif text in SPEEDS:
        how.rate = SPEEDS[text]
    elif rate and ("x" in text):
        how.rate = float(rate.group(1))
        if not 0.5 <= how.rate <= 2.0:
            ctx.diags.error("bad-voice-value", f"a line speed of {word.text} is out of range", word.span,
                            "a line's speed runs from 0.5x to 2x")
            how.rate = 1.0
    elif to:
        target = nodes.Word(_inner(word, to.start(1), to.end(1)), to.group(1).strip())
        name = _known(ctx, target, [])
        if name:
            how.to = name
            state.addressed.append((name, target))
    else:
        how.emotion, how.intensity = _emotion_and_intensity(ctx, word)


def _check_reading_speed(ctx: Lowering, d: nodes.Dialogue, language: str, rate: float) -> None:
    """Warn when a line will be spoken faster than its subtitle can be read."""
    speech, read = SPEECH_CPS.get(language, SPEECH_CPS["en"]), READ_CPS.get(language, READ_CPS["en"])
    if speech * rate > read and len(d.text) > 12:
        seconds = len(d.text) / (speech * rate)
        ctx.diags.warning("fast-subtitle", f"this line's subtitle shows for about {seconds:.1f}s: "
                          f"{speech * rate:.0f} characters a second, faster than viewers read ({read:g})", d.span,
                          "slow the line down or split it in two")


INTENSIFIERS = {"slightly": 0.5, "a little": 0.5, "a bit": 0.5, "somewhat": 0.6, "mildly": 0.5, "faintly": 0.4,
                "very": 1.5, "really": 1.4, "extremely": 1.8, "deeply": 1.5, "so": 1.3, "utterly": 1.8,
                "有点": 0.5, "有些": 0.5, "略": 0.5, "稍微": 0.5, "很": 1.4, "非常": 1.5, "十分": 1.5, "极其": 1.8, "极": 1.8}
STRONG_WORDS = {"furious": ("angry", 1.6), "livid": ("angry", 1.8), "enraged": ("angry", 1.8), "annoyed": ("angry", 0.5),
                "irritated": ("angry", 0.5), "terrified": ("afraid", 1.6), "nervous": ("worried", 0.7),
                "ecstatic": ("happy", 1.6), "overjoyed": ("happy", 1.6), "content": ("happy", 0.5),
                "devastated": ("sad", 1.6), "heartbroken": ("sad", 1.6), "glum": ("sad", 0.6),
                "disgust": ("disgusted", 1.0), "embarrassed": ("shy", 1.0), "bashful": ("shy", 1.0),
                "暴怒": ("angry", 1.6), "恼火": ("angry", 0.6), "狂喜": ("happy", 1.6), "恐惧": ("afraid", 1.4),
                "崩溃": ("sad", 1.6), "厌恶": ("disgusted", 1.0), "恶心": ("disgusted", 1.0), "害羞": ("shy", 1.0),
                "得意": ("smug", 1.0)}
INTENSIFIER = re.compile(r"^(" + "|".join(sorted(map(re.escape, INTENSIFIERS), key=len, reverse=True)) + r")\s*")


def _emotion_and_intensity(ctx: Lowering, paren: nodes.Word) -> tuple[str, float]:
    """The emotion a parenthetical names and how strongly: ``slightly angry`` -> (angry, 0.5)."""
    text = paren.text.strip().lower()
    intensity = 1.0
    m = INTENSIFIER.match(text)
    if m and len(text) > m.end():
        intensity, text = INTENSIFIERS[m.group(1)], text[m.end():]
    if text in STRONG_WORDS:
        emotion, strength = STRONG_WORDS[text]
        return emotion, round(min(2.0, intensity * strength), 3)
    emotion = _emotion(ctx, nodes.Word(paren.span, text) if m else paren)
    return emotion, intensity if emotion != "neutral" else 1.0


def _emotion(ctx: Lowering, paren: nodes.Word) -> str:
    """The emotion named in a parenthetical; unknown words warn and read as neutral."""
    word = paren.text.strip().lower()
    word = EMOTION_ALIASES.get(word, word)
    if word in ctx.emotions:
        return word
    choices = list(ctx.emotions) + [k for k in DELIVERIES if k.isascii()] + ["V.O.", "O.S.", "overlapping"]
    ctx.diags.warning("unknown-emotion", f"unknown emotion '{paren.text}'; speaking it neutral", paren.span,
                      did_you_mean(word, choices) or "emotions: " + ", ".join(ctx.emotions))
    return "neutral"


def _action(ctx: Lowering, a: nodes.Action, state: _SceneState) -> ir.Action | None:
    """A stage direction from the action library with its target resolved (several actors: together)."""
    actors = [n for n in (_known(ctx, w, state.cast) for w in (a.actor, *a.others)) if n]
    for word, name in zip((a.actor, *a.others), actors):
        _check_present(ctx, word, name, state)
    verb_text = _SPACES.sub(" ", a.verb.text)
    found = actions.resolve(verb_text, a.argument.text if a.argument else None)
    if found is None:
        phrase = verb_text + (" " + a.argument.text if a.argument else "")
        phrases = actions.phrase_list()
        ctx.diags.error("unknown-action", f"unknown action '{a.verb.text}'", a.verb.span,
                        did_you_mean(phrase, phrases) or did_you_mean(verb_text, phrases) or ACTION_HINT)
        return None
    verb, rest = found
    target = _target(ctx, a, verb, rest, state)
    if len(actors) != 1 + len(a.others) or target is False:
        return None
    *first, last = [ir.Action.model_construct(id="", actor=name, verb=verb, target=target, overlap=a.with_previous or i > 0,
                              source=ctx.span(a)) for i, name in enumerate(actors)]
    state.shots[-1].events.extend(first)  # `MEI and JUN sit.`: the others start with the first
    return last


def _target(ctx: Lowering, a: nodes.Action, verb: str, rest: str | None, state: _SceneState) -> str | None | bool:
    """A character name or ``mark:<name>`` (a held object's name, a performed file's path);
    None when there is none; False on error."""
    spec = actions.SPECS[verb]
    if rest is None:
        if spec.target == "required":
            ctx.diags.error("missing-target", f"'{a.verb.text}' needs a target", a.verb.span, _target_example(ctx, a, spec, state))
            return False
        return None
    span = a.argument.span if a.argument else a.verb.span
    if spec.target_kind != "place":
        return _thing(ctx, spec, rest, span)
    words = _PREPOSITION.sub("", rest)
    words = _THE.sub("", words).strip()
    return _place_target(ctx, a, verb, nodes.Word(span, words), state)


def _target_example(ctx: Lowering, a: nodes.Action, spec: actions.ActionSpec, state: _SceneState) -> str:
    """How to write the target an action needs."""
    if spec.target_kind == "file":
        return f"e.g. '{a.actor.text} {a.verb.text} \"moves/dance.bvh\".'"
    return f"e.g. '{a.actor.text} {a.verb.text} to JUN.' or '... to the {next(iter(SETS_BY_NAME[state.spec.name].marks))}.'"


def _thing(ctx: Lowering, spec: actions.ActionSpec, rest: str, span: Span) -> str | None | bool:
    """What is picked up or put down (its words), or the quoted motion file a character performs."""
    if spec.target_kind == "object":
        return " ".join(w for w in rest.lower().split() if w not in actions.FILLERS) or None
    quoted = _QUOTED.match(rest.strip())
    if quoted is None:
        ctx.diags.error("missing-target", f"'{rest}' is not a motion file", span,
                        "put the motion file in quotes, e.g. JUN performs \"moves/dance.bvh\".")
        return False
    return _motion_file(ctx, quoted.group(1), span)


def _motion_file(ctx: Lowering, written: str, span: Span) -> str | bool:
    """A performed motion file, checked: inside the project and present (False after an error)."""
    from .confine import Confinement, OutsideRoot, script_folder

    confinement = ctx.confinement or Confinement(script_folder(ctx.source))
    try:
        path = confinement.resolve(written, script_folder(ctx.source))
    except OutsideRoot as exc:
        ctx.diags.error("path-outside", str(exc), span,
                        "the project is the script's folder (or --root); to use files elsewhere, pass --allow-path FOLDER")
        return False
    if not path.is_file():
        ctx.diags.error("missing-file", f"no such file: '{written}'", span, "motion files are BVH (.bvh), relative to the script's folder")
        return False
    from .mocap import MocapError, load_motion

    try:
        load_motion(path)
    except (MocapError, OSError, UnicodeDecodeError) as exc:
        ctx.diags.error("bad-motion", f"cannot read the motion file '{written}': {str(exc).removeprefix(f'{path}: ')}", span,
                        "export the motion as BVH with a hip (root) joint and a MOTION section")
        return False
    actions.remember_motion(written, path)
    return written


def _place_target(ctx: Lowering, a: nodes.Action, verb: str, where: nodes.Word, state: _SceneState) -> str | None | bool:
    """The character or mark a place target names."""
    set_name, words = state.spec.name, where.text
    name = ctx.name(where)
    if name is not None and name in (ctx.name(a.actor), *(ctx.name(o) for o in a.others)):
        ctx.diags.error("self-target", f"{words} cannot {verb.split('_')[0]} to themselves", where.span,
                        "name another character or a mark in the set")
        return False
    if name is not None:
        if name not in state.cast:
            state.cast.append(name)
        _check_present(ctx, where, name, state)
        return name
    marks = SETS_BY_NAME[set_name].marks
    if words.lower() in marks:
        return f"mark:{words.lower()}"
    if actions.SPECS[verb].target != "required" and verb != "wave":
        ctx.diags.warning("unknown-target", f"'{words}' is not a mark in the {set_name} set; {a.actor.text} {a.verb.text} where they stand",
                          where.span, did_you_mean(words, list(marks)) or "marks here: " + ", ".join(marks))
        return None
    ctx.diags.error("unknown-target", f"'{words}' is neither a character nor a mark in the {set_name} set",
                    where.span, did_you_mean(words, list(ctx.cast) + list(marks)) or
                    "marks here: " + ", ".join(marks))
    return False


def _sound(ctx: Lowering, cue: nodes.SoundCue) -> ir.Sound | None:
    """``SFX: door slams`` (the built-in library) or ``SFX: "sounds/bell.wav"`` (a file)."""
    text = cue.text.text.strip()
    quoted = _QUOTED.match(text)
    gain = _gain(ctx, cue.text, quoted.group(2) if quoted else text)
    if quoted:
        return ir.Sound.model_construct(id="", path=quoted.group(1), gain_db=gain, source=ctx.span(cue))
    text = _GAIN.sub("", text).replace("volume", "").strip()  # `SFX: thunder -6db`
    effect, names = _sfx_lookup(text)
    if effect is None:
        ctx.diags.error("unknown-sound", f"unknown sound effect '{text}'", cue.text.span,
                        did_you_mean(text, names) or "put your own file in quotes: SFX: \"sounds/bell.wav\"")
        return None
    return ir.Sound.model_construct(id="", effect=effect, gain_db=gain, source=ctx.span(cue))


def _sfx_lookup(text: str) -> tuple[str | None, list[str]]:
    """The library effect a name means and the names the library knows."""
    from . import sfx

    return sfx.resolve(text), list(sfx.NAMES)


def _gain(ctx: Lowering, word: nodes.Word, text: str) -> float:
    """A ``-6db`` / ``volume -6db`` in a sound cue (0 when none)."""
    m = _GAIN.search(text)
    if not m:
        return 0.0
    value = float(m.group(1))
    if not -40.0 <= value <= 12.0:
        ctx.diags.error("bad-voice-value", f"a level of {m.group()} is out of range", word.span, "levels run from -40db to +12db")
        return 0.0
    return value


def _music(ctx: Lowering, cue: nodes.SoundCue) -> ir.Music | None:
    """``MUSIC: "theme.mp3" fade in 2s``, ``MUSIC: fade out 3s``, ``MUSIC: stop``."""
    text = cue.text.text.strip()
    quoted = _QUOTED.match(text)
    rest = (quoted.group(2) if quoted else text).lower()
    fade_in = _FADE_IN.search(rest)
    fade_out = _FADE_OUT.search(rest)
    if not quoted and not fade_out and rest.strip() not in ("stop", "off", "out", "停", "停止"):
        ctx.diags.error("bad-music", f"cannot read the music cue '{text}'", cue.text.span,
                        "write MUSIC: \"theme.mp3\" fade in 2s, MUSIC: fade out 3s or MUSIC: stop")
        return None
    return ir.Music.model_construct(id="", path=quoted.group(1) if quoted else None,
                    fade_in=float(fade_in.group(1)) if fade_in else 0.0, fade_out=float(fade_out.group(1)) if fade_out else 0.0,
                    gain_db=_gain(ctx, cue.text, rest), source=ctx.span(cue))


def _beat_seconds(ctx: Lowering, beat: nodes.Beat) -> float:
    """A beat's duration in seconds (one second when not written)."""
    if beat.duration is None:
        return DEFAULT_BEAT
    m = _SECONDS.fullmatch(beat.duration.text)
    value = float(m.group(1)) / (1000.0 if m.group(2) in ("ms", "毫秒") else 1.0)
    if not 0 < value <= MAX_BEAT:
        ctx.diags.error("bad-beat", f"a beat of {beat.duration.text} is out of range", beat.duration.span,
                        f"beats last more than 0 and at most {MAX_BEAT:g} seconds")
        return DEFAULT_BEAT
    return round(value, 3)


def _scene_id(ctx: Lowering, heading: nodes.SceneHeading) -> str:
    """The writer's ``#id``, or one made from the location and time (``old-bridge-dawn``)."""
    if heading.explicit_id:
        return ctx.explicit(heading.explicit_id)
    words = heading.location.text + (" " + heading.time_of_day.text if heading.time_of_day else "")
    return ctx.unique(_slug(words))


def _shot_id(ctx: Lowering, b: _ShotBuilder, scene_id: str) -> str:
    """The writer's ``#id``, or the scene's id and the camera direction (``old-bridge-dawn.close-jun``)."""
    if b.explicit_id:
        return ctx.explicit(b.explicit_id)
    cam = b.camera
    if not cam.explicit:  # a coverage cut is named by its first event: stable when lines elsewhere change
        cut = b.events and cam.role not in (None, "establishing", "master", "carried")
        return ctx.unique(f"{scene_id}.auto" + (f"-{_event_slug(b.events[0])}" if cut else ""))
    what = "-".join([cam.size.replace("_", "-"), *(_slug(n) for n in cam.subjects)])
    return ctx.unique(f"{scene_id}.{what}")


def _event_slug(e) -> str:
    """What an event is, as an id: ``mei-3fa2c1`` (speaker and words), ``jun-nod``, ``beat``, ``sfx-thunder``."""
    if isinstance(e, ir.Line):
        return f"{_slug(e.speaker)}-{hashlib.sha256(e.text.encode('utf-8')).hexdigest()[:6]}"
    if isinstance(e, ir.Action):
        target = (e.target or "").removeprefix("mark:")
        return "-".join([_slug(e.actor), e.verb.replace("_", "-")] + ([_slug(target)] if target else []))
    if isinstance(e, ir.Sound):
        return "sfx-" + _slug(e.effect or PurePath(e.path or "file").stem)
    if isinstance(e, ir.Music):
        return "music-" + (_slug(PurePath(e.path).stem) if e.path else "stop")
    return "beat"


def _finish_shot(ctx: Lowering, b: _ShotBuilder, scene_id: str, cast: list[str]) -> ir.Shot:
    """Give the shot and its events their ids and fill in subjects the direction left open."""
    shot_id = _shot_id(ctx, b, scene_id)
    taken: set[str] = set()
    events = tuple(e.model_copy(update={"id": ctx.unique(f"{shot_id}.{_event_slug(e)}", taken)}) for e in b.events)
    camera = b.camera
    wanted = {"two_shot": 2, "over_shoulder": 2, "wide": 0, "extreme_wide": 0, "insert": 0}.get(camera.size, 1)
    if len(camera.subjects) < wanted:
        speakers = [e.speaker for e in events if isinstance(e, ir.Line)] + [e.actor for e in events if isinstance(e, ir.Action)]
        pool = list(dict.fromkeys(list(camera.subjects) + speakers + cast))
        camera = camera.model_copy(update={"subjects": tuple(pool[:wanted])})
    return ir.Shot.model_construct(id=shot_id, scene=scene_id, camera=camera, events=events, transition=b.transition,
                   fade_out=b.fade_out, duration=b.duration)


def _check_crossing(ctx: Lowering, shots: list[ir.Shot]) -> None:
    """Warn when consecutive shots of a scene on the same characters jump across the line of action."""
    for prev, shot in zip(shots, shots[1:]):
        cam, last = shot.camera, prev.camera
        if prev.scene != shot.scene or cam.reverse == last.reverse or not set(cam.subjects) & set(last.subjects):
            continue
        if cam.size in NEUTRAL_SHOTS or last.size in NEUTRAL_SHOTS or cam.source is None:
            continue
        ctx.diags.warning("crossing-the-line", "this shot crosses the 180-degree line from the shot before it",
                          Span(ctx.source, cam.source.line, cam.source.col, cam.source.line, cam.source.col + 1),
                          "screen directions flip for the viewer; put a neutral shot (EXTREME WIDE, POV, INSERT) between, "
                          "or drop 'from behind'")
