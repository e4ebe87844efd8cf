"""The creation record: schema, authored vs generated, engines, outputs, git facts and drafts."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screenplay_compiler import aigc, api, mp4meta, provenance
from screenplay_compiler.cli import app

from .conftest import LABEL_SCRIPT, ROOT, build_labelled, tone

SCHEMA = json.loads((ROOT / "docs" / "provenance.schema.json").read_text(encoding="utf-8"))


def _record(video: Path) -> dict:
    return json.loads(provenance.record_path(video).read_text(encoding="utf-8"))


def _line_of(text: str) -> int:
    """1-based line number of the script line that contains ``text``."""
    return next(i for i, line in enumerate(LABEL_SCRIPT.splitlines(), 1) if text in line)


class TestRecord:
    def test_valid_against_the_published_schema(self, labelled):
        import jsonschema

        jsonschema.Draft202012Validator.check_schema(SCHEMA)
        jsonschema.validate(_record(labelled[1]), SCHEMA)

    def test_its_sha256_is_reserved_code1(self, labelled):
        _, video = labelled
        label = aigc.fields(aigc.read_mp4_label(video))
        assert label["ReservedCode1"] == hashlib.sha256(provenance.record_path(video).read_bytes()).hexdigest()
        assert label["ContentProducer"] == "SDC-TEST-01"  # from the script's Producer:
        assert label["ProduceID"] == aigc.produce_id(LABEL_SCRIPT)

    def test_human_directives_with_source_positions(self, labelled):
        directives = _record(labelled[1])["authored"]["directives"]
        by_kind = {d["kind"]: d for d in directives}
        assert by_kind["line"]["text"] == "Then we wait for the tide." and by_kind["line"]["emotion"] == "calm"
        assert by_kind["line"]["source"]["line"] == _line_of("JUN (calm)")
        assert by_kind["action"]["verb"] == "wave" and by_kind["action"]["source"]["line"] == _line_of("MEI waves.")
        assert by_kind["camera"]["size"] == "close" and by_kind["camera"]["source"]["line"] == _line_of("[CLOSE ON JUN]")
        assert [d["source"]["line"] for d in directives] == sorted(d["source"]["line"] for d in directives)

    def test_automatic_coverage_is_generated_not_authored(self, labelled):
        record = _record(labelled[1])
        automatic = record["generated"]["automatic_cameras"]
        assert len(automatic) == 1 and automatic[0]["size"] == "wide"
        cameras = [d["shot"] for d in record["authored"]["directives"] if d["kind"] == "camera"]
        assert automatic[0]["shot"] not in cameras
        assert set(record["generated"]["appearances"]) == {"MEI", "JUN"} == set(record["generated"]["voices"])
        assert [c["description"] for c in record["authored"]["characters"]][0] == "young woman, black ponytail, red coat"

    def test_engines_settings_label_and_outputs(self, labelled):
        _, video = labelled
        record = _record(video)
        engines = record["engines"]
        assert engines["ffmpeg"].startswith("ffmpeg version") and engines["x264"].startswith("core ")
        assert "llvmpipe" in engines["renderer"]["gl"] or engines["renderer"]["gl"]
        assert record["render"] | {"width": 320, "height": 180, "fps": 12} == record["render"]
        assert record["label"]["visible"] == {"enabled": True, "text": "AI生成 · AI-generated", "corner": "top-left",
                                              "seconds": 2.0, "repeat_end": False, "height": 0.06}
        outputs = record["outputs"]
        assert outputs["mp4_media_sha256"] == mp4meta.media_sha256(video)
        srt = video.with_suffix(".srt").read_bytes()
        assert outputs["subtitles_sha256"]["srt"] == hashlib.sha256(srt).hexdigest()
        assert len(outputs["segments_sha256"]) == record["generated"]["animation"]["shots"] == 2
        assert record["script"]["git"] == {"status": provenance.NOT_IN_GIT}

    def test_no_clock_no_paths(self, labelled):
        script, video = labelled
        text = provenance.record_path(video).read_text(encoding="utf-8")
        assert str(script.parent) not in text and str(video.parent) not in text

    def test_rebuild_is_byte_identical(self, labelled, tmp_path):
        script, video = labelled
        root = tmp_path / "again"
        root.mkdir()
        _, again = build_labelled(root, cache_dir=script.parent / "cache")
        assert again.read_bytes() == video.read_bytes()
        assert provenance.record_path(again).read_bytes() == provenance.record_path(video).read_bytes()


# ---- git ----------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Wen Writer", "-c", "user.email=wen@example.org", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git repository with two committed drafts of the script and an uncommitted third."""
    _git(tmp_path, "init", "-q")
    script = tmp_path / "ep.play"
    script.write_text(LABEL_SCRIPT, encoding="utf-8")
    _git(tmp_path, "add", "ep.play")
    _git(tmp_path, "commit", "-qm", "first draft")
    script.write_text(LABEL_SCRIPT.replace("JUN (calm)", "JUN (sad)"), encoding="utf-8")
    _git(tmp_path, "commit", "-qam", "JUN is sad")
    script.write_text(LABEL_SCRIPT.replace("JUN (calm)", "JUN (sad)") + "MEI nods.\n", encoding="utf-8")
    return script


