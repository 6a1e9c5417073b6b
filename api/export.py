"""python -m api.export: writes openapi/openapi.json and openapi/schema.graphql (make openapi).

Both are generated from the code and committed; tests/contract fails when they drift.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from api.app import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
OPENAPI_FILE = ROOT / "openapi" / "openapi.json"
SDL_FILE = ROOT / "openapi" / "schema.graphql"


def openapi_document() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(
            env="development",
            database_url=f"sqlite+aiosqlite:///{scratch}/export.db",
            data_dir=Path(scratch),
            scheduler=False,
        )
        document: dict[str, Any] = create_app(settings).openapi()
        return document


def openapi_text() -> str:
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


def sdl_text() -> str:
    from api.graphql.schema import sdl

    return sdl().rstrip("\n") + "\n"


def main() -> int:
    OPENAPI_FILE.parent.mkdir(exist_ok=True)
    OPENAPI_FILE.write_text(openapi_text(), encoding="utf-8")
    SDL_FILE.write_text(sdl_text(), encoding="utf-8")
    sys.stdout.write(f"wrote {OPENAPI_FILE.relative_to(ROOT)} and {SDL_FILE.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
