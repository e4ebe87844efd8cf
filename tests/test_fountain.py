"""Fountain in and out: the parser on every construct of the syntax page, the importer's
mapping and report, the exporter, and round trips that keep every dialogue line."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from screenplay_compiler import api, fmt
from screenplay_compiler.cli import app
from screenplay_compiler.fountain import (Action, Boneyard, Centered, Dialogue, Lyric, Note, PageBreak, Parenthetical,
                                          SceneHeading, Section, Speech, Synopsis, Transition, export_fountain,
                                          import_fountain, parse_fountain, play_name)

from .conftest import EXAMPLES

runner = CliRunner()

# Every construct of https://fountain.io/syntax, with the line numbers the tests refer to.
SYNTAX = """\
Title: _**BRICK & STEEL**_
    _**FULL RETIRED**_
Credit: Written by
Author: Stu Maschwitz
Draft date: 1/27/2012
Contact:
    Next Level Productions
    1588 Mission Dr.

# ACT ONE

= Brick and Steel meet again.

FADE IN:

EXT. BRICK'S PATIO - DAY #1#

A gorgeous day. BRICK BRADDOCK (60s), a retired detective in a grey suit, sits quietly.

The SCREEN DOOR slides open and DICK STEEL, his partner, emerges. He grins.

STEEL
Beer's ready!

BRICK
Are they cold?

STEEL (O.S.)
(angrily)
Does a bear crap in the woods?

Steel sits. They laugh.

STEEL
(beat)
Wait. *What* did you say?
(quietly)
Nothing, _partner_.

BRICK
(to Steel, worried)
Nobody knows.  [[Is "knows" right?]]
(gesturing wildly)
Nobody at all.

STEEL ^
Nobody!

@McCLANE
Yippie ki-yay!

CLOSE ON BRICK

Brick walks to Steel. Brick nods.
Steel turns to Brick.

!SCANNING THE AISLES...

/* A cut scene:
INT. GARAGE - NIGHT

STEEL
Gone.
*/

CUT TO:

.SNOW GLOBE

MEI (20s), a young woman in a red coat with a black ponytail, waves. She smiles.

MEI
(V.O.)
Remember
  
this?

~Willy Wonka! Willy Wonka!

> THE END <

===

INT. HOUSE - KITCHEN - NIGHT #2#

[[A note
that spans lines]]

A long beat.

MRS. O'HARA
I'm back. \\*Really\\* back.

> Burn to White.

> FADE OUT.
"""

CHINESE = """\
Title: 断桥
Language: zh

外景 古桥 - 黎明

美走向俊。

@美
(担心)
桥断了，
我们回不去了。

