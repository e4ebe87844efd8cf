"""The Renderer: FrameState in, RGB pixels out, drawn offscreen on a headless GL context."""

from __future__ import annotations

from dataclasses import dataclass

import moderngl
import numpy as np

from ..frame import ActorState, FrameState
from ..ir import Appearance
from .camera import view_projection
from .character import build_character
from .context import ProgramCache, create_context, create_targets, read_pixels
from .geometry import VERTEX_ATTRIBUTES, VERTEX_FORMAT, rot_y, translate
from .lighting import Lighting, lighting_for
from .scenery import Scenery, build_scenery, build_sky, seat_height
from .skeleton import MAX_BONES, Proportions, pose_matrices
from .text import composite

AA_MODES = ("none", "fxaa", "msaa")
DEFAULT_AA = "fxaa"  # measured on 2-core llvmpipe at 1280x720: ~16 ms a frame vs ~31 ms with 4x MSAA
MAX_LIGHTS = 4
_IDENTITY_BONES = np.tile(np.eye(4, dtype="f4").T, (MAX_BONES, 1, 1))


@dataclass
class _GpuMesh:
    """A mesh uploaded once: its vertex array and triangle count."""

    vao: moderngl.VertexArray
    triangles: int


@dataclass
class _GpuCharacter:
    """A character look on the GPU plus the proportions its skeleton is posed with."""

    mesh: _GpuMesh
    proportions: Proportions


@dataclass
class _GpuSet:
    """A set on the GPU plus its practical lights and interior flag."""

    mesh: _GpuMesh
    scenery: Scenery


