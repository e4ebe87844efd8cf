"""The Renderer: FrameState in, RGB pixels out, drawn offscreen on a headless GL context."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import moderngl
import numpy as np

from ..frame import ActorState, FrameState
from ..ir import Appearance
from .camera import view_projection
from .chunks import Chunks, partition
from .character import build_character
from .imported import build_imported
from .context import ProgramCache, create_context, create_set_target, create_targets, read_pixels
from .geometry import VERTEX_ATTRIBUTES, VERTEX_BONE, VERTEX_FORMAT, detail, rot_y, translate
from .lighting import Lighting, lighting_for
from .particles import PRECIPITATION, field
from .scenery import Scenery, build_scenery, build_sky, seat_height
from .shadows import (SHADOW_SIZE, bone_corners, caster_box, caster_footprints, fit_box, light_clip, shadow_reach,
                      to_texture)
from .skeleton import BONE_INDEX, MAX_BONES, Proportions, pose_matrices
from .text import composite

AA_MODES = ("none", "fxaa", "msaa")
DEFAULT_AA = "fxaa"  # measured on 2-core llvmpipe at 1280x720: ~16 ms a frame vs ~31 ms with 4x MSAA
MAX_LIGHTS = 4
SOFT_TEXELS = 1.5  # a key light this soft (PCF spread in shadow-map texels) gets the four-tap shadow
RESHADE_PULL = 2.0  # depth units the set's redraw is pulled toward the camera (polygon offset)
FILL_MAX = 0.5  # of the frame: a view whose redraw would cover more is not cached (measured: no gain)
MAX_CASTERS = 8  # characters the set's redraw tests one by one; more share one footprint
OUTLINE_PX = 1.5  # toon ink line width at 720p, scaled with the frame height
INK = (0.16, 0.12, 0.14)  # toon outlines: the surface colour darkened and warmed toward ink
# Eyes, lids, brows, lips and mouth sit inside the head's outline from any light: the depth pass
# leaves them out (their shadows are smaller than a texel).
FACE_DETAIL = [BONE_INDEX[b] for b in ("mouth", "lip_u", "lip_d", "eye_l", "eye_r", "lid_l", "lid_r",
                                       "brow_l", "brow_r", "corner_l", "corner_r")]
CASTER_DETAIL = 0.5  # segments and rings of the shadow caster's primitives, of the drawn body's
_IDENTITY_BONES = np.tile(np.eye(4, dtype="f4").T, (MAX_BONES, 1, 1))


class _GpuMesh:
    """A mesh uploaded once; a vertex array per program that draws it, made on first use."""

    def __init__(self, ctx: moderngl.Context, vertices: np.ndarray, indices: np.ndarray) -> None:
        self._ctx = ctx
        self._vbo = ctx.buffer(vertices.astype("f4").tobytes())
        self._ibo = ctx.buffer(indices.astype("u4").tobytes())
        self.triangles = len(indices)
        self._vaos: dict[int, moderngl.VertexArray] = {}

    def render(self, program: moderngl.Program) -> None:
        """Draw the mesh with ``program`` (attributes it does not read are skipped)."""
        vao = self._vaos.get(program.glo)
        if vao is None:
            vao = self._vaos[program.glo] = self._ctx.vertex_array(
                program, [(self._vbo, VERTEX_FORMAT, *VERTEX_ATTRIBUTES)], index_buffer=self._ibo,
                index_element_size=4, skip_errors=True)
        vao.render()


class _SetView:
    """The set's triangles one view draws (whole chunks in sight, nearest first: chunks.py),
    uploaded again only when the view changes. Chunks wholly outside the key light's shadow map
    come last, to be drawn without the shadow lookup that could only answer "lit"."""

    def __init__(self, ctx: moderngl.Context, mesh: _GpuMesh, chunks: Chunks) -> None:
        self._ctx, self._mesh, self._chunks = ctx, mesh, chunks
        self._ibo = ctx.buffer(reserve=max(chunks.indices.nbytes, 12), dynamic=True)
        self._under = ctx.buffer(reserve=max(chunks.indices.nbytes, 12), dynamic=True)  # render_under's chunks
        self._vaos: dict[tuple[int, int], moderngl.VertexArray] = {}
        self._key: bytes | None = None
        self._shadowed = self._unshadowed = 0  # index counts of the two runs
        self._chunks_shadowed = np.zeros(0, np.int64)
        self._to_shadow: np.ndarray | None = None

    def look(self, vp: np.ndarray, eye, to_shadow: np.ndarray | None) -> None:
        """Choose the chunks for the view ``vp`` from ``eye``, split by whether the shadow map
        (world -> texture ``to_shadow``; None: no map) covers them."""
        key = vp.tobytes() + np.asarray(eye, "f8").tobytes() + (b"" if to_shadow is None else to_shadow.tobytes())
        if key == self._key:
            return
        self._chunks_shadowed, unshadowed = self._chunks.view_chunks(vp, eye, to_shadow)
        shadowed, unshadowed = self._chunks.run(self._chunks_shadowed), self._chunks.run(unshadowed)
        indices = np.concatenate([shadowed.reshape(-1), unshadowed.reshape(-1)])
        if indices.size:
            self._ibo.write(indices.tobytes())  # a subset: always fits
        self._shadowed, self._unshadowed, self._key, self._to_shadow = shadowed.size, unshadowed.size, key, to_shadow

    def render(self, program: moderngl.Program, unshadowed: moderngl.Program | None = None) -> None:
        """Draw this view's triangles with ``program``; those the shadow map misses with
        ``unshadowed`` instead, or not at all when it is None."""
        if self._shadowed:
            self._vao(program).render(vertices=self._shadowed)
        if self._unshadowed and unshadowed is not None:
            self._vao(unshadowed).render(vertices=self._unshadowed, first=self._shadowed)

    def render_under(self, program: moderngl.Program, rects: np.ndarray, depths: np.ndarray) -> None:
        """Draw, with ``program``, only the chunks in view that a caster with shadow-map
        footprints ``rects`` and nearest ``depths`` can shadow (``Chunks.under``)."""
        indices = self._chunks.run(self._chunks.under(self._chunks_shadowed, self._to_shadow, rects, depths))
        if indices.size:
            self._under.write(indices.tobytes())
            self._vao(program, self._under).render(vertices=indices.size)

    def _vao(self, program: moderngl.Program, ibo: moderngl.Buffer | None = None) -> moderngl.VertexArray:
        ibo = ibo or self._ibo
        vao = self._vaos.get((program.glo, ibo.glo))
        if vao is None:
            vao = self._vaos[(program.glo, ibo.glo)] = self._ctx.vertex_array(
                program, [(self._mesh._vbo, VERTEX_FORMAT, *VERTEX_ATTRIBUTES)], index_buffer=ibo,
                index_element_size=4, skip_errors=True)
        return vao


@dataclass
class _GpuCharacter:
    """A character look on the GPU plus the proportions its skeleton is posed with."""

    mesh: _GpuMesh
    caster: _GpuMesh  # what the key light's depth pass draws: a coarser body, less the face's small parts
    proportions: Proportions
    bones_used: np.ndarray  # the bones that move vertices, and the box each one moves (bone space)
    bone_boxes: np.ndarray


@dataclass
class _GpuSet:
    """A set on the GPU plus its practical lights and interior flag."""

    mesh: _GpuMesh  # every triangle, chunk after chunk (the key light's depth pass)
    view: _SetView  # the triangles the camera sees, nearest chunk first
    scenery: Scenery
    floor: float  # the lowest point of the set: no shadow falls below it


@dataclass
class _Posed:
    """An actor ready to draw this frame: its mesh and bone matrices (column-major bytes)."""

    gpu: _GpuCharacter
    bones: bytes
    matrices: np.ndarray  # the same bones, row-major float64 (for the shadow's screen bounds)

    def box(self) -> np.ndarray:
        """The posed mesh's world box: (min, max) rows."""
        return caster_box(self.gpu.bones_used, self.gpu.bone_boxes, self.matrices)


