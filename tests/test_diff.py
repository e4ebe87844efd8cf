"""Drafts in git: stable ids, semantic shot diffs, the textconv view and --changed-since."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import jsonschema
import pytest
from typer.testing import CliRunner

from screenplay_compiler import api
from screenplay_compiler.cli import app
from screenplay_compiler.diff import json_schema

from .conftest import ROOT

LANTERN = (ROOT / "examples" / "the-lantern.play").read_text(encoding="utf-8")
runner = CliRunner()


def git(repo, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def voices(tmp_path_factory):
    """A cache holding every voice the drafts below need (synthesized once)."""
    cache = tmp_path_factory.mktemp("voices") / "cache"
    for text in (LANTERN, LANTERN.replace("LIN (calm): Somebody", "LIN (angry): Somebody")):
        api.synthesize(api.compile_text(text, "x").episode, cache)
    return cache


@pytest.fixture
def repo(tmp_path, voices, monkeypatch):
    """A git repo with the lantern episode committed on main, and a warm cache."""
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "ep.play").write_text(LANTERN, encoding="utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "first draft")
    shutil.copytree(voices, tmp_path / ".sdc-cache")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sdc(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def reorder_scenes(text: str) -> str:
    """The lantern with its park scene moved before the house scene."""
    head, rest = text.split("\nINT. OLD WANG'S HOUSE - NIGHT\n")
    house, park = rest.split("\nEXT. CITY PARK - DAWN\n")
    return f"{head}\nEXT. CITY PARK - DAWN\n{park}\nINT. OLD WANG'S HOUSE - NIGHT\n{house}"


def test_a_changed_emotion_is_one_field_change(repo):
    (repo / "ep.play").write_text(LANTERN.replace("LIN (calm): Somebody", "LIN (angry): Somebody"), encoding="utf-8")
    result = sdc("diff", "HEAD", "ep.play", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    changed = [s for s in data["shots"] if s["status"] != "unchanged"]
    assert len(changed) == 1 and changed[0]["new_id"] == "narrow-street-night.close-lin"
    (event,) = [e for e in changed[0]["events"] if e["status"] != "unchanged"]
    assert event["status"] == "changed" and event["fields"] == [{"field": "emotion", "old": "calm", "new": "angry"}]
    assert changed[0]["rerender"] is True


def test_a_reordered_scene_shows_as_moved(repo):
    (repo / "ep.play").write_text(reorder_scenes(LANTERN), encoding="utf-8")
    data = json.loads(sdc("diff", "main:ep.play", "ep.play", "--format", "json").stdout)
    statuses = {s["new_id"]: s["status"] for s in data["shots"]}
    assert set(statuses.values()) == {"moved", "unchanged"}
    moved = {k for k, v in statuses.items() if v == "moved"}
    assert moved in ({k for k in statuses if k.startswith("city-park-dawn.")},
                     {k for k in statuses if k.startswith("old-wang-s-house-night.")})
    assert not any(s["rerender"] for s in data["shots"])  # the same frames, just elsewhere


def test_json_diff_validates_against_the_published_schema(repo):
    published = json.loads((ROOT / "docs" / "diff.schema.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(json_schema()))  # regenerate docs/diff.schema.json if this fails
    (repo / "ep.play").write_text(reorder_scenes(LANTERN).replace("KAI nods.\n", "KAI nods.\nKAI waves.\n")
                                  .replace("OLD-WANG (whispering): My brother.\n", ""), encoding="utf-8")
    data = json.loads(sdc("diff", "HEAD", "ep.play", "--format", "json").stdout)
    jsonschema.validate(data, published)
    kinds = {(e["status"], e["kind"]) for s in data["shots"] for e in s["events"]}
    assert {("added", "action"), ("removed", "line")} <= kinds


def test_text_and_markdown_views(repo):
    (repo / "ep.play").write_text(LANTERN.replace("LIN (calm): Somebody", "LIN (angry): Somebody"), encoding="utf-8")
    text = sdc("diff", "HEAD", "ep.play").stdout
    assert "~ shot narrow-street-night.close-lin [CLOSE ON LIN] changed" in text
    assert "emotion: 'calm' -> 'angry'" in text
    # two shots: LIN's face keeps the new emotion into the next shot (listeners hold their last expression)
    assert text.rstrip().endswith("1 changed, 0 added, 0 removed, 0 moved; 2 shot(s) would be rendered again")
    md = sdc("diff", "HEAD", "ep.play", "--format", "markdown").stdout
    assert md.startswith("### sdc: what this draft changes on screen") and "| ~ | `narrow-street-night.close-lin` 🎬 |" in md


def test_git_diff_through_the_textconv_driver(repo):
    (repo / ".gitattributes").write_text("*.play diff=sdc\n", encoding="utf-8")
    git(repo, "config", "diff.sdc.textconv", f"{sys.executable} -m screenplay_compiler ir --text")  # i.e. "sdc ir --text"
    (repo / "ep.play").write_text(LANTERN.replace("LIN (calm): Somebody", "LIN (angry): Somebody"), encoding="utf-8")
    out = git(repo, "diff")
    assert "-    lin-" in out and "+    lin-" in out
    assert "shot narrow-street-night.close-lin: [CLOSE ON LIN]" in out  # context: the shot the line is in
    assert "(angry): Somebody has to fix it." in out


def test_text_view_is_stable_and_survives_broken_drafts(repo):
    first = sdc("ir", "--text", "ep.play").stdout
    (repo / "ep.play").write_text("# a comment\n" + LANTERN.replace("\n\n", "\n\n\n"), encoding="utf-8")
    assert sdc("ir", "--text", "ep.play").stdout == first  # no line numbers: layout edits change nothing
    (repo / "ep.play").write_text(LANTERN + "MEE: typo\n", encoding="utf-8")
    broken = sdc("ir", "--text", "ep.play")
    assert broken.exit_code == 0 and broken.stdout.startswith("# sdc: this draft does not compile")


def test_bad_revision_is_a_clear_error(repo):
    result = sdc("diff", "no-such-rev", "ep.play")
    assert result.exit_code == 1 and "git cannot show no-such-rev:ep.play" in result.stderr


def test_build_changed_since(repo):
    (repo / "other.play").write_text("CAST\nMEI: woman\nEXT. STREET\nMEI: Hi.\n", encoding="utf-8")
    git(repo, "add", "other.play")
    git(repo, "commit", "-qm", "second episode")
    (repo / "other.play").write_text("CAST\nMEI: woman\nEXT. STREET\nMEI: Hello.\n", encoding="utf-8")
    result = sdc("build", "ep.play", "other.play", "--changed-since", "HEAD", "--resolution", "160x90", "--fps", "8", "-j", "1")
    assert result.exit_code == 0, result.stderr
    assert "skipped ep.play: unchanged since HEAD" in result.stdout
    assert (repo / "build" / "other.mp4").exists() and not (repo / "build" / "ep.mp4").exists()


def test_review_video_of_the_changed_shots(repo):
    (repo / "ep.play").write_text(LANTERN.replace("LIN (calm): Somebody", "LIN (angry): Somebody"), encoding="utf-8")
    result = sdc("diff", "HEAD", "ep.play", "--video", "-o", "review.mp4", "--draft")
    assert result.exit_code == 0, result.stderr
    import av

    with av.open(str(repo / "review.mp4")) as f:
        frames = f.streams.video[0].frames
    assert 30 < frames < 400  # one changed shot (and its title card), not the episode
    nothing = sdc("diff", "HEAD", "HEAD:ep.play", "--video", "-o", "none.mp4")
    assert nothing.exit_code == 1 and "nothing to review" in nothing.stderr and not (repo / "none.mp4").exists()
