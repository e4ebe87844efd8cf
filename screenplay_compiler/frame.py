"""What the renderer draws at one instant: a pure value computed from tracks and ``t``.

World coordinates: metres, y up, the ground at y = 0. A character at yaw 0 faces +z;
positive yaw turns it counter-clockwise seen from above, so its forward vector is
``(sin(yaw), 0, cos(yaw))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .ir import Appearance, TimeOfDay, Weather

Vec3 = tuple[float, float, float]
Style = Literal["realistic", "toon"]


@dataclass(frozen=True)
class CameraState:
    """A pinhole camera looking from ``eye`` at ``target``; ``roll`` in radians."""

    eye: Vec3
    target: Vec3
    fov_deg: float = 40.0
    roll: float = 0.0


@dataclass(frozen=True)
class Pose:
    """Blend weights and phases of a character's body at one instant (all 0 = idle stand)."""

    walk: float = 0.0  # 0..1 blend of the gait cycle
    walk_phase: float = 0.0  # radians; one full stride per 2*pi
    sit: float = 0.0  # 0..1 from standing to sitting on the ground
    wave: float = 0.0  # 0..1 blend of a raised, waving right arm
    wave_phase: float = 0.0  # radians of the hand's side-to-side swing
    head_pitch: float = 0.0  # radians, positive tips the head down (a nod)
    head_yaw: float = 0.0  # radians, head turn relative to the body
    mouth_open: float = 0.0  # 0 closed .. 1 wide open
    blink: float = 0.0  # 0 open .. 1 closed
    breath: float = 0.0  # radians of the idle breathing cycle
    mouth_wide: float = 0.0  # 0..1 lips spread (ee, s)
    mouth_round: float = 0.0  # 0..1 lips rounded and pushed forward (oo, w)
    brow_raise: float = 0.0  # expression offsets: see faces.Face for each meaning
    brow_tilt: float = 0.0
    lids: float = 0.0
    gaze_pitch: float = 0.0
    gaze_yaw: float = 0.0
    smile: float = 0.0
    smirk: float = 0.0
    slump: float = 0.0
    run: float = 0.0  # 0..1 of the walk blend that is a running gait
    bones: tuple[tuple[str, float, float, float], ...] = ()  # (bone, rotation vector): the blended actions
    root: Vec3 = (0.0, 0.0, 0.0)  # metres the whole body is moved, after the feet are planted
    prop: float = 0.0  # 0 hidden .. 1 full size: the object in the right hand
    prop_kind: str = ""  # which object: "phone", "cup" or "box"


@dataclass(frozen=True)
class ActorState:
    """One character placed in the set at one instant."""

    name: str
    appearance: Appearance
    x: float
    z: float
    yaw: float
    pose: Pose = Pose()


@dataclass(frozen=True)
class SetState:
    """Which set is standing, how it is lit, its weather and the episode's drawing style.

    ``clock`` is the seconds since the shot began, carried only when something in the set moves
    by itself (falling rain or snow; 0 otherwise), so a frame stays a pure function of its state.
    """

    name: str
    time_of_day: TimeOfDay = "day"
    weather: Weather = "clear"
    style: Style = "realistic"
    clock: float = 0.0


Anchor = Literal["top-left", "top-right", "bottom-left", "bottom-right", "top", "bottom"]


@dataclass(frozen=True)
class Overlay:
    """Text drawn over the finished 3D frame (an AI-content label, a burned-in subtitle).

    ``height`` is the ink height of the tallest glyph as a fraction of the frame's shorter
    side; ``margin`` the gap to the frame's edges and ``lift`` an extra vertical gap, in the same
    unit. Lines wrap at
    ``max_columns`` display columns (0: only when the text is wider than the frame).
    """

    text: str
    anchor: Anchor = "top-left"
    height: float = 0.06
    color: tuple[int, int, int] = (255, 255, 255)
    band: tuple[int, int, int, int] = (0, 0, 0, 208)  # RGBA of the box behind the text
    margin: float = 0.03
    max_columns: int = 0
    lift: float = 0.0  # extra distance from the top or bottom edge (to clear another overlay)


@dataclass(frozen=True)
class Blend:
    """How a frame meets its neighbours: a fade to black, or a dissolve or wipe from ``under``
    (the shot before, still playing) to this frame, ``progress`` of the way through."""

    black: float = 0.0  # 0 none .. 1 fully black (fade in / fade out)
    kind: str = "cut"  # "dissolve" or "wipe" when ``under`` is drawn
    progress: float = 1.0  # 0 all ``under`` .. 1 all this frame
    under: "FrameState | None" = None


@dataclass(frozen=True)
class FrameState:
    """Everything needed to draw one frame."""

    set: SetState
    camera: CameraState
    actors: tuple[ActorState, ...] = ()
    overlays: tuple[Overlay, ...] = ()
    blend: Blend | None = None  # a transition in progress (None on all other frames)
