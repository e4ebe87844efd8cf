"""Tests for the encode/mux stage and the ffprobe-free prober."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from screenplay_compiler import encode
from screenplay_compiler.encode import EncodeError, SegmentWriter, VideoSettings, mux, raw_encode_fps
from screenplay_compiler.probe import MediaInfo, StreamInfo, faststart, mp4_video_duration, parse_info, probe

from .conftest import decode_audio, decode_video

av = pytest.importorskip("av")

W, H, FPS = 160, 96, 12
SETTINGS = VideoSettings(W, H, FPS)
RED = (200, 40, 40)
BLUE = (40, 60, 210)
FIRST_FRAMES, SECOND_FRAMES = 12, 18  # 1.0 s + 1.5 s
SAMPLE_RATE = 44100
TONE_SECONDS, WAV_SECONDS = 1.0, 2.5


def solid_frames(colour: tuple[int, int, int], count: int) -> list[np.ndarray]:
    """Frames of one colour with a small moving white square (so frames differ)."""
    frames = []
    for i in range(count):
        frame = np.empty((H, W, 3), np.uint8)
        frame[:] = colour
        frame[4:12, 4 + 4 * i : 12 + 4 * i] = 255
        frames.append(frame)
    return frames


def rgba(frames: list[np.ndarray]) -> list[np.ndarray]:
    """The same frames with an alpha channel that varies (the encoder must ignore it)."""
    return [np.dstack([f, np.full(f.shape[:2], 17 * i % 256, np.uint8)]) for i, f in enumerate(frames)]


def write_segment(path: Path, frames: list[np.ndarray], settings: VideoSettings = SETTINGS) -> Path:
    """Encode ``frames`` to ``path`` with SegmentWriter."""
    with SegmentWriter(path, settings) as writer:
        for frame in frames:
            writer.write(frame)
    return path


def write_wav(path: Path, seconds: float = WAV_SECONDS, tone_seconds: float = TONE_SECONDS) -> Path:
    """A mono 16-bit WAV: a 440 Hz tone, then silence."""
    t = np.arange(int(SAMPLE_RATE * seconds)) / SAMPLE_RATE
    signal = np.where(t < tone_seconds, 0.5 * np.sin(2 * np.pi * 440 * t), 0.0)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes((signal * 32767).astype("<i2").tobytes())
    return path


def build_episode(directory: Path, name: str = "episode.mp4") -> Path:
    """Two segments (red, then blue) plus the tone WAV, muxed into one MP4."""
    directory.mkdir(parents=True, exist_ok=True)
    first = write_segment(directory / "shot1.mp4", solid_frames(RED, FIRST_FRAMES))
    second = write_segment(directory / "shot2.mp4", solid_frames(BLUE, SECOND_FRAMES))
    wav = write_wav(directory / "episode.wav")
    out = directory / name
    mux([first, second], wav, out, SETTINGS)
    return out


def leftovers(directory: Path) -> list[str]:
    """Names of temp files left in ``directory``."""
    return sorted(p.name for p in directory.iterdir() if ".tmp" in p.name)


@pytest.fixture(scope="module")
def episode(tmp_path_factory) -> Path:
    """One muxed episode shared by the read-only tests."""
    return build_episode(tmp_path_factory.mktemp("episode"))






class TestMuxedEpisode:
    """The muxed file has the streams, timing, colours and sound that went in."""

    def test_probe_reports_streams(self, episode):
        info = probe(episode)
        video, audio = info.first("video"), info.first("audio")
        assert (video.codec, video.pix_fmt, video.width, video.height) == ("h264", "yuv420p", W, H)
        assert video.fps == pytest.approx(FPS)
        assert (audio.codec, audio.sample_rate, audio.channels) == ("aac", 48000, 1)
        assert "mp4" in info.format_names

    def test_duration_is_sum_of_segments(self, episode):
        expected = (FIRST_FRAMES + SECOND_FRAMES) / FPS
        assert probe(episode).duration == pytest.approx(expected, abs=0.1)
        assert mp4_video_duration(episode) == pytest.approx(expected, abs=1 / FPS)

    def test_faststart(self, episode):
        assert faststart(episode)

    def test_frame_count_and_colours(self, episode):
        frames = decode_video(episode)
        assert len(frames) == FIRST_FRAMES + SECOND_FRAMES
        first, second = frames[FIRST_FRAMES // 2], frames[FIRST_FRAMES + SECOND_FRAMES // 2]
        centre = np.s_[H // 2 - 8 : H // 2 + 8, W // 2 - 8 : W // 2 + 8]
        np.testing.assert_allclose(first[centre].reshape(-1, 3).mean(0), RED, atol=6)
        np.testing.assert_allclose(second[centre].reshape(-1, 3).mean(0), BLUE, atol=6)
        assert np.abs(first.astype(int) - second.astype(int)).mean() > 50

    def test_segment_boundary_is_exact(self, episode):
        frames = decode_video(episode)
        centre = np.s_[H // 2, W // 2]
        assert frames[FIRST_FRAMES - 1][centre][0] > 150  # last red frame
        assert frames[FIRST_FRAMES][centre][2] > 150  # first blue frame

    def test_video_timestamps_are_evenly_spaced(self, episode):
        with av.open(str(episode)) as container:
            times = [frame.time for frame in container.decode(video=0)]
        np.testing.assert_allclose(np.diff(times), 1 / FPS, atol=1e-3)
        assert times[0] == pytest.approx(0.0, abs=1e-6)

    def test_audio_tone_then_silence(self, episode):
        samples, rate = decode_audio(episode)
        assert rate == 48000
        assert len(samples) / rate == pytest.approx((FIRST_FRAMES + SECOND_FRAMES) / FPS, abs=0.1)
        tone = samples[int(0.1 * rate) : int(0.9 * rate)]
        silence = samples[int(1.2 * rate) : int(2.4 * rate)]
        assert np.sqrt(np.mean(tone**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.1)
        assert np.sqrt(np.mean(silence**2)) < 1e-3
        spectrum = np.abs(np.fft.rfft(tone))
        assert np.fft.rfftfreq(len(tone), 1 / rate)[spectrum.argmax()] == pytest.approx(440, abs=3)


class TestAudioLength:
    """Audio is cut or padded to the video's length; -shortest is not used."""

    def test_long_wav_is_trimmed(self, tmp_path):
        segment = write_segment(tmp_path / "s.mp4", solid_frames(RED, 12))
        out = tmp_path / "out.mp4"
        mux([segment], write_wav(tmp_path / "long.wav", seconds=3.0), out, SETTINGS)
        samples, rate = decode_audio(out)
        assert len(samples) / rate == pytest.approx(1.0, abs=0.05)
        assert len(decode_video(out)) == 12

    def test_short_wav_is_padded(self, tmp_path):
        segment = write_segment(tmp_path / "s.mp4", solid_frames(RED, 24))
        out = tmp_path / "out.mp4"
        mux([segment], write_wav(tmp_path / "short.wav", seconds=0.5, tone_seconds=0.5), out, SETTINGS)
        samples, rate = decode_audio(out)
        assert len(samples) / rate == pytest.approx(2.0, abs=0.05)
        assert len(decode_video(out)) == 24


