"""Framing on rendered pixels: every shot size, move and angle through the real camera.frame and
renderer, measured on the character's silhouette: the pixels that change when only the
character's colours change (the same body in other clothes, skin and hair casts the same
shadow, so the shadow and the set's lighting drop out of the mask)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from screenplay_compiler.camera import Body, angled, frame, moved
from screenplay_compiler.frame import ActorState, CameraState, FrameState, SetState
from screenplay_compiler.ir import Appearance, Garment
from screenplay_compiler.render import Renderer
from screenplay_compiler.render.skeleton import head_center

W, H = 192, 108
ASPECT = W / H
LOOK = Appearance(gender="female", age="adult", height_m=1.7, build="average", skin="#e0ac80", hair_style="bob",
                  hair_color="#3a2416", eye_color="#2a6ab0", top=Garment(kind="sweater", color="#d02020"),
                  bottom=Garment(kind="jeans", color="#2040d0"), shoes="#202020")
OTHER = LOOK.model_copy(update={"gender": "male", "height_m": 1.8, "top": Garment(kind="coat", color="#20a040")})


def recoloured(look: Appearance) -> Appearance:
    """``look`` with every colour swapped for a far one: the same geometry, other pixels."""
    far = lambda c: "#" + "".join(f"{255 - int(c[i:i + 2], 16):02x}" for i in (1, 3, 5))
    return look.model_copy(update={
        "skin": far(look.skin), "hair_color": far(look.hair_color), "eye_color": far(look.eye_color), "shoes": far(look.shoes),
        "top": look.top.model_copy(update={"color": far(look.top.color)}),
        "bottom": look.bottom.model_copy(update={"color": far(look.bottom.color)})})


def body(look: Appearance, x: float, z: float, yaw: float) -> Body:
    """The framing body of ``look`` standing at (x, z) facing ``yaw``."""
    head_y, head_r = head_center(look, 0.0, None)
    return Body(x, z, yaw, look.height_m, head_y, head_r)


ANN = body(LOOK, 0.0, 0.0, 0.0)  # alone at the centre mark, facing the audience
# A conversation: ANN on the left facing right, BO on the right facing left.
LEFT, RIGHT = body(LOOK, -0.75, 0.0, math.radians(90)), body(OTHER, 0.75, 0.0, math.radians(-90))


@pytest.fixture(scope="module")
def renderer():
    with Renderer(W, H) as r:
        yield r


def actor(b: Body, look: Appearance = LOOK, name: str = "Ann") -> ActorState:
    return ActorState(name, look, b.x, b.z, b.yaw)


def silhouette(renderer, cam: CameraState, *actors: ActorState, others: tuple[ActorState, ...] = ()) -> np.ndarray:
    """Mask of the pixels ``actors`` cover (``others`` stand in both frames, as they are)."""
    sets = SetState("park", "day")
    swapped = tuple(dataclasses.replace(a, appearance=recoloured(a.appearance)) for a in actors)
    first = renderer.render(FrameState(sets, cam, actors + others)).astype(int)
    second = renderer.render(FrameState(sets, cam, swapped + others)).astype(int)
    return np.abs(first - second).max(axis=2) > 24


def box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) rows and columns of a mask."""
    rows, cols = np.where(mask.any(axis=1))[0], np.where(mask.any(axis=0))[0]
    assert rows.size, "the character is not in the frame"
    return int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max())


def centre(mask: np.ndarray) -> tuple[float, float]:
    """(row, column) centroid of a mask."""
    rows, cols = np.nonzero(mask)
    return float(rows.mean()), float(cols.mean())


def single(renderer, size: str) -> np.ndarray:
    return silhouette(renderer, frame(size, [ANN], [ANN], ASPECT), actor(ANN))


