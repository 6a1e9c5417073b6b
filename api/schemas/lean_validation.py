"""A fast path for request bodies: the model's own core schema without the string guards.

Every request string passes a BeforeValidator (`TEXT_GUARDS`, `CODE_GUARDS` in
api.schemas.common) that refuses controls and BSN-shaped values. That is a Python call per
string, and because it precedes the `str` type pydantic also runs `min_length`, `max_length`
and `pattern` through Python wrappers: most of a body's validation time.

The lean validator is derived from the model's `__pydantic_core_schema__`, not written by hand:
guards are left out (a `str` under a text guard becomes strict, as the guard refuses anything
else) and the length and pattern wrappers fold back into native `str` constraints. Every other
validator stays, and model schemas keep their class, so a body the lean validator accepts
gives the same instances with the same values. `validate_json` uses it only for bodies that
`is_clean`, where the guards would pass every string; any other body, and any body the lean
validator refuses, goes to the guarded model, whose result or errors then stand.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ValidationError
from pydantic_core import CoreSchema, SchemaValidator

from api.schemas.body_prescan import is_clean
from api.schemas.common import CODE_GUARDS, TEXT_GUARDS

__all__ = [
    "SERVED",
    "LeanSchemaError",
    "lean_schema",
    "lean_validator",
    "serve_lean",
    "validate_json",
]

Model = TypeVar("Model", bound=BaseModel)

_GUARDS = (*TEXT_GUARDS, *CODE_GUARDS)
# A plain `str` schema: no keys that transform the value (`to_lower`) or change its type rules.
_PLAIN_STR_KEYS = frozenset({"type", "strict", "min_length", "max_length", "pattern", "metadata"})
# pydantic's Python wrappers for constraints its native `str` would check, by where they live.
_LENGTH_WRAPPERS = {
    ("pydantic._internal._validators", "min_length_validator"): "min_length",
    ("pydantic._internal._validators", "max_length_validator"): "max_length",
}
_PATTERN_WRAPPER = (
    "pydantic._internal._known_annotated_metadata",
    "_apply_constraint_with_incompatibility_info",
)
_UNIONS = ("union", "tagged-union")
_STRING_CHANGING = ("str_to_lower", "str_to_upper", "coerce_numbers_to_str")


class LeanSchemaError(RuntimeError):
    """The model's schema cannot be served by the lean fast path; raised when it is built."""


def validate_json(model: type[Model], body: bytes) -> Model:
    """`model.model_validate_json(body)`, with the same result and the same errors, faster."""
    lean = SERVED.get(model) if is_clean(body) else None
    if lean is not None:
        with contextlib.suppress(ValidationError):  # the guarded model words every refusal
            return cast("Model", lean.validate_json(body))
    return model.model_validate_json(body)


# The models the fast path serves: only those whose equivalence the tests prove (the intake
# body, on the hot path). Every other body goes to its guarded model.
SERVED: dict[type[BaseModel], SchemaValidator] = {}


def serve_lean(model: type[BaseModel]) -> None:
    """Registers `model` for the fast path; raises LeanSchemaError when it cannot be served."""
    SERVED[model] = lean_validator(model)


@functools.cache
def lean_validator(model: type[BaseModel]) -> SchemaValidator:
    """One lean validator per model class, built from its core schema on first use.

    `_use_prebuilt=False`: otherwise pydantic-core serves every model schema whose class is
    complete with that class's own validator, guards and all (as pydantic's forced rebuilds do).
    """
    schema = model.__pydantic_core_schema__
    return SchemaValidator(lean_schema(schema), _top_config(schema), _use_prebuilt=False)


def lean_schema(schema: CoreSchema) -> CoreSchema:
    """A new schema without guards and length or pattern wrappers; `schema` stays untouched.

    Raises LeanSchemaError when that would not be exact: a guard that stays (around a schema
    it cannot be left out of) or sits under a union, or config that changes strings.
    """
    lean = _rebuilt(schema)
    _refuse_unservable(schema, lean)
    return cast("CoreSchema", lean)


def _rebuilt(node: Any) -> Any:
    """A copy of every dict and list, children first, each schema simplified on the way up."""
    if isinstance(node, list):
        return [_rebuilt(item) for item in node]
    if not isinstance(node, dict):
        return node
    return _simplified({key: _rebuilt(value) for key, value in node.items()})


