"""A procedural, rigidly skinned humanoid built from an Appearance (one vertex buffer per look)."""

from __future__ import annotations

import math

import numpy as np

from ..ir import Appearance, Garment
from .geometry import (
    MeshBuilder,
    ellipsoid,
    frustum,
    limb,
    linear_rgb,
    rot_x,
    scale,
    shade,
    sphere,
    superellipsoid,
    torus,
    translate,
)
from .skeleton import BONE_INDEX, LIP_SPLIT, MOUTH_CLOSED, MOUTH_HEIGHT, Proportions, proportions

LONG_SLEEVES = {"shirt", "coat", "jacket", "sweater", "hoodie", "blouse", "hanfu"}
LONG_TOPS = {"coat": 0.27, "dress": 0.24, "jacket": 0.1, "hanfu": 0.5, "qipao": 0.4}  # hem below the waist, x height
FLARE = {"dress": 1.45, "hanfu": 1.3, "qipao": 1.04}  # hem radius over hip radius (coats and jackets hang straight)
SKIRTS = {"skirt": 0.2, "long_skirt": 0.44}
TOPS = LONG_SLEEVES | {"tshirt", "dress", "qipao", "vest"}

_GLOSS = {"skin": 0.22, "cloth": 0.05, "hair": 0.3, "eye": 0.9, "shoe": 0.45}


def build_character(a: Appearance) -> tuple[np.ndarray, np.ndarray, Proportions]:
    """Interleaved vertices, triangle indices and proportions of a character looking like ``a``."""
    p = proportions(a)
    b = MeshBuilder(joints=p.joints, bone_index=BONE_INDEX)
    _body(b, p, a)
    _legs(b, p, a)
    _arms(b, p, a)
    _props(b, p)
    _head(b, p, a)
    _hair(b, p, a)
    for garment in a.accessories:
        _ACCESSORIES.get(garment.kind.lower().replace(" ", "_"), _ignore)(b, p, garment)
    vertices, indices = b.build()
    return vertices, indices, p


def _j(p: Proportions, name: str) -> np.ndarray:
    """A rest joint position."""
    return p.joints[name]


def _cloth(color: str, factor: float = 1.0) -> np.ndarray:
    """A garment colour in linear light, optionally shaded."""
    return shade(linear_rgb(color), factor)


def _top_kind(a: Appearance) -> str:
    """The top's kind, with unknown kinds read as a shirt."""
    kind = a.top.kind.lower()
    return kind if kind in TOPS else "shirt"


def _bottom_kind(a: Appearance) -> str:
    """The bottom's kind, with unknown kinds read as trousers."""
    kind = a.bottom.kind.lower()
    return kind if kind in {"trousers", "jeans", "shorts"} | set(SKIRTS) else "trousers"


# --- torso -----------------------------------------------------------------------------


def _body(b: MeshBuilder, p: Proportions, a: Appearance) -> None:
    """Pelvis, belly, chest, neck and the garment shapes that hang off them."""
    h, top = p.height, _top_kind(a)
    top_c, bottom_c, skin = _cloth(a.top.color), _cloth(a.bottom.color), linear_rgb(a.skin)
    bulk = 1.06 if top in {"coat", "sweater", "hoodie", "jacket"} else 1.0
    pelvis_c = top_c if top in LONG_TOPS else bottom_c
    hip_y = _j(p, "thigh_l")[1]
    b.add(superellipsoid((p.hip_half * 1.08, 0.065 * h, p.chest_depth * 0.92), 2.6).transformed(
        translate(0, hip_y + 0.03 * h, -0.004 * h)), pelvis_c, "pelvis", _GLOSS["cloth"])
    spine = _j(p, "spine")
    belly = 1.2 if a.build == "heavy" else 1.0
    b.add(ellipsoid((p.waist_half * bulk, 0.1 * h, p.chest_depth * 0.95 * bulk * belly), spine + (0, 0, 0.004 * h * belly)),
          top_c, "spine", _GLOSS["cloth"])
    chest = _j(p, "chest")
    b.add(superellipsoid((p.shoulder_half * 0.9 * bulk, 0.105 * h, p.chest_depth * bulk), 2.4, 16, 10).transformed(
        translate(*(chest + (0, 0.04 * h, -0.006 * h)))), top_c, "chest", _GLOSS["cloth"])
    if a.gender == "female" and a.age != "child":
        for sx in (1, -1):
            b.add(ellipsoid((0.03 * h, 0.026 * h, 0.02 * h), chest + (sx * 0.038 * h, 0.012 * h, p.chest_depth * 0.68)),
                  top_c, "chest", _GLOSS["cloth"])
    neck = _j(p, "neck")
    b.add(limb(neck - (0, 0.03 * h, 0), _j(p, "head") + (0, 0.02 * h, 0), 0.03 * h, 0.028 * h), skin, "neck", _GLOSS["skin"])
    _garment_details(b, p, a, top, top_c, bottom_c)