class TestSizes:
    def test_wide_and_extreme_wide_show_the_whole_figure_small(self, renderer):
        wide, extreme = single(renderer, "wide"), single(renderer, "extreme_wide")
        for mask, most in ((wide, 0.75), (extreme, 0.45)):
            top, bottom, left, right = box(mask)
            assert top > 0 and bottom < H - 1 and left > 0 and right < W - 1  # whole, with the set around it
            assert (bottom - top) / H < most
        assert extreme.sum() < 0.5 * wide.sum() and wide.mean() < 0.08

    def test_full_shows_head_to_feet_with_small_margins(self, renderer):
        top, bottom, _, _ = box(single(renderer, "full"))
        assert 0 < top < 0.1 * H and 0.88 * H < bottom < H - 1

    def test_medium_cuts_at_the_waist_with_the_head_in_the_upper_third(self, renderer):
        mask = single(renderer, "medium")
        top, bottom, _, _ = box(mask)
        assert bottom == H - 1 and 0 < top < H / 3
        assert mask[-1].sum() > 0.1 * W  # the body runs out of the bottom edge

    def test_close_up_fills_the_frame_with_headroom(self, renderer):
        mask = single(renderer, "close")
        top, bottom, left, right = box(mask)
        assert bottom == H - 1 and 0.02 * H < top < 0.2 * H  # air above the head, not a lot
        assert mask.mean() > 0.2 and (right - left) > 0.25 * W

    def test_extreme_close_up_is_mostly_face(self, renderer):
        ecu, close = single(renderer, "extreme_close"), single(renderer, "close")
        assert ecu.mean() > 1.5 * close.mean() and box(ecu)[0] <= 0.05 * H

    def test_two_shot_keeps_both_in_frame(self, renderer):
        cam = frame("two_shot", [LEFT, RIGHT], [LEFT, RIGHT], ASPECT)
        a = silhouette(renderer, cam, actor(LEFT), others=(actor(RIGHT, OTHER, "Bo"),))
        b = silhouette(renderer, cam, actor(RIGHT, OTHER, "Bo"), others=(actor(LEFT),))
        for mask in (a, b):
            top, bottom, left, right = box(mask)
            assert left > 0 and right < W - 1 and top > 0
        assert centre(a)[1] < W / 2 < centre(b)[1]

    def test_over_the_shoulder_shows_the_near_shoulder_at_one_side(self, renderer):
        cam = frame("over_shoulder", [LEFT, RIGHT], [LEFT, RIGHT], ASPECT)  # over BO's shoulder onto ANN
        near = silhouette(renderer, cam, actor(RIGHT, OTHER, "Bo"), others=(actor(LEFT),))
        far = silhouette(renderer, cam, actor(LEFT), others=(actor(RIGHT, OTHER, "Bo"),))
        _, _, left, right = box(near)
        assert right == W - 1 and left > W / 3  # the foreground shoulder: a soft edge on the right
        assert near.mean() > far.mean() * 0.5 and centre(far)[1] < centre(near)[1]


def moving(renderer, kind: str, amount: float | None, size: str = "medium"):
    """Silhouettes at the start and the end of a move on ANN (and the two cameras)."""
    cam = frame(size, [ANN], [ANN], ASPECT)
    start, end = moved(cam, kind, 0.0, amount), moved(cam, kind, 1.0, amount)
    return silhouette(renderer, start, actor(ANN)), silhouette(renderer, end, actor(ANN)), start, end


class TestBlocking:
    """A single keeps a clear line to its subject: it swings round whoever stands in the way."""

    @pytest.mark.parametrize("size", ["medium", "medium_close", "close"])
    def test_a_single_is_not_of_someone_elses_back(self, renderer, size):
        subject = body(LOOK, 0.0, -0.4, 0.0)  # facing the audience, with BO right in front of her
        blocker = body(OTHER, 0.25, 0.55, math.radians(180))
        cam = frame(size, [subject], [subject, blocker], ASPECT)
        alone = silhouette(renderer, cam, actor(subject))
        seen = silhouette(renderer, cam, actor(subject), others=(actor(blocker, OTHER, "Bo"),))
        assert alone.mean() > 0.08 and (alone & ~seen).sum() < 0.1 * alone.sum()  # Bo hides almost none of her

    def test_an_over_the_shoulder_past_someone_seated_becomes_a_single(self):
        standing = body(LOOK, -0.6, 0.0, math.radians(90))
        seated_y, seated_r = head_center(OTHER, 1.0, 0.45)
        seated = Body(0.6, 0.0, math.radians(-90), OTHER.height_m, seated_y, seated_r)
        ots = frame("over_shoulder", [standing, seated], [standing, seated], ASPECT)
        assert ots == frame("medium_close", [standing], [standing, seated], ASPECT)


