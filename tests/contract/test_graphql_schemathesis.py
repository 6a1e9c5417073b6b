"""Schemathesis over the GraphQL schema: generated queries and mutations get data, a union
member or a coded client error, never a server error.

Schemathesis' GraphQL check fails on *any* `errors` entry, client errors included (ST206), but
a query with `limit: 384` is refused by contract (CONTRACT §5.4, §17). So the assertion is ours:
HTTP below 500, every resolver error (one with a `path`) carries a contract code, and none is
`interne-fout`; errors without a path are the document's own validation errors.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from tests.contract.scratch_app import scratch_app

APP, TOKEN = scratch_app("mim-schemathesis-graphql-")

schema = schemathesis.graphql.from_asgi(
    "/v1/graphql", APP, headers={"Authorization": f"Bearer {TOKEN}"}
)


@schema.parametrize()
# Derandomised: the same cases every run, so a red CI is reproducible and never luck.
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_generated_graphql_operations_never_break_the_server(case: schemathesis.Case[Any]) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500
    body = response.json()
    assert "data" in body or "errors" in body
    unexpected = [
        error
        for error in body.get("errors") or []
        if (code := error.get("extensions", {}).get("code")) == "interne-fout"
        or (code is None and "path" in error)
    ]
    assert unexpected == [], body
