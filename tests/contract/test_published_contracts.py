"""The committed openapi/openapi.json and openapi/schema.graphql equal what the code makes."""

from __future__ import annotations

from api.export import OPENAPI_FILE, SDL_FILE, openapi_text, sdl_text


def test_the_committed_openapi_document_matches_the_code() -> None:
    committed = OPENAPI_FILE.read_text(encoding="utf-8")
    assert committed == openapi_text(), "run `make openapi` and commit the result"


def test_the_committed_graphql_schema_matches_the_code() -> None:
    committed = SDL_FILE.read_text(encoding="utf-8")
    assert committed == sdl_text(), "run `make openapi` and commit the result"


def test_no_operation_documents_fastapis_422_validation_error() -> None:
    document = openapi_text()
    assert "HTTPValidationError" not in document
