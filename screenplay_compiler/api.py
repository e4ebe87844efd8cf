"""The public API: every stage as a function, and the façade that chains them.

text -> parse tree (:mod:`parser`) -> AST (:mod:`transformer`) -> shot IR (:mod:`lower`)
-> timed tracks (:mod:`tracks`) -> frames (:mod:`render`) + mixed audio (:mod:`mix`)
-> MP4 (:mod:`encode`).
"""

from __future__ import annotations

import contextlib
import gc
import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from lark import Tree

from . import ir, nodes
from .diagnostics import CompileError, Diagnostic, Diagnostics
from .lower import lower
from .parser import normalise, parse, parse_recovering
from .transformer import to_ast

if TYPE_CHECKING:
    import numpy as np

    from .confine import Policy

    from .ranges import Selection, Span
    from .tracks import Tracks
    from .voice import LineAudio, VoiceBank


@dataclass(frozen=True)
class Compiled:
    """A compiled episode and the warnings found on the way."""

    episode: ir.Episode
    warnings: tuple[Diagnostic, ...]
    text: str
    texts: dict = field(default_factory=dict)  # every file read, by source name (the script and what it uses)


def read_script(path: Path) -> str:
    """The text of a script file (UTF-8), as the parser sees it."""
    return normalise(Path(path).read_text(encoding="utf-8"))


def parse_tree(text: str, source: str) -> Tree:
    """Stage 1: text -> lark parse tree."""
    return parse(text, source)


def build_ast(text: str, source: str) -> nodes.Script:
    """Stages 1-2: text -> AST."""
    return to_ast(parse_tree(text, source), source)


def compile_text(text: str, source: str = "<script>", policy: "Policy | None" = None) -> Compiled:
    """Stages 1-3: text -> shot IR; raise CompileError listing every error found. ``policy``:
    the project root, allowed folders and limits (default: the script's folder, default limits)."""
    from .confine import Policy

    text = normalise(text)
    texts = {source: text}
    with _no_cycle_collection():
        return _compile(text, source, texts, policy or Policy())


@contextlib.contextmanager
def _no_cycle_collection():
    """Pause Python's cycle collector: the front end builds hundreds of thousands of short-lived,
    acyclic objects, and collecting them repeatedly costs a third of a long script's check."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _compile(text: str, source: str, texts: dict[str, str], policy: "Policy") -> Compiled:
    """compile_text's work, with the cycle collector paused."""
    from . import confine, limits
    from .includes import load_uses
    from .prosody import EMOTIONS

    diags = Diagnostics()
    limits.check_text(text, source, policy.limits, diags)  # before parsing: a huge line costs the parser
    if diags.has_errors:
        raise CompileError(diags.sorted(), texts)
    tree, syntax = parse_recovering(text, source)
    diags = Diagnostics(list(syntax))
    if tree is None:
        raise CompileError(diags.sorted(), texts)
    script = to_ast(tree, source)
    included = load_uses(script, source, diags, texts, policy=policy)
    episode = lower(script, source, diags, tuple(EMOTIONS), included, confinement=policy.confinement(source))
    confine.check_episode(episode, source, policy, diags)
    limits.check_episode(episode, source, policy.limits, diags)
    if syntax:
        diags.items = [d for d in diags.items if not _echo_of_syntax_error(d, syntax, text)]
    if diags.has_errors:
        raise CompileError(diags.sorted(), texts)
    return Compiled(episode, tuple(diags.sorted()), text, texts)


def _echo_of_syntax_error(d: Diagnostic, syntax: list[Diagnostic], text: str) -> bool:
    """True for a later stage's error that only follows from a line the parser had to drop:
    no scenes when a heading was unreadable, an unknown character whose cast line was."""
    if d.code == "no-scenes":
        return True
    if d.code != "unknown-character":
        return False
    lines = text.split("\n")
    name = d.message.split("'")[1] if "'" in d.message else ""
    return any(name and name in lines[s.span.line - 1] for s in syntax if 0 < s.span.line <= len(lines))


