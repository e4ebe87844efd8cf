"""The espeak-ng engine: offline speech in about a hundred languages, Mandarin (``cmn``) included.

It drives the ``libespeak-ng.so`` and ``espeak-ng-data`` that the ``espeakng-loader`` wheel ships,
through ctypes, in synchronous mode: ``espeak_Synth`` calls back with 16-bit samples and phoneme
events (IPA names, sample positions), which become the line's phoneme alignment. espeak-ng keeps
state between calls that changes its output, so each line is spoken by a fresh, small process
(:mod:`espeak_worker`, ~50 ms): the same line always gives the same samples.
"""

from __future__ import annotations

import base64
import functools
import importlib.metadata
import json
import re
import subprocess
import sys

import numpy as np

from . import dsp
from .voice import LineAudio, Phoneme, Prosody, VoiceError, concat_lines, set_level, silence, trim_silence

DEFAULT_WPM = 175  # espeak's own default speed
# espeak's pitch parameter 0, 10, ..., 100 and the semitones it moves the voice from 50 (median F0
# measured on en-us and cmn; the scale is not logarithmic). Beyond its ends the rest is done in numpy.
_PITCH_PARAMS = np.arange(0, 101, 10)
_PITCH_SEMITONES = np.array([-6.4, -5.6, -4.4, -3.0, -1.6, 0.0, 1.8, 3.7, 5.7, 7.7, 9.5])
_SENTENCE_GAP_S = 0.15
_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])\s*")
_VOICE_HINT = "for example: en-us, en-gb, cmn, yue, fr, de, es, ja"


def _run(request: dict) -> dict:
    """Run one request in a fresh espeak process."""
    try:
        proc = subprocess.run([sys.executable, "-m", "screenplay_compiler.espeak_worker"], input=json.dumps(request),
                              capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        raise VoiceError("espeak-ng did not finish within two minutes") from None
    if proc.returncode != 0:
        why = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        if "espeakng_loader" in proc.stderr:
            why = "the espeak engine needs the espeakng-loader package: pip install espeakng-loader"
        raise VoiceError(f"espeak-ng failed: {why}")
    answer = json.loads(proc.stdout)
    if answer["rate"] <= 0:
        raise VoiceError("espeak-ng could not be initialised (its data folder is missing or damaged)")
    if not answer["voice_ok"]:
        raise VoiceError(f"espeak has no voice {request['voice']!r} ({_VOICE_HINT})")
    return answer


@functools.lru_cache(maxsize=None)
def _probe(voice: str) -> tuple[int, str]:
    """(sample rate, espeak-ng version) after checking ``voice`` exists; once per voice per process."""
    answer = _run({"voice": voice, "wpm": DEFAULT_WPM, "pitch": 50, "range": 50, "sentences": []})
    return answer["rate"], answer["version"]


def espeak_settings(prosody: Prosody) -> tuple[int, int, int, float]:
    """espeak's (words per minute, pitch 0..100, range 0..100) for a prosody, and the semitones
    of pitch left over beyond what espeak's own pitch reaches."""
    wpm = int(round(min(450, max(80, DEFAULT_WPM * prosody.rate))))
    semitones = float(np.clip(prosody.pitch_semitones, _PITCH_SEMITONES[0], _PITCH_SEMITONES[-1]))
    pitch = int(round(float(np.interp(semitones, _PITCH_SEMITONES, _PITCH_PARAMS))))
    range_ = int(round(min(100, max(0, 50 * prosody.pitch_range))))
    return wpm, pitch, range_, prosody.pitch_semitones - semitones


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (Latin and CJK end marks), without empty pieces."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


class EspeakEngine:
    """espeak-ng with a named voice (``en-us``, ``cmn``, ...): formant synthesis, fully offline."""

    name = "espeak"

    def __init__(self, voice: str):
        """Check the voice exists (one quick espeak process per voice)."""
        self.voice = voice
        self.rate, self._info = _probe(voice)

    @property
    def version(self) -> str:
        """espeak-ng's own version and the loader wheel's, for cache keys."""
        return f"espeak-ng={self._info};espeakng-loader={importlib.metadata.version('espeakng-loader')}"

    def synthesize(self, text: str, prosody: Prosody, seed: int) -> LineAudio:
        """Speak ``text`` sentence by sentence (so pauses follow the prosody), trimmed and joined."""
        sentences = split_sentences(text)
        if not sentences:
            return silence(0.25, self.rate)
        wpm, pitch, range_, rest = espeak_settings(prosody)
        answer = _run({"voice": self.voice, "wpm": wpm, "pitch": pitch, "range": range_, "seed": seed,
                       "sentences": sentences})
        parts = [self._part(p, rest) for p in answer["parts"]]
        parts = [p for p in parts if len(p.samples)]
        if not parts:
            return silence(0.25, self.rate)
        return set_level(concat_lines(parts, _SENTENCE_GAP_S * prosody.pause / prosody.rate), prosody.volume_db)

    def _part(self, part: dict, semitones: float) -> LineAudio:
        """One sentence's samples and phoneme times, re-pitched by what espeak could not reach."""
        audio = np.frombuffer(base64.b64decode(part["pcm"]), "<i2").astype(np.float64) / 32768.0
        if abs(semitones) > 1e-6 and len(audio):
            audio = dsp.pitch_shift(audio, semitones, self.rate)
        marks = [*part["events"], [len(audio), ""]]  # an empty name is a pause: a boundary, not a phoneme
        phonemes = tuple(Phoneme(sym, a / self.rate, b / self.rate)
                         for (a, sym), (b, _) in zip(marks, marks[1:]) if sym and b >= a)
        return trim_silence(LineAudio(audio.astype(np.float32), self.rate, phonemes))