class TestGit:
    def test_facts_of_the_last_commit(self, repo):
        facts = provenance.git_facts(repo)
        assert facts["status"] == "modified since last commit" and facts["path"] == "ep.play"
        assert len(facts["commit"]) == 40 and facts["author"] == "Wen Writer <wen@example.org>"
        assert [r["subject"] for r in facts["history"]] == ["first draft", "JUN is sad"]
        assert (facts["history"][1]["lines_added"], facts["history"][1]["lines_removed"]) == (1, 1)

    def test_committed_and_untracked(self, repo):
        _git(repo.parent, "commit", "-qam", "MEI nods")
        assert provenance.git_facts(repo)["status"] == "committed"
        other = repo.parent / "new.play"
        other.write_text(LABEL_SCRIPT, encoding="utf-8")
        assert provenance.git_facts(other) == {"status": "not committed"}

    def test_outside_git(self, tmp_path):
        (tmp_path / "a.play").write_text(LABEL_SCRIPT, encoding="utf-8")
        assert provenance.git_facts(tmp_path / "a.play") == {"status": provenance.NOT_IN_GIT}


def _fake_voices(episode, cache_dir, progress=None, **_):
    return {e.id: tone(1.0) for s in episode.shots for e in s.events if type(e).__name__ == "Line"}


class TestDrafts:
    def test_history_timeline(self, repo, monkeypatch):
        monkeypatch.setattr(api, "synthesize", _fake_voices)
        drafts = provenance.draft_history(repo, api.BuildSettings(cache_dir=repo.parent / "cache"))
        assert [d["subject"] for d in drafts] == ["first draft", "JUN is sad", "uncommitted changes"]
        assert drafts[0]["changes"].startswith("first draft: 1 scene(s), 2 shot(s), 1 line(s)")
        assert "1 changed" in drafts[1]["changes"] and any("emotion: 'calm' -> 'sad'" in d for d in drafts[1]["details"])
        assert any("nod" in d for d in drafts[2]["details"])

    def test_cli_history_json_and_text(self, repo, monkeypatch):
        monkeypatch.setattr(api, "synthesize", _fake_voices)
        cache = str(repo.parent / "cache")
        result = CliRunner().invoke(app, ["provenance", str(repo), "--history", "--format", "json", "--cache-dir", cache])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["script"]["git"]["status"] == "modified since last commit" and len(data["drafts"]) == 3
        text = CliRunner().invoke(app, ["provenance", str(repo), "--history", "--cache-dir", cache]).stdout
        assert "drafts (3):" in text and "JUN is sad" in text and "JUN (sad): Then we wait for the tide." in text

    def test_cli_without_history(self, repo):
        result = CliRunner().invoke(app, ["provenance", str(repo)])
        assert result.exit_code == 0 and "authored: 2 character(s), 1 scene(s)" in result.stdout
