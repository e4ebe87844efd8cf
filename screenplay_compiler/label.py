"""The visible AI-content label (GB 45438-2025 §5.4) and burned-in subtitles, as overlays.

A build's :class:`OverlayPlan` says what text goes over the frames; :func:`overlays_at` turns
it into the overlays of the frame at ``t``. The label shows from the first frame for at least
two seconds (and, on request, again for the last two), in a corner band, its glyphs at least
5% of the frame's shorter side tall, and it says "AI" or "人工智能" and "生成" or "合成".
"""

from __future__ import annotations

from dataclasses import dataclass

from . import fonts
from .frame import Overlay
from .subtitles import MAX_LINE
from .tracks import Tracks

DEFAULT_TEXT = "AI生成 · AI-generated"
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")
LABEL_SECONDS = 2.0  # GB 45438 §5.4: at least 2 s at the start
LABEL_HEIGHT = 0.06  # drawn a little above the 5% floor, so compression cannot take it below
MIN_HEIGHT = 0.05  # GB 45438 §5.4: text height at least 5% of the shorter side
SUBTITLE_HEIGHT = 0.05
MAX_BAND = 0.25  # a label taller than this share of the frame is no longer a corner band
AI_WORDS = ("AI", "人工智能")
MADE_WORDS = ("生成", "合成")


class LabelError(ValueError):
    """The label or subtitles cannot be drawn as asked (wrong words, missing glyphs, too long)."""


@dataclass(frozen=True)
class LabelSpec:
    """The visible label: its text, corner, how long it shows and whether it repeats at the end."""

    text: str = DEFAULT_TEXT
    corner: str = "top-left"
    seconds: float = LABEL_SECONDS
    repeat_end: bool = False
    height: float = LABEL_HEIGHT

    def overlay(self) -> Overlay:
        """The label as a frame overlay."""
        return Overlay(text=self.text, anchor=self.corner, height=self.height)


@dataclass(frozen=True)
class OverlayPlan:
    """What a build draws over its frames: the label (None: disabled) and burned subtitles."""

    label: LabelSpec | None = None
    subtitles: bool = False
    first_frame: int = 0  # the output's first frame and length in episode frames: a build of a
    frame_count: int | None = None  # few shots shows the label at its own start (None: to the end)


NO_OVERLAYS = OverlayPlan()


def label_problems(spec: LabelSpec) -> list[str]:
    """Why ``spec`` would not make a compliant label (empty when it would)."""
    problems = []
    if not any(w in spec.text for w in AI_WORDS) or not any(w in spec.text for w in MADE_WORDS):
        problems.append(f"the label must contain 'AI' or '人工智能' and '生成' or '合成' (got {spec.text!r})")
    if spec.corner not in CORNERS:
        problems.append(f"the label corner must be one of {', '.join(CORNERS)} (got {spec.corner!r})")
    if spec.seconds < LABEL_SECONDS:
        problems.append(f"the label must show for at least {LABEL_SECONDS:g} s (got {spec.seconds:g} s)")
    if spec.height < MIN_HEIGHT:
        problems.append(f"the label text must be at least {MIN_HEIGHT:.0%} of the frame's shorter side")
    missing = fonts.missing_glyphs(spec.text)
    if missing:
        problems.append(f"the bundled font cannot draw {''.join(missing)!r} in the label")
    return problems


def check_plan(plan: OverlayPlan, tracks: Tracks) -> None:
    """Raise LabelError unless every overlay of ``plan`` can be drawn in ``tracks``' frame size
    (label wording, glyphs, size and fit; subtitle glyphs)."""
    from .render.text import layout

    problems = label_problems(plan.label) if plan.label else []
    if plan.label and not problems:
        lay = layout(plan.label.overlay(), tracks.width, tracks.height)
        short = min(tracks.width, tracks.height)
        if lay.glyph_px < MIN_HEIGHT * short or lay.width > tracks.width or lay.height > MAX_BAND * tracks.height:
            problems.append(f"the label {plan.label.text!r} does not fit a {tracks.width}x{tracks.height} frame as a "
                            f"corner band with text {MIN_HEIGHT:.0%} of the shorter side tall; shorten it")
    if plan.subtitles:
        missing = fonts.missing_glyphs("".join(c.text for c in tracks.cues))
        if missing:
            problems.append(f"the bundled font cannot draw {''.join(missing)!r} in the subtitles")
    if problems:
        raise LabelError("; ".join(problems))


def label_shown(plan: OverlayPlan, tracks: Tracks, t: float) -> bool:
    """True when the plan's label is on screen in the frame at ``t`` (episode time)."""
    spec = plan.label
    start = plan.first_frame / tracks.fps
    count = plan.frame_count if plan.frame_count is not None else tracks.frame_count - plan.first_frame
    end = (plan.first_frame + count) / tracks.fps
    at_end = spec.repeat_end and end - spec.seconds - 1e-9 <= t < end - 1e-9
    return start - 1e-9 <= t < start + spec.seconds - 1e-9 or at_end


def overlays_at(plan: OverlayPlan, tracks: Tracks, t: float) -> tuple[Overlay, ...]:
    """The overlays of the frame at ``t``: the label while it shows, then the current subtitle."""
    if plan == NO_OVERLAYS:
        return ()
    out: list[Overlay] = []
    if plan.label and label_shown(plan, tracks, t):
        out.append(plan.label.overlay())
    cue = next((c for c in tracks.cues if c.start <= t < c.end), None) if plan.subtitles else None
    if cue is not None:
        out.append(subtitle_overlay(cue.text, _lift(out, tracks)))
    return tuple(out)


def subtitle_overlay(text: str, lift: float = 0.0) -> Overlay:
    """A burned-in subtitle: centred at the bottom, wrapped like the SRT, ``lift`` higher."""
    return Overlay(text=text, anchor="bottom", height=SUBTITLE_HEIGHT, band=(0, 0, 0, 160),
                   margin=0.05, max_columns=MAX_LINE, lift=lift)


def _lift(shown: list[Overlay], tracks: Tracks) -> float:
    """How far a subtitle moves up to clear a label in a bottom corner (fraction of the short side)."""
    from .render.text import layout

    bottom = [o for o in shown if o.anchor.startswith("bottom")]
    if not bottom:
        return 0.0
    short = min(tracks.width, tracks.height)
    return round(max(o.margin + o.lift + layout(o, tracks.width, tracks.height).height / short for o in bottom), 4)
