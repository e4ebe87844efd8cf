"""The headless GL context, shader loading (cached per context) and offscreen targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

import moderngl
import numpy as np

SHADER_PACKAGE = "screenplay_compiler.render.shaders"


EGL_PACKAGES = "libegl1 libegl-mesa0 libgl1-mesa-dri libgbm1"


class RenderUnavailable(RuntimeError):
    """No offscreen OpenGL context could be made (Mesa's EGL missing or broken)."""


def create_context() -> moderngl.Context:
    """A standalone OpenGL 3.3 context on EGL (works without a display or a GPU)."""
    try:
        return moderngl.create_standalone_context(require=330, backend="egl")
    except Exception as exc:  # glcontext raises plain Exceptions
        raise RenderUnavailable(f"cannot create an offscreen OpenGL 3.3 context through EGL ({exc}); "
                                f"install Mesa's EGL: sudo apt-get install -y {EGL_PACKAGES}") from exc


def shader_source(name: str) -> str:
    """The text of ``shaders/<name>``."""
    return resources.files(SHADER_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def _with_preamble(source: str, defines: dict[str, object]) -> str:
    """``source`` with its #version line followed by its #extension lines (which GLSL wants
    before any code), ``defines`` and common.glsl."""
    version, _, body = source.partition("\n")
    extensions = [line for line in body.splitlines() if line.startswith("#extension")]
    body = "\n".join("" if line.startswith("#extension") else line for line in body.splitlines())
    lines = [version, *extensions] + [f"#define {k} {v}" for k, v in sorted(defines.items())]
    return "\n".join(lines + [shader_source("common.glsl"), body])


@dataclass
class ProgramCache:
    """Compiled programs of one context, keyed by shader names and defines."""

    ctx: moderngl.Context
    _programs: dict[tuple, moderngl.Program] = field(default_factory=dict)

    def get(self, vertex: str, fragment: str, **defines: object) -> moderngl.Program:
        """The program linking ``vertex`` and ``fragment`` under ``defines``, compiled once."""
        key = (vertex, fragment, tuple(sorted(defines.items())))
        if key not in self._programs:
            self._programs[key] = self.ctx.program(
                vertex_shader=_with_preamble(shader_source(vertex), defines),
                fragment_shader=_with_preamble(shader_source(fragment), defines),
            )
        return self._programs[key]


@dataclass
class Targets:
    """Where a frame is drawn (``scene``) and where it is read back from (``output``)."""

    scene: moderngl.Framebuffer
    output: moderngl.Framebuffer
    color_texture: moderngl.Texture | None  # the scene's colour, when a post pass samples it
    msaa: bool


def create_targets(ctx: moderngl.Context, width: int, height: int, aa: str) -> Targets:
    """Framebuffers for ``aa`` in {"none", "msaa", "fxaa"}."""
    size = (width, height)
    output = ctx.framebuffer(color_attachments=[ctx.renderbuffer(size, 4)])
    if aa == "msaa":
        samples = min(4, ctx.max_samples)
        scene = ctx.framebuffer([ctx.renderbuffer(size, 4, samples=samples)], ctx.depth_renderbuffer(size, samples=samples))
        return Targets(scene, output, None, True)
    if aa == "fxaa":
        texture = ctx.texture(size, 4)
        texture.filter = (moderngl.LINEAR, moderngl.LINEAR)
        texture.repeat_x = texture.repeat_y = False
        scene = ctx.framebuffer([texture], ctx.depth_renderbuffer(size))
        return Targets(scene, output, texture, False)
    scene = ctx.framebuffer([ctx.renderbuffer(size, 4)], ctx.depth_renderbuffer(size))
    return Targets(scene, scene, None, False)


def create_set_target(ctx: moderngl.Context, targets: Targets) -> moderngl.Framebuffer:
    """A framebuffer like ``targets.scene`` (size, samples, formats) to keep the set alone in:
    restored into the scene with one blit of colour and depth."""
    scene = targets.scene
    colour = ctx.renderbuffer(scene.size, 4, samples=scene.samples)
    return ctx.framebuffer([colour], ctx.depth_renderbuffer(scene.size, samples=scene.samples))


def read_pixels(fbo: moderngl.Framebuffer, width: int, height: int, components: int = 3) -> np.ndarray:
    """The framebuffer as an (height, width, components) uint8 array, in the order GL stores its rows.

    GL's first row is the bottom one; the renderer draws with a y-flipped projection so that
    the first stored row is the top of the picture and no copy is needed to flip it here.
    Reading 4 components is the cheap one: Mesa repacks RGBA to RGB on the CPU (~3x the cost).
    """
    out = np.empty((height, width, components), np.uint8)
    fbo.read_into(out, components=components, alignment=1)
    return out
