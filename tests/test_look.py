"""Light and look on rendered pixels: key-light shadows, anti-aliasing, the toon style's cel bands
and ink outlines, weather (rain, snow, fog) and the determinism of all of them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from screenplay_compiler import api
from screenplay_compiler.animate import shot_frame
from screenplay_compiler.frame import ActorState, CameraState, FrameState, Pose, SetState
from screenplay_compiler.render import Renderer
from screenplay_compiler.render.camera import view_projection

from .conftest import TWO_HANDER
from .test_render import appearance, changed

W, H = 320, 180
ABOVE = CameraState(eye=(0.0, 5.0, 5.0), target=(-0.4, 0.0, -0.6), fov_deg=45.0)  # looks down on the ground
MEDIUM = CameraState(eye=(0.0, 1.3, 3.6), target=(0.0, 1.0, 0.0), fov_deg=40.0)
WIDE = CameraState(eye=(1.5, 1.8, 7.0), target=(0.0, 1.2, -4.0), fov_deg=50.0)


def scene(look=True, *, set_name="park", time="day", weather="clear", style="realistic", clock=0.0,
          camera=MEDIUM) -> FrameState:
    """One character (or none) at the centre mark, facing +z."""
    actors = (ActorState("Ann", appearance(), 0.0, 0.0, 0.0, Pose()),) if look else ()
    return FrameState(SetState(set_name, time, weather, style, clock), camera, actors)


def pixel(camera: CameraState, point) -> tuple[int, int]:
    """(row, column) where the world ``point`` lands in a W x H frame of ``camera``."""
    clip = view_projection(camera, W / H, flip_y=True) @ np.array([*point, 1.0])
    x, y = clip[:2] / clip[3]
    return int((y + 1) / 2 * H), int((x + 1) / 2 * W)


def luma(img: np.ndarray) -> np.ndarray:
    """Rec. 709 luma of an RGB image, as floats."""
    return img[..., :3].astype(float) @ (0.2126, 0.7152, 0.0722)


@pytest.fixture(scope="module")
def renderer():
    with Renderer(W, H) as r:
        yield r


class TestShadows:
    # The day sun shines from +x, +z and high: a standing figure's shadow falls toward -x, -z.
    AWAY, TOWARD = (-0.55, 0.0, -0.75), (0.55, 0.0, 0.75)

    def darkening(self, r: Renderer, point, camera: CameraState = ABOVE, **kw) -> float:
        """How much the character darkens the ground around ``point`` (luma, 5x5 pixels)."""
        row, col = pixel(camera, point)
        with_, without = (luma(r.render(scene(look, camera=camera, **kw))) for look in (True, False))
        window = np.s_[row - 2:row + 3, col - 2:col + 3]
        return float(without[window].mean() - with_[window].mean())

    def test_character_casts_a_shadow_away_from_the_sun(self, renderer):
        assert self.darkening(renderer, self.AWAY) > 25
        assert abs(self.darkening(renderer, self.TOWARD)) < 3

    def test_shadow_reaches_the_feet(self, renderer):
        assert self.darkening(renderer, (-0.2, 0.0, -0.3)) > 20  # attached: no peter-panning gap

    def test_ground_without_casters_is_not_shadowed(self, renderer):
        empty = luma(renderer.render(scene(False, camera=ABOVE)))
        row, col = pixel(ABOVE, (1.6, 0.0, 0.4))
        ground = empty[row - 6:row + 6, col - 12:col + 12]
        assert ground.std() < 2  # no acne: the open path beside the mark is evenly lit

    def test_draft_has_no_cast_shadow(self):
        with Renderer(W, H, draft=True) as draft:
            assert abs(self.darkening(draft, self.AWAY)) < 3

    def test_without_shadows_only_a_contact_blob_darkens_the_ground(self, renderer):
        """``shadows=False`` (what the shadows cost, for benches): no cast shadow, the feet still
        sit in a soft blob, and the set is shaded as with shadows less their darkening."""
        with Renderer(W, H, shadows=False) as plain:
            assert abs(self.darkening(plain, self.AWAY)) < 3
            assert self.darkening(plain, (0.0, 0.0, 0.0)) > 5
            lit, shadowed = (luma(r.render(scene(False, camera=ABOVE))) for r in (plain, renderer))
        assert np.mean(shadowed > lit + 2) < 0.002  # shadows only take light away
        assert np.mean(lit > shadowed + 2) > 0.01  # and the park's trees do shade it

    def test_indoors_the_room_light_casts_too(self, renderer):
        below_ceiling = CameraState(eye=(0.0, 2.2, 3.0), target=(-0.4, 0.0, -0.6), fov_deg=50.0)
        assert self.darkening(renderer, self.AWAY, below_ceiling, set_name="room") > 10


class TestAntiAliasing:
    def edge_error(self, aa: str) -> float:
        """Mean error along the character's silhouette against a 4x supersampled reference."""
        frame = scene()
        with Renderer(W * 4, H * 4, aa="none") as big:
            reference = big.render(frame).reshape(H, 4, W, 4, 3).astype(float).mean(axis=(1, 3))
            empty = big.render(scene(False)).reshape(H, 4, W, 4, 3).astype(float).mean(axis=(1, 3))
        with Renderer(W, H, aa=aa) as r:
            img = r.render(frame).astype(float)
        mask = np.abs(reference - empty).max(axis=2) > 12
        edge = mask & ~(np.roll(mask, 1, 0) & np.roll(mask, -1, 0) & np.roll(mask, 1, 1) & np.roll(mask, -1, 1))
        assert edge.sum() > 100
        return float(np.abs(img - reference).max(axis=2)[edge].mean())

    def test_msaa_and_fxaa_smooth_the_silhouette(self):
        none, msaa, fxaa = self.edge_error("none"), self.edge_error("msaa"), self.edge_error("fxaa")
        assert msaa < none * 0.8
        assert fxaa < none


