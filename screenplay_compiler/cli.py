"""The ``sdc`` command line: thin Typer commands over :mod:`api`."""

from __future__ import annotations

import json
import re
import signal
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from . import __version__, api, ir
from .diagnostics import CompileError, Diagnostic, Severity

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="[bold]sdc[/bold] compiles a plain-text screenplay into a finished 3D animated MP4.")
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

ScriptArg = Annotated[Path, typer.Argument(help="The screenplay, e.g. [cyan]examples/the-bridge.play[/cyan].", show_default=False)]


def print_diagnostics(diagnostics: list[Diagnostic], text: str | None) -> None:
    """Print diagnostics to stderr: the location line coloured by severity, then source and caret."""
    for d in diagnostics:
        first, _, rest = d.render(text).partition("\n")
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


def _compile(script: Path) -> api.Compiled:
    """Compile or exit 1 with the diagnostics."""
    _read(script)
    try:
        compiled = api.compile_file(script)
    except CompileError as exc:
        print_diagnostics(exc.diagnostics, exc.texts.get(str(script)))
        raise typer.Exit(1) from None
    except UnicodeDecodeError as exc:
        err.print(Text(f"{script}: error: the script is not UTF-8 text ({exc.reason} at byte {exc.start})", style="bold red"))
        raise typer.Exit(1) from None
    print_diagnostics(list(compiled.warnings), compiled.text)
    return compiled


@app.command()
def check(
    scripts: Annotated[list[Path], typer.Argument(help="Screenplays to check, or folders of [cyan].play[/cyan] files.", show_default=False)],
    format: Annotated[str, typer.Option("--format", help="[cyan]text[/cyan], [cyan]json[/cyan] (for tools) or [cyan]github[/cyan] (Actions annotations).")] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
) -> None:
    """Check scripts and print their diagnostics; exit 1 on any error (or warning, with --strict)."""
    if format not in ("text", "json", "github"):
        raise typer.BadParameter("choose text, json or github", param_hint="--format")
    found: list[Diagnostic] = []
    for script in _expand(scripts):
        _read(script)
        if format == "text":
            found += _check_text(script)
        else:
            found += _diagnostics_of(script)
    if format == "json":
        sys.stdout.write(json.dumps([_as_dict(d) for d in found], ensure_ascii=False, indent=2) + "\n")
    elif format == "github":
        sys.stdout.write("".join(_annotation(d) + "\n" for d in found))
    if any(d.severity is Severity.ERROR or strict for d in found):
        raise typer.Exit(1)


def _check_text(script: Path) -> list[Diagnostic]:
    """Check one script, printing its diagnostics (or its summary) for a person."""
    try:
        compiled = _compile(script)
    except typer.Exit:
        return _diagnostics_of(script)
    e = compiled.episode
    out.print(f"{script}: ok: {len(e.scenes)} scene(s), {len(e.shots)} shot(s), {len(e.characters)} character(s)")
    return list(compiled.warnings)


def _diagnostics_of(script: Path) -> list[Diagnostic]:
    """Every diagnostic of a script, printing nothing (an unreadable file is one error)."""
    from .diagnostics import Span

    try:
        return api.check(script)[0]
    except UnicodeDecodeError as exc:
        return [Diagnostic(Severity.ERROR, "encoding", f"the script is not UTF-8 text ({exc.reason} at byte {exc.start})",
                           Span(str(script), 1, 1, 1, 1))]


def _as_dict(d: Diagnostic) -> dict:
    """A diagnostic as JSON data for tools."""
    s = d.span
    return {"file": s.source, "line": s.line, "col": s.col, "end_line": s.end_line, "end_col": s.end_col,
            "severity": d.severity.value, "code": d.code, "message": d.message, "hint": d.hint}


