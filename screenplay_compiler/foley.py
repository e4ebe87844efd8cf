"""When a body makes a sound: the Foley of each action clip, timed from the action library's keys.

A clap sounds where its arms' rectified sway brings the palms together, a jump scuffs as it leaves
the ground and thuds as it lands, a fall where the body tips past 60 degrees, a kneel as the knee
arrives, a sit as the hips settle (creaking on a chair), a push at its lunge, a pick up or put down
at its deepest bend; dance and run steps follow their sway and stride. ``mix.foley`` places them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mix import footstep_times

FULL = 0.99  # an action's weight at which its pose shows fully (contacts while blending in or out are not heard)
SEATED = 0.92  # fraction of a sit at which the hips touch down (the smoothstep has covered 98 %)


@dataclass(frozen=True)
class Hit:
    """One Foley sound of a body: when it lands (seconds), which sound (``sfx.FOLEY_SOUNDS`` or
    "step") and its gain in dB from the sound's level."""

    t: float
    sound: str
    gain_db: float = 0.0


def _at(clip, u: float) -> float:
    """The time a fraction ``u`` of the way through ``clip``."""
    return clip.start + u * (clip.end - clip.start)


def _first_key(spec, test) -> float:
    """The fraction of an action at which the first of its keys that passes ``test`` is reached."""
    return next(k.at for k in spec.keys if test(k))


def _lift_and_landing(spec) -> tuple[float, float]:
    """When a jump's feet leave the ground and touch it again: the keys either side of its
    highest one whose root is back on the ground."""
    top = max(range(len(spec.keys)), key=lambda i: spec.keys[i].root[1])
    lift = max(k.at for k in spec.keys[:top] if k.root[1] <= 0.0)
    return lift, min(k.at for k in spec.keys[top:] if k.root[1] <= 0.0)


def _lying(key) -> bool:
    """Whether a key lays the whole figure down (its body tipped past 60 degrees)."""
    from .actions import rotation

    steps = dict(key.bones).get("body")
    return steps is not None and float(np.linalg.norm(rotation(steps))) > np.radians(60.0)


def _bend(key) -> float:
    """How far forward a key bends the spine (degrees about x)."""
    steps = dict(key.bones).get("spine", "")
    return sum(float(s[1:]) for s in steps.split() if s[0] == "x")


def _deepest(spec) -> float:
    """The fraction at which a reach for the floor (pick up, put down) is at its lowest."""
    most = max(_bend(k) for k in spec.keys)
    return _first_key(spec, lambda k: _bend(k) == most)


def wobble_times(clip, offset: float = 0.0) -> list[float]:
    """When an action's periodic sway is ``offset`` half periods past a zero (0: where a rectified
    sway such as a clap's brings the palms together; 0.5: a turning point, where a dance's hips
    rest over one foot), while the action shows fully."""
    from .actions import SPECS, weight

    spec = SPECS[clip.kind]
    sway = spec.wobble[0] if clip.kind != "dance" else next(w for w in spec.wobble if w.bone == "root.offset")
    times, k = [], 1
    while (t := clip.start + ((k + offset) / 2.0 - sway.phase) * sway.period) < clip.end:
        if t > clip.start and weight(spec, clip.start, clip.end, clip.until, t) >= FULL:
            times.append(t)
        k += 1
    return times


def clap_times(clip) -> list[float]:
    """When the palms meet during a clap: each zero of the arms' rectified swing."""
    return wobble_times(clip)


def action_hits(clip, seat: bool = False, thing: str = "box", cut: float = float("inf")) -> list[Hit]:
    """The Foley of one clip: contact sounds at the moments its keys (or sways, or gait) put a
    body part against the floor, a chair, a hand or another body. ``seat``: a sit lands on a
    chair; ``thing``: the prop a pick up or put down handles ("cup" or anything else); ``cut``:
    when the actor's next body action takes over (a clap or a dance stops beating there)."""
    from .actions import SPECS

    kind, spec = clip.kind, SPECS.get(clip.kind)
    hits = _KEYED[kind](clip, spec) if kind in _KEYED else []
    if kind == "clap":
        hits = [Hit(t, "clap", -2.0 * (i % 2)) for i, t in enumerate(clap_times(clip)) if t < cut]
    elif kind == "dance":  # a step onto the foot the hips sway over, a light touch as they pass the middle
        hits = [Hit(t, "step", g) for off, g in ((0.5, -3.0), (0.0, -10.0)) for t in wobble_times(clip, off) if t < cut]
    elif kind == "run":
        hits = [Hit(t, "step", 2.0 - 3.0 * (i % 2)) for i, t in enumerate(footstep_times(clip))]
    elif kind == "sit":
        hits = [Hit(_at(clip, SEATED), "settle")] + ([Hit(_at(clip, SEATED), "creak")] if seat else [])
    elif kind in ("pick_up", "put_down"):
        hits = [Hit(_at(clip, _deepest(spec)), "tap_cup" if thing == "cup" else "tap_box")]
    if spec is not None and spec.hold and clip.until is not None and kind in ("kneel", "fall"):
        hits.append(Hit(clip.until, "cloth", 3.0))  # getting back up
    return sorted(hits, key=lambda h: h.t)


_KEYED = {
    "jump": lambda c, s: [Hit(_at(c, u), sound) for u, sound in zip(_lift_and_landing(s), ("scuff", "land"))],
    "fall": lambda c, s: [Hit(_at(c, _first_key(s, _lying)), "body_fall")],
    "kneel": lambda c, s: [Hit(c.start, "cloth"), Hit(_at(c, s.keys[-1].at), "knee")],
    "stand": lambda c, s: [Hit(c.start, "cloth")],
    "push": lambda c, s: [Hit(_at(c, _first_key(s, lambda k: k.root[2] > 0.0)), "slap")],
    "hug": lambda c, s: [Hit(c.start, "cloth", 2.0)],
    "fight_stance": lambda c, s: [Hit(c.start, "whoosh")],
    "phone_call": lambda c, s: [Hit(c.start, "cloth", -3.0)],
}


def actor_hits(set_name: str, actor) -> list[Hit]:
    """Every Foley sound of ``actor`` (a scene's ActorTrack) on set ``set_name``, in time order."""
    hits = [h for c in actor.clips for h in action_hits(c, _on_seat(set_name, actor, c), _thing(c), _cut(actor, c))]
    return sorted(hits, key=lambda h: h.t)


def _on_seat(set_name: str, actor, clip) -> bool:
    """Whether a sit ends on a chair or bench of the set (not on the ground)."""
    if clip.kind != "sit":
        return False
    from .sets import seat_at
    from .tracks import sample_keys

    x, z, _ = sample_keys(actor.keys, clip.end)
    return seat_at(set_name, x, z) is not None


def _cut(actor, clip) -> float:
    """When the actor's next body action (a gesture, a gait, sitting or standing) after ``clip`` starts."""
    from .actions import SPECS

    later = [c.start for c in actor.clips if c.start > clip.start and (c.kind not in SPECS or SPECS[c.kind].body)]
    return min(later, default=float("inf"))


def _thing(clip) -> str:
    """What a pick up or put down handles, as the prop the rig draws ("cup", "phone" or "box")."""
    from .actions import prop_kind

    return prop_kind(clip.thing) if clip.kind in ("pick_up", "put_down") else "box"
