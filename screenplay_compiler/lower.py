"""AST -> shot IR: name resolution, vocabulary checks, shot splitting and stable ids.

Problems are collected as diagnostics so one run reports all of them; the caller raises
when any is an error.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from . import ir, nodes
from .appearance import resolve
from .diagnostics import Diagnostics, Span, did_you_mean
from .sets import SETS_BY_NAME, resolve_set

FIELDS = {"title": "title", "author": "author", "language": "language", "lang": "language", "episode": "episode",
          "标题": "title", "作者": "author", "语言": "language", "集数": "episode", "剧集": "episode"}
SHOT_SIZES = {"wide": "wide", "extreme wide": "wide", "extreme-wide": "wide", "establishing": "wide",
              "wide shot": "wide", "wide-shot": "wide", "ws": "wide", "medium": "medium", "medium shot": "medium",
              "medium-shot": "medium", "ms": "medium", "close": "close", "close-up": "close", "closeup": "close",
              "close up": "close", "cu": "close", "two-shot": "two_shot", "two shot": "two_shot",
              "twoshot": "two_shot", "全景": "wide", "远景": "wide", "中景": "medium", "近景": "close",
              "特写": "close", "双人": "two_shot"}
TIMES = {"dawn": "dawn", "morning": "dawn", "sunrise": "dawn", "day": "day", "noon": "day", "afternoon": "day",
         "continuous": "day", "later": "day", "dusk": "dusk", "evening": "dusk", "sunset": "dusk",
         "night": "night", "midnight": "night", "黎明": "dawn", "清晨": "dawn", "早晨": "dawn", "白天": "day",
         "中午": "day", "下午": "day", "黄昏": "dusk", "傍晚": "dusk", "夜": "night", "夜晚": "night", "深夜": "night"}
VERBS = {"walk": "walk_to", "walks": "walk_to", "turn": "turn_to", "turns": "turn_to", "wave": "wave",
         "waves": "wave", "nod": "nod", "nods": "nod", "sit": "sit", "sits": "sit", "sit down": "sit",
         "sits down": "sit", "stand": "stand", "stands": "stand", "stand up": "stand", "stands up": "stand",
         "turns around": "turn_to", "走向": "walk_to", "走到": "walk_to", "转向": "turn_to", "挥手": "wave",
         "点头": "nod", "坐下": "sit", "站起": "stand", "站起来": "stand"}
NEEDS_TARGET = {"walk_to", "turn_to"}
EMOTION_ALIASES = {"担心": "worried", "生气": "angry", "愤怒": "angry", "开心": "happy", "高兴": "happy",
                   "难过": "sad", "伤心": "sad", "平静": "calm", "害怕": "afraid", "惊讶": "surprised",
                   "低语": "whispering", "大喊": "shouting", "疲惫": "tired", "激动": "excited",
                   "scared": "afraid", "mad": "angry", "whisper": "whispering", "shout": "shouting",
                   "whispers": "whispering", "shouts": "shouting", "cheerful": "happy", "anxious": "worried"}
PARAM_KEYS = {"pitch": "pitch", "rate": "rate", "speed": "rate", "volume": "volume", "engine": "engine",
              "音高": "pitch", "语速": "rate", "音量": "volume"}
DEFAULT_BEAT = 1.0
MAX_BEAT = 30.0


@dataclass
class Lowering:
    """State carried while lowering one script: the source name and the diagnostics."""

    source: str
    diags: Diagnostics = field(default_factory=Diagnostics)
    cast: dict[str, ir.Character] = field(default_factory=dict)
    emotions: tuple[str, ...] = ()
    ids: set[str] = field(default_factory=set)  # scene and shot ids given out so far

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
        """The IR source location of an AST node."""
        return ir.Source(line=node.span.line, col=node.span.col)


def lower(script: nodes.Script, source: str, diags: Diagnostics, emotions: tuple[str, ...]) -> ir.Episode:
    """Lower ``script`` to an episode, recording problems in ``diags``."""
    ctx = Lowering(source, diags, emotions=emotions)
    meta = _fields(ctx, script.fields)
    characters = _cast(ctx, script.cast)
    scenes, shots = [], []
    for scene in script.scenes:
        lowered_scene, scene_shots = _scene(ctx, scene)
        scenes.append(lowered_scene)
        shots.extend(scene_shots)
    if not script.scenes:
        ctx.diags.error("no-scenes", "the script has no scenes", Span(source, 1, 1, 1, 1),
                        "add a scene heading such as 'EXT. OLD BRIDGE - DAWN' followed by dialogue")
    return ir.Episode(source=PurePath(source).name, title=meta.get("title", PurePath(source).stem),
                      author=meta.get("author", ""), language=meta.get("language", "en"),
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


def _cast(ctx: Lowering, block: nodes.CastBlock | None) -> list[ir.Character]:
    """Cast members with their resolved appearance and voice."""
    members: list[tuple[nodes.CastMember, list[nodes.VoiceSettings]]] = []
    for item in block.items if block else ():
        if isinstance(item, nodes.CastMember):
            members.append((item, []))
        elif members:
            members[-1][1].append(item)
        else:
            ctx.diags.error("orphan-voice", "voice settings before any cast member", item.span,
                            "put 'voice: ...' on the line under the character it belongs to")
    for member, voices in members:
        name = member.name.text
        if name in ctx.cast:
            first = ctx.cast[name].source.line
            ctx.diags.error("duplicate-character", f"{name} is already in the cast (line {first})", member.name.span,
                            "a scene heading such as 'EXT. OLD BRIDGE - DAWN' must come before dialogue")
            continue
        ctx.cast[name] = _character(ctx, member, voices)
    return list(ctx.cast.values())


def _character(ctx: Lowering, member: nodes.CastMember, voices: list[nodes.VoiceSettings]) -> ir.Character:
    """One cast member: appearance from the description, voice from defaults and settings."""
    name = member.name.text
    desc = member.description
    resolved = resolve(name, desc.text)
    for word in resolved.unknown:
        ctx.diags.warning("unknown-word", f"'{word}' in {name}'s description means nothing to sdc yet", _word_span(desc, word),
                          did_you_mean(word, _appearance_words()) or "it is kept in the description but not drawn")
    voice = _default_voice(name, resolved.appearance)
    for settings in voices:
        voice = _voice_settings(ctx, voice, settings)
    return ir.Character(id=_slug(name), name=name, description=desc.text, appearance=resolved.appearance,
                        voice=voice, source=ctx.span(member))


def _word_span(text: nodes.Word, word: str) -> Span:
    """The span of ``word`` inside a located piece of text (the whole text if not found)."""
    found = re.search(re.escape(word), text.text, flags=re.IGNORECASE)
    if not found:
        return text.span
    col = text.span.col + found.start()
    return Span(text.span.source, text.span.line, col, text.span.line, col + len(word))


def _appearance_words() -> list[str]:
    """Every English word the appearance resolver knows (for did-you-mean)."""
    from .appearance import KNOWN
    return [w for w in KNOWN if w.isascii()]


def _default_voice(name: str, look: ir.Appearance) -> ir.Voice:
    """A voice that suits the look, varied per name so two similar characters differ."""
    base = {"female": 3.0, "male": -2.0, "neutral": 0.5}[look.gender] + (4.0 if look.age == "child" else 0.0)
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    jitter = (digest[0] / 255.0 - 0.5) * 2.0
    rate = 1.0 + (digest[1] / 255.0 - 0.5) * 0.08 - (0.08 if look.age == "old" else 0.0)
    return ir.Voice(pitch_semitones=round(base + jitter, 2), rate=round(rate, 3))


def _voice_settings(ctx: Lowering, voice: ir.Voice, settings: nodes.VoiceSettings) -> ir.Voice:
    """``voice`` updated by one ``voice:`` line; bad keys and values are errors."""
    updates: dict = {}
    for p in settings.params:
        key = PARAM_KEYS.get(p.key.text.lower())
        if key is None:
            ctx.diags.error("unknown-voice-setting", f"unknown voice setting '{p.key.text}'", p.key.span,
                            did_you_mean(p.key.text, [k for k in PARAM_KEYS if k.isascii()]) or "settings: pitch, rate, volume")
            continue
        value = _voice_value(ctx, key, p.value)
        if value is not None:
            updates[{"pitch": "pitch_semitones", "volume": "volume_db"}.get(key, key)] = value
    return voice.model_copy(update=updates)


def _voice_value(ctx: Lowering, key: str, word: nodes.Word):
    """Parse one voice setting's value, checking its range."""
    text = word.text.lower()
    if key == "engine":
        if text != "piper":
            ctx.diags.error("unknown-engine", f"unknown voice engine '{word.text}'", word.span,
                            "the offline engine 'piper' is available")
        return None
    m = re.fullmatch(r"([+\-]?\d+(?:\.\d+)?)(st|x|%|db)?", text)
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
    ascii_part = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return ascii_part or "c-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


