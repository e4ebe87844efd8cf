"""Stage 3: AST -> shot IR, name resolution and semantic diagnostics."""

from __future__ import annotations

import hashlib

import pytest

from screenplay_compiler import ir
from screenplay_compiler.api import check, compile_text
from screenplay_compiler.appearance import resolve
from screenplay_compiler.diagnostics import CompileError

from .conftest import ROOT

CAST = "Title: T\nCAST\nMEI: young woman, black ponytail, red coat\nJUN: tall man, short brown hair, blue jacket, glasses\n"


def episode(body: str, heading: str = "EXT. OLD BRIDGE - DAWN") -> ir.Episode:
    return compile_text(CAST + heading + "\n" + body, "t.play").episode


def problems(body: str) -> list:
    with pytest.raises(CompileError) as info:
        compile_text(CAST + "EXT. OLD BRIDGE - DAWN\n" + body, "t.play")
    return info.value.diagnostics


class TestAppearance:
    def test_description_words_set_attributes(self):
        look = resolve("MEI", "young woman, slim, long black hair, red coat, blue jeans, glasses").appearance
        assert (look.gender, look.age, look.build, look.hair_style) == ("female", "young", "slim", "long")
        assert look.hair_color == "#1c1c1f" and look.top == ir.Garment(kind="coat", color="#b3262e")
        assert look.bottom.kind == "jeans" and look.accessories[0].kind == "glasses"

    def test_short_hair_is_not_short_stature(self):
        look = resolve("JUN", "tall man, short brown hair").appearance
        assert look.hair_style == "short" and look.height_m > 1.8

    def test_chinese_description(self):
        look = resolve("美", "年轻女子，黑色马尾，红色外套，眼镜").appearance
        assert (look.gender, look.hair_style, look.top.kind, look.top.color) == ("female", "ponytail", "coat", "#b3262e")
        assert look.accessories[0].kind == "glasses"

    def test_same_name_same_look_and_names_vary_the_rest(self):
        assert resolve("MEI", "woman") == resolve("MEI", "woman")
        looks = {resolve(n, "woman").appearance for n in ["A", "B", "C", "D", "E", "F"]}
        assert len(looks) > 1

    def test_unknown_words_are_reported(self):
        assert resolve("X", "woman, wierd boots").unknown == ("wierd",)

    def test_the_wardrobe_is_large_enough(self):
        from screenplay_compiler import appearance
        assert len(set(appearance.HAIR.values())) + 1 >= 12  # + the default "long"/"short" already counted; bald too
        assert len(set(appearance.TOPS.values()) | set(appearance.BOTTOMS.values())) >= 15
        assert len(set(appearance.ACCESSORIES.values())) >= 8

    @pytest.mark.parametrize("text,expected", [
        ("古风少女，红色汉服，束发，发簪", ("hanfu", "topknot", "hairpin")),
        ("woman in a purple qipao with a braid and sunglasses", ("qipao", "braid", "sunglasses")),
        ("girl, twintails, green tank top, long skirt, backpack", ("vest", "twintails", "bag")),
        ("男子，寸头，黑色背心，手表，络腮胡", ("vest", "buzz", "watch")),
    ])
    def test_new_styles_and_pieces_resolve(self, text, expected):
        resolved = resolve("X", text)
        look = resolved.appearance
        assert (look.top.kind, look.hair_style, look.accessories[0].kind) == expected and not resolved.unknown
        if "skirt" in text:
            assert look.bottom.kind == "long_skirt"


