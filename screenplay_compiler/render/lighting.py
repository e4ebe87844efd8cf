"""Time-of-day lighting: sun/moon key, fill, rim, ambient, sky colours, fog and practicals."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class PointLight:
    """A warm practical (street lamp, table lamp): position, linear colour x intensity, reach."""

    position: Vec3
    color: Vec3
    radius: float = 6.0


@dataclass(frozen=True)
class Lighting:
    """Every light and atmosphere value the shaders need, in linear light."""

    sun_dir: Vec3  # unit vector toward the key light
    sun_color: Vec3
    fill_color: Vec3
    rim_color: Vec3
    sky_ambient: Vec3
    ground_ambient: Vec3
    zenith: Vec3
    horizon: Vec3
    fog_density: float
    practical: Vec3  # glow of lit windows and bulbs (zero by day)
    stars: float = 0.0
    exposure: float = 1.0
    lights: tuple[PointLight, ...] = ()
    shadow_softness: float = 1.0  # PCF spread in shadow-map texels: overcast light has soft shadows
    ground_tint: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # rgb the ground turns toward, amount


def _unit(v: Vec3) -> Vec3:
    """``v`` normalised."""
    a = np.asarray(v, float)
    return tuple(float(x) for x in a / np.linalg.norm(a))


TIME_OF_DAY: dict[str, Lighting] = {
    "dawn": Lighting(
        sun_dir=_unit((-0.7, 0.28, 0.65)), sun_color=(1.9, 1.1, 0.65), fill_color=(0.22, 0.24, 0.38),
        rim_color=(0.9, 0.6, 0.45), sky_ambient=(0.34, 0.33, 0.45), ground_ambient=(0.2, 0.15, 0.13),
        zenith=(0.17, 0.26, 0.52), horizon=(1.0, 0.58, 0.38), fog_density=0.007, practical=(0.3, 0.2, 0.1),
    ),
    "day": Lighting(
        sun_dir=_unit((0.45, 0.75, 0.6)), sun_color=(1.75, 1.65, 1.45), fill_color=(0.22, 0.26, 0.34),
        rim_color=(0.6, 0.62, 0.65), sky_ambient=(0.3, 0.36, 0.48), ground_ambient=(0.2, 0.18, 0.15),
        zenith=(0.13, 0.32, 0.78), horizon=(0.62, 0.78, 0.96), fog_density=0.004, practical=(0.0, 0.0, 0.0),
    ),
    "dusk": Lighting(
        sun_dir=_unit((0.75, 0.2, 0.55)), sun_color=(2.0, 0.85, 0.4), fill_color=(0.2, 0.16, 0.32),
        rim_color=(1.0, 0.5, 0.3), sky_ambient=(0.3, 0.24, 0.38), ground_ambient=(0.15, 0.1, 0.1),
        zenith=(0.1, 0.1, 0.32), horizon=(1.0, 0.42, 0.22), fog_density=0.007, practical=(0.9, 0.55, 0.25),
    ),
    "night": Lighting(
        sun_dir=_unit((-0.35, 0.65, 0.55)), sun_color=(0.14, 0.19, 0.36), fill_color=(0.03, 0.04, 0.08),
        rim_color=(0.2, 0.3, 0.55), sky_ambient=(0.035, 0.045, 0.09), ground_ambient=(0.015, 0.015, 0.02),
        zenith=(0.004, 0.007, 0.025), horizon=(0.03, 0.045, 0.1), fog_density=0.012, practical=(2.2, 1.4, 0.6),
        stars=1.0, exposure=1.2,
    ),
}


@dataclass(frozen=True)
class Weather:
    """How a weather changes the light: key dimmed, sky greyed toward overcast, fog, the ground."""

    key: float  # sun/moon intensity factor
    overcast: float  # 0 clear .. 1 a flat grey sky and shadowless ambient
    fog_density: float  # at least this much fog outdoors
    softness: float  # shadow PCF spread (texels)
    ground_tint: tuple[float, float, float, float]


WEATHER: dict[str, Weather] = {
    "clear": Weather(1.0, 0.0, 0.0, 1.0, (0.0, 0.0, 0.0, 0.0)),
    "rain": Weather(0.3, 0.75, 0.03, 3.0, (0.0, 0.0, 0.0, 0.45)),  # wet ground: darker
    "snow": Weather(0.4, 0.65, 0.035, 3.0, (0.85, 0.88, 0.95, 0.7)),  # settled snow: whiter
    "fog": Weather(0.35, 0.7, 0.09, 4.0, (0.0, 0.0, 0.0, 0.0)),
}


def lighting_for(time_of_day: str, interior: bool, lights: tuple[PointLight, ...], weather: str = "clear") -> Lighting:
    """The lighting of ``time_of_day`` under ``weather``; practicals burn at dusk, at night and
    (in rain, snow or fog) by day too; interiors get a softer key."""
    base = TIME_OF_DAY.get(time_of_day, TIME_OF_DAY["day"])
    sky = WEATHER.get(weather, WEATHER["clear"])
    active = lights if time_of_day in ("dusk", "night") or sky.overcast > 0.0 else ()
    if not interior:
        return _overcast(replace(base, lights=active), sky)
    key = np.asarray(base.sun_color) * (0.6 if time_of_day != "night" else 0.7) * (0.6 + 0.4 * sky.key)
    return replace(
        base,
        sun_dir=_unit((0.45, 0.7, 0.6)),
        sun_color=tuple(float(c) for c in key),
        sky_ambient=tuple(float(c) for c in np.asarray(base.sky_ambient) * 0.6 + (0.14, 0.12, 0.09)),
        ground_ambient=tuple(float(c) for c in np.asarray(base.ground_ambient) + (0.1, 0.08, 0.05)),
        fog_density=0.0,
        lights=active,
    )



def _grey(c: Vec3, amount: float, level: float = 1.0) -> Vec3:
    """``c`` desaturated toward its own luminance by ``amount``, then scaled by ``level``."""
    a = np.asarray(c, float)
    luma = float(a @ (0.2126, 0.7152, 0.0722))
    return tuple(float(x) for x in (a + (luma - a) * amount) * level)


def _overcast(light: Lighting, sky: Weather) -> Lighting:
    """Outdoor ``light`` under ``sky``: a dimmer key, a greyer brighter-lit sky, fog and a changed ground."""
    if sky.overcast <= 0.0:
        return light
    lost = np.asarray(light.sun_color) * (1.0 - sky.key) * 0.25  # the clouds scatter part of the key
    return replace(
        light,
        sun_color=tuple(float(c) * sky.key for c in light.sun_color),
        sky_ambient=tuple(float(c) for c in np.asarray(_grey(light.sky_ambient, sky.overcast)) + lost),
        zenith=_grey(light.zenith, sky.overcast, 0.8 + 0.5 * sky.overcast),
        horizon=_grey(light.horizon, sky.overcast, 0.9),
        rim_color=_grey(light.rim_color, sky.overcast, 0.7),
        fog_density=max(light.fog_density, sky.fog_density),
        shadow_softness=sky.softness,
        ground_tint=sky.ground_tint,
    )