@dataclass
class _ShotBuilder:
    """Accumulates the events of one shot while walking a scene."""

    camera: ir.Camera
    explicit_id: nodes.Word | None = None
    events: list = field(default_factory=list)


def _scene(ctx: Lowering, scene: nodes.Scene) -> tuple[ir.Scene, list[ir.Shot]]:
    """A scene and its shots; a camera direction starts a new shot.

    Ids come from content, not position, so they survive unrelated edits: the scene's from its
    heading, a shot's from its camera direction, an event's from what it says or does.
    """
    heading = scene.heading
    scene_id = _scene_id(ctx, heading)
    interior = heading.int_ext.upper().startswith(("INT", "I/")) or heading.int_ext == "内景"
    spec = resolve_set(heading.location.text, interior)
    builders: list[_ShotBuilder] = []
    cast: list[str] = []
    for item in scene.items:
        if isinstance(item, nodes.Camera):
            builders.append(_ShotBuilder(_camera(ctx, item, cast), item.explicit_id))
            continue
        if not builders:
            builders.append(_ShotBuilder(ir.Camera(size="wide", explicit=False)))
        event = _event(ctx, item, spec.name, cast)
        if event is not None:
            builders[-1].events.append(event)
    if not builders:  # a heading alone still establishes the place
        builders.append(_ShotBuilder(ir.Camera(size="wide", explicit=False)))
    shots = [_finish_shot(ctx, b, scene_id, cast) for b in builders]
    lowered = ir.Scene(id=scene_id, heading=_heading_text(heading), location=heading.location.text,
                       interior=interior, set=spec.name, time_of_day=_time_of_day(ctx, heading.time_of_day),
                       cast=tuple(cast), source=ctx.span(heading))
    return lowered, shots


