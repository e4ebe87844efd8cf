"""``use "cast.play"``: find, read and parse the scripts a script takes its cast from.

Paths are relative to the using script's folder and must stay inside it (no ``..`` out, no
absolute paths). A used script may use others; a loop is an error that shows the chain.
"""

from __future__ import annotations

from pathlib import Path

from . import nodes
from .diagnostics import CompileError, Diagnostics
from .lower import Included
from .parser import normalise, parse
from .transformer import to_ast

MAX_DEPTH = 8


def load_uses(script: nodes.Script, source: str, diags: Diagnostics, texts: dict[str, str],
              chain: tuple[str, ...] = ()) -> tuple[Included, ...]:
    """The scripts ``script`` uses (depth first, each once), recording problems in ``diags``.

    ``texts`` gains every file read, so diagnostics inside them render with their lines.
    """
    out: list[Included] = []
    here = Path(source).parent if source and not source.startswith("<") else Path.cwd()
    chain = chain or (str(Path(source).resolve()) if not source.startswith("<") else source,)
    for use in script.uses:
        path = _resolve(use, here, diags)
        if path is None:
            continue
        key = str(path.resolve())
        if key in chain:
            names = " -> ".join(Path(c).name for c in (*chain, key))
            diags.error("use-cycle", f"'{use.path.text}' is already being used: {names}", use.path.span,
                        "a cast file must not use the script that uses it")
            continue
        if len(chain) >= MAX_DEPTH:
            diags.error("use-depth", f"'use' is nested more than {MAX_DEPTH} deep", use.path.span, "flatten the includes")
            continue
        name = str(here / use.path.text) if not source.startswith("<") else use.path.text
        text = normalise(path.read_text(encoding="utf-8"))
        texts[name] = text
        try:
            used = to_ast(parse(text, name), name)
        except CompileError as exc:
            diags.extend(exc.diagnostics)
            continue
        out.extend(load_uses(used, name, diags, texts, (*chain, key)))
        if used.scenes:
            diags.warning("use-scenes", f"'{use.path.text}' has scenes; 'use' takes only its title fields and cast",
                          use.path.span, "keep shared casts in a file of their own")
        out.append(Included(used, name))
    return tuple(out)


def _resolve(use: nodes.Use, here: Path, diags: Diagnostics) -> Path | None:
    """The file a ``use`` names, inside the script's folder; None (after an error) otherwise."""
    written = use.path.text
    if not written.strip():
        diags.error("bad-use", "'use' needs a file name", use.span, "e.g. use \"cast.play\"")
        return None
    path = (here / written)
    if Path(written).is_absolute() or not _inside(path, here):
        diags.error("path-outside", f"'{written}' is outside the script's folder", use.path.span,
                    "a script may only use files in its own folder or below it")
        return None
    if not path.is_file():
        nearby = sorted(p.name for p in here.glob("*.play")) if here.is_dir() else []
        from .diagnostics import did_you_mean
        diags.error("missing-file", f"no such file: '{written}'", use.path.span,
                    did_you_mean(written, nearby) or f"the path is relative to {here}")
        return None
    return path


def _inside(path: Path, root: Path) -> bool:
    """True when ``path`` (symlinks resolved) lies within ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