def _garment_details(b: MeshBuilder, p: Proportions, a: Appearance, top: str, top_c, bottom_c) -> None:
    """Hems, skirts, collars and hoods that make each garment kind recognisable."""
    h = p.height
    waist_y = _j(p, "spine")[1] - 0.02 * h
    if top in LONG_TOPS or _bottom_kind(a) in SKIRTS:
        length = LONG_TOPS.get(top, SKIRTS.get(_bottom_kind(a), SKIRTS["skirt"])) * h
        color = top_c if top in LONG_TOPS else bottom_c
        flare = FLARE.get(top, 1.25) if top in LONG_TOPS else 1.45
        r_top = p.hip_half * 1.12
        skirt = frustum(r_top * flare, r_top, length, 20, caps=False)
        b.add(skirt.transformed(translate(0, waist_y - length, -0.004 * h) @ scale(1, 1, 0.82)), color, "skirt", _GLOSS["cloth"])
        inner = frustum(r_top * flare * 0.98, r_top * 0.98, length, 20, caps=False).transformed(scale(-1, 1, 1))
        b.add(inner.transformed(translate(0, waist_y - length, -0.004 * h) @ scale(1, 1, 0.82)), shade(color, 0.5), "skirt")
    chest = _j(p, "chest")
    collar_y = _j(p, "neck")[1] - 0.005 * h
    if top in {"shirt", "blouse", "coat", "jacket"}:
        lapel = shade(top_c, 1.25) if top in {"shirt", "blouse"} else shade(top_c, 0.8)
        b.add(torus(0.036 * h, 0.009 * h, 18, 6).transformed(translate(0, collar_y, 0.004 * h) @ rot_x(0.25) @ scale(1.05, 1, 0.95)),
              lapel, "chest", _GLOSS["cloth"])
    if top in {"coat", "jacket"}:
        for i in range(3):
            y = chest[1] + 0.02 * h - i * 0.06 * h
            b.add(ellipsoid((0.008 * h,) * 3, (0, y, p.chest_depth * 1.06 + 0.003 * h), 8, 6), shade(top_c, 0.45), "chest" if i < 2 else "spine")
    if top == "hoodie":
        b.add(torus(0.05 * h, 0.022 * h, 18, 8).transformed(translate(0, collar_y - 0.01 * h, -0.025 * h) @ rot_x(-0.5) @ scale(1, 1, 0.9)),
              shade(top_c, 0.9), "chest", _GLOSS["cloth"])
    if top == "blouse":  # a soft bow at the collar
        bow_c = shade(top_c, 1.35)
        for sx in (1.0, -1.0):
            b.add(ellipsoid((0.018 * h, 0.011 * h, 0.007 * h), (sx * 0.016 * h, collar_y - 0.018 * h, p.chest_depth * 0.95), 10, 6),
                  bow_c, "chest", _GLOSS["cloth"])
        b.add(ellipsoid((0.007 * h,) * 3, (0, collar_y - 0.018 * h, p.chest_depth), 8, 6), shade(top_c, 0.8), "chest")
    if top == "hanfu":
        _crossed_collar(b, p, top_c)
    if top == "qipao":  # a standing mandarin collar and a diagonal opening with knot buttons
        n = _j(p, "neck")
        b.add(frustum(0.033 * h, 0.031 * h, 0.035 * h, 18, caps=False).transformed(translate(*(n + (0, -0.025 * h, 0.002 * h)))),
              shade(top_c, 0.85), "neck", _GLOSS["cloth"])
        for i in range(3):
            b.add(ellipsoid((0.006 * h,) * 3, (0.012 * h + 0.02 * h * i, collar_y - 0.03 * h - 0.018 * h * i, p.chest_depth * 1.02),
                            8, 6), shade(top_c, 0.5), "chest")
    if top == "sweater":
        b.add(torus(p.waist_half * 1.0, 0.012 * h, 20, 6).transformed(translate(0, waist_y - 0.03 * h, 0) @ scale(1, 1, 0.85)),
              shade(top_c, 0.8), "pelvis", _GLOSS["cloth"])


# --- limbs -----------------------------------------------------------------------------


def _crossed_collar(b: MeshBuilder, p: Proportions, top_c) -> None:
    """The hanfu's wrapped front: a pale left-over-right collar band and a sash at the waist."""
    h, depth = p.height, p.chest_depth
    n, chest = _j(p, "neck"), _j(p, "chest")
    band = shade(top_c, 1.6) + 0.05
    top_y, low_y = n[1] - 0.01 * h, chest[1] - 0.02 * h
    for sx, dz in ((1.0, 0.0), (-1.0, 0.004 * h)):
        b.add(limb((sx * 0.04 * h, top_y, 0.55 * depth + dz), (-sx * 0.035 * h, low_y, depth * 1.02 + dz), 0.008 * h, 0.008 * h, 6),
              band, "chest", _GLOSS["cloth"])
    waist_y = _j(p, "spine")[1] - 0.01 * h
    b.add(torus(p.waist_half * 1.08, 0.016 * h, 22, 4).transformed(translate(0, waist_y, 0.004 * h) @ scale(1, 1.4, 0.9)),
          shade(top_c, 0.45), "spine", _GLOSS["cloth"])


