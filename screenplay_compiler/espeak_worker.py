"""A one-shot espeak-ng process: JSON request on stdin, JSON answer on stdout.

espeak-ng keeps state between calls that changes the samples (the pitch flutter's phase, the
gain control, libc's ``rand``), so each line is spoken by a fresh process: same request, same
samples. This module imports only the standard library and the loader wheel, so it starts fast.

Request: ``{"voice": "cmn", "wpm": 175, "pitch": 50, "range": 50, "seed": 1, "sentences": [...]}``
(``sentences`` empty: only check the voice). Answer: ``{"rate", "version", "voice_ok", "parts":
[{"pcm": base64 int16 little-endian, "events": [[sample, phoneme], ...]}, ...]}``.
"""

from __future__ import annotations

import base64
import ctypes
import json
import sys

_OUTPUT_SYNCHRONOUS = 2
_OPTIONS = 0x0001 | 0x0002 | 0x8000  # phoneme events, IPA names, do not exit on errors
_CHARS_UTF8, _POS_CHARACTER = 1, 1
_EVENT_END_LIST, _EVENT_PHONEME = 0, 7
_RATE, _PITCH, _RANGE = 1, 3, 4


class _Event(ctypes.Structure):
    """``espeak_EVENT`` from speak_lib.h."""

    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8)]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


def speak(request: dict) -> dict:
    """Answer one request (see the module docstring)."""
    import espeakng_loader

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Info.restype = ctypes.c_char_p
    rate = lib.espeak_Initialize(_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), _OPTIONS)
    answer = {"rate": rate, "version": (lib.espeak_Info(None) or b"").decode("utf-8", "replace"), "parts": []}
    answer["voice_ok"] = rate > 0 and lib.espeak_SetVoiceByName(request["voice"].encode()) == 0
    if not answer["voice_ok"]:
        return answer
    chunks: list[bytes] = []
    events: list[list] = []

    def collect(wav, n, ev):
        """Synth callback: keep samples and phoneme events; 0 means carry on."""
        if n > 0:
            chunks.append(ctypes.string_at(wav, 2 * n))
        i = 0
        while ev[i].type != _EVENT_END_LIST:
            if ev[i].type == _EVENT_PHONEME:
                events.append([int(ev[i].sample), bytes(ev[i].id).split(b"\0")[0].decode("utf-8", "replace")])
            i += 1
        return 0

    callback = _Callback(collect)
    lib.espeak_SetSynthCallback(callback)
    for param, key in ((_RATE, "wpm"), (_PITCH, "pitch"), (_RANGE, "range")):
        lib.espeak_SetParameter(param, int(request[key]), 0)
    ctypes.CDLL(None).srand(int(request.get("seed", 0)) & 0x7FFFFFFF)  # breathy voices draw from libc rand()
    for sentence in request["sentences"]:
        chunks.clear()
        events.clear()
        data = sentence.encode("utf-8")
        lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        answer["parts"].append({"pcm": base64.b64encode(b"".join(chunks)).decode("ascii"), "events": list(events)})
    return answer


def main() -> None:
    """Read a request from stdin, write the answer to stdout."""
    json.dump(speak(json.load(sys.stdin)), sys.stdout)


if __name__ == "__main__":
    main()