def compile_file(path: Path, policy: "Policy | None" = None) -> Compiled:
    """Stages 1-3 for a script file; diagnostics name the path as given."""
    return compile_text(read_script(path), str(path), policy)


def check(path: Path, policy: "Policy | None" = None) -> tuple[list[Diagnostic], str]:
    """Every diagnostic for a script (errors and warnings) and the text they refer to."""
    text = read_script(path)
    try:
        compiled = compile_text(text, str(path), policy)
    except CompileError as exc:
        return exc.diagnostics, text
    return list(compiled.warnings), text


# ---- stages 4-7: voices, tracks, frames + audio, MP4 -----------------------------------------


DRAFT_SIZE = (480, 270)  # --draft's frame size unless --resolution says otherwise


@dataclass(frozen=True)
class BuildSettings:
    """Everything about a build that is not in the script (defaults < command line)."""

    width: int = 1280
    height: int = 720
    fps: int = 30
    draft: bool = False
    cache_dir: Path | None = Path(".sdc-cache")
    jobs: int = 1  # local worker processes rendering shots in parallel
    executor: str = "local"  # "local" or "ray"
    ray_address: str | None = None
    voice_fallback: bool = False  # speak offline (espeak/piper) when gTTS cannot be reached
    visible_label: bool = True  # the GB 45438 visible AI label; off only with --no-visible-label
    label_text: str | None = None  # None: label.DEFAULT_TEXT
    label_corner: str = "top-left"
    label_repeat_end: bool = False
    burn_subtitles: bool = False
    producer: str | None = None  # the AIGC ContentProducer code (overrides the script's Producer:)
    sign_cert: Path | None = None  # C2PA: certificate chain and private key (PEM); signs when set
    sign_key: Path | None = None
    label_frames: tuple[int, int] | None = None  # (first frame, count) of a partial build: its label starts there
    policy: "Policy | None" = None  # project root, allowed folders, limits (None: the script's folder, default limits)

    def guard(self) -> "Policy":
        """The policy of this build, with the frame size and rate checked against its limits."""
        from .confine import Policy
        from .limits import check_settings

        policy = self.policy or Policy()
        check_settings(self.width, self.height, self.fps, policy.limits)
        return policy

    @property
    def crf(self) -> int:
        """x264 quality: drafts trade quality for size."""
        return 28 if self.draft else 20

    def video(self):
        """The encoder settings for these build settings."""
        from .segments import video_settings

        return video_settings(self.width, self.height, self.fps, self.crf, self.draft)

    def overlay_plan(self):
        """What is drawn over the frames: the visible label (unless disabled) and burned subtitles."""
        from .label import DEFAULT_TEXT, LabelSpec, OverlayPlan

        spec = LabelSpec(self.label_text or DEFAULT_TEXT, self.label_corner, repeat_end=self.label_repeat_end)
        first, count = self.label_frames or (0, None)
        return OverlayPlan(spec if self.visible_label else None, self.burn_subtitles, first, count)

    def output_facts(self) -> dict:
        """The settings that change a segment's bytes (part of every shot's cache key)."""
        from dataclasses import asdict

        from .segments import frame_hold

        return {**asdict(self.video()), "draft": self.draft, **({"hold": frame_hold(self.fps, True)} if self.draft else {})}


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _no_progress(stage: str, done: int, total: int) -> None:
    """The default progress callback: silence."""


@dataclass(frozen=True)
class BuildReport:
    """What a build made: its tracks, which shots it rendered (and why) and which it reused."""

    output: Path
    tracks: "Tracks"
    rendered: dict[str, str]  # shot id -> why it had to be rendered
    reused: tuple[str, ...]
    span: "Span | None" = None  # the shots a range build (--scene, --shots, --from-line) made; None: all
    notices: tuple[str, ...] = ()  # things the user should know (e.g. --voice-fallback took over from gTTS)


