"""The public API: every stage as a function, and the façade that chains them.

text -> parse tree (:mod:`parser`) -> AST (:mod:`transformer`) -> shot IR (:mod:`lower`)
-> timed tracks (:mod:`tracks`) -> frames (:mod:`render`) + mixed audio (:mod:`mix`)
-> MP4 (:mod:`encode`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from lark import Tree

from . import ir, nodes
from .diagnostics import CompileError, Diagnostic, Diagnostics
from .lower import lower
from .parser import normalise, parse
from .transformer import to_ast

if TYPE_CHECKING:
    from .tracks import Tracks
    from .voice import LineAudio


@dataclass(frozen=True)
class Compiled:
    """A compiled episode and the warnings found on the way."""

    episode: ir.Episode
    warnings: tuple[Diagnostic, ...]
    text: str


def read_script(path: Path) -> str:
    """The text of a script file (UTF-8), as the parser sees it."""
    return normalise(Path(path).read_text(encoding="utf-8"))


def parse_tree(text: str, source: str) -> Tree:
    """Stage 1: text -> lark parse tree."""
    return parse(text, source)


def build_ast(text: str, source: str) -> nodes.Script:
    """Stages 1-2: text -> AST."""
    return to_ast(parse_tree(text, source), source)


def compile_text(text: str, source: str = "<script>") -> Compiled:
    """Stages 1-3: text -> shot IR; raise CompileError listing every error found."""
    from .voice import EMOTIONS

    text = normalise(text)
    script = build_ast(text, source)
    diags = Diagnostics()
    episode = lower(script, source, diags, tuple(EMOTIONS))
    if diags.has_errors:
        raise CompileError(diags.sorted(), {source: text})
    return Compiled(episode, tuple(diags.sorted()), text)


def compile_file(path: Path) -> Compiled:
    """Stages 1-3 for a script file; diagnostics name the path as given."""
    return compile_text(read_script(path), str(path))


def check(path: Path) -> tuple[list[Diagnostic], str]:
    """Every diagnostic for a script (errors and warnings) and the text they refer to."""
    text = read_script(path)
    try:
        compiled = compile_text(text, str(path))
    except CompileError as exc:
        return exc.diagnostics, text
    return list(compiled.warnings), text


# ---- stages 4-7: voices, tracks, frames + audio, MP4 -----------------------------------------


@dataclass(frozen=True)
class BuildSettings:
    """Everything about a build that is not in the script (defaults < command line)."""

    width: int = 1280
    height: int = 720
    fps: int = 30
    draft: bool = False
    cache_dir: Path | None = Path(".sdc-cache")

    def video(self):
        """The encoder settings for these build settings."""
        from .encode import VideoSettings

        return VideoSettings(width=self.width, height=self.height, fps=self.fps, crf=28 if self.draft else 20)


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _no_progress(stage: str, done: int, total: int) -> None:
    """The default progress callback: silence."""


def synthesize(episode: ir.Episode, cache_dir: Path | None, progress: Progress = _no_progress) -> dict[str, "LineAudio"]:
    """Stage 4: every dialogue line's audio, by line id (cached by content)."""
    from .voice import VoiceBank

    bank = VoiceBank(cache_dir)
    lines = [e for shot in episode.shots for e in shot.events if isinstance(e, ir.Line)]
    audio = {}
    for i, line in enumerate(lines):
        progress("voices", i, len(lines))
        audio[line.id] = bank.line(line.text, episode.character(line.speaker).voice, line.emotion)
    progress("voices", len(lines), len(lines))
    return audio


def schedule(episode: ir.Episode, audio: dict, settings: BuildSettings) -> "Tracks":
    """Stage 5: timed tracks for the episode."""
    from .tracks import TrackSettings, build_tracks

    return build_tracks(episode, audio, TrackSettings(fps=settings.fps, width=settings.width, height=settings.height))


def render_shot(episode: ir.Episode, tracks: "Tracks", shot, renderer, writer, progress: Progress, done: int) -> int:
    """Stream one shot's frames from the renderer into its segment writer."""
    from .animate import shot_frame

    for f in range(shot.first_frame, shot.first_frame + shot.frame_count):
        writer.write(renderer.render(shot_frame(episode, tracks, shot, f / tracks.fps)))
        done += 1
        progress("frames", done, tracks.frame_count)
    return done


def build(script: Path, out: Path, settings: BuildSettings = BuildSettings(), progress: Progress = _no_progress) -> "Tracks":
    """Compile ``script`` into the MP4 ``out`` and an SRT beside it; both written atomically."""
    import tempfile

    from . import atomic
    from .encode import SegmentWriter, mux
    from .mix import Placement, mix, write_wav
    from .render import Renderer
    from .subtitles import to_srt

    compiled = compile_file(script)
    audio = synthesize(compiled.episode, settings.cache_dir, progress)
    tracks = schedule(compiled.episode, audio, settings)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".sdc-build-") as tmp:
        segments, done = [], 0
        with Renderer(settings.width, settings.height, draft=settings.draft) as renderer:
            for shot in tracks.shots:
                segment = Path(tmp) / f"{shot.id}.mp4"
                with SegmentWriter(segment, settings.video()) as writer:
                    done = render_shot(compiled.episode, tracks, shot, renderer, writer, progress, done)
                segments.append(segment)
        placements = [Placement(start=p.start, audio=audio[p.line_id], gain_db=p.gain_db, pan=p.pan) for p in tracks.audio]
        wav = Path(tmp) / "mix.wav"
        write_wav(wav, mix(placements, tracks.duration), 48000)
        progress("mux", 0, 1)
        mux(segments, wav, out, settings.video())
        progress("mux", 1, 1)
    atomic.write_text(out.with_suffix(".srt"), to_srt(tracks.cues))
    return tracks
