"""``use "cast.play"``: find, read and parse the scripts a script takes its cast from.

Paths are relative to the using script's folder and must stay inside the project root (the
entry script's folder or ``--root``; see :mod:`confine`). A used script may use others; a loop
is an error that shows the chain, and nesting deeper than ``Limits.depth`` is an error.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from . import nodes
from .confine import Confinement, OutsideRoot, Policy
from .diagnostics import CompileError, Diagnostics
from .limits import check_text
from .lower import Included
from .parser import normalise, parse
from .transformer import to_ast


def load_uses(script: nodes.Script, source: str, diags: Diagnostics, texts: dict[str, str],
              chain: tuple[str, ...] = (), policy: Policy | None = None) -> tuple[Included, ...]:
    """The scripts ``script`` uses (depth first, each once), recording problems in ``diags``.

    ``texts`` gains every file read, so diagnostics inside them render with their lines.
    ``policy``: the project root the files must lie in, and the nesting limit.
    """
    out: list[Included] = []
    here = Path(source).parent if source and not source.startswith("<") else Path.cwd()
    if policy is None or policy.root is None:  # the entry script's folder is the root for every level
        policy = dataclasses.replace(policy or Policy(), root=here)
    max_depth = policy.limits.depth
    chain = chain or (str(Path(source).resolve()) if not source.startswith("<") else source,)
    for use in script.uses:
        path = _resolve(use, here, diags, policy.confinement(source))
        if path is None:
            continue
        key = str(path.resolve())
        if key in chain:
            names = " -> ".join(Path(c).name for c in (*chain, key))
            diags.error("use-cycle", f"'{use.path.text}' is already being used: {names}", use.path.span,
                        "a cast file must not use the script that uses it")
            continue
        if len(chain) >= max_depth:
            diags.error("use-depth", f"'use' is nested more than {max_depth} deep", use.path.span,
                        "flatten the includes, or raise the cap with --limit depth=N")
            continue
        name = str(here / use.path.text) if not source.startswith("<") else use.path.text
        if path.stat().st_size > policy.limits.file_mb * 1024 * 1024:
            diags.error("over-limit", f"'{use.path.text}' is larger than {policy.limits.file_mb:g} MB", use.path.span,
                        "raise the cap with --limit file_mb=N")
            continue
        text = normalise(path.read_text(encoding="utf-8"))
        texts[name] = text
        check_text(text, name, policy.limits, diags)
        try:
            used = to_ast(parse(text, name), name)
        except CompileError as exc:
            diags.extend(exc.diagnostics)
            continue
        out.extend(load_uses(used, name, diags, texts, (*chain, key), policy))
        if used.scenes:
            diags.warning("use-scenes", f"'{use.path.text}' has scenes; 'use' takes only its title fields and cast",
                          use.path.span, "keep shared casts in a file of their own")
        out.append(Included(used, name))
    return tuple(out)


def _resolve(use: nodes.Use, here: Path, diags: Diagnostics, confinement: Confinement) -> Path | None:
    """The file a ``use`` names, inside the project root; None (after an error) otherwise."""
    written = use.path.text
    if not written.strip():
        diags.error("bad-use", "'use' needs a file name", use.span, "e.g. use \"cast.play\"")
        return None
    try:
        path = confinement.resolve(written, here)
    except OutsideRoot as exc:
        diags.error("path-outside", str(exc), use.path.span,
                    "the project is the script's folder (or --root); to use files elsewhere, pass --allow-path FOLDER")
        return None
    if not path.is_file():
        nearby = sorted(p.name for p in here.glob("*.play")) if here.is_dir() else []
        from .diagnostics import did_you_mean
        diags.error("missing-file", f"no such file: '{written}'", use.path.span,
                    did_you_mean(written, nearby) or f"the path is relative to {here}")
        return None
    return path