def _legs(b: MeshBuilder, p: Proportions, a: Appearance) -> None:
    """Thighs, shins and shoes; trousers, shorts or bare legs by the bottom garment."""
    h, kind = p.height, _bottom_kind(a)
    skin, bottom_c = linear_rgb(a.skin), _cloth(a.bottom.color)
    dress = _top_kind(a) in ("dress", "qipao")
    covered = kind in {"trousers", "jeans"} and not dress
    thigh_c = bottom_c if kind in {"trousers", "jeans", "shorts"} and not dress else skin
    shin_c = bottom_c if covered else skin
    girth = p.limb / h
    shoe = linear_rgb(a.shoes)
    for side in ("l", "r"):
        hip, knee, ankle = _j(p, f"thigh_{side}"), _j(p, f"shin_{side}"), _j(p, f"foot_{side}")
        b.add(limb(hip, knee, 0.052 * h * girth, 0.036 * h * girth, 12), thigh_c, f"thigh_{side}", _GLOSS["cloth"])
        b.add(limb(knee, ankle + (0, 0.01 * h, 0), 0.035 * h * girth, 0.025 * h * girth, 10), shin_c, f"shin_{side}",
              _GLOSS["cloth"] if covered else _GLOSS["skin"])
        if kind == "shorts" and not dress:
            b.add(limb(hip, hip + (knee - hip) * 0.55, 0.056 * h * girth, 0.046 * h * girth, 16), bottom_c, f"thigh_{side}",
                  _GLOSS["cloth"])
        if kind == "jeans" and covered:
            b.add(torus(0.027 * h * girth, 0.006 * h, 14, 4).transformed(translate(*(ankle + (0, 0.03 * h, 0)))),
                  shade(bottom_c, 0.7), f"shin_{side}")
        toe = ankle + (0, -0.018 * h, 0.045 * h)
        b.add(superellipsoid((0.03 * h, 0.026 * h, 0.072 * h), 3.0, 12, 8).transformed(translate(*toe)), shoe, f"foot_{side}",
              _GLOSS["shoe"])
        b.add(superellipsoid((0.031 * h, 0.006 * h, 0.073 * h), 4.0, 10, 4).transformed(translate(*(toe - (0, 0.02 * h, 0)))),
              shade(shoe, 0.35) + 0.02, f"foot_{side}", 0.1)


def _arms(b: MeshBuilder, p: Proportions, a: Appearance) -> None:
    """Sleeved upper arms and forearms, and mitten hands with thumbs."""
    h, top = p.height, _top_kind(a)
    skin, top_c = linear_rgb(a.skin), _cloth(a.top.color)
    girth = p.limb / h * (1.12 if top in {"coat", "jacket"} else 1.05 if top in {"sweater", "hoodie"} else 1.0)
    long = top in LONG_SLEEVES
    for side, sx in (("l", 1.0), ("r", -1.0)):
        shoulder, elbow, wrist = _j(p, f"upper_arm_{side}"), _j(p, f"forearm_{side}"), _j(p, f"hand_{side}")
        b.add(ellipsoid((0.032 * h * girth, 0.032 * h, 0.032 * h * girth), shoulder + (-sx * 0.008 * h, -0.004 * h, 0)),
              top_c, f"upper_arm_{side}", _GLOSS["cloth"])
        b.add(limb(shoulder, elbow, 0.031 * h * girth, 0.026 * h * girth), top_c if long else skin, f"upper_arm_{side}",
              _GLOSS["cloth"] if long else _GLOSS["skin"])
        if top == "hanfu":  # wide sleeves that hang open below the forearm
            bell = frustum(0.07 * h, 0.03 * h, 0.13 * h, 16, caps=False).transformed(translate(*(wrist + (0, 0.005 * h, 0))))
            b.add(bell, top_c, f"forearm_{side}", _GLOSS["cloth"])
            b.add(bell.transformed(translate(*wrist) @ scale(-0.96, 0.98, 0.96) @ translate(*(-wrist))), shade(top_c, 0.45),
                  f"forearm_{side}")
        if not long and top != "vest":
            sleeve = shoulder + (elbow - shoulder) * 0.5
            b.add(limb(shoulder, sleeve, 0.036 * h * girth, 0.034 * h * girth), top_c, f"upper_arm_{side}", _GLOSS["cloth"])
        b.add(limb(elbow, wrist, 0.025 * h * girth, 0.02 * h * girth), top_c if long else skin, f"forearm_{side}",
              _GLOSS["cloth"] if long else _GLOSS["skin"])
        if long:
            b.add(torus(0.021 * h * girth, 0.005 * h, 14, 4).transformed(translate(*(wrist + (0, 0.012 * h, 0)))),
                  shade(top_c, 0.75), f"forearm_{side}")
        b.add(superellipsoid((0.017 * h, 0.042 * h, 0.028 * h), 2.6, 10, 8).transformed(translate(*(wrist - (0, 0.04 * h, 0)))),
              skin, f"hand_{side}", _GLOSS["skin"])
        b.add(limb(wrist - (0, 0.015 * h, -0.018 * h), wrist - (0, 0.045 * h, -0.03 * h), 0.008 * h, 0.007 * h, 8),
              skin, f"hand_{side}", _GLOSS["skin"])


