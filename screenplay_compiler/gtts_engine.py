"""The online gTTS engine (optional extra ``online``): Google's voices for many languages.

It is only ever built when a character's voice says ``gtts``, so an episode that does not
ask for it never touches the network. Every request has a timeout (gTTS waits forever by
default); a failed request raises :class:`OfflineError`, which names the offline engines.
Prosody is applied afterwards in numpy: WSOLA for speed, stretch-and-resample for pitch.
"""

from __future__ import annotations

import importlib.metadata
import io
import warnings

import numpy as np

from . import dsp
from .espeak import split_sentences
from .voice import LineAudio, Prosody, VoiceError, concat_lines, set_level, silence, trim_silence

TIMEOUT_S = 10.0
_RATE = 24000  # gTTS serves 24 kHz MP3
_SENTENCE_GAP_S = 0.15
OFFLINE_HINT = ("use an offline engine instead: piper (English, the default) or espeak (offline, many languages, "
                "e.g. 'voice: espeak cmn' for Mandarin), or build with --voice-fallback")


class OfflineError(VoiceError):
    """gTTS was asked for and could not be reached."""


class GttsEngine:
    """gTTS speaking one language (``en``, ``zh-CN``, ...), with a timeout on every request."""

    name = "gtts"

    def __init__(self, lang: str, timeout: float = TIMEOUT_S):
        """Check gTTS is installed and knows ``lang``; contacts nothing."""
        try:
            from gtts.lang import tts_langs
        except ImportError:
            raise VoiceError("the gtts engine needs gTTS: pip install 'screenplay-compiler[online]'; " + OFFLINE_HINT) from None
        if lang not in tts_langs():
            raise VoiceError(f"gTTS has no language {lang!r} (for example: en, zh-CN, zh-TW, fr, de, ja)")
        self.lang, self.timeout = lang, timeout

    @property
    def version(self) -> str:
        """gTTS's version, for cache keys (Google's voices are not versioned)."""
        return f"gTTS={importlib.metadata.version('gTTS')};tld=com"

    def synthesize(self, text: str, prosody: Prosody, seed: int) -> LineAudio:
        """Fetch each sentence, then apply rate, pitch and level; raises OfflineError without a network."""
        del seed  # the service's voice has no noise of ours to seed
        parts = [self._sentence(s, prosody) for s in split_sentences(text)]
        parts = [p for p in parts if len(p.samples)]
        if not parts:
            return silence(0.25, _RATE)
        return set_level(concat_lines(parts, _SENTENCE_GAP_S * prosody.pause / prosody.rate), prosody.volume_db)

    def _sentence(self, text: str, prosody: Prosody) -> LineAudio:
        """One sentence: fetched, decoded, trimmed, re-timed and re-pitched."""
        from .audiofile import decode

        samples = decode(self.fetch(text), _RATE, channels=1).astype(np.float64)
        if abs(prosody.pitch_semitones) > 1e-6:
            samples = dsp.pitch_shift(samples, prosody.pitch_semitones, _RATE)
        if abs(prosody.rate - 1.0) > 1e-6:
            samples = dsp.time_stretch(samples, 1.0 / prosody.rate, _RATE)
        return trim_silence(LineAudio(samples.astype(np.float32), _RATE, ()))

    def fetch(self, text: str) -> bytes:
        """The MP3 bytes for ``text`` (one request, with a timeout)."""
        from gtts import gTTS
        from gtts.tts import gTTSError

        buf = io.BytesIO()
        try:
            with warnings.catch_warnings():  # gTTS 2.5 warns that "zh-CN" is deprecated in favour of "zh-CN"
                warnings.simplefilter("ignore", DeprecationWarning)
                gTTS(text, lang=self.lang, timeout=self.timeout).write_to_fp(buf)
        except (gTTSError, OSError) as exc:
            raise OfflineError(f"gTTS ({self.lang}) could not be reached: {_reason(exc)}; {OFFLINE_HINT}") from None
        return buf.getvalue()


def _reason(exc: Exception) -> str:
    """A one-line reason from a gTTS/requests failure."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