@dataclass
class _LitPrograms:
    """The lit shader's programs for one look: the set, the characters and the set's redraw
    over its cached image (None where that cannot be done)."""

    scenery: moderngl.Program
    plain: moderngl.Program  # the set where the shadow map does not reach: no lookup
    character: moderngl.Program
    reshade: moderngl.Program | None

    def all(self) -> tuple[moderngl.Program, ...]:
        """Every program of the look."""
        return (self.scenery, self.plain, self.character) + ((self.reshade,) if self.reshade is not None else ())


@dataclass
class _Shadow:
    """The key light's depth map and, for static scenery, the depth of the set alone."""

    texture: moderngl.Texture
    fbo: moderngl.Framebuffer
    set_fbo: moderngl.Framebuffer  # the set's depth alone, blitted into ``fbo`` each frame
    set_key: tuple | None = None  # (set, box, key direction) whose depth set_fbo holds
    set_depth_cpu: np.ndarray | None = None  # the same depth on the CPU (rows: texture v)
    to_tex: np.ndarray | None = None  # world -> this frame's shadow-map texture space


@dataclass
class _SetImage:
    """The set drawn alone (no characters, contact blobs or weather) for one static view."""

    fbo: moderngl.Framebuffer
    key: tuple | None = None  # everything the set's pixels depend on: set, light, style, camera, shadow box
    seen: tuple | None = None  # the last view drawn in full: cached when the next frame repeats it