def _props(b: MeshBuilder, p: Proportions) -> None:
    """What the right hand can hold, each on its own bone (scaled to nothing until held): a phone,
    a cup and a small box."""
    h = p.height
    palm = _j(p, "prop_phone")
    b.add(superellipsoid((0.004 * h, 0.04 * h, 0.019 * h), 5.0, 10, 6).transformed(translate(*(palm + (0.012 * h, 0.01 * h, 0)))),
          linear_rgb("#1c1f24"), "prop_phone", 0.8)
    b.add(frustum(0.022 * h, 0.026 * h, 0.05 * h, 14).transformed(translate(*(_j(p, "prop_cup") + (0.042 * h, -0.035 * h, 0.01 * h)))),
          linear_rgb("#e8e2d6"), "prop_cup", 0.5)
    b.add(superellipsoid((0.03 * h, 0.03 * h, 0.03 * h), 6.0, 10, 6).transformed(translate(*(_j(p, "prop_box") + (0.05 * h, -0.01 * h, 0.01 * h)))),
          linear_rgb("#9a6a3a"), "prop_box", 0.1)


# --- head and face ---------------------------------------------------------------------


def _face_z(p: Proportions, x: float, y: float) -> float:
    """Depth of the head's front surface at offset (x, y) from the head centre."""
    rx, ry, rz = p.head_radii
    return rz * math.sqrt(max(0.0, 1 - (x / rx) ** 2 - (y / ry) ** 2))


def _head(b: MeshBuilder, p: Proportions, a: Appearance) -> None:
    """Skull, ears, nose, eyes with lids, brows, a mouth that opens and a jaw that drops."""
    rx, ry, rz = p.head_radii
    hc = np.asarray(p.head_center)
    skin = linear_rgb(a.skin)
    b.add(ellipsoid(p.head_radii, hc, 20, 12), skin, "head", _GLOSS["skin"])
    jaw_c = hc + (0, -0.62 * ry, 0.2 * rz)
    b.add(ellipsoid((0.42 * rx, 0.33 * ry, 0.56 * rz), jaw_c, 16, 10), skin, "jaw", _GLOSS["skin"])
    for sx in (1, -1):
        b.add(ellipsoid((0.1 * rx, 0.2 * ry, 0.13 * rz), hc + (sx * 0.96 * rx, -0.02 * ry, -0.05 * rz), 10, 8),
              shade(skin, 0.93), "head", _GLOSS["skin"])
    nose_y = -0.22 * ry
    b.add(ellipsoid((0.11 * rx, 0.17 * ry, 0.13 * rz), hc + (0, nose_y, _face_z(p, 0, nose_y) - 0.02 * rz), 12, 8),
          shade(skin, 0.97), "head", _GLOSS["skin"])
    _mouth(b, p, a)
    for side in ("l", "r"):
        _eye(b, p, a, side)


def _mouth(b: MeshBuilder, p: Proportions, a: Appearance) -> None:
    """A dark mouth hanging from the upper lip (the mouth bone scales its height) and two lips."""
    rx, ry, rz = p.head_radii
    hc = np.asarray(p.head_center)
    m = _j(p, "mouth")
    skin = linear_rgb(a.skin)
    lip = np.clip(skin * np.array([0.92, 0.6, 0.58]), 0, 1)
    height = MOUTH_HEIGHT * p.head_height
    mid = m - (0, height / 2, 0)
    depth = hc[2] + _face_z(p, 0, mid[1] - hc[1]) - m[2] + 0.05 * rz
    b.add(ellipsoid((0.24 * rx, height / 2, depth), mid, 16, 10), linear_rgb("#3a0f0f"), "mouth", 0.3)
    closed = MOUTH_CLOSED * height
    # Each lip is a middle piece (spread, rounded and pushed forward by its bone) and two corner
    # pieces that rise in a smile and part when the jaw drops.
    bones = ("corner_r", "", "corner_l")
    for y, middle in ((m[1] + 0.01 * ry, "lip_u"), (m[1] - closed - 0.02 * ry, "lip_d")):
        xs = (-0.24 * rx, -LIP_SPLIT * rx, LIP_SPLIT * rx, 0.24 * rx)
        pts = [(x, y, hc[2] + _face_z(p, x, y - hc[1]) - 0.015 * rz) for x in xs]
        radii = (0.016 * ry, 0.028 * ry, 0.028 * ry, 0.016 * ry)  # thick in the middle, thin at the corners
        for i, bone in enumerate(bones):
            b.add(limb(pts[i], pts[i + 1], radii[i], radii[i + 1], 8), lip, bone or middle, 0.35)


