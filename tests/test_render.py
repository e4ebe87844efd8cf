"""The 3D renderer: real pixels from FrameStates at a small size."""

from __future__ import annotations

import typing

import numpy as np
import pytest

from screenplay_compiler import appearance as appearance_words

from screenplay_compiler.frame import ActorState, CameraState, FrameState, Pose, SetState
from screenplay_compiler.ir import Appearance, Garment
from screenplay_compiler.render import Renderer

W, H = 320, 180
SETS = ("bridge", "street", "park", "room")
TIMES = ("dawn", "day", "dusk", "night")


def appearance(**changes) -> Appearance:
    """A sample look with strongly coloured clothes, optionally changed."""
    fields = dict(
        gender="female", age="adult", height_m=1.7, build="average", skin="#e0ac80", hair_style="bob",
        hair_color="#3a2416", eye_color="#2a6ab0", top=Garment(kind="sweater", color="#d02020"),
        bottom=Garment(kind="jeans", color="#2040d0"), shoes="#202020",
        accessories=(Garment(kind="glasses", color="#111111"),),
    )
    fields.update(changes)
    return Appearance(**fields)


OTHER = appearance(gender="male", build="heavy", skin="#6b4430", hair_style="short", hair_color="#101010",
                   top=Garment(kind="coat", color="#20a040"), bottom=Garment(kind="trousers", color="#d0c020"),
                   accessories=(Garment(kind="hat", color="#604020"), Garment(kind="scarf", color="#ffffff")))

MEDIUM = CameraState(eye=(0.0, 1.3, 3.6), target=(0.0, 1.0, 0.0), fov_deg=40.0)
CLOSE = CameraState(eye=(0.0, 1.58, 0.75), target=(0.0, 1.56, 0.0), fov_deg=30.0)
BEHIND = CameraState(eye=(0.5, 1.7, -0.9), target=(0.0, 1.5, 0.0), fov_deg=40.0)
CHEST = CameraState(eye=(0.0, 1.35, 0.8), target=(0.0, 1.3, 0.0), fov_deg=30.0)
WRIST = CameraState(eye=(0.6, 0.85, 0.6), target=(0.17, 0.8, 0.0), fov_deg=30.0)


def frame(look: Appearance | None = None, pose: Pose = Pose(), *, set_name: str = "park", time: str = "day",
          camera: CameraState = MEDIUM) -> FrameState:
    """One character (or none) at the centre mark, facing the camera."""
    actors = () if look is None else (ActorState("Ann", look, 0.0, 0.0, 0.0, pose),)
    return FrameState(SetState(set_name, time), camera, actors)


@pytest.fixture(scope="module")
def renderer():
    with Renderer(W, H) as r:
        yield r


def changed(a: np.ndarray, b: np.ndarray, threshold: int = 12) -> np.ndarray:
    """Mask of pixels that differ noticeably between two frames."""
    return np.abs(a.astype(int) - b.astype(int)).max(axis=2) > threshold


class TestOutput:
    def test_shape_and_type(self, renderer):
        img = renderer.render(frame(appearance()))
        assert img.shape == (H, W, 3) and img.dtype == np.uint8

    def test_not_blank_nor_uniform(self, renderer):
        img = renderer.render(frame(appearance()))
        assert img.std() > 20
        assert len(np.unique(img.reshape(-1, 3), axis=0)) > 500

    def test_same_frame_same_bytes(self, renderer):
        f = frame(appearance(), Pose(walk=0.7, walk_phase=1.3, mouth_open=0.4, blink=0.2, breath=2.0))
        assert renderer.render(f).tobytes() == renderer.render(f).tobytes()

    def test_fresh_renderer_same_bytes(self, renderer):
        f = frame(OTHER, Pose(wave=1.0, wave_phase=0.3), set_name="street", time="dusk")
        with Renderer(W, H) as other:
            assert other.render(f).tobytes() == renderer.render(f).tobytes()

    @pytest.mark.parametrize("aa", ["fxaa", "msaa", "none"])
    def test_rgba_is_rgb_plus_opaque_alpha(self, aa):
        f = frame(appearance(), Pose(wave=0.6), set_name="bridge", time="dusk")
        with Renderer(W, H, aa=aa) as r:
            rgb, rgba = r.render(f), r.render_rgba(f)
        assert rgba.shape == (H, W, 4) and rgba.dtype == np.uint8
        assert rgba[..., :3].tobytes() == rgb.tobytes()
        assert (rgba[..., 3] == 255).all()

    def test_top_row_is_sky(self, renderer):
        img = renderer.render(frame(None, set_name="bridge", time="day"))
        top, bottom = img[:10, 100:220].mean(axis=(0, 1)), img[-10:, 100:220].mean(axis=(0, 1))
        assert top[2] > top[1] and top[2] > bottom[2]  # blue sky above, lawn and path below