def _annotation(d: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the script at the diagnostic."""
    s = d.span
    escape = lambda text: text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    prop = lambda text: escape(text).replace(":", "%3A").replace(",", "%2C")
    message = d.message + (f" ({d.hint})" if d.hint else "")
    return (f"::{d.severity.value} file={prop(s.source)},line={s.line},col={s.col},endLine={s.end_line},"
            f"endColumn={s.end_col},title={prop('sdc ' + d.code)}::{escape(message)}")


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
            print_diagnostics(exc.diagnostics, exc.texts.get(str(script)))
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
) -> None:
    """Print the shot IR as canonical JSON (or, with --text, one line per shot and event)."""
    if text:
        _text_view(script)
        return
    sys.stdout.write(ir.to_json(_compile(script).episode))


def _text_view(script: Path) -> None:
    """The textconv view; a draft that does not compile is shown as it is, so git diff still works."""
    _read(script)
    raw = script.read_bytes().decode("utf-8", "replace")
    try:
        sys.stdout.write(api.text_view(api.compile_text(raw, str(script)).episode))
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
        print_diagnostics(exc.diagnostics, next(iter(exc.texts.values()), None))
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
    resolution: Annotated[str, typer.Option(help="Frame size, WIDTHxHEIGHT.")] = "1280x720",
    fps: Annotated[int, typer.Option(min=1, max=120, help="Frames per second.")] = 30,
    draft: Annotated[bool, typer.Option("--draft", help="Fast preview: simple shading, no anti-aliasing.")] = False,
    cache_dir: Annotated[Path, typer.Option(help="The shared cache of voices and rendered shots.")] = Path(".sdc-cache"),
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Local processes rendering shots in parallel (default: one per core).")] = None,
    executor: Annotated[str, typer.Option(help="Where shots render: [cyan]local[/cyan] processes or a [cyan]ray[/cyan] cluster.")] = "local",
    ray_address: Annotated[Optional[str], typer.Option("--address", help="Ray cluster address (default: start a local Ray).")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Say which shots were reused and why the others were rendered.")] = False,
    changed_since: Annotated[Optional[str], typer.Option("--changed-since", help="Build only scripts that changed since this git revision.")] = None,
) -> None:
    """Build scripts into MP4s with subtitles, re-rendering only the shots that changed."""
    from .segments import default_jobs

    width, height = _resolution(resolution)
    if executor not in ("local", "ray"):
        raise typer.BadParameter("choose 'local' or 'ray'", param_hint="--executor")
    paths = _expand(scripts)
    if changed_since:
        paths = _changed(paths, changed_since)
        if not paths:
            out.print(f"nothing to build: no script changed since {changed_since}")
            return
    if output is not None and len(paths) > 1:
        raise typer.BadParameter("-o names one file; use --out-dir to build several scripts", param_hint="--output")
    for script in paths:
        _compile(script)
    settings = api.BuildSettings(width=width, height=height, fps=fps, draft=draft, cache_dir=cache_dir,
                                 jobs=jobs or default_jobs(), executor=executor, ray_address=ray_address)
    for script in paths:
        _build_one(script, output or out_dir / (script.stem + ".mp4"), settings, explain)


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


def _build_one(script: Path, target: Path, settings: api.BuildSettings, explain: bool) -> None:
    """Build one script, reporting progress and a one-line summary (or exit with a clear error)."""
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with _progress() as progress:
            report = api.build(script, target, settings, progress)
    except KeyboardInterrupt as exc:
        code = 143 if isinstance(exc, Terminated) else 130
        err.print(Text(f"{'terminated' if code == 143 else 'interrupted'}: {target} was left as it was", style="bold red"))
        raise typer.Exit(code) from None
    except Exception as exc:  # a failure of ours or of ffmpeg: one clear line, not a traceback
        from .encode import EncodeError

        if not isinstance(exc, (EncodeError, OSError, RuntimeError)):
            raise
        err.print(Text(f"error: build failed: {exc}", style="bold red"))
        raise typer.Exit(1) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    if explain:
        for shot in report.tracks.shots:
            why = report.rendered.get(shot.id)
            out.print(f"  {shot.id}: {'rendered: ' + why if why else 'reused from the cache'}")
    t = report.tracks
    out.print(f"wrote {target} ({t.duration:.1f} s, {t.frame_count} frames, {len(t.shots)} shot(s): "
              f"{len(report.rendered)} rendered, {len(report.reused)} reused) and {target.with_suffix('.srt')}")


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


def main() -> None:
    """Console-script entry point."""
    app()
