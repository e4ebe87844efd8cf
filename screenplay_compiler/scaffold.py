"""``sdc new my-show``: a new show's project folder, ready to write, check, build and share.

The layout::

    my-show/
      episodes/cast.play      the shared cast; every episode says `use "cast.play"`
      episodes/ep01.play      a short first episode that compiles
      README.md               how to write, check, preview and build, for the writer
      .gitattributes          scripts are LF text, diffed shot by shot
      .gitignore              build/ and .sdc-cache/
      .github/workflows/sdc.yml   CI: check every episode, build them, keep the MP4s

The cast sits beside the episodes because ``use`` paths must stay inside the using script's
folder. Every file is written atomically; a folder that is not empty is never touched.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import atomic

CAST = """\
# The cast of {title}, shared by every episode: each episode starts with `use "cast.play"`.
# Describe each character with words sdc draws (age, build, hair, clothes and colours; see the
# language guide), and give them a voice if the default does not suit.
Title: {title}

CAST
MEI: young woman, slim, black ponytail, red coat, blue jeans
  voice: pitch +3, rate 1.05
JUN: tall young man, short brown hair, navy jacket, grey trousers, glasses
  voice: pitch -2, rate 0.95
"""

EPISODE = """\
# Episode 1 of {title}. Check it with `sdc check episodes/ep01.play`,
# build it with `sdc build episodes/ep01.play` (the MP4 lands in build/).
use "cast.play"
Title: {title}
Episode: 1

EXT. OLD BRIDGE - DAWN

[WIDE]
MEI walks to JUN.
MEI (worried): The bridge is out.

[CLOSE ON JUN]
JUN (calm): Then we wait for the tide.
JUN nods.
"""

GITATTRIBUTES = """\
# Scripts are text with LF line ends on every machine, and `git diff` shows what a change does
# on screen once each clone runs: git config diff.sdc.textconv "sdc ir --text"
*.play      text eol=lf diff=sdc
*.fountain  text eol=lf
*.md        text eol=lf
*.srt       text eol=lf
*.vtt       text eol=lf
*.otio      text eol=lf
*.mp4       binary
*.wav       binary
*.mp3       binary
*.png       binary
"""

GITIGNORE = """\
# Rendered episodes and sdc's cache of voices and shots: rebuilt from the scripts.
build/
.sdc-cache/
"""

WORKFLOW = """\
# Check every episode of {title} on each push and pull request, then build them; the MP4s and
# subtitles are kept as the `episodes` artifact. The cache makes unchanged shots free.
name: sdc

on:
  push:
    branches: [main]
  pull_request:

jobs:
  episodes:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # sdc diff and --changed-since read earlier drafts from git

      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"

      - name: Headless OpenGL (Mesa EGL) for the renderer
        run: sudo apt-get update && sudo apt-get install -y --no-install-recommends libegl1 libegl-mesa0 libgl1-mesa-dri libgbm1

      - name: Install sdc
        run: pip install screenplay-compiler

      - uses: actions/cache@v4
        with:
          path: .sdc-cache
          key: sdc-${{ runner.os }}-${{ hashFiles('episodes/*.play') }}
          restore-keys: sdc-${{ runner.os }}-

      - name: Check the episodes
        run: sdc check --format github episodes/ep*.play

      - name: Build the episodes
        run: sdc build --out-dir build episodes/ep*.play

      - uses: actions/upload-artifact@v4
        with:
          name: episodes
          path: |
            build/*.mp4
            build/*.srt
            build/*.vtt
"""

README = """\
# {title}

The scripts of {title}, written in sdc's screenplay language and compiled into animated
episodes by `sdc` (the screenplay compiler).

## What is here

| file | what it is |
|---|---|
| `episodes/cast.play` | the cast: who the characters are, how they look and sound |
| `episodes/ep01.play` | episode 1; copy it to start `ep02.play` |
| `.github/workflows/sdc.yml` | checks and builds every episode on each push |

Every episode begins with `use "cast.play"`, so a character is described once for the whole
show. Name episodes `ep01.play`, `ep02.play`, ...: the checks and builds pick up `episodes/ep*.play`.

## Writing

A scene is a heading, camera directions in brackets, dialogue and actions:

```
EXT. OLD BRIDGE - DAWN

[CLOSE ON MEI]
MEI (worried): The bridge is out.
MEI walks to JUN.
(beat 1s)
```

The whole language (emotions, camera moves, transitions, sound, Chinese) is in sdc's
`docs/language.md`.

## Checking and watching the result

```sh
sdc check episodes/ep*.play             # every mistake, with the line and a hint
sdc build episodes/ep01.play --draft    # a fast preview in build/ep01.mp4 (+ .srt subtitles)
sdc build episodes/ep*.play             # the finished episodes
sdc fmt episodes/ep*.play               # tidy the layout
```

Rebuilding after an edit renders only the shots that changed.

## Working with other tools

```sh
sdc import draft.fountain -o episodes/ep02.play   # from Fountain (Highland, Slugline, Final Draft export)
sdc export episodes/ep01.play --fountain ep01.fountain --otio ep01.otio   # to a screenplay and an edit
```

`sdc import` prints what it could not map and marks the cast descriptions it had to guess with
`TODO`. For shot-by-shot `git diff`, run once per clone:
`git config diff.sdc.textconv "sdc ir --text"`.
"""

FILES = {"episodes/cast.play": CAST, "episodes/ep01.play": EPISODE, "README.md": README,
         ".gitattributes": GITATTRIBUTES, ".gitignore": GITIGNORE, ".github/workflows/sdc.yml": WORKFLOW}


class ScaffoldError(ValueError):
    """The project folder cannot be created (it exists and is not empty)."""


def title_for(folder: str) -> str:
    """A show title from a folder name: ``my-show`` -> ``My Show``."""
    words = [w for w in re.split(r"[-_\s]+", folder.strip()) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or "My Show"


def project_files(title: str) -> dict[str, str]:
    """The project's files (relative path -> text) for a show called ``title``."""
    return {path: text.replace("{title}", title) for path, text in FILES.items()}


def scaffold(folder: Path, title: str | None = None) -> tuple[Path, ...]:
    """Create the project in ``folder`` (new or empty) and return the files written."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScaffoldError(f"{folder} already exists and is not empty; sdc new only fills a new or empty folder")
    files = project_files(title or title_for(folder.resolve().name))
    for path, text in files.items():
        atomic.write_text(folder / path, text)
    return tuple(folder / path for path in files)