def synthesize(episode: ir.Episode, cache_dir: Path | None, progress: Progress = _no_progress, *,
               bank: "VoiceBank | None" = None) -> dict[str, "LineAudio"]:
    """Stage 4: every dialogue line's audio, by line id (cached by content). Pass a ``bank``
    to resolve voice files beside the script, allow --voice-fallback, or read its notices."""
    from .voice import VoiceBank

    bank = bank or VoiceBank(cache_dir)
    lines = [e for shot in episode.shots for e in shot.events if isinstance(e, ir.Line)]
    audio = {}
    for i, line in enumerate(lines):
        progress("voices", i, len(lines))
        audio[line.id] = bank.speak(line, episode.character(line.speaker))
    progress("voices", len(lines), len(lines))
    return audio


def voice_bank(script: Path, settings: "BuildSettings") -> "VoiceBank":
    """The voice bank of a build: the shared cache, voice files beside the script, the fallback rule."""
    from .voice import VoiceBank

    return VoiceBank(settings.cache_dir, Path(script).parent, settings.voice_fallback)


def soundtrack(script: Path, episode: ir.Episode, tracks: "Tracks", audio: dict,
               cache_dir: Path | None = None) -> "np.ndarray":
    """Stage 6 (audio): the mastered stereo mix at :data:`mix.MIX_RATE` (files beside the script).

    With ``cache_dir`` the mix is kept by the hash of everything it is made of, so a rebuild
    whose timing and sound did not change (a camera edit, a draft, a watch rebuild) skips it.
    """
    import numpy as np

    from .cache import Cache
    from .mix import mix_episode

    key = _soundtrack_key(script, episode, tracks, audio) if cache_dir else None
    cache = Cache(cache_dir) if key else None
    hit = cache.get("soundtrack", key, ".npy") if cache else None
    if hit is not None:
        return np.load(hit)
    samples = mix_episode(episode, tracks, audio, Path(script).parent)
    if cache:
        import tempfile

        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".soundtrack-") as tmp:
            np.save(Path(tmp) / "mix.npy", samples)
            cache.put("soundtrack", key, ".npy", Path(tmp) / "mix.npy")
    return samples


SOUND_MODULES = ("mix.py", "loudness.py", "dsp.py", "sfx.py", "ambience.py", "voicefx.py", "audiofile.py")


def _soundtrack_key(script: Path, episode: ir.Episode, tracks: "Tracks", audio: dict) -> str | None:
    """sha256 of a mix's inputs: timing, sound cues, every line's samples, the user's sound files
    and the code that mixes (None when a sound file is missing: the mix reports it)."""
    import hashlib

    digest = hashlib.sha256(b"soundtrack 1\n")
    digest.update(ir.to_json(episode).encode("utf-8"))
    digest.update(tracks.model_dump_json().encode("utf-8"))
    for line_id in sorted(audio):
        clip = audio[line_id]
        digest.update(f"{line_id} {clip.sample_rate} {clip.samples.dtype}".encode("utf-8"))
        digest.update(clip.samples.tobytes())
    for event in (e for shot in episode.shots for e in shot.events if isinstance(e, (ir.Sound, ir.Music))):
        if event.path:
            path = Path(script).parent / event.path
            if not path.is_file():
                return None
            digest.update(path.read_bytes())
    for name in SOUND_MODULES:
        module = Path(__file__).with_name(name)
        digest.update(module.read_bytes() if module.is_file() else name.encode())
    return digest.hexdigest()