class Renderer:
    """Draws FrameStates offscreen; the same FrameState always gives the same pixels.

    ``draft`` drops anti-aliasing, shadows and toon lines and uses the simplest shading; ``aa``
    picks "fxaa" (default), "msaa" (4x) or "none" for the full-quality path. ``cache_set`` keeps
    the set drawn alone while the view holds still (a static camera in one light): later frames
    restore it and redraw only the set around the characters' shadows. The pixels are the same
    either way; it is only faster. ``shadows=False`` keeps the full-quality path without the key
    light's shadow map (soft contact blobs under the feet instead), so benches can tell what the
    shadows cost.
    """

    def __init__(self, width: int, height: int, *, draft: bool = False, aa: str | None = None,
                 cache_set: bool = True, shadows: bool = True) -> None:
        self.width, self.height, self.draft, self.cache_set = width, height, draft, cache_set
        self.shadows = shadows and not draft
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
        early_z = "GL_ARB_shader_image_load_store" in self._ctx.extensions  # early_fragment_tests
        # The set's redraw that keeps unshadowed cached pixels needs single samples and early depth.
        self._can_reshade = self.cache_set and self.shadows and not self._targets.msaa and early_z
        self._lit_variants: dict[tuple[bool, bool], _LitPrograms] = {}
        self._lit = self._lit_programs_for(toon=False, soft=False)
        self._depth_program = self._programs.get("shadow.vert.glsl", "depth.frag.glsl", MAX_BONES=MAX_BONES)
        self._outline_program = self._programs.get("outline.vert.glsl", "flat.frag.glsl", MAX_BONES=MAX_BONES)
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
        self._particles: dict[str, moderngl.VertexArray] = {}
        self._shadow = self._shadow_targets() if self.shadows else None
        self._set_image = _SetImage(create_set_target(self._ctx, self._targets)) if self.cache_set else None
        self._characters: dict[Appearance, _GpuCharacter] = {}
        self._sets: dict[str, _GpuSet] = {}

    def _shadow_targets(self) -> _Shadow:
        """The shadow map (compared, bilinear: each tap is a 2x2 PCF) and the set-only depth."""
        size = (SHADOW_SIZE, SHADOW_SIZE)
        texture = self._ctx.depth_texture(size)
        texture.compare_func = "<="
        texture.filter = (moderngl.LINEAR, moderngl.LINEAR)
        texture.repeat_x = texture.repeat_y = False
        return _Shadow(texture, self._depth_target(texture), self._depth_target(self._ctx.depth_texture(size)))

    def _depth_target(self, depth: moderngl.Texture) -> moderngl.Framebuffer:
        """A depth-map framebuffer; its one-byte colour is never written but lets a blit copy the
        depth (measured: ~0.3 ms for the 1024² map against ~7 ms uploading it from a buffer)."""
        fbo = self._ctx.framebuffer([self._ctx.renderbuffer(depth.size, 1)], depth)
        fbo.color_mask = (False, False, False, False)
        return fbo

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
        """The 3D pass of ``frame``, read back: over the cached set when there is one, else in full."""
        stage = self._set(frame.set.name)
        light = lighting_for(frame.set.time_of_day, stage.scenery.interior, stage.scenery.lights, frame.set.weather)
        vp = view_projection(frame.camera, self.width / self.height, flip_y=True)
        posed = [self._pose(actor, frame.set.name) for actor in frame.actors]
        toon = frame.set.style == "toon"
        self._lit = self._lit_programs_for(toon=toon, soft=light.shadow_softness >= SOFT_TEXELS)
        self._ctx.enable(moderngl.DEPTH_TEST)
        self._ctx.depth_func = "<"
        self._set_lighting(light, vp, frame.camera.eye, toon)
        box = self._draw_set_shadow(frame, stage, light)
        stage.view.look(vp, frame.camera.eye, self._shadow.to_tex if box is not None else None)
        boxes = [a.box() for a in posed] if self._set_image is not None else []
        cached, rect = self._cache_set_image(frame, stage, light, vp, box, boxes)
        self._draw_casters(posed)
        if cached:
            self._draw_over_set(frame, stage, light, vp, posed, toon, boxes, rect)
        else:
            self._draw_full(frame, stage, light, vp, posed, toon)
        if frame.set.weather in PRECIPITATION and not stage.scenery.interior:
            self._draw_particles(frame, light, vp)
        return self._finish(components)

    def _draw_full(self, frame: FrameState, stage: _GpuSet, light: Lighting, vp: np.ndarray,
                   posed: list[_Posed], toon: bool) -> None:
        """Everything but the weather on a cleared scene: characters, set, contact blobs, sky."""
        scene = self._targets.scene
        scene.use()
        scene.clear(0.0, 0.0, 0.0, 1.0, depth=1.0)
        self._draw_actors(posed, vp, light, toon)
        self._draw_scenery(stage)  # nearest first: early depth test then skips hidden scenery
        self._draw_blobs(frame, light, vp)
        self._draw_sky(light, vp, frame.camera.eye)

    def _draw_over_set(self, frame: FrameState, stage: _GpuSet, light: Lighting, vp: np.ndarray,
                       posed: list[_Posed], toon: bool, boxes: list[np.ndarray], rect) -> None:
        """The same over the cached set: restore it, draw the characters (world ``boxes``) over
        it, then redraw the set only inside ``rect``, where their shadows can reach."""
        scene = self._targets.scene
        self._ctx.copy_framebuffer(scene, self._set_image.fbo)
        scene.use()
        if rect is not None and not self._can_reshade:  # multisampled: redraw all of it
            scene.clear(0.0, 0.0, 0.0, 1.0, depth=1.0, viewport=rect)
        self._draw_actors(posed, vp, light, toon)
        if rect is not None and not self._can_reshade:  # cleared: the full pass's order and pixels
            with _scissor(scene, rect):
                self._draw_scenery(stage)
        elif rect is not None:
            self._reshade_set(stage, boxes, light, rect)
        self._draw_blobs(frame, light, vp)
        if rect is not None and not self._can_reshade:
            with _scissor(scene, rect):
                self._draw_sky(light, vp, frame.camera.eye)

    def _reshade_set(self, stage: _GpuSet, boxes: list[np.ndarray], light: Lighting, rect) -> None:
        """Shade the visible set again where the characters can shadow it, over the cached depth:
        pulled nearer by RESHADE_PULL depth units, so the nearest surface passes once (and of
        equal-depth ones the first drawn, as in the full pass) and what the characters hide fails."""
        scene = self._targets.scene
        with _scissor(scene, rect):
            self._ctx.polygon_offset = 0.0, -RESHADE_PULL
            self._draw_scenery(stage, *self._reshade(boxes, light))
            self._ctx.polygon_offset = 0.0, 0.0

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

    def _character(self, appearance: Appearance) -> _GpuCharacter:
        """The uploaded mesh of ``appearance``, built on first use."""
        if appearance not in self._characters:
            build = build_character if appearance.model is None else build_imported  # model: an imported mesh
            vertices, indices, props = build(appearance)
            mesh = _GpuMesh(self._ctx, vertices, indices)
            caster = mesh if appearance.model is not None else self._caster(appearance)
            self._characters[appearance] = _GpuCharacter(mesh, caster, props, *bone_corners(vertices))
        return self._characters[appearance]

    def _caster(self, appearance: Appearance) -> _GpuMesh:
        """What the key light's depth pass draws of a built character: the same body at
        CASTER_DETAIL (its facets inside the fine ones, so it never shadows the lit surface),
        less the face's small parts."""
        with detail(CASTER_DETAIL):
            vertices, indices, _ = build_character(appearance)
        bone = np.rint(vertices[indices[:, 0], VERTEX_BONE]).astype(int)
        return _GpuMesh(self._ctx, vertices, indices[~np.isin(bone, FACE_DETAIL)])

    def _set(self, name: str) -> _GpuSet:
        """The uploaded geometry of set ``name``, built on first use."""
        if name not in self._sets:
            scenery = build_scenery(name)
            floor = float(scenery.vertices[:, 1].min()) if len(scenery.vertices) else 0.0
            chunks = partition(scenery.vertices[:, :3], scenery.indices)
            mesh = _GpuMesh(self._ctx, scenery.vertices, chunks.indices)
            self._sets[name] = _GpuSet(mesh, _SetView(self._ctx, mesh, chunks), scenery, floor)
        return self._sets[name]

    def _particle_field(self, kind: str) -> moderngl.VertexArray:
        """The seeded particle field of ``kind`` ("rain" or "snow"), uploaded on first use."""
        if kind not in self._particles:
            data, layout = field(kind)
            program = self._programs.get("particles.vert.glsl", "particles.frag.glsl")
            self._particles[kind] = self._ctx.vertex_array(program, [(self._ctx.buffer(data.tobytes()), layout, "in_seed", "in_tail")])
        return self._particles[kind]

    # --- drawing -----------------------------------------------------------------------

    def _lit_programs_for(self, *, toon: bool, soft: bool) -> _LitPrograms:
        """The lit programs of a look, compiled on first use. Toon bands and the soft (four-tap)
        shadow are compiled in, not chosen by a uniform: llvmpipe runs both sides of every branch,
        so a uniform switch paid for the four taps on every pixel of a sunny frame (measured on
        bamboo at 720p: 45 ms a frame against 32). A draft has one look: flat.frag, no shadow."""
        if self.draft:
            toon = False
        soft = soft and self.shadows
        key = (toon, soft)
        if key not in self._lit_variants:
            defines: dict[str, object] = {"MAX_BONES": MAX_BONES, "MAX_LIGHTS": MAX_LIGHTS, "SHADOW_SIZE": SHADOW_SIZE}
            if self.draft:
                defines["DRAFT"] = 1
            if toon:
                defines["TOON"] = 1
            if soft:
                defines["SOFT_SHADOW"] = 1
            if not self.shadows and not self.draft:
                defines["NO_SHADOW"] = 1
            fragment = "flat.frag.glsl" if self.draft else "lit.frag.glsl"
            get = self._programs.get
            reshade = get("lit.vert.glsl", fragment, RESHADE=1, MAX_CASTERS=MAX_CASTERS, **defines) if self._can_reshade else None
            plain = get("lit.vert.glsl", fragment, **{**defines, "NO_SHADOW": 1}) if self.shadows else None
            scenery = get("lit.vert.glsl", fragment, **defines)
            self._lit_variants[key] = _LitPrograms(
                scenery, plain or scenery, get("lit.vert.glsl", fragment, CHARACTER=1, **defines), reshade)
        return self._lit_variants[key]

    def _lit_programs(self) -> tuple[moderngl.Program, ...]:
        """The scenery and character variants of this frame's lit shader (and the set's redraw)."""
        return self._lit.all()

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

    def _set_lighting(self, light: Lighting, vp: np.ndarray, eye, toon: bool) -> None:
        """Upload the camera, lights, fog and style shared by every lit draw of the frame."""
        self._write("u_view_proj", vp.T.astype("f4").tobytes())
        values = {
            "u_cam_pos": tuple(eye), "u_sun_dir": light.sun_dir, "u_sun_color": light.sun_color,
            "u_fill_color": light.fill_color, "u_rim_color": light.rim_color, "u_sky_ambient": light.sky_ambient,
            "u_ground_ambient": light.ground_ambient, "u_zenith": light.zenith, "u_horizon": light.horizon,
            "u_fog_density": light.fog_density, "u_practical": light.practical, "u_exposure": light.exposure,
            "u_ground_tint": light.ground_tint, "u_toon": 1.0 if toon else 0.0, "u_shadow_map": 0,
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

    def _pose(self, actor: ActorState, set_name: str) -> _Posed:
        """``actor``'s mesh and its bone matrices for this pose."""
        gpu = self._character(actor.appearance)
        world = translate(actor.x, 0.0, actor.z) @ rot_y(actor.yaw)
        seat = seat_height(set_name, actor.x, actor.z) if actor.pose.sit > 0 else None
        bones = pose_matrices(gpu.proportions, actor.pose, world, seat)
        data = np.tile(np.eye(4), (MAX_BONES, 1, 1))
        data[: len(bones)] = bones
        return _Posed(gpu, data.transpose(0, 2, 1).astype("f4").tobytes(), data)

    def _draw_set_shadow(self, frame: FrameState, stage: _GpuSet, light: Lighting):
        """Fill the key light's depth map with the set alone, point the lit shaders at it, and
        return its box (None in a draft: no map, spread 0).

        Indoors only the characters cast: the room light sits inside walls and ceiling. The set's
        own depth is drawn once per (set, box, key) and blitted in on later frames of the shot.
        """
        if self._shadow is None:
            self._write("u_light_vp", np.eye(4, dtype="f4").tobytes())
            self._uniform("u_shadow_spread", (0.0, 0.0))
            return None
        box = fit_box(frame)
        clip = light_clip(box, light.sun_dir)
        prog = self._depth_program
        prog["u_light_clip"].write(clip.T.astype("f4").tobytes())
        key = (frame.set.name, box, light.sun_dir, stage.scenery.interior)
        sh = self._shadow
        if sh.set_key != key:
            sh.set_fbo.use()
            sh.set_fbo.clear(depth=1.0)
            if not stage.scenery.interior:
                with _depth_pass(self._ctx):
                    prog["u_bones"].write(_IDENTITY_BONES.tobytes())
                    stage.mesh.render(prog)
            sh.set_depth_cpu = None  # read back when the set cache first needs it
            sh.set_key = key
        self._ctx.copy_framebuffer(sh.fbo, sh.set_fbo)
        self._uniform("u_normal_offset", 1.5 * box.texel)
        sh.to_tex = to_texture(clip)
        self._write("u_light_vp", sh.to_tex.T.astype("f4").tobytes())
        spread = light.shadow_softness / SHADOW_SIZE
        self._uniform("u_shadow_spread", (spread, spread))
        return box

    def _draw_casters(self, posed: list[_Posed]) -> None:
        """Add the characters to the key light's depth map (drawn by ``_draw_set_shadow``)."""
        if self._shadow is None or not posed:
            return
        self._shadow.fbo.use()
        prog = self._depth_program
        with _depth_pass(self._ctx):
            for actor in posed:
                prog["u_bones"].write(actor.bones)
                actor.gpu.caster.render(prog)

    def _cache_set_image(self, frame: FrameState, stage: _GpuSet, light: Lighting, vp: np.ndarray, box,
                         boxes: list[np.ndarray]) -> tuple[bool, tuple[int, int, int, int] | None]:
        """Whether to draw over the set image, and the rectangle to redraw there (``_reshadow_rect``).

        The image is drawn (the set alone, its own shadows, the sky) when a view repeats the last
        frame's: a moving camera, which never repeats, is drawn in full without paying for it, and
        so is a view whose characters can shadow more than FILL_MAX of the frame (a close-up: the
        redraw would save little). The depth map must hold the set alone when this runs.
        """
        image = self._set_image
        if image is None:
            return False, None
        key = (frame.set.name, frame.set.time_of_day, frame.set.weather, frame.set.style, frame.camera, box)
        if image.key != key and image.seen != key:
            image.seen = key
            return False, None
        rect = self._reshadow_rect(boxes, stage, light, vp)
        if image.key == key:
            return True, rect
        if rect is not None and rect[2] * rect[3] > FILL_MAX * self.width * self.height:
            return False, None
        image.fbo.use()
        image.fbo.clear(0.0, 0.0, 0.0, 1.0, depth=1.0)
        self._draw_scenery(stage)
        self._draw_sky(light, vp, frame.camera.eye)
        image.key = key
        return True, rect

    def _reshadow_rect(self, boxes: list[np.ndarray], stage: _GpuSet, light: Lighting, vp: np.ndarray):
        """The screen rectangle (x, y, w, h) of the set the characters (world ``boxes``) can
        shadow, whole pixels grown by two; None when they cast none (a draft, no one on set)."""
        if self._shadow is None or not boxes:
            return None
        sh = self._shadow
        if sh.set_depth_cpu is None:
            sh.set_depth_cpu = np.frombuffer(sh.set_fbo.depth_attachment.read(), "f4").reshape(SHADOW_SIZE, SHADOW_SIZE)
        points = shadow_reach(boxes, light.sun_dir, stage.floor - 0.1, sh.to_tex, sh.set_depth_cpu)
        return screen_rect(points, vp, self.width, self.height)

    def _reshade(self, boxes: list[np.ndarray], light: Lighting) -> tuple[moderngl.Program, np.ndarray, np.ndarray]:
        """The program that redraws the set over its cached image, told where the characters
        ``boxes`` sit in the shadow map, and those places: uv rectangles and nearest depths."""
        prog = self._lit.reshade
        if len(boxes) > MAX_CASTERS:
            boxes = [np.stack([np.min(boxes, axis=0)[0], np.max(boxes, axis=0)[1]])]
        pad = (light.shadow_softness + 2.0) / SHADOW_SIZE  # the PCF taps' spread, the bilinear texel
        rects, depths = caster_footprints(boxes, self._shadow.to_tex, pad)
        uv = np.zeros((MAX_CASTERS, 4), "f4")
        near = np.zeros(MAX_CASTERS, "f4")
        uv[: len(boxes)], near[: len(boxes)] = rects, depths
        prog["u_caster_count"].value = len(boxes)
        prog["u_caster_uv"].write(uv.tobytes())
        prog["u_caster_depth"].write(near.tobytes())
        return prog, rects, depths

    def _draw_actors(self, posed: list[_Posed], vp: np.ndarray, light: Lighting, toon: bool) -> None:
        """The characters, and in toon style their ink outlines."""
        self._ctx.enable(moderngl.CULL_FACE)
        self._ctx.front_face = "cw"  # the y-flipped projection mirrors the winding
        if self._shadow is not None:
            self._shadow.texture.use(0)
        for actor in posed:
            self._lit.character["u_bones"].write(actor.bones)
            actor.gpu.mesh.render(self._lit.character)
        if toon and not self.draft:
            self._draw_outlines(posed, vp, light)

    def _draw_outlines(self, posed: list[_Posed], vp: np.ndarray, light: Lighting) -> None:
        """Toon ink: each character's inverted hull, front faces culled."""
        prog = self._outline_program
        prog["u_view_proj"].write(vp.T.astype("f4").tobytes())
        prog["u_viewport"].value = (float(self.width), float(self.height))
        prog["u_outline_px"].value = OUTLINE_PX * max(self.height / 720.0, 0.67)
        prog["u_ink"].value = INK
        prog["u_exposure"].value = light.exposure
        self._ctx.cull_face = "front"
        for actor in posed:
            prog["u_bones"].write(actor.bones)
            actor.gpu.mesh.render(prog)
        self._ctx.cull_face = "back"

    def _draw_scenery(self, stage: _GpuSet, reshade: moderngl.Program | None = None,
                      rects: np.ndarray | None = None, depths: np.ndarray | None = None) -> None:
        """The set, static, every vertex on bone 0: lit, and without shadow lookups where the map
        does not reach; or with ``reshade`` only the chunks casters at shadow-map footprints
        ``rects`` (nearest ``depths``) can shadow (over the cached set, the rest of which is right)."""
        self._ctx.enable(moderngl.CULL_FACE)
        self._ctx.front_face = "cw"
        if self._shadow is not None:
            self._shadow.texture.use(0)
        if reshade is not None:
            reshade["u_bones"].write(_IDENTITY_BONES.tobytes())
            stage.view.render_under(reshade, rects, depths)
            return
        for prog in (self._lit.scenery, self._lit.plain):
            prog["u_bones"].write(_IDENTITY_BONES.tobytes())
        stage.view.render(self._lit.scenery, self._lit.plain)

    def _draw_blobs(self, frame: FrameState, light: Lighting, vp: np.ndarray) -> None:
        """A soft contact shadow under each actor, nudged away from the key light, multiplied in;
        with a shadow map it is only the faint occlusion right under the feet."""
        prog = self._blob.program
        prog["u_view_proj"].write(vp.T.astype("f4").tobytes())
        sx, sy, sz = light.sun_dir
        mapped = self._shadow is not None
        nudge = 0.0 if mapped else 0.1
        prog["u_offset"].value = (-sx / max(sy, 0.35) * nudge, -sz / max(sy, 0.35) * nudge)
        self._ctx.enable(moderngl.BLEND)
        self._ctx.disable(moderngl.CULL_FACE)
        self._ctx.blend_func = moderngl.DST_COLOR, moderngl.ZERO
        size, strength = (0.22, 0.45) if mapped else (0.3, 0.75)
        for actor in frame.actors:
            h = actor.appearance.height_m
            prog["u_blob"].value = (actor.x, actor.z, size * h / 1.7 * (1 + 0.5 * actor.pose.sit), strength)
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
        self._ctx.disable(moderngl.CULL_FACE)
        self._ctx.depth_func = "<="
        self._sky.render()
        self._ctx.depth_func = "<"

    def _draw_particles(self, frame: FrameState, light: Lighting, vp: np.ndarray) -> None:
        """Rain streaks or snowflakes around the camera at ``frame.set.clock``, blended over the
        frame, hidden behind geometry but not hiding each other."""
        kind = frame.set.weather
        spec = PRECIPITATION[kind]
        vao = self._particle_field(kind)
        prog = vao.program
        eye, target = np.asarray(frame.camera.eye, float), np.asarray(frame.camera.target, float)
        ahead = target - eye
        ahead[1] = 0.0
        ahead = ahead / max(np.linalg.norm(ahead), 1e-6)
        box = np.asarray(spec.box)
        center = eye + ahead * box[0] * 0.35
        corner = (center[0] - box[0] / 2, -0.5, center[2] - box[2] / 2)
        focal_px = self.height / (2.0 * np.tan(np.radians(frame.camera.fov_deg) / 2))
        values = {
            "u_cam_pos": tuple(eye), "u_box_min": corner, "u_box_size": tuple(box), "u_velocity": spec.velocity,
            "u_time": frame.set.clock, "u_streak": spec.streak, "u_sway": spec.sway, "u_point_px": spec.size * focal_px,
            "u_color": (*precipitation_color(light), spec.opacity), "u_round": 1.0 if spec.streak == 0 else 0.0,
        }
        for name, value in values.items():
            if name in prog:
                prog[name].value = value
        prog["u_view_proj"].write(vp.T.astype("f4").tobytes())
        self._ctx.enable(moderngl.BLEND | moderngl.PROGRAM_POINT_SIZE)
        self._ctx.blend_func = moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA
        self._targets.scene.depth_mask = False
        vao.render(moderngl.LINES if spec.streak > 0 else moderngl.POINTS)
        self._targets.scene.depth_mask = True
        self._ctx.disable(moderngl.BLEND | moderngl.PROGRAM_POINT_SIZE)

    def _finish(self, components: int) -> np.ndarray:
        """Resolve anti-aliasing into the output target and read back ``components`` channels."""
        t = self._targets
        self._ctx.disable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        if t.msaa:
            self._ctx.copy_framebuffer(t.output, t.scene)
        elif t.color_texture is not None:
            t.output.use()
            t.color_texture.use(0)
            self._fxaa.render(moderngl.TRIANGLES, vertices=3)
        return read_pixels(t.output, self.width, self.height, components)


@contextmanager
def _scissor(fbo: moderngl.Framebuffer, rect: tuple[int, int, int, int]):
    """Draws on ``fbo`` (bound) limited to ``rect`` inside the block."""
    fbo.scissor = rect
    try:
        yield
    finally:
        fbo.scissor = None


@contextmanager
def _depth_pass(ctx: moderngl.Context):
    """The depth pass's state: both faces (thin scenery, leaves and rails, is single-sided) and
    the polygon offset against acne."""
    ctx.disable(moderngl.CULL_FACE)
    ctx.polygon_offset = 2.0, 4.0
    try:
        yield
    finally:
        ctx.polygon_offset = 0.0, 0.0


def screen_rect(points: np.ndarray, vp: np.ndarray, width: int, height: int) -> tuple[int, int, int, int] | None:
    """The pixel rectangle (x, y, w, h) holding the convex hull of world ``points`` seen through
    ``vp``, grown by two pixels and clipped to the frame; the whole frame when the hull reaches
    behind the camera, None when it falls outside the frame."""
    clip = _in_front(np.c_[points, np.ones(len(points))] @ vp.T)
    if len(clip) == 0:
        return None
    ndc = clip[:, :2] / clip[:, 3:4]
    lo = np.floor((ndc.min(axis=0) + 1.0) * 0.5 * (width, height)) - 2
    hi = np.ceil((ndc.max(axis=0) + 1.0) * 0.5 * (width, height)) + 2
    x0, y0 = max(int(lo[0]), 0), max(int(lo[1]), 0)
    x1, y1 = min(int(hi[0]), width), min(int(hi[1]), height)
    return (x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else None


def _in_front(clip: np.ndarray, near_w: float = 1e-3) -> np.ndarray:
    """The clip-space points of a convex hull's part in front of the camera: the points there and
    where each segment between one in front and one behind crosses ``w = near_w``."""
    front, behind = clip[clip[:, 3] >= near_w], clip[clip[:, 3] < near_w]
    if len(behind) == 0 or len(front) == 0:
        return front
    a, b = front[:, None, :], behind[None, :, :]
    t = (a[..., 3] - near_w) / (a[..., 3] - b[..., 3])
    crossings = a + (b - a) * t[..., None]
    return np.concatenate([front, crossings.reshape(-1, 4)])


def precipitation_color(light: Lighting) -> tuple[float, float, float]:
    """The display colour of rain or snow: lit by the sky and the practicals around, never black."""
    lin = np.asarray(light.horizon) * 0.5 + np.asarray(light.sky_ambient) * 1.5 + 0.12
    lin = lin + 0.08 * sum(np.asarray(p.color) for p in light.lights) if light.lights else lin
    encoded = np.where(lin <= 0.0031308, lin * 12.92, 1.055 * np.power(np.clip(lin, 0.0, 1.0), 1 / 2.4) - 0.055)
    return tuple(float(c) for c in np.clip(encoded * light.exposure, 0.0, 1.0))


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
