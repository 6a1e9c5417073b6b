"""The development signing key: generated on first run into the data dir (never in production)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

PRIVATE_KEY_NAME: Final = "dev-signing-key.pem"
PUBLIC_KEY_NAME: Final = "dev-signing-key.pub.pem"


def ensure_development_key(data_dir: Path) -> tuple[Path, Path]:
    """An ES256 (P-256) key pair in the data dir, made once; returns (private, public)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    private_path, public_path = data_dir / PRIVATE_KEY_NAME, data_dir / PUBLIC_KEY_NAME
    if not private_path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
    if not public_path.exists():
        private = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
        public_path.write_bytes(
            private.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return private_path, public_path
