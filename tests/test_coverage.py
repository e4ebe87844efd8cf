"""Automatic coverage: establishing wide, shot-reverse-shot, reactions, the 180-degree line."""

from __future__ import annotations

import pytest

from screenplay_compiler import ir
from screenplay_compiler.api import compile_text
from screenplay_compiler.camera import project, side_of
from screenplay_compiler.fmt import format_text
from screenplay_compiler.tracks import LINE_GAP, LINE_LEAD, SHOT_TAIL, TrackSettings, build_tracks

from .conftest import tone

CAST = "Title: T\nCAST\nMEI: young woman, black ponytail, red coat\nJUN: tall man, short brown hair, blue jacket\n"
HEADING = "EXT. OLD BRIDGE - DAWN\n"
# A two-hander with no camera directions at all.
TALK = """MEI walks to JUN.
MEI (worried): The bridge is out. The river took the middle span last night.
JUN: Then we wait for the tide. It will be low by noon, I think.
MEI: We could swim across if the water were a little warmer.
JUN: Nobody swims in that river in winter, not even the fishermen.
MEI (very angry): We don't have until noon!
JUN nods.
(beat 1s)
JUN: I know. I am sorry, I really am sorry.
"""
SETTINGS = TrackSettings(fps=12, width=320, height=180)


def episode(body: str = TALK, head: str = "", heading: str = HEADING) -> ir.Episode:
    return compile_text(CAST.replace("CAST\n", head + "CAST\n") + "\n" + heading + body, "t.play").episode


def warnings(body: str) -> set[str]:
    return {d.code for d in compile_text(CAST + "\n" + HEADING + body, "t.play").warnings}


def tracks_of(ep: ir.Episode):
    audio = {e.id: tone(len(e.text) / 14.0) for s in ep.shots for e in s.events if isinstance(e, ir.Line)}
    return build_tracks(ep, audio, SETTINGS)


def cameras(ep: ir.Episode) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(s.camera.role, s.camera.size, s.camera.subjects) for s in ep.shots]


class TestPlan:
    def test_two_hander_gets_establishing_then_alternating_singles(self):
        ep = episode()
        roles = cameras(ep)
        assert roles[0] == ("establishing", "wide", ())
        assert all(not s.camera.explicit for s in ep.shots) and len(ep.shots) >= 5
        singles = [subjects[0] for role, size, subjects in roles[1:] if role in ("single", "over_shoulder")]
        assert singles[:4] == ["MEI", "JUN", "MEI", "JUN"]  # shot, reverse shot
        assert roles[1] == ("over_shoulder", "over_shoulder", ("MEI", "JUN"))  # over the listener's shoulder
        assert roles[2] == ("over_shoulder", "over_shoulder", ("JUN", "MEI"))
        assert ("single", "close", ("MEI",)) in roles  # the strong line, tighter

    def test_reaction_shot_on_the_listener_after_a_strong_line(self):
        ep = episode()
        strong = next(i for i, s in enumerate(ep.shots) if any(getattr(e, "intensity", 1.0) > 1.3 for e in s.events))
        after = ep.shots[strong + 1]
        assert (after.camera.role, after.camera.subjects) == ("reaction", ("JUN",))
        assert isinstance(after.events[0], ir.Action) and after.events[0].verb == "nod"

    def test_walk_returns_to_the_wide(self):
        ep = episode(TALK + "MEI walks to the railing.\nMEI: Look at the water down there, how fast it runs.\n")
        walk = next(s for s in ep.shots if any(getattr(e, "target", None) == "mark:railing" for e in s.events))
        assert walk.camera.size == "wide" and walk.camera.role == "regroup"

    def test_three_talkers_get_the_wide(self):
        cast = "KAI: young man, green hoodie\n"
        body = ("MEI: We should go back now before it gets dark.\nJUN: We cannot go back, the road is flooded too.\n"
                "KAI: Then we stay here on the bridge until morning.\nMEI: Nobody is staying on this bridge tonight.\n")
        ep = compile_text(CAST + cast + "\n" + HEADING + body, "t.play").episode
        assert ep.shots[-1].camera.size == "wide" and ep.shots[-1].camera.role == "regroup"

    def test_no_auto_shot_is_shorter_than_a_second_and_a_half_of_speech(self):
        ep = episode("MEI: Hi.\nJUN: Hi.\nMEI: Well.\nJUN: Yes.\nMEI: So.\nJUN: No.\n")
        assert len(ep.shots) == 1  # six tiny lines: one shot, not six cuts

    def test_overlapping_line_stays_in_the_shot_of_the_line_it_interrupts(self):
        ep = episode("MEI: We could swim across if the water were a little warmer.\n"
                     "JUN: Nobody swims in that river in winter, not even the fishermen.\n"
                     "& MEI (overlapping): I would, I would swim it tonight if I had to.\n")
        last = ep.shots[-1]
        assert [e.speaker for e in last.events] == ["JUN", "MEI"]

    def test_single_character_scene_frames_them(self):
        ep = compile_text(CAST + "\n" + HEADING + "MEI: Nobody came. Not one of them came to the bridge.\n"
                          "MEI: I will wait one more hour and then I will go home alone.\n", "t.play").episode
        assert [(s.camera.size, s.camera.subjects) for s in ep.shots] == [("full", ("MEI",)), ("medium", ("MEI",))]