class TestLowering:
    def test_shots_split_at_camera_directions(self):
        ep = episode("MEI: Hi.\n[CLOSE ON JUN]\nJUN: Hello.\nJUN nods.\n[TWO-SHOT]\n(beat)\n")
        assert [s.id for s in ep.shots] == ["old-bridge-dawn.auto", "old-bridge-dawn.close-jun", "old-bridge-dawn.two-shot"]
        assert ep.shots[0].camera == ir.Camera(size="wide", explicit=False, role="establishing")
        assert ep.shots[1].camera.subjects == ("JUN",)
        assert ep.shots[2].camera.subjects == ("MEI", "JUN")  # filled from the scene cast
        line_id = "old-bridge-dawn.close-jun.jun-" + hashlib.sha256(b"Hello.").hexdigest()[:6]
        assert [e.id for e in ep.shots[1].events] == [line_id, "old-bridge-dawn.close-jun.jun-nod"]

    def test_a_heading_alone_gets_an_establishing_shot(self):
        ep = compile_text(CAST + "EXT. STREET - NIGHT\nINT. ROOM\nMEI: Hi.\n", "t").episode
        assert [(s.id, s.camera.size, s.events) for s in ep.shots][0] == ("street-night.auto", "wide", ())

    def test_scene_resolves_set_time_and_cast(self):
        ep = episode("JUN: Hi.\nMEI waves.\n", heading="INT. LITTLE CAFE - NIGHT")
        (scene,) = ep.scenes
        assert (scene.set, scene.interior, scene.time_of_day, scene.cast) == ("cafe", True, "night", ("JUN", "MEI"))

    def test_dialogue_emotions_and_aliases(self):
        ep = episode("MEI (worried): A.\nMEI (mad): B.\nMEI: C.\n")
        assert [e.emotion for e in ep.shots[0].events] == ["worried", "angry", "neutral"]

    def test_actions_and_targets(self):
        ep = episode("MEI walks to JUN.\nJUN turns to the railing.\nMEI sits down.\nMEI stands up.\nMEI waves at JUN.\n")
        got = [(e.verb, e.target) for e in ep.shots[0].events]
        assert got == [("walk_to", "JUN"), ("turn_to", "mark:railing"), ("sit", None), ("stand", None), ("wave", "JUN")]

    def test_beats(self):
        ep = episode("(beat)\n(pause 500ms)\n(beat 2.5s)\n")
        assert [e.seconds for e in ep.shots[0].events] == [1.0, 0.5, 2.5]

    def test_voice_settings_and_defaults(self):
        ep = compile_text("CAST\nMEI: woman\n  voice: pitch +4, rate 110%, volume -3db\nJUN: man\nEXT. STREET\nMEI: a\n", "t").episode
        mei, jun = ep.characters
        assert (mei.voice.pitch_semitones, mei.voice.rate, mei.voice.volume_db) == (4.0, 1.1, -3.0)
        assert jun.voice.pitch_semitones < mei.voice.pitch_semitones

    def test_ir_is_deterministic_and_canonical(self):
        body = "MEI (worried): The bridge is out.\n[CLOSE ON JUN]\nJUN nods.\n"
        a, b = ir.to_json(episode(body)), ir.to_json(episode(body))
        assert a == b and a.endswith("\n") and '"ir_version": "0.2"' in a

    def test_ir_is_frozen_and_strict(self):
        ep = episode("MEI: Hi.\n")
        with pytest.raises(Exception):
            ep.title = "other"
        with pytest.raises(Exception):
            ir.Pause(id="x", seconds=1.0, source=ir.Source(line=1, col=1), extra=1)


class TestStableIds:
    BODY = "[WIDE]\nMEI: One.\nJUN nods.\n[CLOSE ON JUN]\nJUN: Two.\n(beat)\nJUN nods.\n"

    def ids(self, ep: ir.Episode) -> list[str]:
        return [s.id for s in ep.shots] + [e.id for s in ep.shots for e in s.events]

    def test_inserting_and_deleting_unrelated_lines_keeps_ids(self):
        before = set(self.ids(episode(self.BODY)))
        inserted = episode(self.BODY.replace("MEI: One.\n", "MEI: Zero.\nMEI waves.\nMEI: One.\n"))
        assert before <= set(self.ids(inserted))
        deleted = episode(self.BODY.replace("(beat)\n", ""))
        assert set(self.ids(deleted)) == before - {"old-bridge-dawn.close-jun.beat"}

    def test_reordered_scenes_keep_their_ids(self):
        a = "INT. CAFE - NIGHT\nMEI: In.\n"
        b = "EXT. STREET - DAY\nJUN: Out.\n"
        one = compile_text(CAST + a + b, "t").episode
        two = compile_text(CAST + b + a, "t").episode
        assert sorted(self.ids(one)) == sorted(self.ids(two))

    def test_repeats_are_numbered_in_their_scope(self):
        ep = episode("[WIDE]\nJUN nods.\nJUN nods.\n[WIDE]\nJUN nods.\n")
        assert self.ids(ep) == ["old-bridge-dawn.wide", "old-bridge-dawn.wide-2", "old-bridge-dawn.wide.jun-nod",
                                "old-bridge-dawn.wide.jun-nod-2", "old-bridge-dawn.wide-2.jun-nod"]

    def test_explicit_ids(self):
        ep = compile_text(CAST + "EXT. OLD BRIDGE - DAWN #bridge\n[CLOSE ON MEI] #s3-mei-bridge\nMEI: Hi.\n[WIDE] # a comment\n", "t").episode
        assert ep.scenes[0].id == "bridge" and [s.id for s in ep.shots] == ["s3-mei-bridge", "bridge.wide"]
        with pytest.raises(CompileError) as info:
            compile_text(CAST + "EXT. STREET #x\n[WIDE] #x\n", "t")
        assert [(d.code, d.span.line, d.span.col) for d in info.value.diagnostics] == [("duplicate-id", 6, 9)]