class TestMoves:
    def test_pan_right_brings_the_subject_in_from_the_right(self, renderer):
        first, last, *_ = moving(renderer, "pan", 20.0, "full")
        assert centre(first)[1] > centre(last)[1] + 0.1 * W

    def test_tilt_up_brings_the_subject_down_from_above(self, renderer):
        first, last, *_ = moving(renderer, "tilt", 10.0, "full")
        assert centre(first)[0] < centre(last)[0] - 0.05 * H

    def test_dolly_in_grows_and_dolly_out_shrinks(self, renderer):
        first, last, *_ = moving(renderer, "dolly_in", None, "full")
        assert last.sum() > 1.3 * first.sum()
        first, last, *_ = moving(renderer, "dolly_out", None, "full")
        assert last.sum() < 0.8 * first.sum()

    def test_zoom_grows_with_less_perspective_change_than_a_dolly(self, renderer):
        cam = frame("full", [ANN], [ANN], ASPECT)
        fx, fz = cam.target[0] - cam.eye[0], cam.target[2] - cam.eye[2]
        n = math.hypot(fx, fz)
        fx, fz = fx / n, fz / n
        far = body(OTHER, cam.target[0] + 3.0 * fx - 0.5 * fz, cam.target[2] + 3.0 * fz + 0.5 * fx, 0.0)  # behind, aside
        ratios = {}
        for kind, amount in (("zoom_in", 1.6), ("dolly_in", None)):
            heights = []
            for u in (0.0, 1.0):
                c = moved(cam, kind, u, amount)
                near = silhouette(renderer, c, actor(ANN), others=(actor(far, OTHER, "Bo"),))
                back = silhouette(renderer, c, actor(far, OTHER, "Bo"), others=(actor(ANN),))
                heights.append((near.sum(), back.sum()))
            (n0, b0), (n1, b1) = heights
            assert n1 > 1.3 * n0  # both grow the subject
            ratios[kind] = (n1 / max(b1, 1)) / (n0 / max(b0, 1))  # how much the near grows against the far
        assert abs(ratios["zoom_in"] - 1.0) < 0.08 and ratios["dolly_in"] > ratios["zoom_in"] + 0.15

    def test_truck_right_slides_the_subject_in_from_the_right(self, renderer):
        first, last, *_ = moving(renderer, "truck", 1.0, "full")
        assert centre(first)[1] > centre(last)[1] + 0.1 * W

    def test_orbit_shows_another_side(self, renderer):
        cam = frame("close", [ANN], [ANN], ASPECT)
        skin = lambda c: _colour(renderer, c, (0xe0, 0xac, 0x80), dark=255)
        start, end = moved(cam, "orbit", 0.0, 90.0), moved(cam, "orbit", 1.0, 90.0)
        turned = lambda c: math.atan2(c.eye[0] - c.target[0], c.eye[2] - c.target[2])
        assert abs(math.degrees(turned(end) - turned(start))) == pytest.approx(90.0, abs=0.5)
        assert skin(start) < 0.6 * skin(end)  # from the side: less of the face

    def test_crane_up_raises_the_eye_and_lowers_the_subject(self, renderer):
        first, last, start, end = moving(renderer, "crane_up", 0.5, "full")
        assert end.eye[1] == pytest.approx(start.eye[1] + 0.5)
        assert box(last)[0] > box(first)[0] and centre(last)[0] > centre(first)[0]


class TestAngles:
    def test_high_angle_looks_down_on_the_subject_and_low_angle_up(self, renderer):
        cam = frame("medium", [ANN], [ANN], ASPECT)
        eye, high = (silhouette(renderer, angled(cam, a), actor(ANN)) for a in ("eye", "high"))
        assert box(high)[0] > box(eye)[0]  # pressed down in the frame
        sky = {a: _sky(renderer, angled(cam, a)) for a in ("eye", "high", "low")}
        assert sky["high"] < sky["eye"] < sky["low"]  # the ground behind from above, the sky from below

    def test_high_angle_sees_the_top_of_the_head(self, renderer):
        cam = frame("close", [ANN], [ANN], ASPECT)
        hair = lambda c: _colour(renderer, c, (0x3a, 0x24, 0x16))
        assert hair(angled(cam, "high")) > 1.15 * hair(cam)

    def test_dutch_tilts_the_vertical(self, renderer):
        cam = frame("full", [ANN], [ANN], ASPECT)
        assert abs(_axis_degrees(silhouette(renderer, cam, actor(ANN)))) < 3.0
        assert abs(_axis_degrees(silhouette(renderer, angled(cam, "dutch"), actor(ANN)))) > 6.0


def _sky(renderer, cam: CameraState) -> float:
    """The fraction of an empty frame that is sky (blue over green and red)."""
    img = renderer.render(FrameState(SetState("park", "day"), cam)).astype(int)
    return float(((img[..., 2] > img[..., 0] + 25) & (img[..., 2] > img[..., 1] + 5)).mean())


def _colour(renderer, cam: CameraState, rgb: tuple[int, int, int], dark: int = 140) -> int:
    """How many pixels of the character are near ``rgb`` in hue (lit or shaded), below ``dark``."""
    img = renderer.render(FrameState(SetState("park", "day"), cam, (actor(ANN),))).astype(int)
    mask = silhouette(renderer, cam, actor(ANN))
    target = np.array(rgb) / max(rgb)
    norm = img / np.maximum(img.max(axis=2, keepdims=True), 1)
    return int((mask & (np.abs(norm - target).max(axis=2) < 0.18) & (img.max(axis=2) < dark)).sum())


def _axis_degrees(mask: np.ndarray) -> float:
    """The angle of a silhouette's long axis from the vertical (second moments)."""
    rows, cols = np.nonzero(mask)
    y, x = rows - rows.mean(), cols - cols.mean()
    angle = 0.5 * math.atan2(2 * (x * y).mean(), (y * y).mean() - (x * x).mean())
    return math.degrees(angle)