def build_audio(script: Path, out: Path, settings: "BuildSettings", progress: Progress = _no_progress) -> BuildReport:
    """A radio-drama build (``--audio-only``): the mastered mix as WAV or MP3, written atomically;
    an MP3 carries the AIGC metadata label."""
    from . import aigc, provenance
    from .audiofile import write_audio
    from .mix import MIX_RATE

    compiled = compile_file(script, settings.guard())
    bank = voice_bank(script, settings)
    audio = synthesize(compiled.episode, settings.cache_dir, progress, bank=bank)
    tracks = schedule(compiled.episode, audio, settings)
    progress("mix", 0, 1)
    write_audio(Path(out), soundtrack(script, compiled.episode, tracks, audio, settings.cache_dir), MIX_RATE)
    if Path(out).suffix.lower() == ".mp3":
        import hashlib

        stamp = provenance.stamp_for(compiled.text, compiled.episode, settings.producer)
        aigc.tag_mp3(Path(out), stamp.label(hashlib.sha256(Path(out).read_bytes()).hexdigest()))
    progress("mix", 1, 1)
    return BuildReport(Path(out), tracks, {}, (), notices=tuple(bank.notices) + lipsync_notices(tracks))


def schedule(episode: ir.Episode, audio: dict, settings: BuildSettings) -> "Tracks":
    """Stage 5: timed tracks for the episode."""
    from .tracks import TrackSettings, build_tracks

    return build_tracks(episode, audio, TrackSettings(fps=settings.fps, width=settings.width, height=settings.height))


def lipsync_notices(tracks: "Tracks") -> tuple[str, ...]:
    """Build-log lines for spoken lines whose mouths follow loudness (no phoneme timings)."""
    from .tracks import lipsync_notices as notices

    return notices(tracks)


def build(script: Path, out: Path, settings: BuildSettings = BuildSettings(), progress: Progress = _no_progress,
          selection: "Selection | None" = None) -> BuildReport:
    """Compile ``script`` into the MP4 ``out`` with an SRT, a VTT and its creation record
    (``.provenance.json``) beside it, all written atomically; the MP4 carries the AIGC labels.

    Shots whose frames are already in the cache are reused; the rest are rendered (in this
    process, in ``settings.jobs`` local processes, or on Ray) and cached. With a ``selection``
    only those shots are made, with the frames they have in the whole episode (so they share
    its cache), and the audio and subtitles cut to them; ranges.RangeError when it names nothing.
    """
    from . import atomic, explain, provenance, ranges, segments
    from .cache import Cache
    from .encode import mux
    from .label import check_plan
    from .mix import MIX_RATE, write_wav
    from .subtitles import to_srt, to_vtt

    from .limits import check_duration

    policy = settings.guard()
    compiled = compile_file(script, policy)
    stamp = provenance.stamp_for(compiled.text, compiled.episode, settings.producer)
    bank = voice_bank(script, settings)
    audio = synthesize(compiled.episode, settings.cache_dir, progress, bank=bank)
    tracks = schedule(compiled.episode, audio, settings)
    check_duration(tracks.duration, policy.limits)  # the length is known once voiced: still before rendering
    samples = soundtrack(script, compiled.episode, tracks, audio, settings.cache_dir)  # before rendering: a missing sound file stops us early
    check_plan(settings.overlay_plan(), tracks)
    span = ranges.resolve(selection, compiled.episode, tracks, compiled.text.count("\n")) if selection else None
    if span is not None:  # the label shows at the start of what is built
        settings = dataclasses.replace(settings, label_frames=(span.first_frame, span.frame_count))
    cache = Cache(settings.cache_dir) if settings.cache_dir else None
    facts = segments.fingerprint(settings.output_facts())
    planned = segments.plan(compiled.episode, ranges.limit(tracks, span), cache, facts, settings.overlay_plan(),
                            segments.frame_hold(settings.fps, settings.draft))
    side = draft_side(str(script), compiled.episode, tracks, settings, {p.shot.id: p.key for p in planned})
    manifest = explain.manifest_path(cache, script) if cache else None
    previous = explain.load(manifest) if manifest else {}
    rendered = explain.reasons(previous, side, facts, [p.shot.id for p in planned if p.cached is None])
    out = Path(out)
    with _build_dir(out.parent) as tmp:
        paths = _render_missing(compiled.episode, tracks, planned, settings, cache, tmp, progress)
        wav = tmp / "mix.wav"
        write_wav(wav, ranges.cut_audio(samples, span, MIX_RATE) if span else samples, MIX_RATE)
        progress("mux", 0, 1)
        cues = ranges.cues_in(tracks.cues, span) if span else tracks.cues
        muxed, subtitles = tmp / out.name, {"srt": to_srt(cues), "vtt": to_vtt(cues)}
        mux([paths[p.shot.id] for p in planned], wav, muxed, settings.video(), metadata=stamp.metadata())
        provenance.seal(stamp, provenance.BuildFacts(Path(script), compiled.text, compiled.episode, tracks, settings,
                                                     {p.shot.id: paths[p.shot.id] for p in planned}, wav, subtitles), muxed, out)
        progress("mux", 1, 1)
    atomic.write_text(out.with_suffix(".srt"), subtitles["srt"])
    atomic.write_text(out.with_suffix(".vtt"), subtitles["vtt"])
    if manifest and span is None:  # the record of the last build is of a whole episode
        explain.save(manifest, explain.record(side, facts))
    reused = tuple(p.shot.id for p in planned if p.cached is not None)
    return BuildReport(out, tracks, rendered, reused, span, tuple(bank.notices) + lipsync_notices(tracks))


