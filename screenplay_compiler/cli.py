"""The ``sdc`` command line: thin Typer commands over :mod:`api`."""

from __future__ import annotations

import json
import re
import signal
import sys
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer
from rich.console import Console
from rich.text import Text

from . import __version__, api, ir
from .diagnostics import CompileError, Diagnostic, Severity

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="[bold]sdc[/bold] compiles a plain-text screenplay into a finished 3D animated MP4.")
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

ScriptArg = Annotated[Path, typer.Argument(help="The screenplay, e.g. [cyan]examples/the-bridge.play[/cyan].", show_default=False)]
RootOpt = Annotated[Optional[Path], typer.Option("--root", metavar="DIR", help="The project folder every file a script names must be in (default: the script's folder).", show_default=False)]
AllowOpt = Annotated[Optional[list[Path]], typer.Option("--allow-path", metavar="DIR", help="Also let scripts read files from this folder (repeatable).", show_default=False)]
LimitOpt = Annotated[Optional[list[str]], typer.Option("--limit", metavar="NAME=VALUE", help="Raise or lower a cap, [cyan]NAME=VALUE[/cyan] (repeatable): minutes, shots, characters, width, height, fps, line, depth, file_mb, triangles.", show_default=False)]


def _policy(root: Path | None, allow: list[Path] | None, limit: list[str] | None):
    """The confinement and limits the options ask for (or exit 1 with a clear message)."""
    from .confine import Policy
    from .limits import LimitError, Limits

    if root is not None and not root.is_dir():
        err.print(Text(f"error: --root {root} is not a folder", style="bold red"))
        raise typer.Exit(1)
    try:
        return Policy(root, tuple(allow or ()), Limits().override(limit or ()))
    except LimitError as exc:
        err.print(Text(f"error: {exc}", style="bold red"))
        raise typer.Exit(1) from None


def print_diagnostics(diagnostics: list[Diagnostic], text: str | dict[str, str] | None) -> None:
    """Print diagnostics to stderr: the location line coloured by severity, then source and caret.

    ``text``: the script's text, or every file's text by name (a script and what it uses).
    """
    for d in diagnostics:
        source = text.get(d.span.source) if isinstance(text, dict) else text
        first, _, rest = d.render(source).partition("\n")
        style = "bold red" if d.severity is Severity.ERROR else "bold yellow"
        err.print(Text(first, style=style))
        if rest:
            err.print(Text(rest))
        err.print()
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if diagnostics:
        err.print(Text(f"{errors} error(s), {warnings} warning(s)", style="bold"))


def _read(script: Path) -> None:
    """Fail with a clear message (exit 1) when the script cannot be read."""
    if not script.is_file():
        err.print(Text(f"error: no such script: {script}", style="bold red"))
        raise typer.Exit(1)


def _compile(script: Path, policy=None) -> api.Compiled:
    """Compile or exit 1 with the diagnostics."""
    _read(script)
    try:
        compiled = api.compile_file(script, policy)
    except CompileError as exc:
        print_diagnostics(exc.diagnostics, exc.texts)
        raise typer.Exit(1) from None
    except UnicodeDecodeError as exc:
        err.print(Text(f"{script}: error: the script is not UTF-8 text ({exc.reason} at byte {exc.start})", style="bold red"))
        raise typer.Exit(1) from None
    print_diagnostics(list(compiled.warnings), compiled.texts or compiled.text)
    return compiled


