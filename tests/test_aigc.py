"""The metadata label (GB 45438 Annex E): its JSON, and carrying it in MP4, MP3 and PNG."""

from __future__ import annotations

import json
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from screenplay_compiler import aigc, encode, mp4meta
from screenplay_compiler.probe import ffmpeg_exe

SHA = "ab" * 32


class TestLabelJson:
    def test_fields_in_order_all_strings_propagator_is_producer(self):
        text = aigc.make_label("SDC-01", "p" * 32, SHA)
        pairs = json.loads(text, object_pairs_hook=list)
        assert [k for k, _ in pairs] == list(aigc.FIELDS)
        values = dict(pairs)
        assert values["Label"] == "1" and values["ReservedCode1"] == SHA
        assert (values["ContentPropagator"], values["PropagateID"]) == (values["ContentProducer"], values["ProduceID"])
        assert all(isinstance(v, str) for v in values.values())
        assert aigc.label_problems(text) == []

    @pytest.mark.parametrize("value", ["has space", 'quo"te', "back\\slash", "中文", "tab\t"])
    def test_forbidden_characters(self, value):
        assert not aigc.valid_value(value)
        with pytest.raises(aigc.LabelFormatError):
            aigc.make_label(value, "id", SHA)

    def test_allowed_characters_are_exactly_the_standards(self):
        allowed = {chr(c) for c in range(128) if aigc.valid_value(chr(c))}
        assert allowed == {chr(0x21)} | {chr(c) for c in range(0x23, 0x5C)} | {chr(c) for c in range(0x5D, 0x7F)}

    def test_problems_found_in_a_read_back_label(self):
        reordered = json.dumps(dict(reversed(list(json.loads(aigc.make_label("a", "b", SHA)).items()))))
        assert "in that order" in aigc.label_problems(reordered)[0]
        bad = json.loads(aigc.make_label("a", "b", SHA))
        bad.update(Label="0", ProduceID=7, ContentProducer="a b")
        problems = " | ".join(aigc.label_problems(json.dumps(bad)))
        assert "Label is '0'" in problems and "ProduceID is not a string" in problems and "outside" in problems
        assert aigc.label_problems("{not json") and aigc.label_problems("[1]")

    def test_produce_id_from_content(self):
        a, b = aigc.produce_id("Title: A\n"), aigc.produce_id("Title: B\n")
        assert a == aigc.produce_id("Title: A\n") and a != b and aigc.valid_value(a) and len(a) == 32

    def test_producer_precedence(self):
        assert aigc.producer_code("CLI", "SCRIPT") == "CLI"
        assert aigc.producer_code(None, "SCRIPT") == "SCRIPT"
        assert aigc.producer_code(None, "") == aigc.DEFAULT_PRODUCER
        with pytest.raises(aigc.LabelFormatError, match="printable ASCII"):
            aigc.producer_code("my studio", "")


# ---- MP4 ----------------------------------------------------------------------------------

SETTINGS = encode.VideoSettings(64, 48, 8)


def _episode(tmp_path: Path, metadata: dict | None) -> Path:
    """A one-segment MP4 with a second of silence, muxed with ``metadata``."""
    import wave

    tmp_path.mkdir(parents=True, exist_ok=True)
    segment = tmp_path / "seg.mp4"
    with encode.SegmentWriter(segment, SETTINGS) as writer:
        for frame in encode.synthetic_frames(64, 48, 8):
            writer.write(frame)
    wav = tmp_path / "a.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(2), w.setsampwidth(2), w.setframerate(48000)
        w.writeframes(np.zeros(96000, np.int16).tobytes())
    out = tmp_path / "out.mp4"
    encode.mux([segment], wav, out, SETTINGS, metadata=metadata)
    return out


class TestMp4:
    def test_key_in_moov_udta_meta_keys_ilst(self, tmp_path):
        label = aigc.make_label("SDC-01", "id", SHA)
        data = _episode(tmp_path, {"AIGC": label}).read_bytes()
        meta = mp4meta._path(data, b"moov", b"udta", b"meta")
        kinds = [k for k, _, _ in mp4meta.boxes(data, *meta)]
        assert kinds == [b"hdlr", b"keys", b"ilst"]
        hdlr = mp4meta._child(data, *meta, b"hdlr")
        assert data[hdlr[0] + 8 : hdlr[0] + 12] == b"mdta"
        assert [(t.key, t.value) for t in mp4meta.tags(data)] == [("AIGC", label)]

    def test_no_timestamps_or_encoder_tag_and_byte_identical(self, tmp_path):
        label = aigc.make_label("SDC-01", "id", SHA)
        one, two = _episode(tmp_path / "1", {"AIGC": label}), _episode(tmp_path / "2", {"AIGC": label})
        data = one.read_bytes()
        assert data == two.read_bytes()
        assert b"creation_time" not in data and b"Lavf" not in data and mp4meta.read_tags(one) == {"AIGC": label}

    def test_dropped_key_is_an_error(self, tmp_path, monkeypatch):
        real = encode.mux_command

        def without_tags_flag(*args, **kwargs):
            return [a.replace("+use_metadata_tags", "") for a in real(*args, **kwargs)]

        monkeypatch.setattr(encode, "mux_command", without_tags_flag)
        (tmp_path / "out.mp4").write_bytes(b"previous")
        with pytest.raises(encode.EncodeError, match="did not write the metadata key"):
            _episode(tmp_path, {"AIGC": aigc.make_label("a", "b", SHA)})
        assert (tmp_path / "out.mp4").read_bytes() == b"previous"

    def test_completing_the_record_hash_in_place(self, tmp_path):
        draft, final = aigc.make_label("a", "b", aigc.PLACEHOLDER), aigc.make_label("a", "b", SHA)
        out = _episode(tmp_path, {"AIGC": draft})
        media = mp4meta.media_sha256(out)
        aigc.replace_mp4_label(out, draft, final)
        assert aigc.read_mp4_label(out) == final and mp4meta.media_sha256(out) == media
        with pytest.raises(aigc.LabelFormatError):
            aigc.replace_mp4_label(out, draft, final)

    def test_no_metadata_no_key(self, tmp_path):
        assert mp4meta.read_tags(_episode(tmp_path, None)) == {}