class TestToon:
    def test_ink_outline_rings_the_character(self, renderer):
        toon, real = renderer.render(scene(style="toon")), renderer.render(scene())
        body = changed(real, renderer.render(scene(False)))
        ring = np.zeros_like(body)
        for axis, step in ((0, 1), (0, -1), (1, 1), (1, -1)):
            ring |= np.roll(body, step, axis)
        ring &= ~body
        darker = luma(real)[ring] - luma(toon)[ring] > 25
        assert darker.mean() > 0.3

    def test_fewer_shades_than_realistic(self, renderer):
        toon, real = renderer.render(scene(style="toon")), renderer.render(scene())
        body = changed(real, renderer.render(scene(False)))

        def shades(img):  # distinct colours on the character at 5 bits a channel
            return len(np.unique((img[body] >> 3).reshape(-1, 3), axis=0))

        assert shades(toon) < 0.8 * shades(real)

    def test_style_changes_the_frame_and_so_the_cache_key(self, renderer):
        assert changed(renderer.render(scene(style="toon")), renderer.render(scene())).sum() > 200


class TestWeather:
    def test_rain_falls_as_thin_bright_streaks_that_move(self, renderer):
        dry = luma(renderer.render(scene(set_name="bridge", time="night", weather="rain", clock=0.0, camera=WIDE)))
        later = luma(renderer.render(scene(set_name="bridge", time="night", weather="rain", clock=0.4, camera=WIDE)))
        moved = np.abs(dry - later) > 10
        assert moved.sum() > 300
        assert moved.mean() < 0.25  # streaks, not a change of light
        assert (later[moved] > dry[moved]).mean() > 0.3  # streaks are brighter than what is behind them

    def test_snow_falls_as_white_dots(self, renderer):
        a = renderer.render(scene(set_name="park", weather="snow", clock=0.0, camera=WIDE))
        b = renderer.render(scene(set_name="park", weather="snow", clock=1.0, camera=WIDE))
        flakes = (luma(a) - luma(b)) > 15
        assert flakes.sum() > 100
        assert (a[flakes].min(axis=1) > 170).mean() > 0.5  # white, not coloured

    def test_weather_changes_the_light(self, renderer):
        clear = luma(renderer.render(scene(set_name="street", camera=WIDE)))
        for weather in ("rain", "snow", "fog"):
            other = luma(renderer.render(scene(set_name="street", weather=weather, camera=WIDE)))
            assert np.abs(other - clear).mean() > 8, weather

    def test_fog_lowers_contrast_in_the_distance(self, renderer):
        def distance_contrast(weather):
            img = luma(renderer.render(scene(set_name="street", weather=weather, camera=WIDE)))
            return img[: H // 2].std()

        assert distance_contrast("fog") < 0.6 * distance_contrast("clear")

    def test_no_particles_indoors(self, renderer):
        a = renderer.render(scene(set_name="room", weather="rain", clock=0.0))
        b = renderer.render(scene(set_name="room", weather="rain", clock=0.5))
        assert a.tobytes() == b.tobytes()


class TestDeterminism:
    @pytest.mark.parametrize("state", [
        dict(set_name="bridge", time="night", weather="rain", style="toon", clock=1.25),
        dict(set_name="park", time="dawn", weather="snow", clock=0.5),
        dict(set_name="street", time="dusk", weather="fog"),
    ])
    def test_same_state_same_pixels_in_any_order(self, renderer, state):
        frame = scene(camera=WIDE, **state)
        first = renderer.render(frame)
        renderer.render(scene(set_name="room"))  # a different set and shadow box in between
        assert renderer.render(frame).tobytes() == first.tobytes()
        with Renderer(W, H) as fresh:
            assert fresh.render(frame).tobytes() == first.tobytes()

    def test_cached_set_shadow_equals_a_fresh_map(self, renderer):
        still = scene(set_name="park", camera=ABOVE)
        moved = replace(still, actors=(replace(still.actors[0], x=0.1),))  # same shadow box: the set depth is reused
        renderer.render(still)
        reused = renderer.render(moved)
        with Renderer(W, H) as fresh:
            assert fresh.render(moved).tobytes() == reused.tobytes()


def test_frames_carry_weather_style_and_a_clock(line_audio):
    text = "Title: Look\nStyle: toon\n\n" + TWO_HANDER.replace("- DAWN", "- NIGHT - RAIN") + "MEI: Rain.\n"
    compiled = api.compile_text(text)
    tracks = api.schedule(compiled.episode, line_audio(compiled.episode), api.BuildSettings(width=W, height=H))
    shot = tracks.shots[0]
    a, b = (shot_frame(compiled.episode, tracks, shot, shot.start + dt) for dt in (0.0, 0.5))
    assert (a.set.weather, a.set.style, a.set.time_of_day) == ("rain", "toon", "night")
    assert a.set.clock == 0.0 and b.set.clock == 0.5  # seconds into the shot: particles fall
