"""The 3D renderer: draws a FrameState (set, camera, posed characters) into RGB pixels."""

from .renderer import Renderer

__all__ = ["Renderer"]