def _eye(b: MeshBuilder, p: Proportions, a: Appearance, side: str) -> None:
    """Eyeball, iris, pupil, catch-light, eyelid (rotated by the lid bone) and eyebrow."""
    rx, ry, rz = p.head_radii
    c = _j(p, f"lid_{side}")
    re = 0.15 * ry
    bone = f"lid_{side}"
    b.add(ellipsoid((re,) * 3, c, 10, 7), linear_rgb("#f4f1ea"), "head", _GLOSS["eye"])
    eye = f"eye_{side}"
    b.add(ellipsoid((0.58 * re, 0.58 * re, 0.25 * re), c + (0, 0, 0.86 * re), 14, 6), linear_rgb(a.eye_color), eye, _GLOSS["eye"])
    b.add(ellipsoid((0.28 * re, 0.28 * re, 0.2 * re), c + (0, 0, 0.97 * re), 10, 6), linear_rgb("#050505"), eye, _GLOSS["eye"])
    b.add(ellipsoid((0.1 * re,) * 3, c + (0.22 * re, 0.25 * re, 1.1 * re), 6, 4), np.ones(3), eye, 0.0, emissive=0.6)
    lid = sphere(12, 6, lambda az: np.full_like(az, math.radians(88)))
    b.add(lid.transformed(translate(*c) @ scale(1.24 * re)), shade(linear_rgb(a.skin), 0.9), bone, _GLOSS["skin"])
    lash = torus(1.24 * re, 0.08 * re, 12, 3).transformed(translate(*(c + (0, 0.04 * re, 0))))
    b.add(lash, linear_rgb("#1a1210"), bone, 0.1)
    sx = 1.0 if side == "l" else -1.0
    hc = np.asarray(p.head_center)
    brow_y = c[1] + 0.26 * ry
    inner, outer = c[0] - sx * 0.12 * rx, c[0] + sx * 0.2 * rx
    zi = hc[2] + _face_z(p, inner, brow_y - hc[1]) + 0.005 * rz
    zo = hc[2] + _face_z(p, outer, brow_y - hc[1] - 0.03 * ry) + 0.005 * rz
    b.add(limb((inner, brow_y, zi), (outer, brow_y - 0.03 * ry, zo), 0.032 * ry, 0.024 * ry, 8), linear_rgb(a.hair_color),
          f"brow_{side}", _GLOSS["hair"])


# --- hair ------------------------------------------------------------------------------


def _cap(front: float, side: float, back: float, segments: int = 18, rings: int = 7):
    """A sphere cap whose polar limit (degrees) runs front -> side -> back with azimuth."""

    def limit(az: np.ndarray) -> np.ndarray:
        f = (1 - np.cos(az)) / 2
        deg = np.where(f < 0.5, front + (side - front) * 2 * f, side + (back - side) * (2 * f - 1))
        return np.radians(deg)

    return sphere(segments, rings, limit), limit


def _hair(b: MeshBuilder, p: Proportions, a: Appearance) -> None:
    """Hair by style, in the hair colour, bound to the head."""
    style = a.hair_style
    if style == "bald":
        return
    rx, ry, rz = p.head_radii
    hc = np.asarray(p.head_center)
    color = linear_rgb(a.hair_color)
    gloss = _GLOSS["hair"]
    cap, limit = _cap(*HAIR_CAPS[style][:3])
    k = HAIR_CAPS[style][3]
    place = translate(*(hc + (0, 0.02 * ry, -0.02 * rz))) @ scale(rx * k, ry * k, rz * k)
    b.add(cap.transformed(place), shade(color, 0.8) if style == "buzz" else color, "head", gloss)
    _HAIR_EXTRAS.get(style, _no_extra)(b, hc, p.head_radii, limit, color)


# Sphere-cap limits (degrees from the crown at the front, side and back) and scale per style.
HAIR_CAPS = {"short": (50, 82, 112, 1.06), "long": (46, 100, 118, 1.07), "ponytail": (46, 92, 112, 1.06),
             "bun": (46, 92, 112, 1.06), "bob": (44, 112, 120, 1.1), "curly": (52, 86, 110, 1.08),
             "buzz": (55, 80, 108, 1.025), "braid": (46, 92, 112, 1.06), "twintails": (46, 92, 112, 1.06),
             "topknot": (48, 88, 112, 1.05), "wavy": (46, 100, 118, 1.08), "spiky": (52, 84, 112, 1.06),
             "fringe": (64, 100, 118, 1.07)}


def _no_extra(b, hc, radii, limit, color) -> None:
    """A cap alone (short, buzz)."""


def _long(b: MeshBuilder, hc: np.ndarray, radii, limit, color) -> None:
    """A curtain of hair down the back to the shoulder blades."""
    rx, ry, rz = radii
    b.add(ellipsoid((rx * 1.06, ry * 1.25, rz * 0.62), hc + (0, -0.72 * ry, -0.36 * rz), 18, 12), color, "head", _GLOSS["hair"])


def _tail(b: MeshBuilder, root: np.ndarray, tip: np.ndarray, ry: float, color) -> None:
    """A gathered tail of hair from a tie at ``root`` to ``tip``."""
    b.add(ellipsoid((0.2 * ry,) * 3, root, 10, 8), shade(color, 0.7), "head", _GLOSS["hair"])
    b.add(limb(root, tip, 0.22 * ry, 0.1 * ry, 12), color, "head", _GLOSS["hair"])


def _ponytail(b: MeshBuilder, hc: np.ndarray, radii, limit, color) -> None:
    """One tail from the back of the crown."""
    ry, rz = radii[1], radii[2]
    _tail(b, hc + (0, 0.15 * ry, -1.02 * rz), hc + (0, -1.2 * ry, -1.2 * rz), ry, color)