def _render_missing(episode, tracks, planned, settings: BuildSettings, cache, tmp: Path, progress: Progress) -> dict[str, Path]:
    """A segment path for every shot: cached ones as they are, the rest rendered now."""
    from . import atomic, segments

    paths = {p.shot.id: p.cached for p in planned if p.cached is not None}
    todo = [p for p in planned if p.cached is None]
    total, done = sum(p.shot.frame_count for p in todo), 0
    progress("frames", 0, total)

    def keep(p, segment: Path) -> None:
        paths[p.shot.id] = cache.put(segments.KIND, p.key, ".mp4", segment) if cache else segment

    jobs = {p.shot.id: _job(episode, tracks, p.shot.id, settings) for p in todo}
    if settings.executor == "local" and (settings.jobs <= 1 or len(todo) <= 1):
        for p in todo:
            def tick() -> None:
                nonlocal done
                done += 1
                progress("frames", done, total)
            segment = tmp / f"{p.shot.id}.mp4"
            segments.write_segment(episode, tracks, p.shot, jobs[p.shot.id], segment, tick)
            keep(p, segment)
        return paths
    runner = (segments.run_ray(list(jobs.values()), settings.ray_address) if settings.executor == "ray"
              else segments.run_local(list(jobs.values()), settings.jobs))
    by_id = {p.shot.id: p for p in todo}
    for job, data in runner:
        segment = tmp / f"{job.shot_id}.mp4"
        atomic.write_bytes(segment, data)
        keep(by_id[job.shot_id], segment)
        done += by_id[job.shot_id].shot.frame_count
        progress("frames", done, total)
    return paths


def _job(episode: ir.Episode, tracks: "Tracks", shot_id: str, settings: BuildSettings):
    """The render job for one shot."""
    from .segments import RenderJob

    models = tuple(c.appearance.model for c in episode.characters if c.appearance.model is not None)
    if models:  # the workers find imported models by hash (the IR holds only the paths as written)
        from .modelfile import registered
        models = registered(models)
    return RenderJob(episode_json=episode.model_dump_json(), tracks_json=tracks.model_dump_json(), shot_id=shot_id,
                     width=settings.width, height=settings.height, fps=settings.fps, draft=settings.draft, crf=settings.crf,
                     overlays=settings.overlay_plan(), models=models)


@contextlib.contextmanager
def _build_dir(parent: Path):
    """A private scratch folder beside the output, removed afterwards; also sweeps the
    folders of earlier builds that were killed (their process is gone)."""
    import shutil
    import tempfile

    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.glob(".sdc-build-*"):
        pid = stale.name.split("-")[2] if stale.name.count("-") >= 3 else ""
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=parent, prefix=f".sdc-build-{os.getpid()}-") as tmp:
        yield Path(tmp)


