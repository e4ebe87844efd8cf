"""Imported character models: the `model:` cast line, the IR reference, rigid binding and drawing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from screenplay_compiler import api, ir, modelfile
from screenplay_compiler.cli import app
from screenplay_compiler.frame import ActorState, CameraState, FrameState, Pose, SetState
from screenplay_compiler.render import imported
from screenplay_compiler.render.skeleton import BONE_INDEX

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "import"
W, H = 160, 90
CAMERA = CameraState(eye=(0.0, 1.1, 4.2), target=(0.0, 0.95, 0.0), fov_deg=40.0)
runner = CliRunner()
# Body parts as boxes: name, size, centre (metres, y up, facing +z), sRGB colour.
PARTS = (
    ("torso", (0.42, 0.6, 0.26), (0.0, 1.18, 0.0), (0.85, 0.1, 0.1)),
    ("head", (0.22, 0.3, 0.22), (0.0, 1.65, 0.0), (0.9, 0.75, 0.6)),
    ("upper_l", (0.1, 0.32, 0.1), (0.29, 1.3, 0.0), (0.1, 0.2, 0.85)),
    ("lower_l", (0.09, 0.34, 0.09), (0.29, 0.97, 0.0), (0.1, 0.2, 0.85)),
    ("upper_r", (0.1, 0.32, 0.1), (-0.29, 1.3, 0.0), (0.1, 0.2, 0.85)),
    ("lower_r", (0.09, 0.34, 0.09), (-0.29, 0.97, 0.0), (0.1, 0.2, 0.85)),
    ("thigh_l", (0.15, 0.44, 0.15), (0.1, 0.66, 0.0), (0.15, 0.15, 0.15)),
    ("calf_l", (0.13, 0.44, 0.13), (0.1, 0.22, 0.0), (0.15, 0.15, 0.15)),
    ("thigh_r", (0.15, 0.44, 0.15), (-0.1, 0.66, 0.0), (0.15, 0.15, 0.15)),
    ("calf_r", (0.13, 0.44, 0.13), (-0.1, 0.22, 0.0), (0.15, 0.15, 0.15)),
)


def make_model(path, scale: float = 1.0, z_up: bool = False):
    """A boxy figure with one material per part, saved as .glb or .obj (centimetres with ``scale=100``)."""
    import trimesh
    from trimesh.visual.material import PBRMaterial

    scene = trimesh.Scene()
    for name, size, centre, rgb in PARTS:
        box = trimesh.creation.box(extents=np.asarray(size) * scale)
        box.apply_translation(np.asarray(centre) * scale)
        if z_up:
            box.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))
        box.visual = trimesh.visual.TextureVisuals(material=PBRMaterial(name=name, baseColorFactor=[*rgb, 1.0]))
        scene.add_geometry(box, node_name=name, geom_name=name)
    scene.export(str(path))
    return path


def script(model: str) -> str:
    """A one-character script drawn with ``model``."""
    return f"""CAST
JUN: tall man
  model: "{model}"