def _twintails(b: MeshBuilder, hc: np.ndarray, radii, limit, color) -> None:
    """Two tails tied high at the sides of the back of the head."""
    rx, ry, rz = radii
    for sx in (1.0, -1.0):
        _tail(b, hc + (sx * 0.78 * rx, 0.3 * ry, -0.62 * rz), hc + (sx * 1.25 * rx, -1.25 * ry, -0.75 * rz), ry, color)


def _braid(b: MeshBuilder, hc: np.ndarray, radii, limit, color) -> None:
    """A single plait down the back: a chain of slightly twisted lobes, thinning to the tip."""
    ry, rz = radii[1], radii[2]
    for i in range(8):
        u = i / 7
        r = 0.2 * ry * (1.0 - 0.45 * u)
        centre = hc + ((0.05 if i % 2 else -0.05) * ry, -0.1 * ry - 1.6 * ry * u, -1.02 * rz - 0.12 * rz * u)
        b.add(ellipsoid((r, 1.2 * r, r), centre, 10, 6), shade(color, 0.85 + 0.15 * (i % 2)), "head", _GLOSS["hair"])


def _bun(b: MeshBuilder, hc: np.ndarray, radii, limit, color) -> None:
    """A round bun at the back of the crown."""
    ry, rz = radii[1], radii[2]
    b.add(ellipsoid((0.45 * ry, 0.4 * ry, 0.42 * ry), hc + (0, 0.78 * ry, -0.55 * rz), 14, 10), color, "head", _GLOSS["hair"])


def _topknot(b: MeshBuilder, hc: np.ndarray, radii, limit, color) -> None:
    """The period-drama knot on top of the head with a crown band and a pin through it."""
    ry, rz = radii[1], radii[2]
    knot = hc + (0, 1.12 * ry, -0.15 * rz)
    b.add(ellipsoid((0.32 * ry, 0.3 * ry, 0.32 * ry), knot, 12, 8), color, "head", _GLOSS["hair"])
    b.add(frustum(0.3 * ry, 0.26 * ry, 0.16 * ry, 16).transformed(translate(*(knot - (0, 0.2 * ry, 0)))),
          linear_rgb("#c9a03d"), "head", 0.7)
    b.add(limb(knot + (-0.55 * ry, 0.05 * ry, 0), knot + (0.55 * ry, 0.05 * ry, 0), 0.035 * ry, 0.03 * ry, 6),
          linear_rgb("#e8dcc0"), "head", 0.6)


def _bob(b: MeshBuilder, hc: np.ndarray, radii, limit, color) -> None:
    """A chin-length curtain at the sides and back that frames the face, never crossing it."""
    rx, ry, rz = radii
    b.add(ellipsoid((rx * 1.1, ry * 0.78, rz * 0.66), hc + (0, -0.3 * ry, -0.42 * rz), 18, 10), color, "head", _GLOSS["hair"])
    for side in (-1.0, 1.0):
        b.add(ellipsoid((0.3 * rx, 0.62 * ry, 0.62 * rz), hc + (side * 0.9 * rx, -0.28 * ry, -0.08 * rz), 12, 8),
              color, "head", _GLOSS["hair"])


def _wavy(b: MeshBuilder, hc: np.ndarray, radii, limit, color) -> None:
    """Long hair in loose waves: a back curtain with rippled lobes down each side."""
    rx, ry, rz = radii
    _long(b, hc, radii, limit, color)
    for side in (-1.0, 1.0):
        for i in range(4):
            centre = hc + (side * (1.0 + 0.08 * (i % 2)) * rx, -0.35 * ry - 0.38 * ry * i, -0.35 * rz)
            b.add(ellipsoid((0.26 * rx, 0.3 * ry, 0.4 * rz), centre, 10, 6), shade(color, 0.9 + 0.12 * (i % 2)), "head",
                  _GLOSS["hair"])


def _spiky(b: MeshBuilder, hc: np.ndarray, radii, limit, color) -> None:
    """Short hair standing up in cones over the crown."""
    rx, ry, rz = radii
    for i in range(14):
        az = i * 2.399963  # golden angle: spikes spread evenly without a pattern
        polar = math.radians(8 + 52 * ((i * 0.618) % 1.0))
        d = np.array([math.sin(polar) * math.sin(az), math.cos(polar), math.sin(polar) * math.cos(az) * 0.8 - 0.15])
        base = hc + d * (rx * 0.95, ry * 0.95, rz * 0.95)
        b.add(limb(base, base + d / np.linalg.norm(d) * 0.42 * ry, 0.16 * ry, 0.01 * ry, 6), color, "head", _GLOSS["hair"])


def _curls(b: MeshBuilder, hc: np.ndarray, radii, limit, color) -> None:
    """Small balls of hair spread evenly (Fibonacci spiral) over the cap's area."""
    rx, ry, rz = radii
    n = 90
    i = np.arange(n) + 0.5
    polar = np.arccos(1 - 2 * i / n)
    az = (i * math.pi * (3 - math.sqrt(5))) % (2 * math.pi)
    keep = polar < limit(az) - math.radians(4)
    ball = sphere(7, 5)
    for t, u in zip(polar[keep], az[keep]):
        d = np.array([math.sin(t) * math.sin(u), math.cos(t), math.sin(t) * math.cos(u)])
        center = hc + d * (rx * 1.1, ry * 1.1, rz * 1.1)
        b.add(ball.transformed(translate(*center) @ scale(0.22 * ry)), shade(color, 0.9 + 0.2 * (t / math.pi)), "head", 0.25)