def _alive(pid: int) -> bool:
    """True when a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---- drafts: diffs and the line-oriented text view -------------------------------------------


def timed_draft(text: str, label: str, settings: BuildSettings = BuildSettings()):
    """A draft compiled, voiced (from the cache when possible) and timed: (episode, tracks, audio)."""
    episode = compile_text(text, label).episode
    audio = synthesize(episode, settings.cache_dir)
    return episode, schedule(episode, audio, settings), audio


def draft_side(label: str, episode: ir.Episode, tracks: "Tracks", settings: BuildSettings = BuildSettings(),
               keys: dict[str, str] | None = None):
    """One timed draft as :func:`diff.diff_episodes` compares it: shot durations and content keys
    (computed here unless the caller already has them)."""
    from . import segments
    from .diff import Side

    if keys is None:
        facts = _diff_facts(settings)
        keys = {s.id: segments.shot_key(episode, tracks, s, facts) for s in tracks.shots}
    durations = {s.id: round(s.frame_count / tracks.fps, 3) for s in tracks.shots}
    return Side(label, episode, durations, keys)


def _diff_facts(settings: BuildSettings) -> str:
    """The output facts in a draft's shot keys; without a GL context (a CI box with no EGL) they
    leave out the GL driver, which is the same for both drafts of one diff."""
    import json

    from .render.context import RenderUnavailable
    from .segments import fingerprint

    try:
        return fingerprint(settings.output_facts())
    except RenderUnavailable:
        return json.dumps({"gl": "unavailable", "settings": settings.output_facts()}, sort_keys=True)


def diff_drafts(old: str, new: str, settings: BuildSettings = BuildSettings(), video: Path | None = None):
    """Compare two drafts named as files, ``REV:PATH`` or a bare revision of the other side;
    with ``video``, also render the changed shots side by side into that MP4."""
    from .diff import diff_episodes
    from .drafts import read_draft

    new_draft = read_draft(new, Path(old) if Path(old).is_file() else None)
    old_draft = read_draft(old, new_draft.path)
    a = timed_draft(old_draft.text, old_draft.label, settings)
    b = timed_draft(new_draft.text, new_draft.label, settings)
    result = diff_episodes(draft_side(old_draft.label, *a[:2], settings), draft_side(new_draft.label, *b[:2], settings))
    if video is not None:
        from .review import Draft, render_review

        render_review(result, Draft(*a), Draft(*b), video, settings)
    return result


def text_view(episode: ir.Episode) -> str:
    """A stable, line-oriented view of the IR for ``git diff`` (textconv): one line per
    character, scene, shot and event, keyed by id, without source positions."""
    from .diff import _camera_text, _event_text

    out = [f"episode: {episode.title}" + (f" by {episode.author}" if episode.author else "") + f" [{episode.language}]"]
    for c in episode.characters:
        v = c.voice
        out.append(f"character {c.name}: {c.description} | voice {v.engine} {v.model} pitch {v.pitch_semitones:+g} "
                   f"rate {v.rate:g} volume {v.volume_db:+g} dB")
    for scene in episode.scenes:
        weather = f", {scene.weather}" if scene.weather != "clear" else ""
        out.append(f"scene {scene.id}: {scene.heading} [{scene.set}, {scene.time_of_day}{weather}]")
        for shot in (s for s in episode.shots if s.scene == scene.id):
            timing = (f" {shot.transition.kind.replace('_', ' ')} {shot.transition.seconds:g}s" if shot.transition.kind != "cut" else "") + \
                (f" min {shot.duration:g}s" if shot.duration else "") + (f" fade out {shot.fade_out:g}s" if shot.fade_out else "")
            out.append(f"  shot {shot.id}: {_camera_text(shot.camera)}{timing}")
            out.extend(f"    {e.id.removeprefix(shot.id + '.')}: {_event_text(e)}" for e in shot.events)
    return "\n".join(out) + "\n"
