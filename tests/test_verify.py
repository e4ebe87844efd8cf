"""Built videos read back: label pixels in the first two seconds, metadata, record, tampering,
``--no-visible-label``, burned subtitles at 9:16, and a C2PA round trip (with the extra)."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from screenplay_compiler import aigc, mp4meta, provenance
from screenplay_compiler.cli import app
from screenplay_compiler.label import LabelSpec
from screenplay_compiler.render.text import ink_height, layout, masks
from screenplay_compiler.verify import verify

from .conftest import build_labelled, decode_video

FPS = 12


def _contrast(frame: np.ndarray, text: np.ndarray, band: np.ndarray) -> float:
    """Mean brightness of the text pixels minus that of the band around them."""
    grey = frame.astype(float).mean(axis=2)
    return grey[text].mean() - grey[band].mean()


def _copy(video: Path, folder: Path) -> Path:
    """The video and its record in another folder (to tamper with)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(video, folder / video.name)
    shutil.copy(provenance.record_path(video), folder)
    return folder / video.name


def _cli(*args: str):
    return CliRunner().invoke(app, ["verify", *map(str, args)])


class TestBuiltVideo:
    def test_label_pixels_in_the_first_two_seconds_only(self, labelled):
        frames = decode_video(labelled[1])
        text, band = masks(LabelSpec().overlay(), 320, 180)
        scores = [_contrast(f, text, band) for f in frames]
        assert len(frames) > 2 * FPS + 6
        assert min(scores[: 2 * FPS]) > 120  # white text on its dark band in every frame of 0-2 s
        assert max(scores[2 * FPS :]) < 40  # the scene alone afterwards

    def test_label_text_height_measured_in_frames(self, labelled):
        frame = decode_video(labelled[1])[0]
        lay = layout(LabelSpec().overlay(), 320, 180)
        box = frame[lay.y : lay.y + lay.height, lay.x : lay.x + lay.width].mean(axis=2)
        assert ink_height(box >= 160) >= 0.05 * 180

    def test_metadata_fields_read_from_the_boxes(self, labelled):
        data = labelled[1].read_bytes()
        tags = mp4meta.tags(data)
        assert [t.key for t in tags] == ["AIGC"]
        assert data[tags[0].offset : tags[0].offset + tags[0].length].decode() == tags[0].value
        pairs = json.loads(tags[0].value, object_pairs_hook=list)
        assert [k for k, _ in pairs] == list(aigc.FIELDS) and aigc.label_problems(tags[0].value) == []

    def test_verify_passes_with_the_script(self, labelled):
        script, video = labelled
        result = _cli(video, "--script", script)
        assert result.exit_code == 0, result.stdout
        for name in ("metadata label", "creation record", "record schema", "media", "visible label", "script"):
            assert f"PASS  {name}" in result.stdout
        assert "SKIP  C2PA" in result.stdout and "verified:" in result.stdout

    def test_json_report(self, labelled):
        result = _cli(labelled[1], "--format", "json")
        report = json.loads(result.stdout)
        assert report["ok"] and {c["name"] for c in report["checks"]} >= {"metadata label", "visible label", "media"}


class TestTampering:
    def test_changed_samples_fail(self, labelled, tmp_path):
        video = _copy(labelled[1], tmp_path)
        data = bytearray(video.read_bytes())
        mdat = next(start for kind, start, _ in mp4meta.boxes(bytes(data), 0, None) if kind == b"mdat")
        data[mdat + 5000] ^= 0xFF
        video.write_bytes(bytes(data))
        result = _cli(video)
        assert result.exit_code == 1 and "FAIL  media" in result.stdout and "altered" in result.stdout

    def test_changed_label_fails(self, labelled, tmp_path):
        script, original = labelled
        video = _copy(original, tmp_path)
        label = aigc.read_mp4_label(video)
        produce = aigc.fields(label)["ProduceID"]
        forged = label.replace(produce, ("1" if produce[0] == "0" else "0") + produce[1:])
        aigc.replace_mp4_label(video, label, forged)
        result = _cli(video, "--script", script)
        assert result.exit_code == 1
        assert "FAIL  creation record" in result.stdout and "FAIL  script" in result.stdout

    def test_changed_record_fails(self, labelled, tmp_path):
        video = _copy(labelled[1], tmp_path)
        record = provenance.record_path(video)
        record.write_text(record.read_text(encoding="utf-8").replace('"emotion": "calm"', '"emotion": "sad"'), encoding="utf-8")
        result = _cli(video)
        assert result.exit_code == 1 and "the record or the label was changed" in result.stdout

    def test_missing_record_and_other_script(self, labelled, tmp_path):
        video = tmp_path / "alone.mp4"
        shutil.copy(labelled[1], video)
        other = tmp_path / "other.play"
        other.write_text(labelled[0].read_text(encoding="utf-8") + "MEI nods.\n", encoding="utf-8")
        result = _cli(video, "--script", other)
        assert result.exit_code == 1 and "no creation record" in result.stdout and "FAIL  script" in result.stdout
        assert "PASS  visible label" in result.stdout and "matched the default label" in result.stdout

    def test_stripped_metadata_fails(self, labelled, tmp_path):
        video = _copy(labelled[1], tmp_path)
        video.write_bytes(video.read_bytes().replace(b"mdtaAIGC", b"mdtaXXXX"))
        result = _cli(video)
        assert result.exit_code == 1 and "no AIGC key in moov/udta/meta" in result.stdout

    def test_not_a_video(self, tmp_path):
        assert _cli(tmp_path / "none.mp4").exit_code == 1