def _simplified(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if kind == "function-before":
        return _without_guard(schema)
    if kind == "function-after":
        return _length_folded(schema)
    if kind == "function-wrap" and _origin(schema["function"]["function"]) == _PATTERN_WRAPPER:
        inner: dict[str, Any] = schema["schema"]
        return inner if _is_plain_str(inner) else schema  # the wrap only rewords type errors
    if kind == "chain":
        return _chain_merged(schema)
    return schema


def _without_guard(schema: dict[str, Any]) -> dict[str, Any]:
    function = schema["function"]["function"]
    inner: dict[str, Any] = schema["schema"]
    if function in TEXT_GUARDS:  # the guard passes only strings, unchanged
        text = {"type": "str", "strict": True}
        if inner["type"] == "str":
            return {**inner, **text}
        return _chain_merged({"type": "chain", "steps": [text, inner]})
    if function in CODE_GUARDS and _is_string_code_list(inner):
        return inner  # the guard passes non-strings on; a code list of strings refuses them
    return schema


def _length_folded(schema: dict[str, Any]) -> dict[str, Any]:
    function = schema["function"]["function"]
    inner: dict[str, Any] = schema["schema"]
    if not (isinstance(function, functools.partial) and _is_plain_str(inner)):
        return schema
    key = _LENGTH_WRAPPERS.get(_origin(function.func))
    if key is None or function.args or set(function.keywords) != {key}:
        return schema
    limit = function.keywords[key]
    if key in inner:  # both hold: the stricter one
        limit = max(limit, inner[key]) if key == "min_length" else min(limit, inner[key])
    return {**inner, key: limit}


def _chain_merged(schema: dict[str, Any]) -> dict[str, Any]:
    """Adjacent plain `str` steps as one (the second only checks the first's output), and a
    chain of one step as that step."""
    steps: list[dict[str, Any]] = []
    for step in schema["steps"]:
        last = steps[-1] if steps else None
        if last is not None and _is_plain_str(last) and _is_plain_str(step):
            merged = _merged_str(last, step)
            if merged is not None:
                steps[-1] = merged
                continue
        steps.append(step)
    return steps[0] if len(steps) == 1 else {**schema, "steps": steps}


def _merged_str(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any] | None:
    if "pattern" in first and "pattern" in second:
        return None  # two patterns cannot share one schema; the chain keeps both
    merged = {**first, **({"pattern": second["pattern"]} if "pattern" in second else {})}
    for key, pick in (("min_length", max), ("max_length", min)):
        limits = [s[key] for s in (first, second) if key in s]
        if limits:
            merged[key] = pick(limits)
    return merged


def _is_string_code_list(schema: dict[str, Any]) -> bool:
    return schema["type"] == "literal" and all(isinstance(v, str) for v in schema["expected"])


def _is_plain_str(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "str" and schema.keys() <= _PLAIN_STR_KEYS


def _origin(function: object) -> tuple[str, str]:
    return str(getattr(function, "__module__", "")), str(getattr(function, "__name__", ""))


def _top_config(schema: CoreSchema) -> Any:
    """The core config pydantic built the model's validator with: its model schema's, found
    under any definitions or outer model validators."""
    node: dict[str, Any] = dict(schema)
    while node["type"] != "model" and "schema" in node:
        node = node["schema"]
    return node.get("config")


def _refuse_unservable(original: CoreSchema, lean: Any) -> None:
    """Raises LeanSchemaError for a guard under a union (a smart union weighs how exactly each
    choice matched, which leaving out a guard may change), for a guard left in the lean schema,
    and for config that changes strings (a folded constraint would see another string)."""
    for node in _walk(original):
        if isinstance(node, dict) and node.get("type") in _UNIONS and _holds_guard(node):
            raise LeanSchemaError("a guard under a union cannot be left out")
    for node in _walk(lean):
        if _is_guard(node):
            raise LeanSchemaError(f"the guard {node!r} is still in the lean schema")
        if isinstance(node, dict) and node.get("type") == "model":
            config = node.get("config") or {}
            if any(config.get(key) for key in _STRING_CHANGING):
                raise LeanSchemaError(f"{node['cls'].__name__}: config that changes strings")


def _walk(node: Any) -> Iterator[Any]:
    """`node` and everything in it: dicts, lists, tuples and their leaves."""
    yield node
    if isinstance(node, dict | list | tuple):
        for child in node.values() if isinstance(node, dict) else node:
            yield from _walk(child)


def _holds_guard(node: Any) -> bool:
    return any(_is_guard(item) for item in _walk(node))


def _is_guard(item: Any) -> bool:
    function = item.func if isinstance(item, functools.partial) else item
    return any(function is guard for guard in _GUARDS)