class TestCharacter:
    def test_character_is_drawn_standing_on_the_ground(self, renderer):
        mask = changed(renderer.render(frame(appearance())), renderer.render(frame(None)))
        rows = np.where(mask.any(axis=1))[0]
        assert mask.sum() > 1500
        assert rows.min() < H * 0.3 and rows.max() > H * 0.7

    def test_different_looks_differ_where_they_stand(self, renderer):
        empty = renderer.render(frame(None))
        a, b = renderer.render(frame(appearance())), renderer.render(frame(OTHER))
        region = changed(a, empty) | changed(b, empty)
        assert changed(a, b)[region].mean() > 0.5

    def test_clothing_and_skin_colours_appear(self, renderer):
        img = renderer.render(frame(appearance())).astype(int)
        mask = changed(img, renderer.render(frame(None)))
        r, g, b = img[..., 0], img[..., 1], img[..., 2]
        red = mask & (r > g + 60) & (r > b + 60)
        blue = mask & (b > r + 40) & (b > g + 20)
        skin = mask & (r > g + 15) & (g > b + 10) & (r > 120)
        assert red.sum() > 150 and blue.sum() > 100 and skin.sum() > 20
        assert np.where(red)[0].mean() < np.where(blue)[0].mean()  # sweater above jeans

    def test_mouth_opens_visibly_in_close_up(self, renderer):
        closed = renderer.render(frame(appearance(), Pose(mouth_open=0.0), camera=CLOSE))
        open_ = renderer.render(frame(appearance(), Pose(mouth_open=1.0), camera=CLOSE))
        diff = changed(closed, open_, 30)
        assert diff.sum() > 300
        rows, cols = np.where(diff)
        assert rows.mean() > H * 0.5  # below the eyes
        assert abs(cols.mean() - W / 2) < W * 0.1
        assert open_[diff].mean() < closed[diff].mean()  # a dark mouth interior

    def test_blink_closes_the_eyes(self, renderer):
        open_ = renderer.render(frame(appearance(), Pose(blink=0.0), camera=CLOSE))
        shut = renderer.render(frame(appearance(), Pose(blink=1.0), camera=CLOSE))
        diff = changed(open_, shut, 30)
        assert diff.sum() > 100
        assert np.where(diff)[0].mean() < np.where(changed(open_, renderer.render(
            frame(appearance(), Pose(mouth_open=1.0), camera=CLOSE)), 30))[0].mean()  # eyes above mouth

    @pytest.mark.parametrize("pose", [Pose(walk=1.0, walk_phase=1.5), Pose(wave=1.0), Pose(head_yaw=0.6),
                                      Pose(head_pitch=0.4), Pose(breath=1.5)])
    def test_poses_move_the_body(self, renderer, pose):
        assert changed(renderer.render(frame(appearance())), renderer.render(frame(appearance(), pose))).sum() > 20

    def test_sitting_lowers_the_head(self, renderer):
        empty = renderer.render(frame(None))
        stand = changed(renderer.render(frame(appearance())), empty)
        sit = changed(renderer.render(frame(appearance(), Pose(sit=1.0))), empty)
        assert np.where(sit.any(axis=1))[0].min() > np.where(stand.any(axis=1))[0].min() + 15

    @pytest.mark.parametrize("field,camera", [("sit", MEDIUM), ("wave", MEDIUM), ("walk", MEDIUM),
                                              ("mouth_open", CLOSE), ("blink", CLOSE)])
    def test_blends_are_continuous(self, renderer, field, camera):
        def at(value):
            return renderer.render(frame(appearance(), Pose(walk_phase=1.0, **{field: value}), camera=camera))
        base = at(0.5)
        nudge, step = changed(base, at(0.502)).sum(), changed(base, at(0.7)).sum()
        assert step > 0 and nudge < 0.2 * step

    @pytest.mark.parametrize("style", typing.get_args(Appearance.model_fields["hair_style"].annotation))
    def test_every_hair_style_renders(self, renderer, style):
        look = appearance(hair_style=style, accessories=(Garment(kind="unicorn horn", color="#ffffff"),))
        img = renderer.render(frame(look, camera=CLOSE))
        assert img.std() > 15
        if style != "bald":  # hair is drawn: the head differs from a bald one
            bald = renderer.render(frame(appearance(hair_style="bald", accessories=()), camera=CLOSE))
            assert changed(img, bald).sum() > 300

    @pytest.mark.parametrize("kind", sorted(set(appearance_words.TOPS.values()) | set(appearance_words.BOTTOMS.values())))
    def test_every_garment_changes_the_figure(self, renderer, kind):
        slot = "top" if kind in appearance_words.TOPS.values() else "bottom"
        plain = appearance(accessories=(), **{slot: Garment(kind="shirt" if slot == "top" else "trousers", color="#808080")})
        dressed = appearance(accessories=(), **{slot: Garment(kind=kind, color="#808080")})
        if kind in ("shirt", "trousers"):
            pytest.skip("the reference garment")
        assert changed(renderer.render(frame(dressed)), renderer.render(frame(plain))).sum() > 10  # jeans: just cuffs

    @pytest.mark.parametrize("kind", sorted(set(appearance_words.ACCESSORIES.values())))
    def test_every_accessory_is_drawn(self, renderer, kind):
        look = dict(hair_style="short", top=Garment(kind="tshirt", color="#d02020"))  # nothing to hide it under
        bare, worn = appearance(accessories=(), **look), appearance(accessories=(Garment(kind=kind, color="#20c0c0"),), **look)
        seen = sum(changed(renderer.render(frame(worn, camera=c)), renderer.render(frame(bare, camera=c))).sum()
                   for c in (MEDIUM, CLOSE, BEHIND, CHEST, WRIST))
        assert seen > 20

    def test_child_is_shorter(self, renderer):
        empty = renderer.render(frame(None))
        adult = changed(renderer.render(frame(appearance())), empty)
        child = changed(renderer.render(frame(appearance(age="child", height_m=1.2))), empty)
        assert np.where(child.any(axis=1))[0].min() > np.where(adult.any(axis=1))[0].min() + 20


