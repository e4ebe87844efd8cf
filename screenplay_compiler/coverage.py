"""Automatic coverage: the shots sdc cuts for the events no camera direction covers.

Lowering calls :func:`plan` once per *run*: the events of a scene before its first camera
direction (or after a transition that no direction follows). The writer's directions always
win; a run only exists where none applies. In ``dialogue`` mode a run becomes an establishing
wide, then shot-reverse-shot on whoever speaks (an over-the-shoulder the first time each
speaker is covered, medium close-ups after, a close-up for a strong line), reaction shots on
the listener after a strong or addressed line, and a return to the wide when someone walks,
enters or when three people talk. ``static`` and ``none`` keep one wide shot.

Only sizes and subjects are decided here; where the camera stands (on the audience side of
the line of action between :func:`principals`) is geometry, done in ``camera.py`` when the
tracks know where everyone is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from . import ir
from .actions import SPECS, expected_seconds

MODES = {"dialogue": "dialogue", "auto": "dialogue", "static": "static", "none": "none", "off": "none",
         "对话": "dialogue", "自动": "dialogue", "固定": "static", "无": "none", "关": "none"}
ESTABLISH = 2.5  # seconds of the scene's opening events the establishing wide shows (at least one event)
MIN_AUTO = 1.5  # no automatic shot is shorter than this (expected seconds)
STRONG = 1.3  # a line this intense (or surprised, afraid, angry) earns a reaction shot
STRONG_EMOTIONS = frozenset({"surprised", "afraid", "angry"})
MOVES = frozenset({"walk_to", "run_to"})  # actions that change the geography: back to the wide
REACTIONS = frozenset({"nod", "wave", "turn_to", "sit", "stand"})  # actions a listener reacts with
FIGURE = frozenset({"kneel", "fall", "jump", "dance", "bow", "fight_stance", "stagger", "perform"})  # read in the whole body
CONTACT = frozenset({"hug", "push"})  # two people touching: frame them both


@dataclass(frozen=True)
class Want:
    """The camera an event asks for: a role, a shot size and its subjects."""

    role: str
    size: str
    subjects: tuple[str, ...] = ()

    def same(self, other: "Want | None") -> bool:
        """True when both frame the same way (a regroup wide after the establishing one is no cut)."""
        return other is not None and (self.size, self.subjects) == (other.size, other.subjects)


@dataclass
class _Group:
    """Consecutive events under one wanted camera, and their expected length."""

    want: Want
    events: list
    seconds: float


@dataclass
class _State:
    """What the planner remembers while walking a run."""

    covered: set  # speakers who have had their first (over-the-shoulder) shot
    last_speaker: str | None = None
    recent: tuple[str, ...] = ()  # the last three on-screen speakers
    listener: str | None = None  # whom a reaction shot would show, after a strong or addressed line


def plan(events: Sequence, mode: str, cast: Sequence[str], *, opening: bool,
         line_seconds: Callable[[ir.Line], float], covered: set | None = None) -> list[tuple[ir.Camera, list]]:
    """The automatic shots of one run: (camera, events) pairs in order.

    ``opening``: the run starts the scene (it gets the establishing shot). ``covered`` carries
    the speakers already introduced in the scene from one run to the next.
    """
    wide = Want("master", "wide")
    if mode != "dialogue" or not events:
        return [(_camera(wide), list(events))]
    seconds = lambda e: _seconds(e, line_seconds)
    wants = _wants(events, cast, opening, seconds, covered if covered is not None else set())
    return [(_camera(g.want), g.events) for g in _merge(_groups(events, wants, seconds))]


def principals(events: Sequence, cast: Sequence[str]) -> tuple[str, ...]:
    """The two characters the scene's line of action runs between: who speaks most on screen
    (ties: who speaks first), then the rest of the cast in order."""
    counts: dict[str, int] = {}
    for e in events:
        if isinstance(e, ir.Line) and e.channel == "on":
            counts[e.speaker] = counts.get(e.speaker, 0) + 1
    order = sorted(counts, key=lambda n: -counts[n])  # sorted is stable: first speaker wins a tie
    return tuple(dict.fromkeys(order + list(cast)))[:2]


def _seconds(e, line_seconds: Callable[[ir.Line], float]) -> float:
    """How long an event is expected to take on screen."""
    if isinstance(e, ir.Line):
        return line_seconds(e)
    if isinstance(e, ir.Pause):
        return e.seconds
    if isinstance(e, ir.Action):
        return 0.0 if e.overlap else _action_seconds(e)
    return 0.0


def _action_seconds(action: ir.Action) -> float:
    """An action's expected seconds, from the action table as tracks.py schedules it (a walk of a
    typical length; a performed file as long as it lasts, once lowering has checked it)."""
    if action.verb == "perform":
        from .actions import file_motion, motion_path

        try:
            return file_motion(motion_path(action.target or "")).duration
        except (FileNotFoundError, OSError, ValueError):
            return 0.0
    return expected_seconds(action.verb) if action.verb in SPECS else 1.0


def _wants(events: Sequence, cast: Sequence[str], opening: bool, seconds, covered: set) -> list[Want | None]:
    """The camera each event asks for; None carries the previous one on."""
    solo = cast[0] if len(cast) == 1 else None
    state = _State(covered)
    out: list[Want | None] = []
    elapsed = 0.0
    for i, e in enumerate(events):
        if opening and (i == 0 or elapsed < ESTABLISH):
            want = Want("establishing", "full", (solo,)) if solo else Want("establishing", "wide")
            if isinstance(e, ir.Line) and e.channel == "on":
                _heard(e, state, cast)
        elif getattr(e, "overlap", False):
            want = None  # an overlap starts with the event before it: same shot
        elif solo:
            want = _solo_want(e, solo)
        else:
            want = _want(e, state, cast)
        elapsed += seconds(e)
        out.append(want)
    return out


def _solo_want(e, name: str) -> Want | None:
    """One character alone: a medium shot while they talk, full figure while they move."""
    if isinstance(e, ir.Line) and e.channel == "on":
        return Want("single", "medium", (name,))
    if isinstance(e, ir.Action) and e.verb in MOVES | FIGURE | {"sit", "stand"}:
        return Want("regroup", "full", (name,))
    return None


def _want(e, state: _State, cast: Sequence[str]) -> Want | None:
    """The camera one event of a scene with several characters asks for."""
    if isinstance(e, ir.Action):
        if e.verb in MOVES:  # the geography changes (everyone is in the set from the start: a walk is an entrance)
            state.listener = None
            return Want("regroup", "wide")
        if e.verb in REACTIONS and e.actor == state.listener:
            return Want("reaction", "medium_close", (e.actor,))
        if e.verb in CONTACT and e.target in cast:
            return Want("regroup", "two_shot", (e.actor, e.target))
        if e.verb in FIGURE:
            return Want("single", "full", (e.actor,))
        return None
    if isinstance(e, ir.Pause):
        return Want("reaction", "medium_close", (state.listener,)) if state.listener else None
    if not isinstance(e, ir.Line) or e.channel != "on":
        return None
    first = e.speaker not in state.covered
    listener = _heard(e, state, cast)
    if len(set(state.recent)) >= 3:
        return Want("regroup", "wide")
    if listener is None:
        return Want("single", "medium_close", (e.speaker,))
    if first:
        return Want("over_shoulder", "over_shoulder", (e.speaker, listener))
    return Want("single", "close" if _strong(e) else "medium_close", (e.speaker,))


def _heard(e: ir.Line, state: _State, cast: Sequence[str]) -> str | None:
    """Note an on-screen line; return whom it is spoken to (None if nobody else is there)."""
    listener = e.to if e.to and e.to != e.speaker else None
    if listener is None and state.last_speaker not in (None, e.speaker):
        listener = state.last_speaker
    if listener is None:
        listener = next((n for n in cast if n != e.speaker), None)
    state.covered.add(e.speaker)
    state.last_speaker = e.speaker
    state.recent = (state.recent + (e.speaker,))[-3:]
    state.listener = listener if listener and (_strong(e) or e.to) else None
    return listener


def _strong(e: ir.Line) -> bool:
    """A line strong enough to cut to the listener's reaction."""
    return e.intensity >= STRONG or e.emotion in STRONG_EMOTIONS