class TestDeterminism:
    """The same input gives the same bytes."""

    def test_segments_and_mux_are_byte_identical(self, tmp_path):
        one, two = build_episode(tmp_path / "one"), build_episode(tmp_path / "two")
        for name in ("shot1.mp4", "shot2.mp4", "episode.mp4"):
            assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
        assert one.read_bytes() == two.read_bytes()

    def test_rgba_input_encodes_like_rgb24(self, tmp_path):
        frames = solid_frames(RED, 6) + solid_frames(BLUE, 6)
        rgb = write_segment(tmp_path / "rgb.mp4", frames)
        with SegmentWriter(tmp_path / "rgba.mp4", SETTINGS, pix_fmt="rgba") as writer:
            for frame in rgba(frames):
                writer.write(frame)
        assert (tmp_path / "rgba.mp4").read_bytes() == rgb.read_bytes()

    def test_no_encoder_version_or_timestamps(self, episode):
        data = episode.read_bytes()
        assert b"Lavf" not in data
        assert b"creation_time" not in data


class TestFailures:
    """Failures raise clear errors and never damage or litter the output directory."""

    GOOD = b"an existing good file"

    def _existing_out(self, tmp_path: Path) -> Path:
        out = tmp_path / "out.mp4"
        out.write_bytes(self.GOOD)
        return out

    def test_missing_segment_keeps_existing_output(self, tmp_path):
        out = self._existing_out(tmp_path)
        with pytest.raises(EncodeError, match="not found"):
            mux([tmp_path / "nope.mp4"], write_wav(tmp_path / "a.wav"), out, SETTINGS)
        assert out.read_bytes() == self.GOOD
        assert leftovers(tmp_path) == []

    def test_corrupt_wav_keeps_existing_output(self, tmp_path):
        out = self._existing_out(tmp_path)
        segment = write_segment(tmp_path / "s.mp4", solid_frames(RED, 6))
        bad_wav = tmp_path / "bad.wav"
        bad_wav.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk" * 4)
        with pytest.raises(EncodeError) as failure:
            mux([segment], bad_wav, out, SETTINGS)
        assert "ffmpeg log" in str(failure.value)
        assert "bad.wav" in str(failure.value)  # the tail names the input ffmpeg choked on
        assert out.read_bytes() == self.GOOD
        assert leftovers(tmp_path) == []

    def test_corrupt_segment_raises(self, tmp_path):
        out = self._existing_out(tmp_path)
        segment = tmp_path / "s.mp4"
        segment.write_bytes(b"\x00\x00\x00\x08junk" * 10)
        with pytest.raises(EncodeError, match="s.mp4"):
            mux([segment], write_wav(tmp_path / "a.wav"), out, SETTINGS)
        assert out.read_bytes() == self.GOOD

    def test_segment_of_other_size_raises(self, tmp_path):
        segment = write_segment(tmp_path / "s.mp4", solid_frames(RED, 2))
        with pytest.raises(EncodeError, match="160x96, expected 320x192"):
            mux([segment], write_wav(tmp_path / "a.wav"), tmp_path / "out.mp4", VideoSettings(320, 192, FPS))
        assert not (tmp_path / "out.mp4").exists()

    def test_missing_ffmpeg_binary(self, tmp_path, monkeypatch):
        monkeypatch.setattr(encode, "ffmpeg_exe", lambda: str(tmp_path / "no-ffmpeg"))
        with pytest.raises(EncodeError, match="cannot start ffmpeg"):
            SegmentWriter(tmp_path / "s.mp4", SETTINGS, pix_fmt="rgb24")
        assert list(tmp_path.iterdir()) == []

    def test_missing_ffmpeg_binary_on_first_frame(self, tmp_path, monkeypatch):
        monkeypatch.setattr(encode, "ffmpeg_exe", lambda: str(tmp_path / "no-ffmpeg"))
        with pytest.raises(EncodeError, match="cannot start ffmpeg"):
            write_segment(tmp_path / "s.mp4", solid_frames(RED, 1))
        assert list(tmp_path.iterdir()) == []

    def test_ffmpeg_failure_carries_log_tail(self, tmp_path):
        settings = VideoSettings(W, H, FPS, preset="no-such-preset")
        with pytest.raises(EncodeError) as failure:
            write_segment(tmp_path / "s.mp4", solid_frames(RED, 4), settings)
        message = str(failure.value)
        assert "ffmpeg log" in message and "no-such-preset" in message
        assert list(tmp_path.iterdir()) == []

    def test_killed_ffmpeg_raises(self, tmp_path):
        with pytest.raises(EncodeError, match="status"):
            with SegmentWriter(tmp_path / "s.mp4", SETTINGS) as writer:
                writer.write(solid_frames(RED, 1)[0])
                writer._proc.kill()
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize(
        "frame",
        [
            np.zeros((H, W, 4), np.uint8),
            np.zeros((W, H, 3), np.uint8),
            np.zeros((H, W, 3), np.float32),
            [[0, 0, 0]],
        ],
    )
    def test_wrong_frame_raises_value_error(self, tmp_path, frame):
        with SegmentWriter(tmp_path / "s.mp4", SETTINGS, pix_fmt="rgb24") as writer:
            with pytest.raises(ValueError, match=r"uint8 of shape \(96, 160, 3\)"):
                writer.write(frame)
            writer.write(solid_frames(RED, 1)[0])
        assert (tmp_path / "s.mp4").is_file()

    def test_layout_is_fixed_by_the_first_frame(self, tmp_path):
        with SegmentWriter(tmp_path / "s.mp4", SETTINGS) as writer:
            writer.write(rgba(solid_frames(RED, 1))[0])
            with pytest.raises(ValueError, match=r"uint8 of shape \(96, 160, 4\)"):
                writer.write(solid_frames(RED, 1)[0])
        assert writer.pix_fmt == "rgba"

    @pytest.mark.parametrize("frame", [np.zeros((H, W, 2), np.uint8), np.zeros((H, W), np.uint8)])
    def test_unknown_layout_raises_value_error(self, tmp_path, frame):
        with pytest.raises(ValueError, match=r"\(96, 160, 3\) or \(96, 160, 4\)"):
            with SegmentWriter(tmp_path / "s.mp4", SETTINGS) as writer:
                writer.write(frame)
        assert list(tmp_path.iterdir()) == []

    def test_unknown_pix_fmt_rejected(self, tmp_path):
        with pytest.raises(ValueError, match="pix_fmt"):
            SegmentWriter(tmp_path / "s.mp4", SETTINGS, pix_fmt="bgr24")

    def test_exception_in_block_leaves_no_file(self, tmp_path):
        with pytest.raises(KeyError):
            with SegmentWriter(tmp_path / "s.mp4", SETTINGS) as writer:
                for frame in solid_frames(RED, 5):
                    writer.write(frame)
                raise KeyError("render failed")
        assert list(tmp_path.iterdir()) == []

    def test_failed_rewrite_keeps_existing_segment(self, tmp_path):
        segment = write_segment(tmp_path / "s.mp4", solid_frames(RED, 4))
        before = segment.read_bytes()
        with pytest.raises(RuntimeError):
            with SegmentWriter(segment, SETTINGS) as writer:
                writer.write(solid_frames(BLUE, 1)[0])
                raise RuntimeError("boom")
        assert segment.read_bytes() == before
        assert leftovers(tmp_path) == []

    def test_no_frames_is_an_error(self, tmp_path):
        with pytest.raises(EncodeError, match="no frames"):
            with SegmentWriter(tmp_path / "s.mp4", SETTINGS):
                pass
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize("size", [(161, 96), (160, 95), (0, 96)])
    def test_odd_sizes_rejected(self, size):
        with pytest.raises(ValueError, match="even"):
            VideoSettings(size[0], size[1], FPS)