_HAIR_EXTRAS = {"long": _long, "ponytail": _ponytail, "twintails": _twintails, "braid": _braid, "bun": _bun,
                "topknot": _topknot, "bob": _bob, "curly": _curls, "wavy": _wavy, "spiky": _spiky,
                "fringe": _long}  # the fringe is the cap reaching further down the forehead


# --- accessories -----------------------------------------------------------------------


def _ignore(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """Unknown accessories are not drawn."""


def _glasses(b: MeshBuilder, p: Proportions, g: Garment, dark: bool = False) -> None:
    """Round frames over both eyes with a bridge and temples; dark lenses for sunglasses."""
    rx, ry, rz = p.head_radii
    re = 0.15 * ry
    frame = _cloth(g.color) if not dark else linear_rgb("#111111")
    for side in ("l", "r"):
        c = _j(p, f"lid_{side}") + (0, 0, 1.45 * re)
        ring = torus(1.45 * re, 0.16 * re, 20, 6).transformed(translate(*c) @ rot_x(math.pi / 2))
        b.add(ring, frame, "head", 0.6)
        if dark:
            b.add(ellipsoid((1.4 * re, 1.4 * re, 0.1 * re), c, 16, 6), linear_rgb("#101418"), "head", 0.9)
        sx = c[0] / abs(c[0])
        b.add(limb(c + (sx * 1.45 * re, 0, 0), (sx * rx * 0.98, c[1], -0.1 * rz + p.head_center[2]), 0.12 * re, 0.12 * re, 6),
              frame, "head", 0.6)
    l, r = _j(p, "lid_l") + (0, 0, 1.45 * re), _j(p, "lid_r") + (0, 0, 1.45 * re)
    b.add(limb(l - (1.45 * re, 0, 0), r + (1.45 * re, 0, 0), 0.13 * re, 0.13 * re, 6), frame, "head", 0.6)


def _hat(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """A brimmed hat with a band."""
    rx, ry, rz = p.head_radii
    hc = np.asarray(p.head_center)
    color = _cloth(g.color)
    base = translate(*(hc + (0, 0.42 * ry, -0.04 * rz))) @ rot_x(-0.08)
    b.add(frustum(rx * 1.08, rx * 0.95, 0.62 * ry, 22).transformed(base @ scale(1, 1, rz / rx)), color, "head", 0.15)
    b.add(frustum(rx * 1.09, rx * 1.07, 0.14 * ry, 22, caps=False).transformed(base @ scale(1, 1, rz / rx)), shade(color, 0.4), "head")
    b.add(frustum(rx * 1.85, rx * 1.8, 0.05 * ry, 24).transformed(base @ scale(1, 1, 0.95 * rz / rx)), color, "head", 0.15)


def _cap_hat(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """A baseball cap: a dome and a forward visor."""
    rx, ry, rz = p.head_radii
    hc = np.asarray(p.head_center)
    color = _cloth(g.color)
    dome, _ = _cap(58, 75, 95, 22, 8)
    b.add(dome.transformed(translate(*(hc + (0, 0.04 * ry, 0))) @ scale(rx * 1.1, ry * 1.08, rz * 1.1)), color, "head", 0.15)
    b.add(superellipsoid((rx * 0.75, 0.03 * ry, rz * 0.45), 3.0).transformed(translate(*(hc + (0, 0.42 * ry, rz * 1.05))) @ rot_x(0.15)),
          color, "head", 0.15)


def _beanie(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """A knitted cap covering the top of the head."""
    rx, ry, rz = p.head_radii
    hc = np.asarray(p.head_center)
    dome, _ = _cap(62, 80, 92, 22, 8)
    b.add(dome.transformed(translate(*(hc + (0, 0.06 * ry, 0))) @ scale(rx * 1.12, ry * 1.15, rz * 1.12)), _cloth(g.color), "head", 0.05)


def _scarf(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """A thick wrap round the neck with one end hanging down the chest."""
    h = p.height
    color = _cloth(g.color)
    n = _j(p, "neck")
    b.add(torus(0.042 * h, 0.02 * h, 20, 8).transformed(translate(*(n + (0, 0.004 * h, 0.004 * h))) @ rot_x(0.2) @ scale(1.05, 1.2, 1)),
          color, "chest", 0.05)
    start = n + (0.025 * h, -0.01 * h, 0.045 * h)
    b.add(superellipsoid((0.022 * h, 0.075 * h, 0.008 * h), 4.0, 10, 8).transformed(translate(*(start - (0, 0.07 * h, -0.012 * h))) @ rot_x(-0.12)),
          shade(color, 0.9), "chest", 0.05)


def _tie(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """A necktie down the front of the chest."""
    h = p.height
    n = _j(p, "neck")
    z = p.chest_depth + 0.004 * h
    color = _cloth(g.color)
    b.add(ellipsoid((0.012 * h, 0.01 * h, 0.006 * h), (0, n[1] - 0.015 * h, z), 8, 6), color, "chest", 0.2)
    b.add(superellipsoid((0.014 * h, 0.08 * h, 0.004 * h), 3.0, 10, 8).transformed(translate(0, n[1] - 0.1 * h, z + 0.002 * h) @ rot_x(-0.08)),
          color, "chest", 0.2)


def _necklace(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """A chain of beads draped over the collarbones to a pendant at the front."""
    h = p.height
    n = _j(p, "neck")
    bead = sphere(6, 4)
    for a in np.linspace(-1.25, 1.25, 17):
        at = (0.055 * h * math.sin(a), n[1] - 0.02 * h - 0.05 * h * math.cos(a) ** 2, p.chest_depth * 0.85 * math.cos(a) + 0.012 * h)
        b.add(bead.transformed(translate(*at) @ scale(0.0045 * h)), _cloth(g.color), "chest", 0.9)
    b.add(ellipsoid((0.008 * h, 0.011 * h, 0.005 * h), (0, n[1] - 0.08 * h, p.chest_depth * 0.85 + 0.014 * h), 8, 6),
          _cloth(g.color, 1.2), "chest", 0.9)


def _earrings(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """Small studs under each ear."""
    rx, ry, rz = p.head_radii
    for sx in (1, -1):
        b.add(ellipsoid((0.06 * ry,) * 3, np.asarray(p.head_center) + (sx * 0.98 * rx, -0.25 * ry, 0), 8, 6), _cloth(g.color), "head", 0.9)


def _watch(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """A strap round the left wrist with a round face on the outside."""
    h = p.height
    wrist = _j(p, "hand_l") + (0, 0.02 * h, 0)
    b.add(torus(0.022 * h, 0.007 * h, 14, 4).transformed(translate(*wrist)), _cloth(g.color), "forearm_l", 0.7)
    b.add(ellipsoid((0.006 * h, 0.014 * h, 0.014 * h), wrist + (0.022 * h, 0, 0), 10, 6), linear_rgb("#d8dde2"), "forearm_l", 0.9)


def _belt(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """A band round the waist."""
    h = p.height
    y = _j(p, "thigh_l")[1] + 0.075 * h
    b.add(torus(p.hip_half * 1.02, 0.008 * h, 22, 4).transformed(translate(0, y, -0.004 * h) @ scale(1, 1, 0.86)), _cloth(g.color), "pelvis", 0.4)


def _bag(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """A shoulder bag at the left hip."""
    h = p.height
    y = _j(p, "thigh_l")[1]
    b.add(superellipsoid((0.025 * h, 0.06 * h, 0.07 * h), 5.0).transformed(translate(p.hip_half * 1.45, y, 0.01 * h)), _cloth(g.color), "pelvis", 0.2)


def _beard(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """A short beard round the jaw."""
    rx, ry, rz = p.head_radii
    hc = np.asarray(p.head_center)
    b.add(ellipsoid((0.62 * rx, 0.4 * ry, 0.56 * rz), hc + (0, -0.62 * ry, 0.36 * rz), 16, 10), _cloth(g.color), "jaw", 0.2)


def _mustache(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """A moustache above the upper lip."""
    rx, ry, rz = p.head_radii
    m = _j(p, "mouth")
    z = p.head_center[2] + _face_z(p, 0, m[1] + 0.1 * ry - p.head_center[1])
    b.add(limb((-0.3 * rx, m[1] + 0.06 * ry, z - 0.05 * rz), (0.3 * rx, m[1] + 0.06 * ry, z - 0.05 * rz), 0.06 * ry, 0.06 * ry, 8),
          _cloth(g.color), "head", 0.2)


def _hairpin(b: MeshBuilder, p: Proportions, g: Garment) -> None:
    """A long pin through the hair at the back of the head with a bead at its end."""
    rx, ry, rz = p.head_radii
    hc = np.asarray(p.head_center)
    a, z = hc + (-0.75 * rx, 0.75 * ry, -0.55 * rz), hc + (0.7 * rx, 0.55 * ry, -0.8 * rz)
    b.add(limb(a, z, 0.03 * ry, 0.02 * ry, 6), _cloth(g.color), "head", 0.7)
    b.add(ellipsoid((0.09 * ry,) * 3, a, 8, 6), _cloth(g.color, 1.3), "head", 0.8)


_ACCESSORIES = {
    "glasses": _glasses,
    "spectacles": _glasses,
    "sunglasses": lambda b, p, g: _glasses(b, p, g, dark=True),
    "hat": _hat,
    "fedora": _hat,
    "cap": _cap_hat,
    "baseball_cap": _cap_hat,
    "beanie": _beanie,
    "scarf": _scarf,
    "tie": _tie,
    "necktie": _tie,
    "necklace": _necklace,
    "earrings": _earrings,
    "watch": _watch,
    "belt": _belt,
    "bag": _bag,
    "handbag": _bag,
    "beard": _beard,
    "mustache": _mustache,
    "moustache": _mustache,
    "hairpin": _hairpin,
}