def _groups(events: Sequence, wants: list[Want | None], seconds) -> list[_Group]:
    """Consecutive events that want the same camera, grouped."""
    groups: list[_Group] = []
    for e, want in zip(events, wants):
        if groups and (want is None or want.same(groups[-1].want)):
            groups[-1].events.append(e)
            groups[-1].seconds += seconds(e)
        else:
            groups.append(_Group(want or Want("master", "wide"), [e], seconds(e)))
    return groups


def _merge(groups: list[_Group]) -> list[_Group]:
    """Fold every group shorter than MIN_AUTO into the shot before it (the first, and a reaction
    before its subject's own line, take the next one in instead), then join neighbours that
    ended up wanting the same camera."""
    while len(groups) > 1:
        k = next((i for i, g in enumerate(groups) if g.seconds < MIN_AUTO), None)
        if k is None:
            break
        keep, drop = (k - 1, k) if k > 0 and not _leads_into(groups, k) else (k, k + 1)
        groups[keep].events.extend(groups[drop].events)
        groups[keep].seconds += groups[drop].seconds
        del groups[drop]
        groups = _join(groups)
    return groups


def _leads_into(groups: list[_Group], k: int) -> bool:
    """True when short group ``k`` is on the person the next group shows (a reaction before
    their line): it takes the next group in rather than folding into the shot before."""
    nxt = groups[k + 1] if k + 1 < len(groups) else None
    return bool(nxt and groups[k].want.subjects and nxt.want.subjects[:1] == groups[k].want.subjects[:1])


def _join(groups: list[_Group]) -> list[_Group]:
    """Neighbouring groups with the same camera as one."""
    out: list[_Group] = []
    for g in groups:
        if out and out[-1].want.same(g.want):
            out[-1].events.extend(g.events)
            out[-1].seconds += g.seconds
        else:
            out.append(g)
    return out


def _camera(want: Want) -> ir.Camera:
    """The IR camera of a wanted shot (not the writer's: ``explicit`` is False)."""
    return ir.Camera.model_construct(size=want.size, subjects=want.subjects, explicit=False, role=want.role)