def _heading_text(h: nodes.SceneHeading) -> str:
    """The scene heading as the writer would print it."""
    return f"{h.int_ext} {h.location.text}" + (f" - {h.time_of_day.text}" if h.time_of_day else "")


def _time_of_day(ctx: Lowering, word: nodes.Word | None) -> ir.TimeOfDay:
    """The lighting time for a heading's time word (day when absent)."""
    if word is None:
        return "day"
    time = TIMES.get(word.text.lower())
    if time is None:
        ctx.diags.warning("unknown-time", f"unknown time of day '{word.text}'; lighting it as day", word.span,
                          did_you_mean(word.text, [t.upper() for t in TIMES if t.isascii()]) or "use DAWN, DAY, DUSK or NIGHT")
        return "day"
    return time


def _camera(ctx: Lowering, cam: nodes.Camera, cast: list[str]) -> ir.Camera:
    """A camera direction with its subjects checked against the cast."""
    size = SHOT_SIZES[re.sub(r"\s+", " ", cam.size.text.lower())]
    subjects = tuple(s.text for s in cam.subjects if _known(ctx, s, cast))
    if size == "two_shot" and len(cam.subjects) not in (0, 2):
        ctx.diags.warning("two-shot-subjects", "a two-shot frames two characters", cam.span,
                          "write '[TWO-SHOT MEI AND JUN]'; sdc frames the first two")
        subjects = subjects[:2]
    return ir.Camera(size=size, subjects=subjects, explicit=True, source=ctx.span(cam))


def _known(ctx: Lowering, name: nodes.Word, cast: list[str]) -> bool:
    """True when ``name`` is a cast member (and note them in the scene); else an error."""
    if name.text in ctx.cast:
        if name.text not in cast:
            cast.append(name.text)
        return True
    ctx.diags.error("unknown-character", f"unknown character '{name.text}'", name.span,
                    did_you_mean(name.text, ctx.cast) or _cast_hint(ctx))
    return False


def _cast_hint(ctx: Lowering) -> str:
    """A hint listing the cast, or how to declare one."""
    if ctx.cast:
        return "the cast is " + ", ".join(ctx.cast) + "; add new characters to the CAST list"
    return "declare characters in a CAST list, e.g. 'MEI: young woman, red coat'"


def _event(ctx: Lowering, item: nodes.Node, set_name: str, cast: list[str]):
    """The IR event of a dialogue line, action or beat (None when it is in error).

    Its id is left empty: :func:`_finish_shot` names events once the shot's id is known.
    """
    if isinstance(item, nodes.Dialogue):
        return _dialogue(ctx, item, cast)
    if isinstance(item, nodes.Action):
        return _action(ctx, item, set_name, cast)
    return ir.Pause(id="", seconds=_beat_seconds(ctx, item), source=ctx.span(item))


def _dialogue(ctx: Lowering, d: nodes.Dialogue, cast: list[str]) -> ir.Line | None:
    """A spoken line with its emotion resolved."""
    known = _known(ctx, d.speaker, cast)
    emotion = _emotion(ctx, d.parenthetical)
    if not known:
        return None
    if re.search(r"[\u3400-\u9fff]", d.text) and ctx.cast[d.speaker.text].voice.engine == "piper":
        ctx.diags.warning("voice-language", "the bundled offline voice speaks English only; this line will not sound Chinese",
                          d.span, "Chinese voices (espeak offline, gTTS online) are on the roadmap; subtitles show the text")
    return ir.Line(id="", speaker=d.speaker.text, text=d.text, emotion=emotion, source=ctx.span(d))