class TestSemanticDiagnostics:
    def test_unknown_character_did_you_mean(self):
        (d,) = problems("MEE: hi\n")
        assert (d.code, d.span.line, d.span.col, d.hint) == ("unknown-character", 6, 1, "did you mean 'MEI'?")

    def test_unknown_action_and_target(self):
        found = problems("MEI wavs.\nMEI walks to the railng.\nJUN walks.\n")
        assert [(d.code, d.hint) for d in found] == [
            ("unknown-action", "did you mean 'waves'?"),
            ("unknown-target", "did you mean 'railing'?"),
            ("missing-target", found[2].hint),
        ]

    def test_acting_on_yourself(self):
        (d,) = problems("MEI walks to MEI.\n")
        assert d.code == "self-target" and d.span.col == 11

    def test_unknown_camera_subject(self):
        (d,) = problems("[CLOSE ON JUNE]\n")
        assert d.code == "unknown-character" and d.hint == "did you mean 'JUN'?"

    def test_bad_voice_values(self):
        with pytest.raises(CompileError) as info:
            compile_text("CAST\nMEI: woman\n  voice: pitch +40, speeed 2\nEXT. STREET\nMEI: a\n", "t")
        codes = [d.code for d in info.value.diagnostics]
        assert codes == ["bad-voice-value", "unknown-voice-setting"]
        assert info.value.diagnostics[1].hint == "did you mean 'speed'?"

    def test_duplicate_cast_member(self):
        with pytest.raises(CompileError) as info:
            compile_text("CAST\nMEI: girl\nMEI: hello there\n", "t")
        found = {(d.code, d.span.line) for d in info.value.diagnostics}
        assert found == {("duplicate-character", 3)}

    def test_a_cast_file_needs_no_scenes_but_a_script_needs_something(self):
        assert compile_text("CAST\nMEI: girl\n", "cast.play").episode.shots == ()
        with pytest.raises(CompileError) as info:
            compile_text("Title: Nothing yet\n", "t")
        assert [d.code for d in info.value.diagnostics] == ["no-scenes"]

    def test_unknown_description_word_points_at_the_word(self):
        c = compile_text("CAST\nMEI: young woman, wierd boots\nEXT. STREET\nMEI: Hi.\n", "t")
        (d,) = c.warnings
        assert (d.code, d.span.line, d.span.col, d.span.end_col) == ("unknown-word", 2, 19, 24)

    def test_warnings_do_not_stop_compilation(self):
        c = compile_text(CAST + "EXT. BRIDGE - TEATIME\nMEI (wored): hi\n", "t")
        assert [d.code for d in c.warnings] == ["unknown-time", "unknown-emotion"]
        assert c.warnings[1].hint == "did you mean 'worried'?"

    def test_check_reports_errors_and_warnings_together(self, tmp_path):
        path = tmp_path / "x.play"
        path.write_text(CAST + "EXT. BRIDGE - DAY\nMEE: hi\nMEI (wored): hi\nJUN wavs.\n", encoding="utf-8")
        found, _ = check(path)
        assert [d.code for d in found] == ["unknown-character", "unknown-emotion", "unknown-action"]


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.play")) + sorted((ROOT / "tests" / "golden" / "constructs").glob("*.play")),
                         ids=lambda p: p.stem)
def test_lowered_ir_passes_full_validation(path):
    """Lowering builds some models unvalidated for speed; every field must still validate."""
    from screenplay_compiler.api import compile_file
    episode = compile_file(path).episode
    assert ir.Episode.model_validate_json(ir.to_json(episode)) == episode
    assert ir.Episode.model_validate(episode.model_dump(), strict=True) == episode
