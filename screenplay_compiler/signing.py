"""C2PA: sign a finished MP4 (optional extra ``c2pa``) and read a signed one back.

Signing is offline (no timestamp authority) and the very last step of a build, after the
AIGC metadata is final. The manifest says the video was created by a trained algorithm
(``c2pa.created`` with IPTC's ``trainedAlgorithmicMedia``) and carries the sha256 of the
build's creation record in an ``org.sdc.creation-record`` assertion. A signed file is not
byte-reproducible (a signature is new each time); the unsigned build is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import __version__

TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
RECORD_ASSERTION = "org.sdc.creation-record"
NEEDS_EXTRA = "C2PA needs the optional extra: pip install 'screenplay-compiler[c2pa]'"
TOLERATED = {"signingCredential.untrusted"}  # a private or test CA: the signature itself is valid


class SigningError(RuntimeError):
    """The MP4 could not be signed (no c2pa-python, unreadable certificate or key, or c2pa failed)."""


@dataclass(frozen=True)
class Manifest:
    """What verify needs from a C2PA manifest read back from a file."""

    state: str  # c2pa's validation state: Valid, Trusted or Invalid
    failures: tuple[str, ...]  # validation codes that are real failures
    warnings: tuple[str, ...]  # tolerated codes (an untrusted signer)
    created_by_ai: bool  # a c2pa.created action with digitalSourceType trainedAlgorithmicMedia
    record_sha256: str | None  # what the creation-record assertion carries
    signer: str


def manifest_definition(record_sha256: str, title: str) -> dict:
    """The manifest sdc signs: the AI-created action and the creation record's hash."""
    return {
        "claim_generator_info": [{"name": "sdc", "version": __version__}],
        "title": title or "sdc video",
        "format": "video/mp4",
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": TRAINED,
                                                               "softwareAgent": {"name": "sdc", "version": __version__}}]}},
            {"label": RECORD_ASSERTION, "data": {"sha256": record_sha256, "alg": "sha256",
                                                  "describes": "the .provenance.json written beside this video"}},
        ],
    }


def _c2pa():
    """The c2pa module, or a SigningError saying how to install it."""
    try:
        import c2pa
    except ImportError:
        raise SigningError(NEEDS_EXTRA) from None
    return c2pa


def _algorithm(key_pem: bytes) -> str:
    """The C2PA signing algorithm that fits a PEM private key."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningError(f"cannot read the private key: {exc}") from None
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}.get(key.curve.name, "es256")
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    if isinstance(key, rsa.RSAPrivateKey):
        return "ps256"
    raise SigningError(f"unsupported key type {type(key).__name__}")


def sign_mp4(path: Path, cert: Path, key: Path, record_sha256: str, title: str = "") -> None:
    """Sign the MP4 at ``path`` in place with the certificate chain ``cert`` (PEM, end-entity
    first) and private key ``key`` (PEM), offline."""
    import os

    c2pa = _c2pa()
    try:
        chain, key_pem = Path(cert).read_bytes(), Path(key).read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read {exc.filename}: {exc.strerror}") from None
    signed = Path(path).with_name(f".{Path(path).name}.signed.tmp")
    try:
        signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(_algorithm(key_pem).encode(), chain, key_pem, None))
        builder = c2pa.Builder(json.dumps(manifest_definition(record_sha256, title)))
        with open(path, "rb") as source, open(signed, "w+b") as dest:
            builder.sign(signer, "video/mp4", source, dest)
        os.replace(signed, path)
    except c2pa.C2paError as exc:
        raise SigningError(f"C2PA signing failed: {exc}") from None
    finally:
        signed.unlink(missing_ok=True)


def read_manifest(path: Path) -> Manifest:
    """The active C2PA manifest of a signed file, validated by c2pa (SigningError without the extra)."""
    c2pa = _c2pa()
    try:
        reader = c2pa.Reader(str(path))
        store = json.loads(reader.json())
        state = reader.get_validation_state() or "unknown"
    except c2pa.C2paError as exc:
        return Manifest("Invalid", (f"unreadable manifest: {exc}",), (), False, None, "")
    manifest = store["manifests"][store["active_manifest"]]
    codes = [s["code"] for s in store.get("validation_status", [])]
    assertions = {a["label"]: a["data"] for a in manifest.get("assertions", [])}
    actions = next((v["actions"] for k, v in assertions.items() if k.startswith("c2pa.actions")), [])
    created = any(a.get("action") == "c2pa.created" and a.get("digitalSourceType") == TRAINED for a in actions)
    info = manifest.get("signature_info", {})
    return Manifest(state, tuple(c for c in codes if c not in TOLERATED), tuple(c for c in codes if c in TOLERATED),
                    created, assertions.get(RECORD_ASSERTION, {}).get("sha256"),
                    f"{info.get('common_name', '?')} ({info.get('issuer', '?')})")