EXT. PARK - DAY
JUN: Hello there.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    (root / "assets").mkdir()
    make_model(root / "assets" / "jun.glb")
    make_model(root / "assets" / "jun.obj")
    (root / "main.play").write_text(script("assets/jun.glb"), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def renderer():
    from screenplay_compiler.render import Renderer

    with Renderer(W, H) as r:
        yield r


def look(root, model: str = "assets/jun.glb") -> ir.Appearance:
    """JUN's appearance compiled from a script in ``root`` naming ``model``."""
    path = root / f"s-{model.replace('/', '_')}.play"
    path.write_text(script(model), encoding="utf-8")
    return api.compile_file(path).episode.characters[0].appearance


def draw(renderer, appearance: ir.Appearance | None, pose: Pose = Pose()) -> np.ndarray:
    """One frame of the park with ``appearance`` (or nobody) standing at the centre mark."""
    actors = () if appearance is None else (ActorState("Jun", appearance, 0.0, 0.0, 0.0, pose),)
    return renderer.render(FrameState(SetState("park", "day"), CAMERA, actors))


def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pixels that differ noticeably."""
    return np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 12


class TestIR:
    def test_model_reference_holds_the_written_path_and_hash(self, project):
        import hashlib

        a = look(project)
        assert a.model == ir.ModelRef(path="assets/jun.glb",
                                      sha256=hashlib.sha256((project / "assets" / "jun.glb").read_bytes()).hexdigest())
        data = json.loads(ir.to_json(a))
        assert data["model"] == {"path": "assets/jun.glb", "sha256": a.model.sha256}
        assert str(project) not in ir.to_json(api.compile_file(project / "main.play").episode)

    def test_no_model_leaves_the_json_as_it_was(self, project):
        episode = api.compile_text(script("x.glb").replace('  model: "x.glb"\n', ""), "plain.play").episode
        assert "model" not in json.loads(ir.to_json(episode.characters[0].appearance))

    def test_editing_the_file_changes_the_reference(self, tmp_path):
        (tmp_path / "m.glb").write_bytes((make_model(tmp_path / "a.glb")).read_bytes())
        first = look(tmp_path, "m.glb")
        make_model(tmp_path / "m.glb", scale=1.1)
        second = look(tmp_path, "m.glb")
        assert first.model.sha256 != second.model.sha256 and first != second

    def test_chinese_keyword(self, project):
        text = script("assets/jun.obj").replace("  model:", "  模型：")
        (project / "zh.play").write_text(text, encoding="utf-8")
        assert api.compile_file(project / "zh.play").episode.characters[0].appearance.model.path == "assets/jun.obj"

    def test_fmt_keeps_the_model_line(self, project):
        from screenplay_compiler.fmt import format_text

        text = script("assets/jun.glb")
        out = format_text(text)
        assert 'model: "assets/jun.glb"' in out
        assert format_text(out) == out


class TestBinding:
    @pytest.mark.parametrize("name", ["jun.glb", "jun.obj"])
    def test_fitted_to_height_with_feet_on_the_ground(self, project, name):
        a = look(project, f"assets/{name}")
        vertices, indices, p = imported.build_imported(a)
        bones = vertices[:, 11].astype(int)
        joints = np.array([p.joints[n] for n in sorted(BONE_INDEX, key=BONE_INDEX.get)])
        world = vertices[:, :3] + joints[bones]
        assert world[:, 1].min() == pytest.approx(0.0, abs=1e-5)
        assert world[:, 1].max() == pytest.approx(a.height_m, abs=1e-4)
        assert indices.shape == (len(vertices) // 3, 3) and indices.dtype == np.uint32
        # the head box binds to the head, the left arm box to the left arm, the legs to the legs
        top = world[:, 1] > 0.95 * a.height_m
        assert set(bones[top]) <= {BONE_INDEX["head"]}
        left_arm = world[:, 0] > 0.26 * a.height_m / 1.82
        assert set(bones[left_arm]) <= {BONE_INDEX[b] for b in ("upper_arm_l", "forearm_l", "hand_l", "clavicle_l")}
        feet = world[:, 1] < 0.05
        assert set(bones[feet]) <= {BONE_INDEX[b] for b in ("foot_l", "foot_r", "shin_l", "shin_r")}

    def test_material_colours_and_normals(self, project):
        vertices, _, _ = imported.build_imported(look(project))
        colours = {tuple(np.round(c, 3)) for c in vertices[:, 6:9]}
        assert len(colours) == 4  # torso, head, arms, legs
        assert np.allclose(np.linalg.norm(vertices[:, 3:6], axis=1), 1.0, atol=1e-5)

    def test_z_up_and_centimetres_are_stood_up(self, tmp_path):
        make_model(tmp_path / "z.glb", scale=100.0, z_up=True)
        a = look(tmp_path, "z.glb")
        vertices, _, p = imported.build_imported(a)
        joints = np.array([p.joints[n] for n in sorted(BONE_INDEX, key=BONE_INDEX.get)])
        world = vertices[:, :3] + joints[vertices[:, 11].astype(int)]
        assert np.ptp(world[:, 1]) == pytest.approx(a.height_m, abs=1e-4)
        assert np.ptp(world[:, 2]) < 0.3  # depth stays depth

    def test_named_nodes_bind_by_name(self):
        assert imported.named_bone("mixamorig:LeftForeArm") == "forearm_l"
        assert imported.named_bone("head.001") == "head"
        assert imported.named_bone("shin_r") == "shin_r"
        assert imported.named_bone("torso") is None

    def test_worker_handoff(self, project):
        a = look(project)
        (pair,) = modelfile.registered([a.model])
        assert pair[0] == a.model.sha256 and pair[1].endswith("jun.glb")


class TestDrawing:
    def test_model_is_visible_where_the_character_stands(self, project, renderer):
        empty, figure = draw(renderer, None), draw(renderer, look(project))
        mask = changed(empty, figure)
        ys, xs = np.nonzero(mask)
        assert mask.sum() > 300
        assert abs(xs.mean() - W / 2) < 8  # centred on the mark
        torso = figure[ys.min() + (ys.max() - ys.min()) // 3, W // 2]
        assert torso[0] > 1.5 * torso[2] and torso[0] > 80  # the red torso material, lit

    def test_arm_follows_a_wave(self, project, renderer):
        a = look(project)
        still, waving = draw(renderer, a), draw(renderer, a, Pose(wave=1.0))
        mask = changed(still, waving)
        assert mask.sum() > 40
        xs = np.nonzero(mask)[1]
        assert xs.mean() < W / 2  # the right arm (the character's right: screen left, facing us)

    def test_same_model_same_pixels(self, project, renderer):
        a = look(project)
        assert np.array_equal(draw(renderer, a), draw(renderer, a))


class TestDiagnostics:
    @pytest.mark.parametrize("case, write", [
        ("missing", lambda root: None),
        ("broken", lambda root: (root / "jun.glb").write_bytes(b"glTF\x02\x00\x00\x00not really a model")),
        ("unsupported", lambda root: (root / "jun.fbx").write_bytes(b"Kaydara FBX Binary")),
        ("outside", lambda root: None),
    ])
    def test_rendered_text(self, tmp_path, monkeypatch, golden, case, write):
        root = tmp_path / "p"
        root.mkdir()
        write(root)
        model = {"missing": "assets/jun.glb", "broken": "jun.glb", "unsupported": "jun.fbx", "outside": "../jun.glb"}[case]
        (root / "main.play").write_text(script(model), encoding="utf-8")
        monkeypatch.chdir(root)
        result = runner.invoke(app, ["check", "main.play"], catch_exceptions=False)
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        golden(GOLDEN / f"{case}.txt", result.stderr)

    def test_cast_sheet_with_an_imported_model(self, project, tmp_path):
        from PIL import Image

        from screenplay_compiler import castsheet

        sheets = castsheet.make(project / "main.play", tmp_path / "sheets")
        assert len(sheets) == 1
        pixels = np.asarray(Image.open(sheets[0].path).convert("RGB"))
        red = (pixels[..., 0] > 120) & (pixels[..., 1] < 60) & (pixels[..., 2] < 60)
        assert red.sum() > 200  # the imported torso's colour shows on the sheet


def test_golden_fixture_has_a_broken_model():
    case = ROOT / "tests" / "golden" / "diagnostics" / "bad-model"
    assert (case / "main.play").is_file() and any(case.glob("*.glb"))