# ---- MP3 ----------------------------------------------------------------------------------


@pytest.fixture
def mp3(tmp_path) -> Path:
    """A short MP3 made by the bundled ffmpeg (libmp3lame), with ffmpeg's own ID3 tag."""
    path = tmp_path / "voice.mp3"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
                    "-c:a", "libmp3lame", "-b:a", "64k", "-metadata", "title=Bridge", str(path)], check=True)
    return path


class TestMp3:
    def test_txxx_frame_round_trip(self, mp3):
        label = aigc.make_label("SDC-01", "id", SHA)
        aigc.tag_mp3(mp3, label)
        data = mp3.read_bytes()
        assert data[:5] == b"ID3\x04\x00" and b"TXXX" in data
        assert aigc.read_mp3_label(mp3) == label

    def test_ffmpeg_reads_the_tag_and_the_audio(self, mp3):
        label = aigc.make_label("SDC-01", "id", SHA)
        aigc.tag_mp3(mp3, label)
        info = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(mp3), "-f", "null", "-"], capture_output=True, text=True).stderr
        assert "AIGC" in info and '"ProduceID":"id"' in info and "title           : Bridge" in info
        assert "Audio: mp3" in info and "time=00:00:01" in info

    def test_retagging_replaces_the_label(self, mp3):
        aigc.tag_mp3(mp3, aigc.make_label("A", "1", SHA))
        aigc.tag_mp3(mp3, aigc.make_label("B", "2", SHA))
        assert mp3.read_bytes().count(b"TXXX") == 1 and '"ContentProducer":"B"' in aigc.read_mp3_label(mp3)

    def test_untagged_file(self, tmp_path):
        raw = tmp_path / "raw.mp3"
        raw.write_bytes(b"\xff\xfb\x90\x00" + bytes(413))
        assert aigc.read_mp3_label(raw) is None
        aigc.tag_mp3(raw, "{}")
        assert aigc.read_mp3_label(raw) == "{}" and raw.read_bytes().endswith(b"\xff\xfb\x90\x00" + bytes(413))

    def test_synchsafe_sizes(self):
        for n in (0, 127, 128, 300_000):
            assert aigc._unsynchsafe(aigc._synchsafe(n)) == n
            assert all(b < 0x80 for b in aigc._synchsafe(n))


# ---- PNG ----------------------------------------------------------------------------------


class TestPng:
    def test_itxt_round_trip_pixels_unchanged(self, tmp_path):
        from PIL import Image

        path = tmp_path / "board.png"
        pixels = np.arange(48 * 64 * 3, dtype=np.uint8).reshape(48, 64, 3)
        Image.fromarray(pixels).save(path)
        label = aigc.make_label("SDC-01", "id", SHA)
        aigc.tag_png(path, label)
        aigc.tag_png(path, label)  # twice: still one chunk
        assert aigc.read_png_label(path) == label
        assert path.read_bytes().count(b"iTXtAIGC") == 1
        with Image.open(path) as im:
            assert im.text["AIGC"] == label and np.array_equal(np.asarray(im), pixels)

    def test_chunk_crc_is_valid(self, tmp_path):
        import zlib

        from PIL import Image

        path = tmp_path / "c.png"
        Image.new("RGB", (4, 4)).save(path)
        aigc.tag_png(path, "{}")
        data = path.read_bytes()
        start = data.index(b"iTXt") - 4
        length = struct.unpack(">I", data[start : start + 4])[0]
        body = data[start + 4 : start + 8 + length]
        assert struct.unpack(">I", data[start + 8 + length : start + 12 + length])[0] == zlib.crc32(body)

    def test_not_a_png(self, tmp_path):
        (tmp_path / "x.png").write_bytes(b"nope")
        with pytest.raises(aigc.LabelFormatError):
            aigc.read_png_label(tmp_path / "x.png")