class TestWriterWins:
    def test_explicit_directions_win(self):
        ep = episode("MEI: We could swim across if the water were a little warmer.\n"
                     "JUN: Nobody swims in that river in winter, not even the fishermen.\n"
                     "[CLOSE ON JUN]\nJUN: I said no.\nMEI: And I said yes, and I meant it.\n")
        assert ep.shots[-1].camera.explicit and ep.shots[-1].camera.size == "close"
        assert [e.speaker for e in ep.shots[-1].events] == ["JUN", "MEI"]  # no automatic cut inside it
        assert all(not s.camera.explicit for s in ep.shots[:-1]) and len(ep.shots) >= 2

    @pytest.mark.parametrize("line", ["coverage: static", "镜头：固定", "coverage: none"])
    def test_static_and_none_give_one_shot(self, line):
        ep = episode(line + "\n" + TALK)
        assert len(ep.shots) == 1 and ep.shots[0].camera.size == "wide"
        assert ep.scenes[0].coverage == {"coverage: none": "none"}.get(line, "static")

    def test_title_block_sets_the_default_and_a_scene_overrides_it(self):
        ep = episode(TALK, head="Coverage: static\n")
        assert ep.coverage == "static" and len(ep.shots) == 1
        ep = episode("coverage: dialogue\n" + TALK, head="Coverage: static\n")
        assert ep.scenes[0].coverage == "dialogue" and len(ep.shots) > 1

    def test_none_carries_the_camera_over_a_transition(self):
        ep = episode("coverage: none\n[CLOSE ON MEI]\nMEI: Hello there.\nCUT TO:\nJUN: Hello.\n")
        assert ep.shots[1].camera.size == "close" and not ep.shots[1].camera.explicit

    def test_unknown_value_warns_with_a_suggestion(self):
        diags = compile_text(CAST + "\n" + HEADING + "coverage: statc\nMEI: Hi.\n", "t.play").warnings
        found = [d for d in diags if d.code == "unknown-coverage"]
        assert found and "static" in found[0].hint

    def test_fmt_keeps_the_coverage_line(self):
        text = CAST + "\n" + HEADING + "coverage:   static\nMEI: Hi.\n"
        assert "coverage: static\n" in format_text(text)

    def test_written_crossing_still_warns_after_auto_shots(self):
        body = "MEI: We could swim across if the water were a little warmer.\n[CLOSE ON MEI, FROM BEHIND]\nMEI: Or not.\n"
        assert "crossing-the-line" in warnings(body)
        assert "crossing-the-line" not in warnings(body.replace(", FROM BEHIND", ""))


class TestIds:
    def test_ids_stable_when_an_unrelated_line_changes(self):
        a = episode(TALK)
        b = episode(TALK.replace("I know. I am sorry, I really am sorry.", "I know. I am sorry, truly sorry."))
        assert [s.id for s in a.shots][:-1] == [s.id for s in b.shots][:-1]
        assert a.shots[0].id == "old-bridge-dawn.auto"  # the establishing shot keeps today's id

    def test_ids_are_unique_and_name_the_first_event(self):
        ep = episode()
        ids = [s.id for s in ep.shots]
        assert len(set(ids)) == len(ids)
        for shot in ep.shots[1:]:
            assert shot.events[0].id.split(".")[-1] in shot.id


class TestLine:
    def test_every_auto_camera_stays_on_the_wide_shots_side(self):
        ep = episode()
        tracks = tracks_of(ep)
        scene = tracks.scenes[0]
        actors = {a.name: a for a in scene.actors}
        from screenplay_compiler.camera import Body
        from screenplay_compiler.tracks import sample_keys

        def body(name, t):
            x, z, yaw = sample_keys(actors[name].keys, t)
            return Body(x, z, yaw, 1.7, 1.6, 0.1)

        both = 0
        for shot in tracks.shots:
            for key in shot.camera:
                mei, jun = body("MEI", key.t), body("JUN", key.t)
                left, right = sorted((mei, jun), key=lambda b: b.x)  # screen-left in the wide
                assert side_of(left, right, key.eye) > 0, (shot.id, key)
                cam = type("C", (), {"eye": key.eye, "target": key.target, "fov_deg": key.fov})
                pl, pr = (project(cam, (b.x, 1.5, b.z), 16 / 9) for b in (left, right))
                if pl[2] > 0 and pr[2] > 0:  # both in front of the lens: left stays left
                    assert pl[0] < pr[0], shot.id
                    both += 1
        assert both > 5

    def test_singles_give_lead_room_towards_the_other(self):
        ep = episode()
        tracks = tracks_of(ep)
        from screenplay_compiler.tracks import sample_keys

        actors = {a.name: a for a in tracks.scenes[0].actors}
        for shot_ir, shot in zip(ep.shots, tracks.shots):
            if shot_ir.camera.role != "single":
                continue
            key = shot.camera[-1]
            name = shot_ir.camera.subjects[0]
            other = "JUN" if name == "MEI" else "MEI"
            cam = type("C", (), {"eye": key.eye, "target": key.target, "fov_deg": key.fov})
            x, z, _ = sample_keys(actors[name].keys, key.t)
            ox, oz, _ = sample_keys(actors[other].keys, key.t)
            me = project(cam, (x, 1.5, z), 16 / 9)[0]
            assert 0.15 < abs(me) < 0.5  # on a vertical third, not the centre
            assert (me < 0) == (ox > x)  # the space in front of the face looks towards the other

    def test_cuts_inside_a_conversation_add_no_hold(self):
        ep = episode()
        tracks = tracks_of(ep)
        gaps = [b.start - a.end for a, b in zip(tracks.cues, tracks.cues[1:])]
        assert max(gaps[:4]) < LINE_GAP + LINE_LEAD + 1 / 12 + 0.01 < LINE_GAP + LINE_LEAD + SHOT_TAIL  # no hold at a cut
        assert len(tracks.shots) == len(ep.shots)