class TestOptions:
    def test_no_visible_label_is_recorded_and_keeps_the_metadata(self, labelled, tmp_path):
        _, video = build_labelled(tmp_path, cache_dir=labelled[0].parent / "cache", visible_label=False)
        record = json.loads(provenance.record_path(video).read_text(encoding="utf-8"))
        assert record["label"]["visible"] == {"enabled": False, "disabled_by": "--no-visible-label"}
        assert aigc.label_problems(aigc.read_mp4_label(video)) == []
        text, band = masks(LabelSpec().overlay(), 320, 180)
        assert max(_contrast(f, text, band) for f in decode_video(video)[: 2 * FPS]) < 40
        report = verify(video)
        assert report.ok and next(c for c in report.checks if c.name == "visible label").status == "warn"

    def test_burned_subtitles_portrait_label_at_both_ends(self, labelled, tmp_path):
        from screenplay_compiler import api
        from screenplay_compiler.label import overlays_at

        options = dict(width=180, height=320, burn_subtitles=True, label_corner="bottom-right", label_repeat_end=True,
                       label_text="人工智能合成")
        script, video = build_labelled(tmp_path, cache_dir=labelled[0].parent / "cache", **options)
        frames = decode_video(video)
        settings = api.BuildSettings(fps=FPS, **options)
        tracks = api.schedule(api.compile_file(script).episode, _voices(script), settings)
        cue = tracks.cues[0]
        label, subtitle = overlays_at(settings.overlay_plan(), tracks, cue.start + 0.01)
        assert label.text == "人工智能合成" and subtitle.text == cue.text and subtitle.lift > 0
        lt, lb = masks(label, 180, 320)
        assert min(_contrast(f, lt, lb) for f in frames[: 2 * FPS] + frames[-2 * FPS :]) > 120
        st, sb = masks(subtitle, 180, 320)
        assert _contrast(frames[int(cue.start * FPS) + 2], st, sb) > 100
        assert _contrast(frames[int(cue.end * FPS) + 2], st, sb) < 40
        assert verify(video, script).ok


def _voices(script: Path):
    """The synthetic voices build_labelled uses."""
    from screenplay_compiler import api

    from .conftest import tone

    episode = api.compile_file(script).episode
    return {e.id: tone(1.0) for s in episode.shots for e in s.events if type(e).__name__ == "Line"}


# ---- C2PA ---------------------------------------------------------------------------------


def _certificates(folder: Path, self_signed: bool = False) -> tuple[Path, Path]:
    """A test CA and an end-entity signing certificate (chain PEM, key PEM); C2PA rejects a
    self-signed CA as the signer, so ``self_signed`` makes exactly that, for the error test."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sdc tests")])

    def cert(subject, issuer, key, signer, ca: bool):
        start = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
        usage = x509.KeyUsage(digital_signature=not ca, content_commitment=False, key_encipherment=False, data_encipherment=False,
                              key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False)
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
             .serial_number(x509.random_serial_number()).not_valid_before(start)
             .not_valid_after(start + datetime.timedelta(days=3650))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True).add_extension(usage, critical=True)
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
        if not ca:
            b = (b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
                 .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False))
        return b.sign(signer, hashes.SHA256())

    ca_key, ee_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = cert(name("sdc test CA"), name("sdc test CA"), ca_key, ca_key, True)
    pem = lambda c: c.public_bytes(serialization.Encoding.PEM)
    key = ca_key if self_signed else ee_key
    chain = pem(ca) if self_signed else pem(cert(name("sdc test signer"), ca.subject, ee_key, ca_key, False)) + pem(ca)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "chain.pem").write_bytes(chain)
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "chain.pem", folder / "key.pem"


class TestC2pa:
    def test_round_trip(self, labelled, tmp_path):
        pytest.importorskip("c2pa")
        from screenplay_compiler.signing import TRAINED, read_manifest

        cert, key = _certificates(tmp_path / "certs")
        _, signed = build_labelled(tmp_path, cache_dir=labelled[0].parent / "cache", sign_cert=cert, sign_key=key)
        assert mp4meta.has_c2pa(signed) and not mp4meta.has_c2pa(labelled[1])
        assert mp4meta.media_sha256(signed) == mp4meta.media_sha256(labelled[1])  # signing leaves the samples
        manifest = read_manifest(signed)
        record = provenance.record_path(signed).read_bytes()
        import hashlib

        assert manifest.created_by_ai and manifest.record_sha256 == hashlib.sha256(record).hexdigest()
        assert manifest.state in ("Valid", "Trusted") and manifest.failures == () and TRAINED.endswith("trainedAlgorithmicMedia")
        result = _cli(signed)
        assert result.exit_code == 0 and "PASS  C2PA" in result.stdout, result.stdout

    def test_self_signed_ca_is_rejected_clearly(self, labelled, tmp_path, monkeypatch):
        pytest.importorskip("c2pa")
        from screenplay_compiler import api

        monkeypatch.setattr(api, "synthesize", lambda episode, cache_dir, progress=None, **_: _voices(script))
        cert, key = _certificates(tmp_path / "certs", self_signed=True)
        script = tmp_path / "ep.play"
        script.write_text(labelled[0].read_text(encoding="utf-8"), encoding="utf-8")
        result = CliRunner().invoke(app, ["build", str(script), "-o", str(tmp_path / "out.mp4"), "--resolution", "320x180",
                                          "--fps", "12", "--cache-dir", str(labelled[0].parent / "cache"), "-j", "1",
                                          "--sign", "--cert", str(cert), "--key", str(key)])
        assert result.exit_code == 1 and "C2PA signing failed" in result.output
        assert not (tmp_path / "out.mp4").exists()

    def test_sign_needs_cert_and_key(self, tmp_path):
        result = CliRunner().invoke(app, ["build", str(tmp_path / "x.play"), "--sign"])
        assert result.exit_code != 0 and "--cert" in result.output
