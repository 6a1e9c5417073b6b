"""Mints development tokens (python -m api.tokens) with the development key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jose import jwt


def sign_token(claims: dict[str, Any], *, private_key_file: Path, algorithm: str = "ES256") -> str:
    return jwt.encode(claims, private_key_file.read_text(encoding="utf-8"), algorithm=algorithm)