class TestSets:
    def test_every_set_and_time_renders_differently(self, renderer):
        images = {(s, t): renderer.render(frame(appearance(), set_name=s, time=t)) for s in SETS for t in TIMES}
        keys = list(images)
        for i, k in enumerate(keys):
            assert images[k].std() > 10, k
            for other in keys[i + 1:]:
                assert np.abs(images[k].astype(int) - images[other].astype(int)).mean() > 2.0, (k, other)

    @pytest.mark.parametrize("set_name", SETS)
    def test_night_is_darker_than_day(self, renderer, set_name):
        day = renderer.render(frame(None, set_name=set_name, time="day"))
        night = renderer.render(frame(None, set_name=set_name, time="night"))
        assert night.mean() < day.mean() * 0.75

    def test_unknown_set_still_renders(self, renderer):
        assert renderer.render(frame(appearance(), set_name="moon base")).std() > 10


class TestQuality:
    def test_draft_is_close_to_default(self, renderer):
        f = frame(appearance(), set_name="street")
        with Renderer(W, H, draft=True) as draft:
            fast = draft.render(f)
        full = renderer.render(f)
        assert fast.shape == full.shape
        assert fast.tobytes() != full.tobytes()
        assert np.abs(fast.astype(int) - full.astype(int)).mean() < 40

    def test_default_is_anti_aliased(self, renderer):
        f = frame(appearance(), set_name="street")
        with Renderer(W, H, aa="none") as aliased:
            hard = aliased.render(f)
        soft = renderer.render(f)
        assert _edge_energy(soft) < _edge_energy(hard)


def _edge_energy(img: np.ndarray) -> float:
    """Sum of squared neighbour differences: jagged edges score high."""
    g = img.astype(float).mean(axis=2)
    return float((np.diff(g, axis=0) ** 2).sum() + (np.diff(g, axis=1) ** 2).sum())
