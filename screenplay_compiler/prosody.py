"""How lines are spoken: the prosody of each emotion and delivery, as plain data.

Kept apart from :mod:`voice` (numpy, onnx, the engines) so the compiler front end, which
only needs the names, starts fast.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prosody:
    """How to speak a line: speed, pitch, loudness, intonation, pauses and voice quality."""

    rate: float = 1.0
    pitch_semitones: float = 0.0
    volume_db: float = 0.0
    noise_scale: float = 1.0  # multiplies the model's waveform noise (expressiveness)
    noise_w: float = 1.0  # multiplies the model's duration noise (rhythm variation)
    pitch_range: float = 1.0  # how far the intonation moves (espeak's range; piper: expressiveness)
    pause: float = 1.0  # multiplies the pauses between sentences
    breath: float = 0.0  # 0 voiced .. 1 whispered (voicing replaced by shaped noise)
    tremolo: float = 0.0  # depth of a sobbing/laughing amplitude shake


# The emotion table (docs/voices.md shows it; a test keeps the two in step).
EMOTIONS: dict[str, Prosody] = {
    "neutral": Prosody(),
    "calm": Prosody(rate=0.92, pitch_semitones=-0.5, volume_db=-2.0, noise_scale=0.8, noise_w=0.7, pitch_range=0.8, pause=1.2),
    "happy": Prosody(rate=1.06, pitch_semitones=1.5, volume_db=1.0, noise_scale=1.15, pitch_range=1.25),
    "excited": Prosody(rate=1.15, pitch_semitones=2.5, volume_db=3.0, noise_scale=1.25, noise_w=1.1, pitch_range=1.4,
                       pause=0.7),
    "sad": Prosody(rate=0.85, pitch_semitones=-1.5, volume_db=-3.0, noise_scale=0.8, noise_w=0.8, pitch_range=0.7,
                   pause=1.4, breath=0.1),
    "worried": Prosody(rate=1.04, pitch_semitones=1.0, volume_db=-1.5, noise_scale=1.1, noise_w=1.2, pitch_range=1.1,
                       pause=0.9),
    "afraid": Prosody(rate=1.12, pitch_semitones=2.0, volume_db=-1.0, noise_scale=1.2, noise_w=1.3, pitch_range=1.2,
                      pause=0.8, breath=0.15, tremolo=0.12),
    "angry": Prosody(rate=1.1, pitch_semitones=0.5, volume_db=4.0, noise_scale=1.2, pitch_range=1.3, pause=0.7),
    "surprised": Prosody(rate=1.05, pitch_semitones=3.0, volume_db=2.0, noise_scale=1.2, pitch_range=1.5),
    "whispering": Prosody(rate=0.92, pitch_semitones=-1.0, volume_db=-10.0, noise_scale=0.6, noise_w=0.9,
                          pitch_range=0.6, breath=0.9),
    "shouting": Prosody(rate=1.05, pitch_semitones=2.0, volume_db=6.0, noise_scale=1.2, pitch_range=1.3, pause=0.8),
    "tired": Prosody(rate=0.82, pitch_semitones=-2.0, volume_db=-3.0, noise_scale=0.7, noise_w=0.8, pitch_range=0.6,
                     pause=1.5, breath=0.15),
    "disgusted": Prosody(rate=0.95, pitch_semitones=-1.0, volume_db=1.0, noise_scale=1.1, pitch_range=1.2, pause=1.1,
                         breath=0.1),
    "shy": Prosody(rate=0.9, pitch_semitones=0.5, volume_db=-6.0, noise_scale=0.8, noise_w=1.2, pitch_range=0.7,
                   pause=1.3, breath=0.2),
    "smug": Prosody(rate=0.94, pitch_semitones=-0.5, volume_db=1.0, noise_scale=1.1, pitch_range=1.35, pause=1.1),
}

# How a line is delivered, beside its emotion: "(whispering)", "(crying)", "(fast)".
DELIVERIES: dict[str, Prosody] = {
    "whispering": EMOTIONS["whispering"],
    "shouting": EMOTIONS["shouting"],
    "muttering": Prosody(rate=1.08, pitch_semitones=-1.0, volume_db=-6.0, noise_scale=0.7, pitch_range=0.5, breath=0.2),
    "softly": Prosody(rate=0.95, pitch_semitones=-0.5, volume_db=-5.0, noise_scale=0.8, pitch_range=0.85, breath=0.1),
    "loudly": Prosody(pitch_semitones=1.0, volume_db=4.0, noise_scale=1.1, pitch_range=1.1),
    "crying": Prosody(rate=0.85, pitch_semitones=1.0, volume_db=-2.0, noise_scale=1.2, noise_w=1.3, pitch_range=1.2,
                      pause=1.3, breath=0.3, tremolo=0.35),
    "laughing": Prosody(rate=1.08, pitch_semitones=2.0, volume_db=1.0, noise_scale=1.2, pitch_range=1.3, tremolo=0.3),
    "fast": Prosody(rate=1.25, pause=0.7),
    "slowly": Prosody(rate=0.8, pause=1.3),
}


def resolve_emotion(emotion: str) -> str:
    """Return the known emotion name for ``emotion``; unknown names become neutral."""
    name = emotion.strip().lower()
    return name if name in EMOTIONS else "neutral"


def resolve_delivery(delivery: tuple[str, ...] | list[str], emotion: str = "neutral") -> tuple[str, ...]:
    """The known deliveries, lower-cased, deduplicated, without one that repeats the emotion."""
    out: list[str] = []
    for d in delivery:
        name = d.strip().lower()
        if name in DELIVERIES and name not in out and name != resolve_emotion(emotion):
            out.append(name)
    return tuple(out)


def scaled(p: Prosody, intensity: float) -> Prosody:
    """``p`` at ``intensity`` (1 as in the table, 0.5 half-way from neutral, 1.5 beyond it)."""
    if intensity == 1.0:
        return p
    k = intensity
    lerp = lambda value, neutral: neutral + (value - neutral) * k
    return Prosody(rate=max(0.5, lerp(p.rate, 1.0)), pitch_semitones=lerp(p.pitch_semitones, 0.0),
                   volume_db=lerp(p.volume_db, 0.0), noise_scale=max(0.1, lerp(p.noise_scale, 1.0)),
                   noise_w=max(0.1, lerp(p.noise_w, 1.0)), pitch_range=max(0.1, lerp(p.pitch_range, 1.0)),
                   pause=max(0.1, lerp(p.pause, 1.0)), breath=min(1.0, max(0.0, lerp(p.breath, 0.0))),
                   tremolo=min(1.0, max(0.0, lerp(p.tremolo, 0.0))))


def combine(a: Prosody, b: Prosody) -> Prosody:
    """Layer two prosodies: factors multiply, offsets add, voice quality takes the stronger."""
    return Prosody(
        rate=a.rate * b.rate, pitch_semitones=a.pitch_semitones + b.pitch_semitones, volume_db=a.volume_db + b.volume_db,
        noise_scale=a.noise_scale * b.noise_scale, noise_w=a.noise_w * b.noise_w, pitch_range=a.pitch_range * b.pitch_range,
        pause=a.pause * b.pause, breath=max(a.breath, b.breath), tremolo=max(a.tremolo, b.tremolo),
    )