class TestProbeParsing:
    """probe's regexes against ffmpeg's printout, including layouts we don't produce."""

    TEXT = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:01:02.50, start: 0.000000, bitrate: 75 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1280x720 [SAR 1:1 DAR 16:9], 6 kb/s, 29.97 fps, 29.97 tbr, 30k tbn (default)
  Stream #0:1[0x2](eng): Audio: aac (LC) (mp4a / 0x6134706d), 48000 Hz, 5.1(side), fltp, 160 kb/s (default)
At least one output file must be specified
"""

    def test_parse_info(self):
        info = parse_info(self.TEXT)
        assert info == MediaInfo(
            duration=62.5,
            streams=(
                StreamInfo("video", "h264", 1280, 720, "yuv420p", 29.97),
                StreamInfo("audio", "aac", sample_rate=48000, channels=6),
            ),
            format_names="mov,mp4,m4a,3gp,3g2,mj2",
        )

    def test_wav(self, tmp_path):
        info = probe(write_wav(tmp_path / "a.wav"))
        assert info.format_names == "wav"
        assert info.streams == (StreamInfo("audio", "pcm_s16le", sample_rate=SAMPLE_RATE, channels=1),)
        assert info.duration == pytest.approx(WAV_SECONDS, abs=0.01)

    def test_not_media(self, tmp_path):
        junk = tmp_path / "junk.mp4"
        junk.write_bytes(b"hello")
        with pytest.raises(RuntimeError, match="could not read"):
            probe(junk)
        with pytest.raises(FileNotFoundError):
            probe(tmp_path / "missing.mp4")

    def test_segment_is_not_faststart_but_episode_is(self, tmp_path, episode):
        segment = write_segment(tmp_path / "s.mp4", solid_frames(RED, 2))
        assert not faststart(segment)
        assert faststart(episode)


def test_raw_encode_fps_is_positive():
    assert raw_encode_fps(SETTINGS, 12) > 0