class Renderer:
    """Draws FrameStates offscreen; the same FrameState always gives the same pixels.

    ``draft`` drops anti-aliasing and uses the simplest shading; ``aa`` picks "fxaa" (default),
    "msaa" (4x) or "none" for the full-quality path.
    """

    def __init__(self, width: int, height: int, *, draft: bool = False, aa: str | None = None) -> None:
        self.width, self.height, self.draft = width, height, draft
        self.aa = "none" if draft else (aa or DEFAULT_AA)
        if self.aa not in AA_MODES:
            raise ValueError(f"aa must be one of {AA_MODES}, not {aa!r}")
        self._ctx = create_context()
        with self._ctx:
            self._setup(width, height, draft)

    def _setup(self, width: int, height: int, draft: bool) -> None:
        """Compile the shaders and allocate the targets on the (current) new context."""
        self._programs = ProgramCache(self._ctx)
        self._targets = create_targets(self._ctx, width, height, self.aa)
        defines = {"MAX_BONES": MAX_BONES, "MAX_LIGHTS": MAX_LIGHTS}
        if draft:
            defines["DRAFT"] = 1
        self._scenery_program = self._programs.get("lit.vert.glsl", "flat.frag.glsl", **defines)
        self._character_program = self._programs.get("lit.vert.glsl", "flat.frag.glsl", CHARACTER=1, **defines)
        sky_vertices, sky_indices = build_sky()
        self._sky = self._ctx.vertex_array(
            self._programs.get("sky.vert.glsl", "flat.frag.glsl"), [(self._ctx.buffer(sky_vertices.tobytes()), "3f 1f", "in_dir", "in_kind")],
            index_buffer=self._ctx.buffer(sky_indices.tobytes()), index_element_size=4,
        )
        corners = np.array([-1, -1, 1, -1, -1, 1, 1, 1], "f4")
        self._blob = self._ctx.vertex_array(
            self._programs.get("blob.vert.glsl", "blob.frag.glsl"), [(self._ctx.buffer(corners.tobytes()), "2f", "in_corner")]
        )
        self._fxaa = self._ctx.vertex_array(self._programs.get("fullscreen.vert.glsl", "fxaa.frag.glsl"), [])
        self._characters: dict[Appearance, _GpuCharacter] = {}
        self._sets: dict[str, _GpuSet] = {}

    # --- public ------------------------------------------------------------------------

    def render(self, frame: FrameState) -> np.ndarray:
        """The frame as an (height, width, 3) uint8 RGB array, top row first."""
        with self._ctx:  # make this context current: several renderers may share a thread
            return self._render(frame, 3)

    def render_rgba(self, frame: FrameState) -> np.ndarray:
        """The frame as an (height, width, 4) uint8 array, top row first; cheaper than ``render``.

        RGB equals ``render``'s and alpha is opaque (255); the encoder ignores it.
        """
        with self._ctx:
            return self._render(frame, 4)

    def _render(self, frame: FrameState, components: int) -> np.ndarray:
        """Draw and read back ``frame`` on the current context: the 3D pass, then any transition
        (a dissolve or wipe with the shot before, a fade to black), then the text overlays."""
        pixels = self._draw(frame, components)
        if frame.blend is not None:
            below = self._draw(frame.blend.under, components) if frame.blend.under is not None else None
            pixels = blend_frames(pixels, below, frame.blend)
        return composite(pixels, frame.overlays) if frame.overlays else pixels

    def _draw(self, frame: FrameState, components: int) -> np.ndarray:
        """The 3D pass of ``frame``, read back."""
        stage = self._set(frame.set.name)
        light = lighting_for(frame.set.time_of_day, stage.scenery.interior, stage.scenery.lights)
        vp = view_projection(frame.camera, self.width / self.height, flip_y=True)
        scene = self._targets.scene
        scene.use()
        scene.clear(0.0, 0.0, 0.0, 1.0, depth=1.0)
        self._ctx.enable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        self._ctx.front_face = "cw"  # the y-flipped projection mirrors the winding
        self._ctx.depth_func = "<"
        self._set_lighting(light, vp, frame.camera.eye, frame)
        for actor in frame.actors:  # nearest first: early depth test then skips hidden scenery
            self._draw_actor(actor, frame.set.name)
        self._draw_scenery(stage)
        self._draw_blobs(frame, light, vp)
        self._draw_sky(light, vp, frame.camera.eye)
        return self._finish(components)

    def triangle_counts(self, frame: FrameState) -> dict[str, int]:
        """Triangles drawn for ``frame``'s set and each actor (for budgets and reports)."""
        with self._ctx:
            counts = {"set": self._set(frame.set.name).mesh.triangles}
            for actor in frame.actors:
                counts[actor.name] = self._character(actor.appearance).mesh.triangles
        return counts

    def close(self) -> None:
        """Release the GL context and everything on it."""
        if self._ctx is not None:
            self._ctx.__enter__()  # current while it is torn down; its exit would touch the released context
            self._ctx.release()
            self._ctx = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- caches ------------------------------------------------------------------------

    def _upload(self, program: moderngl.Program, vertices: np.ndarray, indices: np.ndarray) -> _GpuMesh:
        """Vertex and index buffers bound to ``program``."""
        vbo = self._ctx.buffer(vertices.astype("f4").tobytes())
        ibo = self._ctx.buffer(indices.astype("u4").tobytes())
        vao = self._ctx.vertex_array(
            program, [(vbo, VERTEX_FORMAT, *VERTEX_ATTRIBUTES)], index_buffer=ibo, index_element_size=4, skip_errors=True
        )
        return _GpuMesh(vao, len(indices))

    def _character(self, appearance: Appearance) -> _GpuCharacter:
        """The uploaded mesh of ``appearance``, built on first use."""
        if appearance not in self._characters:
            vertices, indices, props = build_character(appearance)
            self._characters[appearance] = _GpuCharacter(self._upload(self._character_program, vertices, indices), props)
        return self._characters[appearance]

    def _set(self, name: str) -> _GpuSet:
        """The uploaded geometry of set ``name``, built on first use."""
        if name not in self._sets:
            scenery = build_scenery(name)
            self._sets[name] = _GpuSet(self._upload(self._scenery_program, scenery.vertices, scenery.indices), scenery)
        return self._sets[name]

    # --- drawing -----------------------------------------------------------------------

    def _lit_programs(self) -> tuple[moderngl.Program, moderngl.Program]:
        """The scenery and character variants of the lit shader."""
        return self._scenery_program, self._character_program

    def _uniform(self, name: str, value) -> None:
        """Set a uniform on every lit program whose variant uses it."""
        for prog in self._lit_programs():
            if name in prog:
                prog[name].value = value

    def _write(self, name: str, data: bytes) -> None:
        """Write raw bytes to a uniform (arrays, matrices) on every lit program that uses it."""
        for prog in self._lit_programs():
            if name in prog:
                prog[name].write(data)

    def _set_lighting(self, light: Lighting, vp: np.ndarray, eye, frame: FrameState) -> None:
        """Upload the camera, lights and fog shared by every lit draw of the frame."""
        self._write("u_view_proj", vp.T.astype("f4").tobytes())
        values = {
            "u_cam_pos": tuple(eye), "u_sun_dir": light.sun_dir, "u_sun_color": light.sun_color,
            "u_fill_color": light.fill_color, "u_rim_color": light.rim_color, "u_sky_ambient": light.sky_ambient,
            "u_ground_ambient": light.ground_ambient, "u_zenith": light.zenith, "u_horizon": light.horizon,
            "u_fog_density": light.fog_density, "u_practical": light.practical, "u_exposure": light.exposure,
        }
        for name, value in values.items():
            self._uniform(name, value)
        self._set_point_lights(light)

    def _set_point_lights(self, light: Lighting) -> None:
        """The practicals that are burning (street lamps, table lamps)."""
        pos = np.zeros((MAX_LIGHTS, 4), "f4")
        col = np.zeros((MAX_LIGHTS, 3), "f4")
        for i, p in enumerate(light.lights[:MAX_LIGHTS]):
            pos[i] = (*p.position, p.radius)
            col[i] = p.color
        self._uniform("u_light_count", min(len(light.lights), MAX_LIGHTS))
        self._write("u_light_pos", pos.tobytes())
        self._write("u_light_color", col.tobytes())

    def _draw_scenery(self, stage: _GpuSet) -> None:
        """The set: static, every vertex on bone 0 (identity)."""
        self._scenery_program["u_bones"].write(_IDENTITY_BONES.tobytes())
        stage.mesh.vao.render()

    def _draw_actor(self, actor: ActorState, set_name: str) -> None:
        """One character in one draw: its bone matrices for this pose, then its mesh."""
        gpu = self._character(actor.appearance)
        world = translate(actor.x, 0.0, actor.z) @ rot_y(actor.yaw)
        seat = seat_height(set_name, actor.x, actor.z) if actor.pose.sit > 0 else None
        bones = pose_matrices(gpu.proportions, actor.pose, world, seat)
        data = np.tile(np.eye(4), (MAX_BONES, 1, 1))
        data[: len(bones)] = bones
        self._character_program["u_bones"].write(data.transpose(0, 2, 1).astype("f4").tobytes())
        gpu.mesh.vao.render()

    def _draw_blobs(self, frame: FrameState, light: Lighting, vp: np.ndarray) -> None:
        """A soft contact shadow under each actor, nudged away from the key light, multiplied in."""
        prog = self._blob.program
        prog["u_view_proj"].write(vp.T.astype("f4").tobytes())
        sx, sy, sz = light.sun_dir
        prog["u_offset"].value = (-sx / max(sy, 0.35) * 0.1, -sz / max(sy, 0.35) * 0.1)
        self._ctx.enable(moderngl.BLEND)
        self._ctx.disable(moderngl.CULL_FACE)
        self._ctx.blend_func = moderngl.DST_COLOR, moderngl.ZERO
        for actor in frame.actors:
            h = actor.appearance.height_m
            prog["u_blob"].value = (actor.x, actor.z, 0.3 * h / 1.7 * (1 + 0.5 * actor.pose.sit), 0.75)
            self._blob.render(moderngl.TRIANGLE_STRIP)
        self._ctx.disable(moderngl.BLEND)

    def _draw_sky(self, light: Lighting, vp: np.ndarray, eye) -> None:
        """Sky dome, sun and stars at the far plane, only where no geometry was drawn."""
        prog = self._sky.program
        values = {
            "u_cam_pos": tuple(eye), "u_sun_dir": light.sun_dir, "u_stars": light.stars, "u_zenith": light.zenith,
            "u_horizon": light.horizon, "u_sun_color": light.sun_color, "u_exposure": light.exposure,
        }
        for name, value in values.items():
            if name in prog:
                prog[name].value = value
        prog["u_view_proj"].write(vp.T.astype("f4").tobytes())
        self._ctx.depth_func = "<="
        self._sky.render()

    def _finish(self, components: int) -> np.ndarray:
        """Resolve anti-aliasing into the output target and read back ``components`` channels."""
        t = self._targets
        self._ctx.disable(moderngl.DEPTH_TEST)
        if t.msaa:
            self._ctx.copy_framebuffer(t.output, t.scene)
        elif t.color_texture is not None:
            t.output.use()
            t.color_texture.use(0)
            self._fxaa.render(moderngl.TRIANGLES, vertices=3)
        return read_pixels(t.output, self.width, self.height, components)


def blend_frames(top: np.ndarray, below: np.ndarray | None, blend) -> np.ndarray:
    """``top`` over ``below`` as the transition says (a cross-fade, or a soft-edged wipe from the
    left), then darkened by its fade to black. Alpha stays opaque."""
    out = top.astype(np.float32)
    if below is not None:
        if blend.kind == "wipe":
            width = top.shape[1]
            soft = max(2.0, 0.04 * width)
            x = np.arange(width, dtype=np.float32)
            edge = blend.progress * (width + soft) - soft  # the wipe's edge sweeps fully across
            weight = np.clip((edge + soft - x) / soft, 0.0, 1.0)[None, :, None]
        else:
            weight = np.float32(blend.progress)
        out = below.astype(np.float32) * (1.0 - weight) + out * weight
    if blend.black > 0.0:
        out[..., :3] *= np.float32(1.0 - blend.black)
    out = np.rint(out).astype(np.uint8)
    if out.shape[-1] == 4:
        out[..., 3] = 255
    return out