@俊
(平静)
那我们等潮水退去。
"""


def lines_of(episode) -> list[tuple]:
    """Every dialogue line of an episode as the round trips compare them."""
    return [(e.speaker, e.text, e.emotion, e.delivery, e.to, e.channel, e.overlap)
            for s in episode.shots for e in s.events if e.kind == "line"]


def compiled(play: str):
    """Compile imported text; it must have no errors."""
    return api.compile_text(play, "imported.play")


class TestParse:
    """The document model holds every construct of the syntax page, with its line."""

    doc = parse_fountain(SYNTAX)

    def of(self, kind):
        return [e for e in self.doc.elements if isinstance(e, kind)]

    def test_title_page(self):
        fields = {f.key: f.value for f in self.doc.title}
        assert fields["Title"] == "BRICK & STEEL\nFULL RETIRED"  # emphasis stripped, indented value continues
        assert fields["Contact"] == "Next Level Productions\n1588 Mission Dr."
        assert self.doc.field("author") == "Stu Maschwitz"

    def test_headings_forced_and_numbered(self):
        headings = self.of(SceneHeading)
        assert [(h.text, h.number, h.forced, h.line) for h in headings] == [
            ("EXT. BRICK'S PATIO - DAY", "1", False, 16), ("SNOW GLOBE", None, True, 68),
            ("INT. HOUSE - KITCHEN - NIGHT", "2", False, 84)]

    def test_cues_extensions_dual_forced(self):
        cues = [(d.character, d.extensions, d.dual, d.forced) for d in self.of(Dialogue)]
        assert ("STEEL", ("O.S.",), False, False) in cues
        assert ("STEEL", (), True, False) in cues
        assert ("McCLANE", (), False, True) in cues
        assert ("MRS. O'HARA", (), False, False) in cues

    def test_parentheticals_dialogue_and_emphasis(self):
        steel = self.of(Dialogue)[3]
        assert [type(p) for p in steel.parts] == [Parenthetical, Speech, Parenthetical, Speech]
        assert [p.text for p in steel.parts] == ["beat", "Wait. What did you say?", "quietly", "Nothing, partner."]
        assert self.of(Dialogue)[-1].parts[0].text == "I'm back. *Really* back."  # escapes stay literal

    def test_two_spaces_keep_dialogue_going(self):
        mei = next(d for d in self.of(Dialogue) if d.character == "MEI")
        assert [p.text for p in mei.parts] == ["V.O.", "Remember", "", "this?"]

    def test_action_forced_and_multi_line(self):
        actions = self.of(Action)
        assert any(a.forced and a.text == "SCANNING THE AISLES..." for a in actions)
        walk = next(a for a in actions if a.text.startswith("Brick walks"))
        assert walk.lines == ((54, "Brick walks to Steel. Brick nods."), (55, "Steel turns to Brick."))

    def test_transitions_centered_lyrics(self):
        assert [(t.text, t.forced) for t in self.of(Transition)] == [
            ("CUT TO:", False), ("Burn to White.", True), ("FADE OUT.", True)]
        assert [c.text for c in self.of(Centered)] == ["THE END"]
        assert [x.text for x in self.of(Lyric)] == ["Willy Wonka! Willy Wonka!"]

    def test_notes_boneyard_sections_synopses_page_breaks(self):
        assert [(n.text, n.line) for n in self.of(Note)] == [('Is "knows" right?', 42), ("A note\nthat spans lines", 86)]
        assert "INT. GARAGE - NIGHT" in self.of(Boneyard)[0].text
        assert not any(isinstance(e, SceneHeading) and "GARAGE" in e.text for e in self.doc.elements)
        assert [(s.level, s.text) for s in self.of(Section)] == [(1, "ACT ONE")]
        assert [s.text for s in self.of(Synopsis)] == ["Brick and Steel meet again."]
        assert [p.line for p in self.of(PageBreak)] == [82]

    def test_a_note_inside_dialogue_leaves_the_speech_whole(self):
        brick = self.of(Dialogue)[4]
        assert [p.text for p in brick.parts] == ["to Steel, worried", "Nobody knows.", "gesturing wildly", "Nobody at all."]


class TestImport:
    """Fountain -> .play: what maps, what is reported, and that the result compiles."""

    play, report = import_fountain(SYNTAX)

    def test_compiles_without_errors_or_description_warnings(self):
        result = compiled(self.play)
        assert not [w for w in result.warnings if w.code in ("unknown-word",)]
        assert self.report.compiles and self.report.scenes == 3 and self.report.lines == 11

    def test_title_and_other_title_page_fields(self):
        assert "Title: BRICK & STEEL FULL RETIRED\n" in self.play
        assert "Author: Stu Maschwitz\n" in self.play
        assert "# Draft date: 1/27/2012\n" in self.play

    def test_cast_guessed_and_marked_todo(self):
        cast = {c.name: c for c in self.report.cast}
        assert set(cast) == {"STEEL", "BRICK", "MCCLANE", "MEI", "MRS-O'HARA"}
        assert all(c.guessed for c in cast.values())
        assert cast["MEI"].description == "young woman, red coat, black ponytail"  # from her introduction
        assert cast["BRICK"].description == "old, grey suit"  # (60s), in a grey suit
        assert cast["STEEL"].description == "man"  # from "He grins."
        assert "# TODO: describe MEI" in self.play
        assert re.search(r"^MEI: young woman, red coat, black ponytail$", self.play, re.M)

    def test_dialogue_with_parentheticals_extensions_and_dual(self):
        for line in ("STEEL (O.S., angry): Does a bear crap in the woods?", "(beat)\nSTEEL: Wait. What did you say?",
                     "STEEL (quietly): Nothing, partner.", "BRICK (to STEEL, worried): Nobody knows.",
                     "& STEEL: Nobody!", "MEI (V.O.): Remember this?", "MRS-O'HARA: I'm back. *Really* back."):
            assert line in self.play
        assert "# (gesturing wildly)\nBRICK: Nobody at all." in self.play

    def test_actions_cameras_beats_transitions_notes(self):
        for statement in ("[CLOSE ON BRICK]", "BRICK walks to STEEL.\nBRICK nods.\nSTEEL turns to BRICK.",
                          "STEEL sits.\n# They laugh.", "(beat 2s)", "NOTE: Is \"knows\" right?", "NOTE: A note",
                          "FADE OUT."):
            assert statement in self.play
        # CUT TO: waits for the next shot: it goes under the next heading, FADE IN: under the first
        assert re.search(r"^EXT\. SNOW GLOBE\n+CUT TO:$", self.play, re.M)
        assert re.search(r"^EXT\. BRICK'S PATIO - DAY #scene-1\n+FADE IN:$", self.play, re.M)
        assert "INT. HOUSE, KITCHEN - NIGHT #scene-2" in self.play

    def test_report_lists_what_did_not_map_with_lines(self):
        found = {(i.line, i.kind) for i in self.report.items}
        assert {(18, "action"), (20, "action"), (32, "action"), (43, "parenthetical"), (57, "action"),
                (59, "boneyard"), (68, "heading"), (70, "action"), (78, "lyric"), (80, "centered"),
                (94, "transition")} == found
        text = self.report.render()
        assert "line 94: transition: 'Burn to White.'" in text and "cast descriptions guessed" in text

    def test_chinese_fountain(self):
        play, report = import_fountain(CHINESE)
        assert "外景 古桥 - 黎明" in play and "美 走向 俊。" in play
        assert "美 (担心): 桥断了，我们回不去了。" in play  # Chinese lines join without a space
        assert report.lines == 2 and report.actions == 1
        assert compiled(play).episode.language == "zh"

    def test_lines_before_any_heading_get_a_placeholder_scene(self):
        play, report = import_fountain("MEI\nHello.\n")
        assert "INT. UNKNOWN PLACE # TODO: a scene heading" in play
        assert lines_of(compiled(play).episode)[0][:2] == ("MEI", "Hello.")
        assert any(i.kind == "heading" for i in report.items)

    def test_what_sdc_rejects_becomes_a_reported_comment(self):
        play, report = import_fountain("INT. ROOM - DAY\n\nCLOSE ON THE DOOR\n\nMEI\nHi.\n")
        assert "# [CLOSE ON THE DOOR]" in play
        assert any(i.kind == "not accepted" and i.line == 3 for i in report.items)
        compiled(play)

    def test_names_become_play_names(self):
        assert play_name("MRS. O'HARA") == "MRS-O'HARA"
        assert play_name("José") == "JOSE"
        assert play_name("2ND COP") == "CHARACTER-2ND-COP"
        assert play_name("美") == "美"

    def test_deterministic(self):
        assert import_fountain(SYNTAX) == (self.play, self.report)


class TestExport:
    """A compiled episode -> a standard Fountain screenplay."""

    def test_bridge_reads_as_a_screenplay(self):
        text = export_fountain(api.compile_file(EXAMPLES[[p.stem for p in EXAMPLES].index("the-bridge")]).episode)
        assert text.startswith("Title: The Bridge\nCredit: Written by\nAuthor: sdc examples\n")
        assert "\n\nEXT. OLD BRIDGE - DAWN\n\nWIDE SHOT\n\nMEI walks to JUN.\n\nMEI\n(worried)\nThe bridge is out." in text
        assert "\n\nA beat.\n\n" in text and "\n\nTWO-SHOT MEI AND JUN\n\n" in text
        doc = parse_fountain(text)
        assert [d.character for d in doc.elements if isinstance(d, Dialogue)] == ["MEI", "JUN", "MEI", "JUN", "MEI"]

    def test_same_speaker_twice_gets_contd_and_beats_stay_inside(self):
        play = ("CAST\nMEI: woman\n\nINT. ROOM - DAY\nMEI: One.\nMEI (sad): Two.\n(beat)\nMEI: Three.\n"
                "MEI (V.O.): Four.\n& MEI: Five.\nMEI: Use *stars* and_underscores_.\n")
        text = export_fountain(api.compile_text(play).episode)
        assert "MEI\nOne.\n\nMEI (CONT'D)\n(sad)\nTwo.\n(beat)\nThree.\n\nMEI (V.O.) (CONT'D)\nFour.\n\nMEI (CONT'D) ^\nFive." in text
        assert "Use \\*stars\\* and\\_underscores\\_." in text
        assert lines_of(compiled(import_fountain(text)[0]).episode) == lines_of(api.compile_text(play).episode)

    def test_transitions_and_chinese_headings(self):
        play = "CAST\n美：女子\n\n外景 古桥 - 黎明\nFADE IN:\n美：你好。\nDISSOLVE TO 2s:\n美：再见。\nFADE OUT.\n"
        text = export_fountain(api.compile_text(play).episode)
        assert "FADE IN:\n\n.外景 古桥 - 黎明" in text and "> DISSOLVE TO 2s:" in text and "> FADE OUT." in text
        again = compiled(import_fountain(text)[0]).episode
        assert [s.transition.kind for s in again.shots] == ["fade_in", "dissolve"] and again.shots[-1].fade_out == 1.0


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_play_to_fountain_to_play_keeps_every_line_shot_and_character(script):
    """.play -> Fountain -> .play: the same lines, shots, events and cast (only positions move)."""
    before = api.compile_file(script).episode
    play, report = import_fountain(export_fountain(before))
    after = compiled(play).episode
    assert lines_of(after) == lines_of(before)
    strip = lambda e: e.model_dump(exclude={"source"})
    assert [[strip(e) for e in s.events] for s in after.shots] == [[strip(e) for e in s.events] for s in before.shots]
    assert [s.id for s in after.shots] == [s.id for s in before.shots]
    assert [strip(c) for c in after.characters] == [strip(c) for c in before.characters]
    assert not any(c.guessed for c in report.cast)
    assert fmt.is_formatted(play)


@pytest.mark.parametrize("source", [SYNTAX, CHINESE], ids=["syntax-page", "chinese"])
def test_fountain_to_play_to_fountain_keeps_every_line(source):
    """Fountain -> .play -> Fountain -> .play: every dialogue line, in order, with its delivery."""
    first = compiled(import_fountain(source)[0]).episode
    again = compiled(import_fountain(export_fountain(first))[0]).episode
    assert lines_of(again) == lines_of(first)
    spoken = [" ".join(p.text for p in d.parts if isinstance(p, Speech) and p.text).replace(" ", "")
              for d in parse_fountain(source).elements if isinstance(d, Dialogue)]
    assert "".join(spoken) == "".join(text.replace(" ", "") for _, text, *_ in lines_of(again))


class TestCli:
    """sdc import / sdc export --fountain."""

    def test_import_writes_and_refuses_to_overwrite(self, tmp_path):
        src = tmp_path / "pilot.fountain"
        src.write_text(SYNTAX, encoding="utf-8")
        result = runner.invoke(app, ["import", str(src)])
        assert result.exit_code == 0, result.output
        assert "11 dialogue line(s)" in result.output and "line 94: transition" in result.output
        target = tmp_path / "pilot.play"
        assert runner.invoke(app, ["check", str(target)]).exit_code == 0
        again = runner.invoke(app, ["import", str(src)])
        assert again.exit_code == 1 and "already exists" in again.output
        assert runner.invoke(app, ["import", str(src), "-o", str(target), "--force"]).exit_code == 0

    def test_import_errors_are_messages(self, tmp_path):
        assert "no such Fountain file" in runner.invoke(app, ["import", str(tmp_path / "x.fountain")]).output
        bad = tmp_path / "bad.fountain"
        bad.write_bytes(b"\xff\xfe\x00bad")
        result = runner.invoke(app, ["import", str(bad)])
        assert result.exit_code == 1 and "not UTF-8" in result.output

    def test_export_fountain(self, tmp_path):
        out = tmp_path / "bridge.fountain"
        bridge = next(p for p in EXAMPLES if p.stem == "the-bridge")
        result = runner.invoke(app, ["export", str(bridge), "--fountain", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_text(encoding="utf-8") == export_fountain(api.compile_file(bridge).episode)
        assert runner.invoke(app, ["export", str(bridge)]).exit_code == 2  # nothing asked for
