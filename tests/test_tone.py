"""The per-pixel display curve (common.glsl's display): the filmic tone curve and the sRGB encode
in one cheap rational function, run on the GL it ships to, within a level of the exact curves."""

from __future__ import annotations

import moderngl
import numpy as np
import pytest

from screenplay_compiler.render.context import RenderUnavailable, create_context, shader_source

SAMPLES = 4096
TOP = 64.0  # linear light up to this (the curve is flat at 1 long before)


def tonemap(c: np.ndarray) -> np.ndarray:
    """Narkowicz's ACES fit, as common.glsl's tonemap."""
    c = c * 0.8
    return np.clip((c * (2.51 * c + 0.03)) / (c * (2.43 * c + 0.59) + 0.14), 0.0, 1.0)


def to_srgb(c: np.ndarray) -> np.ndarray:
    """The exact sRGB transfer."""
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * np.power(np.clip(c, 0.0, 1.0), 1 / 2.4) - 0.055)


def _linear_values() -> np.ndarray:
    """Dense in the darks, where the curve is steep, and out to TOP."""
    q = np.linspace(0.0, np.sqrt(TOP), SAMPLES)
    return (q * q).astype(np.float32)


def _display_on_gl(values: np.ndarray) -> np.ndarray:
    """display(v) for each value, drawn one per pixel and read back as 8-bit."""
    try:
        ctx = create_context()
    except RenderUnavailable as exc:  # pragma: no cover - the Makefile checks for EGL
        pytest.skip(str(exc))
    with ctx:
        data = ctx.texture((len(values), 1), 1, values.tobytes(), dtype="f4")
        data.filter = moderngl.NEAREST, moderngl.NEAREST
        prog = ctx.program(
            vertex_shader="#version 330\nvoid main() { vec2 p = vec2((gl_VertexID & 1) * 4 - 1, (gl_VertexID & 2) * 2 - 1);"
                          " gl_Position = vec4(p, 0.0, 1.0); }",
            fragment_shader="#version 330\n" + shader_source("common.glsl") + """
uniform sampler2D u_values;
out vec4 f_color;
void main() { f_color = vec4(display(vec3(texelFetch(u_values, ivec2(gl_FragCoord.xy), 0).r)), 1.0); }""")
        fbo = ctx.framebuffer([ctx.renderbuffer((len(values), 1), 4)])
        fbo.use()
        data.use(0)
        ctx.vertex_array(prog, []).render(moderngl.TRIANGLES, vertices=3)
        out = np.frombuffer(fbo.read(components=4), np.uint8).reshape(-1, 4)[:, 0]
    ctx.release()
    return out


def test_display_curve_is_within_a_level_of_tone_curve_then_srgb():
    values = _linear_values()
    exact = np.rint(to_srgb(tonemap(values.astype(np.float64))) * 255.0)
    got = _display_on_gl(values).astype(np.float64)
    assert np.max(np.abs(got - exact)) <= 1.0
    assert np.mean(got != exact) < 0.5  # mostly the same level


def test_display_curve_is_monotonic_from_black_to_white():
    got = _display_on_gl(_linear_values()).astype(int)
    assert got[0] == 0 and got[-1] == 255
    assert np.all(np.diff(got) >= 0)