def _emotion(ctx: Lowering, paren: nodes.Word | None) -> str:
    """The emotion named in a parenthetical; unknown words warn and read as neutral."""
    if paren is None:
        return "neutral"
    word = paren.text.strip().lower()
    word = EMOTION_ALIASES.get(word, word)
    if word in ctx.emotions:
        return word
    ctx.diags.warning("unknown-emotion", f"unknown emotion '{paren.text}'; speaking it neutral", paren.span,
                      did_you_mean(word, ctx.emotions) or "emotions: " + ", ".join(ctx.emotions))
    return "neutral"


def _action(ctx: Lowering, a: nodes.Action, set_name: str, cast: list[str]) -> ir.Action | None:
    """A stage direction from the verb vocabulary with its target resolved."""
    known = _known(ctx, a.actor, cast)
    verb = VERBS.get(re.sub(r"\s+", " ", a.verb.text))
    if verb is None:
        ctx.diags.error("unknown-action", f"unknown action '{a.verb.text}'", a.verb.span,
                        did_you_mean(a.verb.text, [v for v in VERBS if v.isascii()]) or
                        "actions: walks to, turns to, waves, nods, sits, stands")
        return None
    target = _target(ctx, a, verb, set_name, cast)
    if not known or target is False:
        return None
    return ir.Action(id="", actor=a.actor.text, verb=verb, target=target, source=ctx.span(a))


def _target(ctx: Lowering, a: nodes.Action, verb: str, set_name: str, cast: list[str]) -> str | None | bool:
    """A character name or ``mark:<name>``; None when there is none; False on error."""
    if a.argument is None:
        if verb in NEEDS_TARGET:
            ctx.diags.error("missing-target", f"'{a.verb.text}' needs a target", a.verb.span,
                            f"e.g. '{a.actor.text} {a.verb.text} to JUN.' or '... to the {next(iter(SETS_BY_NAME[set_name].marks))}.'")
            return False
        return None
    words = re.sub(r"^(to|towards?|at|on|the|toward)\s+|^(the)\s+", "", a.argument.text, flags=re.I)
    words = re.sub(r"^(the)\s+", "", words, flags=re.I).strip()
    if words == a.actor.text:
        ctx.diags.error("self-target", f"{words} cannot {verb.split('_')[0]} to themselves", a.argument.span,
                        "name another character or a mark in the set")
        return False
    if words in ctx.cast:
        if words not in cast:
            cast.append(words)
        return words
    marks = SETS_BY_NAME[set_name].marks
    if words.lower() in marks:
        return f"mark:{words.lower()}"
    if verb not in NEEDS_TARGET and verb != "wave":
        return None
    ctx.diags.error("unknown-target", f"'{words}' is neither a character nor a mark in the {set_name} set",
                    a.argument.span, did_you_mean(words, list(ctx.cast) + list(marks)) or
                    "marks here: " + ", ".join(marks))
    return False


def _beat_seconds(ctx: Lowering, beat: nodes.Beat) -> float:
    """A beat's duration in seconds (one second when not written)."""
    if beat.duration is None:
        return DEFAULT_BEAT
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(ms|毫秒|s|sec|secs|seconds?|秒)?", beat.duration.text)
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
    what = "auto" if not cam.explicit else "-".join([cam.size.replace("_", "-"), *(_slug(n) for n in cam.subjects)])
    return ctx.unique(f"{scene_id}.{what}")


def _event_slug(e) -> str:
    """What an event is, as an id: ``mei-3fa2c1`` (speaker and words), ``jun-nod``, ``beat``."""
    if isinstance(e, ir.Line):
        return f"{_slug(e.speaker)}-{hashlib.sha256(e.text.encode('utf-8')).hexdigest()[:6]}"
    if isinstance(e, ir.Action):
        target = (e.target or "").removeprefix("mark:")
        return "-".join([_slug(e.actor), e.verb.replace("_", "-")] + ([_slug(target)] if target else []))
    return "beat"


def _finish_shot(ctx: Lowering, b: _ShotBuilder, scene_id: str, cast: list[str]) -> ir.Shot:
    """Give the shot and its events their ids and fill in subjects the direction left open."""
    shot_id = _shot_id(ctx, b, scene_id)
    taken: set[str] = set()
    events = tuple(e.model_copy(update={"id": ctx.unique(f"{shot_id}.{_event_slug(e)}", taken)}) for e in b.events)
    camera = b.camera
    wanted = {"close": 1, "medium": 1, "two_shot": 2}.get(camera.size, 0)
    if len(camera.subjects) < wanted:
        speakers = [e.speaker for e in events if isinstance(e, ir.Line)] + [e.actor for e in events if isinstance(e, ir.Action)]
        pool = list(dict.fromkeys(list(camera.subjects) + speakers + cast))
        camera = camera.model_copy(update={"subjects": tuple(pool[:wanted])})
    return ir.Shot(id=shot_id, scene=scene_id, camera=camera, events=events)