@app.command()
def check(
    scripts: Annotated[list[Path], typer.Argument(help="Screenplays to check, or folders of [cyan].play[/cyan] files.", show_default=False)],
    format: Annotated[str, typer.Option("--format", help="[cyan]text[/cyan], [cyan]json[/cyan] (for tools) or [cyan]github[/cyan] (Actions annotations).")] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    root: RootOpt = None,
    allow_path: AllowOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Check scripts and print their diagnostics; exit 1 on any error (or warning, with --strict)."""
    if format not in ("text", "json", "github"):
        raise typer.BadParameter("choose text, json or github", param_hint="--format")
    policy = _policy(root, allow_path, limit)
    found: list[Diagnostic] = []
    for script in _expand(scripts):
        _read(script)
        if format == "text":
            found += _check_text(script, policy)
        else:
            found += _diagnostics_of(script, policy)
    if format == "json":
        sys.stdout.write(json.dumps([_as_dict(d) for d in found], ensure_ascii=False, indent=2) + "\n")
    elif format == "github":
        sys.stdout.write("".join(_annotation(d) + "\n" for d in found))
    if any(d.severity is Severity.ERROR or strict for d in found):
        raise typer.Exit(1)


def _check_text(script: Path, policy=None) -> list[Diagnostic]:
    """Check one script, printing its diagnostics (or its summary) for a person."""
    try:
        compiled = _compile(script, policy)
    except typer.Exit:
        return _diagnostics_of(script, policy)
    e = compiled.episode
    out.print(f"{script}: ok: {len(e.scenes)} scene(s), {len(e.shots)} shot(s), {len(e.characters)} character(s)")
    return list(compiled.warnings)


def _diagnostics_of(script: Path, policy=None) -> list[Diagnostic]:
    """Every diagnostic of a script, printing nothing (an unreadable file is one error)."""
    from .diagnostics import Span

    try:
        return api.check(script, policy)[0]
    except UnicodeDecodeError as exc:
        return [Diagnostic(Severity.ERROR, "encoding", f"the script is not UTF-8 text ({exc.reason} at byte {exc.start})",
                           Span(str(script), 1, 1, 1, 1))]


def _as_dict(d: Diagnostic) -> dict:
    """A diagnostic as JSON data for tools."""
    s = d.span
    return {"file": s.source, "line": s.line, "col": s.col, "end_line": s.end_line, "end_col": s.end_col,
            "severity": d.severity.value, "code": d.number, "name": d.code, "message": d.message, "hint": d.hint}


def _annotation(d: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the script at the diagnostic."""
    s = d.span
    escape = lambda text: text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    prop = lambda text: escape(text).replace(":", "%3A").replace(",", "%2C")
    message = d.message + (f" ({d.hint})" if d.hint else "")
    return (f"::{d.severity.value} file={prop(s.source)},line={s.line},col={s.col},endLine={s.end_line},"
            f"endColumn={s.end_col},title={prop(f'sdc {d.number} {d.code}')}::{escape(message)}")


@app.command()
def fmt(
    scripts: Annotated[list[Path], typer.Argument(help="Screenplays to format, or folders of [cyan].play[/cyan] files.", show_default=False)],
    check: Annotated[bool, typer.Option("--check", help="Change nothing: print a diff and exit 1 when a script is not in canonical layout.")] = False,
) -> None:
    """Rewrite scripts in canonical layout; words, punctuation and comments stay as written."""
    from . import fmt as formatter

    paths = _expand(scripts)
    failed = unformatted = 0
    for script in paths:
        _read(script)
        try:
            result = formatter.format_file(script, check=check)
        except CompileError as exc:  # never format a script that does not parse
            print_diagnostics(exc.diagnostics, exc.texts)
            failed += 1
            continue
        except (UnicodeDecodeError, formatter.FormatError) as exc:
            err.print(Text(f"{script}: error: {exc}", style="bold red"))
            failed += 1
            continue
        if result.changed and check:
            sys.stdout.write(result.diff)
            unformatted += 1
        elif result.changed:
            out.print(f"reformatted {script}")
    if unformatted:
        err.print(Text(f"{unformatted} of {len(paths)} script(s) would be reformatted (run: sdc fmt FILE...)", style="bold"))
    elif check and not failed:
        out.print(f"{len(paths)} script(s) already formatted")
    if failed or unformatted:
        raise typer.Exit(1)


@app.command("ir")
def ir_command(
    script: ScriptArg,
    text: Annotated[bool, typer.Option("--text", help="A stable line-oriented view for [cyan]git diff[/cyan] (use as a textconv driver).")] = False,
    root: RootOpt = None,
    allow_path: AllowOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Print the shot IR as canonical JSON (or, with --text, one line per shot and event)."""
    policy = _policy(root, allow_path, limit)
    if text:
        _text_view(script, policy)
        return
    sys.stdout.write(ir.to_json(_compile(script, policy).episode))


def _text_view(script: Path, policy=None) -> None:
    """The textconv view; a draft that does not compile is shown as it is, so git diff still works."""
    _read(script)
    raw = script.read_bytes().decode("utf-8", "replace")
    try:
        sys.stdout.write(api.text_view(api.compile_text(raw, str(script), policy).episode))
    except CompileError as exc:
        sys.stdout.write(f"# sdc: this draft does not compile ({len(exc.diagnostics)} error(s)); its text follows\n{raw}")


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="The earlier draft: a file, [cyan]REV:PATH[/cyan], or a revision of NEW's file (e.g. [cyan]HEAD~1[/cyan]).", show_default=False)],
    new: Annotated[str, typer.Argument(help="The later draft: a file or [cyan]REV:PATH[/cyan].", show_default=False)],
    format: Annotated[str, typer.Option("--format", help="[cyan]text[/cyan], [cyan]json[/cyan] or [cyan]markdown[/cyan] (for a pull request).")] = "text",
    cache_dir: Annotated[Path, typer.Option(help="The shared cache (voices time each draft).")] = Path(".sdc-cache"),
    video: Annotated[bool, typer.Option("--video", help="Also render the changed shots side by side into -o.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="The review MP4 for --video.")] = None,
    video_draft: Annotated[bool, typer.Option("--draft", help="Render the review fast (simple shading).")] = False,
) -> None:
    """Show what a new draft changes on screen: shots and lines, field by field."""
    from .diffview import to_markdown, to_text
    from .drafts import DraftError

    if format not in ("text", "json", "markdown"):
        raise typer.BadParameter("choose text, json or markdown", param_hint="--format")
    if video and output is None:
        raise typer.BadParameter("--video needs -o review.mp4", param_hint="--output")
    settings = api.BuildSettings(cache_dir=cache_dir, draft=video_draft)
    try:
        result = api.diff_drafts(old, new, settings, output if video else None)
    except ValueError as exc:  # e.g. --video when no shot changed
        err.print(Text(f"error: {exc}", style="bold red"))
        raise typer.Exit(1) from None
    except DraftError as exc:
        err.print(Text(f"error: {exc}", style="bold red"))
        raise typer.Exit(1) from None
    except CompileError as exc:
        print_diagnostics(exc.diagnostics, exc.texts)
        raise typer.Exit(1) from None
    rendered = {"json": lambda d: d.model_dump_json(indent=2) + "\n", "markdown": to_markdown, "text": to_text}[format](result)
    if format == "text" and out.is_terminal:
        _print_coloured(rendered)
    else:
        sys.stdout.write(rendered)
    if video:
        err.print(f"wrote {output}: the changed shots, old beside new")


DIFF_STYLES = {"+": "green", "-": "red", "~": "yellow", ">": "cyan"}


def _print_coloured(text: str) -> None:
    """A text diff on a terminal: additions green, removals red, changes yellow, moves cyan."""
    for line in text.splitlines():
        mark = line.lstrip()[:1]
        out.print(Text(line, style=DIFF_STYLES.get(mark, "bold" if line.startswith("sdc diff") else "")))


@app.command()
def tracks(
    script: ScriptArg,
    fps: Annotated[int, typer.Option(help="Frames per second.")] = 30,
    cache_dir: Annotated[Path, typer.Option(help="Where synthesized lines are cached.")] = Path(".sdc-cache"),
) -> None:
    """Print the timed animation tracks as canonical JSON (synthesizes the voices)."""
    compiled = _compile(script)
    settings = api.BuildSettings(fps=fps, cache_dir=cache_dir)
    audio = api.synthesize(compiled.episode, cache_dir)
    sys.stdout.write(ir.to_json(api.schedule(compiled.episode, audio, settings)))


def _resolution(value: str) -> tuple[int, int]:
    """Parse ``1280x720`` (even sizes, within sane limits)."""
    m = re.fullmatch(r"(\d+)[xX×](\d+)", value.strip())
    if not m:
        raise typer.BadParameter("write it as WIDTHxHEIGHT, e.g. 1280x720")
    w, h = int(m.group(1)), int(m.group(2))
    if not (16 <= w <= 7680 and 16 <= h <= 4320) or w % 2 or h % 2:
        raise typer.BadParameter("width and height must be even, from 16x16 up to 7680x4320")
    return w, h


@app.command()
def build(
    scripts: Annotated[list[Path], typer.Argument(help="Screenplays to build, or folders of [cyan].play[/cyan] files (a season shares the cache).", show_default=False)],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="The MP4 to write, for a single script (default: <out-dir>/<script>.mp4); an .srt goes beside it.")] = None,
    out_dir: Annotated[Path, typer.Option(help="Where MP4s go when -o is not given.")] = Path("build"),
    resolution: Annotated[Optional[str], typer.Option(help="Frame size, WIDTHxHEIGHT (default 1280x720; 480x270 with --draft).", show_default=False)] = None,
    fps: Annotated[Optional[int], typer.Option(min=1, max=120, help="Frames per second (default: the script's Format, else 30).", show_default=False)] = None,
    draft: Annotated[bool, typer.Option("--draft", help="Fast animatic: small, simple shading, no anti-aliasing, about 10 drawings a second.")] = False,
    scene: Annotated[Optional[str], typer.Option("--scene", help="Build one scene: its number (from 1) or id.", show_default=False)] = None,
    shots: Annotated[Optional[str], typer.Option("--shots", help="Build some shots: [cyan]4-7[/cyan], [cyan]4-[/cyan], [cyan]-7[/cyan], [cyan]5[/cyan] or [cyan]ID..ID[/cyan].", show_default=False)] = None,
    from_line: Annotated[Optional[int], typer.Option("--from-line", help="Build from the shot holding this script line to the end.", show_default=False)] = None,
    cache_dir: Annotated[Path, typer.Option(help="The shared cache of voices and rendered shots.")] = Path(".sdc-cache"),
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Local processes rendering shots in parallel (default: one per core).")] = None,
    executor: Annotated[str, typer.Option(help="Where shots render: [cyan]local[/cyan] processes or a [cyan]ray[/cyan] cluster.")] = "local",
    ray_address: Annotated[Optional[str], typer.Option("--address", help="Ray cluster address (default: start a local Ray).")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Say which shots were reused and why the others were rendered.")] = False,
    changed_since: Annotated[Optional[str], typer.Option("--changed-since", help="Build only scripts that changed since this git revision.")] = None,
    no_visible_label: Annotated[bool, typer.Option("--no-visible-label", help="Leave out the visible AI label (recorded in the creation record; the metadata label stays).")] = False,
    label_text: Annotated[Optional[str], typer.Option("--label-text", help="The visible label's text; must say [cyan]AI[/cyan] or [cyan]人工智能[/cyan] and [cyan]生成[/cyan] or [cyan]合成[/cyan].")] = None,
    label_corner: Annotated[str, typer.Option("--label-corner", help="top-left, top-right, bottom-left or bottom-right.")] = "top-left",
    label_repeat_end: Annotated[bool, typer.Option("--label-repeat-end", help="Show the visible label again for the last two seconds.")] = False,
    burn_subtitles: Annotated[bool, typer.Option("--burn-subtitles", help="Draw the subtitles into the picture too.")] = False,
    producer: Annotated[Optional[str], typer.Option("--producer", help="The AIGC ContentProducer code (default: the script's [cyan]Producer:[/cyan], else 'sdc').")] = None,
    sign: Annotated[bool, typer.Option("--sign", help="Sign the MP4 with C2PA (needs the [cyan]c2pa[/cyan] extra, --cert and --key).")] = False,
    cert: Annotated[Optional[Path], typer.Option("--cert", help="C2PA: the signer's certificate chain (PEM, end-entity first).")] = None,
    key: Annotated[Optional[Path], typer.Option("--key", help="C2PA: the signer's private key (PEM).")] = None,
    audio_only: Annotated[bool, typer.Option("--audio-only", help="A radio drama: write only the mixed soundtrack, as [cyan].wav[/cyan] (default) or [cyan].mp3[/cyan] (by -o's suffix).")] = False,
    voice_fallback: Annotated[bool, typer.Option("--voice-fallback", help="When gTTS cannot be reached, speak offline (piper for English, espeak otherwise) instead of stopping.")] = False,
    root: RootOpt = None,
    allow_path: AllowOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Build scripts into labelled MP4s with subtitles and a creation record, re-rendering only the shots that changed."""
    from .segments import default_jobs

    policy = _policy(root, allow_path, limit)
    width, height = _frame_size(resolution, draft)
    selection = _selection(scene, shots, from_line, len(scripts))
    if executor not in ("local", "ray"):
        raise typer.BadParameter("choose 'local' or 'ray'", param_hint="--executor")
    if sign and not (cert and key):
        raise typer.BadParameter("--sign needs --cert and --key", param_hint="--sign")
    paths = _expand(scripts)
    if changed_since:
        paths = _changed(paths, changed_since)
        if not paths:
            out.print(f"nothing to build: no script changed since {changed_since}")
            return
    if output is not None and len(paths) > 1:
        raise typer.BadParameter("-o names one file; use --out-dir to build several scripts", param_hint="--output")
    compiled = {script: _compile(script, policy) for script in paths}
    for script in paths:
        _check_range(compiled[script], selection)
    paths = [p for p in paths if _has_scenes(p, compiled[p])]
    settings = api.BuildSettings(width=width, height=height, fps=fps or 30, draft=draft, cache_dir=cache_dir,
                                 jobs=jobs or default_jobs(), executor=executor, ray_address=ray_address,
                                 visible_label=not no_visible_label, label_text=label_text, label_corner=label_corner,
                                 label_repeat_end=label_repeat_end, burn_subtitles=burn_subtitles, producer=producer,
                                 sign_cert=cert if sign else None, sign_key=key if sign else None,
                                 voice_fallback=voice_fallback, policy=policy)
    _check_labels(settings)
    if audio_only:
        for script in paths:
            _build_audio(script, output or out_dir / (script.stem + ".wav"), settings)
        return
    for script in paths:
        _build_one(script, output or out_dir / (script.stem + (selection.suffix if selection else "") + ".mp4"),
                   _guarded(_script_format(settings, compiled[script].episode, resolution is not None or draft, fps is not None)),
                   explain, selection)


def _guarded(settings: api.BuildSettings) -> api.BuildSettings:
    """The settings, or exit 1 with a clear message when the frame size or rate is over its limit."""
    from .limits import LimitError

    try:
        settings.guard()
    except LimitError as exc:
        err.print(Text(f"error: {exc}", style="bold red"))
        raise typer.Exit(1) from None
    return settings


def _has_scenes(script: Path, compiled: api.Compiled) -> bool:
    """False (with a note) for a cast file: it is there to be used, not built."""
    if compiled.episode.scenes:
        return True
    err.print(Text(f"{script}: skipped: no scenes (a cast file for 'use')", style="yellow"))
    return False


def _script_format(settings: api.BuildSettings, episode: ir.Episode, size_given: bool, fps_given: bool) -> api.BuildSettings:
    """The build settings with the script's ``Format:`` where the command line left them open."""
    import dataclasses

    changes = {}
    if episode.width and not size_given:
        changes.update(width=episode.width, height=episode.height)
    if episode.fps and not fps_given:
        changes["fps"] = episode.fps
    return dataclasses.replace(settings, **changes) if changes else settings


def _frame_size(resolution: str | None, draft: bool) -> tuple[int, int]:
    """--resolution, else the default size of a draft or of a finished build."""
    if resolution:
        return _resolution(resolution)
    return api.DRAFT_SIZE if draft else (api.BuildSettings.width, api.BuildSettings.height)


def _selection(scene: str | None, shots: str | None, from_line: int | None, scripts: int):
    """The range of --scene, --shots or --from-line (None: the whole episode)."""
    from .ranges import RangeError, Selection

    if scene is None and shots is None and from_line is None:
        return None
    try:
        selection = Selection(scene, shots, from_line)
    except RangeError as exc:
        raise typer.BadParameter(str(exc)) from None
    if scripts > 1:
        raise typer.BadParameter("a range (--scene, --shots, --from-line) is of one script")
    return selection


def _check_range(compiled: api.Compiled, selection) -> None:
    """Exit 1 with a clear message when the selection names no shots of the episode."""
    from .ranges import RangeError, shot_ids

    if selection is None:
        return
    try:
        shot_ids(selection, compiled.episode, compiled.text.count("\n"))
    except RangeError as exc:
        err.print(Text(f"error: {exc}", style="bold red"))
        raise typer.Exit(1) from None


def _check_labels(settings: api.BuildSettings) -> None:
    """Exit 1 with a clear message when the label options cannot make a compliant label."""
    from .aigc import LabelFormatError, producer_code
    from .label import label_problems

    plan = settings.overlay_plan()
    problems = label_problems(plan.label) if plan.label else []
    try:
        producer_code(settings.producer, "")
    except LabelFormatError as exc:
        problems.append(str(exc))
    if problems:
        err.print(Text("error: " + "; ".join(problems), style="bold red"))
        raise typer.Exit(1)


def _changed(paths: list[Path], rev: str) -> list[Path]:
    """The scripts that differ from ``rev`` (or are new), saying which are skipped."""
    from .drafts import DraftError, changed_since

    try:
        keep = [p for p in paths if changed_since(rev, p)]
    except DraftError as exc:
        err.print(Text(f"error: {exc}", style="bold red"))
        raise typer.Exit(1) from None
    for p in paths:
        if p not in keep:
            out.print(f"skipped {p}: unchanged since {rev}")
    return keep


def _expand(scripts: list[Path]) -> list[Path]:
    """Scripts as given, with folders replaced by the .play files in them (sorted)."""
    out: list[Path] = []
    for path in scripts:
        if path.is_dir():
            found = sorted(path.glob("*.play"))
            if not found:
                err.print(Text(f"error: no .play files in {path}", style="bold red"))
                raise typer.Exit(1)
            out.extend(found)
        else:
            out.append(path)
    return out


def _build_audio(script: Path, target: Path, settings: api.BuildSettings) -> None:
    """A radio-drama build of one script: the mix as WAV or MP3 (or exit 1 with a clear error)."""
    if target.suffix.lower() not in (".wav", ".mp3"):
        raise typer.BadParameter("--audio-only writes a .wav or an .mp3", param_hint="--output")
    try:
        with _progress() as progress:
            report = api.build_audio(script, target, settings, progress)
    except (RuntimeError, OSError) as exc:  # a voice, sound file or ffmpeg failure: one clear line
        err.print(Text(f"error: build failed: {exc}", style="bold red"))
        raise typer.Exit(1) from None
    _print_notices(report.notices)
    out.print(f"wrote {target} ({report.tracks.duration:.1f} s of audio, {len(report.tracks.cues)} line(s))")


def _print_notices(notices) -> None:
    """Print what the build wants the user to know (e.g. that --voice-fallback spoke for gTTS)."""
    for note in notices:
        err.print(Text(f"note: {note}", style="yellow"))


def _build_one(script: Path, target: Path, settings: api.BuildSettings, explain: bool, selection=None) -> None:
    """Build one script, reporting progress and a one-line summary (or exit with a clear error)."""
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with _progress() as progress:
            report = api.build(script, target, settings, progress, selection)
    except KeyboardInterrupt as exc:
        code = 143 if isinstance(exc, Terminated) else 130
        err.print(Text(f"{'terminated' if code == 143 else 'interrupted'}: {target} was left as it was", style="bold red"))
        raise typer.Exit(code) from None
    except Exception as exc:  # a failure of ours or of ffmpeg: one clear line, not a traceback
        from .aigc import LabelFormatError
        from .encode import EncodeError
        from .label import LabelError
        from .limits import LimitError

        if not isinstance(exc, (EncodeError, OSError, RuntimeError, LabelError, LabelFormatError, LimitError)):
            raise
        err.print(Text(f"error: build failed: {exc}", style="bold red"))
        raise typer.Exit(1) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    _print_notices(report.notices)
    shown = report.span.shot_ids if report.span else [s.id for s in report.tracks.shots]
    if explain:
        for shot_id in shown:
            why = report.rendered.get(shot_id)
            out.print(f"  {shot_id}: {'rendered: ' + why if why else 'reused from the cache'}")
    t = report.span or report.tracks
    out.print(f"wrote {target} ({t.duration:.1f} s, {t.frame_count} frames, {len(shown)} shot(s): "
              f"{len(report.rendered)} rendered, {len(report.reused)} reused) and {target.with_suffix('.srt')}")


@app.command("verify")
def verify_command(
    video: Annotated[Path, typer.Argument(help="The MP4 to check.", show_default=False)],
    script: Annotated[Optional[Path], typer.Option("--script", help="Also check that the video was built from this script.")] = None,
    record: Annotated[Optional[Path], typer.Option("--record", help="The creation record (default: [cyan]<video>.provenance.json[/cyan] beside it).")] = None,
    format: Annotated[str, typer.Option("--format", help="[cyan]text[/cyan] or [cyan]json[/cyan].")] = "text",
) -> None:
    """Check a video's AI labels (visible and metadata), creation record and C2PA manifest; exit 1 on any failure."""
    from .verify import verify

    if format not in ("text", "json"):
        raise typer.BadParameter("choose text or json", param_hint="--format")
    try:
        report = verify(video, script, record)
    except FileNotFoundError as exc:
        err.print(Text(f"error: {exc}", style="bold red"))
        raise typer.Exit(1) from None
    sys.stdout.write(report.to_text() if format == "text" else json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    if not report.ok:
        raise typer.Exit(1)


@app.command("provenance")
def provenance_command(
    script: ScriptArg,
    history: Annotated[bool, typer.Option("--history", help="Summarize the drafts in git: each revision and what it changed on screen.")] = False,
    format: Annotated[str, typer.Option("--format", help="[cyan]text[/cyan] or [cyan]json[/cyan].")] = "text",
    cache_dir: Annotated[Path, typer.Option(help="The shared cache (voices time each draft for --history).")] = Path(".sdc-cache"),
) -> None:
    """What the writer authored in a script (and, with --history, how its drafts evolved in git)."""
    from . import provenance

    if format not in ("text", "json"):
        raise typer.BadParameter("choose text or json", param_hint="--format")
    compiled = _compile(script)
    data = provenance.summary(script, compiled.text, compiled.episode)
    if history:
        data["drafts"] = provenance.draft_history(script, api.BuildSettings(cache_dir=cache_dir))
    sys.stdout.write(provenance.summary_text(data) if format == "text" else json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.command("storyboard")
def storyboard_command(
    script: ScriptArg,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Folder for the contact sheet, the PDF and keyframes/ (default: build/<script>-storyboard).", show_default=False)] = None,
    compare: Annotated[Optional[Path], typer.Option("--compare", help="Approved keyframes (a storyboard folder or its keyframes/): report the panels that changed; exit 1 if any did.", show_default=False)] = None,
    tolerance: Annotated[float, typer.Option(min=0.0, max=1.0, help="With --compare: the fraction of a panel's pixels that may change (a pixel changes when a channel moves more than 16 levels).")] = 0.01,
    panel: Annotated[str, typer.Option(help="Panel size, WIDTHxHEIGHT.")] = "480x270",
    cache_dir: Annotated[Path, typer.Option(help="The shared cache (voices time the shots).")] = Path(".sdc-cache"),
) -> None:
    """Draw one keyframe per shot (and per major action) into a contact sheet PNG, a printable PDF and keyframes/."""
    from . import storyboard as boards

    width, height = _resolution(panel)
    _compile(script)
    if compare is not None and not compare.is_dir():
        err.print(Text(f"error: no such folder of approved keyframes: {compare}", style="bold red"))
        raise typer.Exit(1)
    folder = output or Path("build") / f"{script.stem}-storyboard"
    try:
        board, images = boards.make(script, folder, (width, height), cache_dir=cache_dir)
    except (OSError, RuntimeError) as exc:
        err.print(Text(f"error: storyboard failed: {exc}", style="bold red"))
        raise typer.Exit(1) from None
    out.print(f"wrote {board.sheet}, {board.pdf} and {len(board.keyframes)} keyframes in {board.folder} ({board.seconds:.1f} s)")
    if compare is not None:
        differences = boards.compare(images, boards.approved_images(compare), tolerance)
        _print_comparison(differences, compare, tolerance)
        if any(d.status != "same" for d in differences):
            raise typer.Exit(1)


@app.command("cast")
def cast_command(
    script: ScriptArg,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Folder for the sheets (default: build/<script>-cast).", show_default=False)] = None,
) -> None:
    """Draw a cast sheet per character: front, three-quarter and side views, and ten expressions (PNG)."""
    from . import castsheet

    _compile(script)
    folder = output or Path("build") / f"{script.stem}-cast"
    try:
        sheets = castsheet.make(script, folder)
    except (OSError, RuntimeError) as exc:
        err.print(Text(f"error: cast sheet failed: {exc}", style="bold red"))
        raise typer.Exit(1) from None
    for sheet in sheets:
        out.print(f"wrote {sheet.path} ({sheet.name})")


@app.command("assets")
def assets_command(
    sheet: Annotated[Optional[Path], typer.Option("--sheet", metavar="PNG", help="Also draw a contact sheet of every set (one wide frame each) to this PNG.", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the listing as JSON instead of a table.")] = False,
    times: Annotated[Optional[list[str]], typer.Option("--time", metavar="TIME", help="The sheet's times of day, a block of rows each (repeatable): dawn, day, dusk, night (default: day).", show_default=False)] = None,
) -> None:
    """List the built-in library: sets with their marks, actions, emotions, camera terms, voices, sound effects."""
    from . import assets

    bad = [t for t in times or () if t not in assets.TIMES]
    if bad:
        _fail(f"unknown time of day {', '.join(bad)}: use {', '.join(assets.TIMES)}")
    if as_json:
        sys.stdout.write(assets.listing_json())
    else:
        _print_assets(assets.rows())
    if sheet is not None:
        try:
            path = assets.render_sheet(sheet, tuple(times or ("day",)))
        except (OSError, RuntimeError, ValueError) as exc:
            err.print(Text(f"error: contact sheet failed: {exc}", style="bold red"))
            raise typer.Exit(1) from None
        (err if as_json else out).print(f"wrote {path}")


def _print_assets(rows: list[tuple[str, str, str]]) -> None:
    """The asset rows as a rich table, a section per kind."""
    from rich.table import Table

    table = Table(show_lines=False)
    for column in ("kind", "name", "details"):
        table.add_column(column)
    for i, (kind, name, details) in enumerate(rows):
        table.add_row(kind if i == 0 or rows[i - 1][0] != kind else "", name, details, end_section=i + 1 < len(rows) and rows[i + 1][0] != kind)
    out.print(table)


def _print_comparison(differences, approved: Path, tolerance: float) -> None:
    """One line per keyframe that is not as approved, then a count."""
    styles = {"changed": "yellow", "added": "green", "removed": "red"}
    for d in differences:
        if d.status == "changed":
            detail = d.note or f"{d.changed:.1%} of pixels changed, mean difference {d.mean_abs:.2f} levels"
        elif d.status == "same":
            continue
        else:
            detail = d.note
        out.print(Text(f"  {d.status:<8} {d.name}: {detail}", style=styles[d.status]))
    bad = sum(d.status != "same" for d in differences)
    summary = f"{bad} of {len(differences)} keyframe(s) differ from {approved}" if bad else \
        f"all {len(differences)} keyframes match {approved}"
    out.print(f"{summary} (tolerance {tolerance:.1%} of pixels)")


@app.command("watch")
def watch_command(
    script: ScriptArg,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="The preview MP4 (default: build/<script>-preview.mp4).", show_default=False)] = None,
    full: Annotated[bool, typer.Option("--full", help="Rebuild at full quality instead of the fast draft animatic.")] = False,
    resolution: Annotated[Optional[str], typer.Option(help="Frame size, WIDTHxHEIGHT (default 480x270; 1280x720 with --full).", show_default=False)] = None,
    cache_dir: Annotated[Path, typer.Option(help="The shared cache of voices and rendered shots.")] = Path(".sdc-cache"),
    interval: Annotated[float, typer.Option(min=0.05, help="Seconds between looks at the files.")] = 0.3,
) -> None:
    """Rebuild the preview on every save, reusing every unchanged shot; Ctrl-C stops."""
    from .watch import watch

    _read(script)
    width, height = _frame_size(resolution, not full)
    target = output or Path("build") / f"{script.stem}-preview.mp4"
    settings = api.BuildSettings(width=width, height=height, draft=not full, cache_dir=cache_dir)
    out.print(f"watching {script}: the preview is {target}; Ctrl-C stops")
    try:
        watch(script, target, settings, _print_outcome, interval=interval)
    except KeyboardInterrupt:
        out.print("stopped watching")
        raise typer.Exit(130) from None


def _print_outcome(outcome) -> None:
    """A rebuild's diagnostics as they appear, then one line: what it made, or why not."""
    import time

    print_diagnostics(list(outcome.diagnostics), outcome.text)
    stamp = time.strftime("%H:%M:%S")
    if outcome.ok:
        r = outcome.report
        out.print(f"[{stamp}] rebuilt {r.output} in {outcome.seconds:.1f} s: {len(r.rendered)} shot(s) rendered, "
                  f"{len(r.reused)} reused")
    else:
        errors = sum(d.severity is Severity.ERROR for d in outcome.diagnostics)
        why = outcome.error or f"{errors} error(s) in the script"
        err.print(Text(f"[{stamp}] not rebuilt ({why}); the last preview stays", style="bold red"))


@app.command("import")
def import_command(
    fountain: Annotated[Path, typer.Argument(help="The Fountain screenplay, e.g. [cyan]pilot.fountain[/cyan].", show_default=False)],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="The .play script to write (default: beside the Fountain file).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the .play script if it exists.")] = False,
) -> None:
    """Convert a Fountain screenplay into a .play script; report what needs the writer."""
    from . import atomic
    from .fountain import import_fountain

    target = output or fountain.with_suffix(".play")
    if not fountain.is_file():
        _fail(f"no such Fountain file: {fountain}")
    if target.exists() and not force:
        _fail(f"{target} already exists (use --force to overwrite it)")
    try:
        play, report = import_fountain(fountain.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        _fail(f"{fountain} is not UTF-8 text ({exc.reason} at byte {exc.start})")
    atomic.write_text(target, play)
    sys.stdout.write(f"wrote {target} from {fountain}: " + report.render())


def _fail(message: str) -> NoReturn:
    """Print ``error: message`` and exit 1."""
    err.print(Text(f"error: {message}", style="bold red"))
    raise typer.Exit(1)


@app.command()
def export(
    script: ScriptArg,
    fountain: Annotated[Optional[Path], typer.Option("--fountain", help="Write a Fountain screenplay here.")] = None,
    otio_path: Annotated[Optional[Path], typer.Option("--otio", help="Write an OpenTimelineIO timeline here.")] = None,
    edl: Annotated[Optional[Path], typer.Option("--edl", help="Write a CMX 3600 EDL of the shots here.")] = None,
    fcpxml: Annotated[Optional[Path], typer.Option("--fcpxml", help="Write Final Cut Pro 7 XML here.")] = None,
    media: Annotated[Optional[Path], typer.Option("--media", help="The built MP4 the timeline's clips point at (e.g. [cyan]build/ep01.mp4[/cyan]).")] = None,
    fps: Annotated[int, typer.Option(min=1, max=120, help="Frames per second of the timeline (as built).")] = 30,
    cache_dir: Annotated[Path, typer.Option(help="Where synthesized lines are cached (the timeline needs their timing).")] = Path(".sdc-cache"),
) -> None:
    """Write an episode for other tools: a Fountain screenplay, an OTIO timeline, an EDL, FCP XML."""
    from . import atomic
    from .fountain import export_fountain

    timelines = {fmt: path for fmt, path in (("otio", otio_path), ("edl", edl), ("fcpxml", fcpxml)) if path}
    if fountain is None and not timelines:
        raise typer.BadParameter("name at least one of --fountain, --otio, --edl, --fcpxml", param_hint="--fountain")
    compiled = _compile(script)
    if fountain:
        atomic.write_text(fountain, export_fountain(compiled.episode))
        out.print(f"wrote {fountain}")
    if timelines:
        _export_timelines(compiled.episode, timelines, media, api.BuildSettings(fps=fps, cache_dir=cache_dir))


def _export_timelines(episode: ir.Episode, targets: dict[str, Path], media: Optional[Path], settings: api.BuildSettings) -> None:
    """Time the episode (voices from the cache) and write each timeline format asked for."""
    from . import otio as timeline

    tracks = api.schedule(episode, api.synthesize(episode, settings.cache_dir), settings)
    for fmt, path in targets.items():
        built = timeline.build_timeline(episode, tracks, timeline.media_url(media, path) if media else None)
        try:
            timeline.write(built, path, fmt)
        except timeline.ExportError as exc:
            _fail(str(exc))
        out.print(f"wrote {path} ({len(tracks.shots)} shot(s), {len(tracks.cues)} line(s), {tracks.frame_count} frames at {tracks.fps} fps)")


@app.command()
def new(
    folder: Annotated[Path, typer.Argument(help="The project folder to create, e.g. [cyan]my-show[/cyan].", show_default=False)],
    title: Annotated[Optional[str], typer.Option(help="The show's title (default: from the folder name).")] = None,
) -> None:
    """Start a show: a shared cast, a first episode, .gitattributes, a CI workflow and a README."""
    from .scaffold import ScaffoldError, scaffold

    try:
        files = scaffold(folder, title)
    except ScaffoldError as exc:
        _fail(str(exc))
    out.print(f"created {folder}/ with " + ", ".join(str(p.relative_to(folder)) for p in files))
    out.print(f"next: cd {folder} && sdc check episodes/ep01.play && sdc build episodes/ep01.play --draft")


cache_app = typer.Typer(no_args_is_help=True, help="Inspect or trim the shared cache.")
app.add_typer(cache_app, name="cache")
CacheOpt = Annotated[Path, typer.Option(help="The cache folder.")]


@cache_app.command("stats")
def cache_stats(cache_dir: CacheOpt = Path(".sdc-cache")) -> None:
    """Entries and size of the cache, by kind."""
    from .cache import Cache

    rows = Cache(cache_dir).stats()
    for row in rows:
        out.print(f"{row.kind:<10} {row.entries:>6} entries  {_size(row.bytes):>9}")
    out.print(f"{'total':<10} {sum(r.entries for r in rows):>6} entries  {_size(sum(r.bytes for r in rows)):>9}")


@cache_app.command("prune")
def cache_prune(
    max_size: Annotated[str, typer.Option(help="Keep at most this much, least recently used goes first (e.g. 500M, 2G).")],
    cache_dir: CacheOpt = Path(".sdc-cache"),
) -> None:
    """Remove least recently used entries until the cache fits in --max-size."""
    from .cache import Cache

    removed, freed = Cache(cache_dir).prune(_parse_size(max_size))
    out.print(f"removed {removed} entries, freed {_size(freed)}")


def _parse_size(text: str) -> int:
    """``500M`` -> bytes (K, M, G are powers of 1024)."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMG]?)i?B?", text.strip(), re.I)
    if not m:
        raise typer.BadParameter("write a size such as 500M or 2G", param_hint="--max-size")
    return int(float(m.group(1)) * 1024 ** " KMG".index(m.group(2).upper() or " "))


def _size(n: int) -> str:
    """Bytes in a human unit."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so the build unwinds and cleans up like Ctrl-C."""


def _terminate(signum, frame) -> None:
    """SIGTERM handler: stop the build the same way Ctrl-C does."""
    raise Terminated()


class _progress:
    """A rich progress display fed by the API's (stage, done, total) callback."""

    def __enter__(self):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # builds only

        self.bar = Progress(TextColumn("{task.description:>7}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=err, transient=False)
        self.bar.__enter__()
        self.tasks: dict[str, int] = {}
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def __exit__(self, *exc) -> None:
        self.bar.__exit__(*exc)


def version_callback(value: bool) -> None:
    """Print the version and exit."""
    if value:
        out.print(f"sdc {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version.")] = False,
) -> None:
    """sdc: the screenplay-to-video compiler."""


# Commands that only read and print: when they are done nothing is left to clean up, so the
# process ends without tearing down the hundreds of thousands of objects a long script's AST and
# IR are made of (a fifth of `sdc check`'s time on a 20,000-line script; mypy does the same).
HARD_EXIT = frozenset({"check", "ir", "tracks"})


def main() -> None:
    """Console-script entry point."""
    import os

    try:
        app()
    except SystemExit as exc:
        if not (set(sys.argv[1:2]) & HARD_EXIT):
            raise
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
