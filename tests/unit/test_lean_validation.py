"""The lean fast path for request bodies (api.schemas.lean_validation, api.schemas.body_prescan):
whatever the body, the result or the errors are those of the guarded model alone."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from starlette.requests import Request

import api.rest.referrals  # noqa: F401 (registers the intake body for the fast path)
from api.errors import shape_problems
from api.rest.common import json_body
from api.schemas.body_prescan import is_clean
from api.schemas.common import Line, RequestModel, guard_code
from api.schemas.lean_validation import (
    SERVED,
    LeanSchemaError,
    lean_schema,
    lean_validator,
    validate_json,
)
from api.schemas.referrals import NieuweVerwijzing, VerwijzingZoekvraag
from domain.errors import RuleViolation
from tests.factories import referral_body

ROOT = Path(__file__).resolve().parents[2]
Path_ = tuple[str | int, ...]

FACTORY_BODY = referral_body()
BENCH_BODY = json.loads((ROOT / "bench" / "body.json").read_text(encoding="utf-8"))
BENCH_BODY["kind"]["geboortedatum"] = FACTORY_BODY["kind"]["geboortedatum"]  # as bench/run.py
BENCH_BODY["toestemming"]["datum"] = FACTORY_BODY["toestemming"]["datum"]
# Every optional string present, so that each string field is mutated below.
FULL_BODY = {**BENCH_BODY, "moeder": {**BENCH_BODY["moeder"]}}
FULL_BODY["moeder"]["adres"] = {**BENCH_BODY["moeder"]["adres"], "huisnummertoevoeging": "bis"}
VALID_BODIES: list[tuple[type[BaseModel], Any]] = [
    (NieuweVerwijzing, BENCH_BODY),
    (NieuweVerwijzing, FULL_BODY),
    (NieuweVerwijzing, FACTORY_BODY),
    (NieuweVerwijzing, referral_body(toestemming=...)),
    (VerwijzingZoekvraag, {"referentie": "CB-TEST-ABCDEF"}),
]
MUTATED: list[tuple[type[BaseModel], Any]] = [(NieuweVerwijzing, FULL_BODY), VALID_BODIES[-1]]

BSN_VALUES = {
    "bsn": b'"123456782"',
    "bsn-dots": b'"1234.56.782"',
    "bsn-spaces": b'"123 456 782"',
    "bsn-hyphens": b'"12-34-56-782"',
    "bsn-in-text": b'"tel 123456782 svp"',
    "bsn-escaped": b'"\\u0031\\u0032\\u0033\\u0034\\u0035\\u0036\\u0037\\u0038\\u0032"',
    "bsn-one-digit-escaped": b'"12345678\\u0032"',
    "bsn-escaped-separators": b'"123\\u0020456\\u0020782"',
}
OTHER_VALUES = {
    "nine-digits-no-bsn": b'"123456789"',
    "phone-digits": b'"06 12345678"',
    "del": b'"a\x7fb"',
    "c1": '"a\u0085b"'.encode(),
    "raw-c0": b'"a\x01b"',
    "raw-tab": b'"a\tb"',
    "escaped-c0": b'"a\\u0001b"',
    "escaped-del": b'"a\\u007fb"',
    "escaped-c1": b'"a\\u0085b"',
    "escaped-newline": b'"a\\nb"',
    "escaped-quote": b'"a\\"b"',
    "escaped-slash": b'"a\\/b"',
    "number": b"12",
    "bsn-number": b"123456782",
    "float": b"1.5",
    "true": b"true",
    "null": b"null",
    "object": b"{}",
    "array": b'["nl"]',
    "empty": b'""',
    "too-long": b'"' + b"x" * 501 + b'"',
    "pattern-breaking": b'"?!"',
    "non-ascii": '"Zoë"'.encode(),
    "arabic-indic-digits": '"GM\u0661\u0662\u0663\u0664"'.encode(),
    "invalid-utf8": b'"a\xffb"',
    "invalid-utf8-nine-digits": b'"123456782\xff"',
    "overlong-c1": b'"a\xc1\x85b"',
}
KEYS = {"bsn-key": b'"123456782"', "escaped-key": b'"na\\u0061m"', "unknown-key": b'"extra"'}


def compact(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def leaves(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path, value


def objects(value: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(value, dict):
        yield path
        for key, item in value.items():
            yield from objects(item, (*path, key))


def with_value(body: Any, path: Path_, literal: bytes) -> bytes:
    """`body` as compact JSON, the value at `path` written as the raw JSON `literal`."""
    copy = json.loads(json.dumps(body))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = "@@value@@"
    return compact(copy).replace(b'"@@value@@"', literal)


def with_key(body: Any, path: Path_, literal: bytes) -> bytes:
    copy = json.loads(json.dumps(body))
    target = copy
    for step in path:
        target = target[step]
    target["@@key@@"] = "x"
    return compact(copy).replace(b'"@@key@@"', literal)


def name(model: type[BaseModel], path: Path_, label: str) -> str:
    return f"{model.__name__}:{'.'.join(map(str, path))}={label}"


def snapshot(value: Any) -> Any:
    """Classes, set fields and values, all the way down."""
    if isinstance(value, BaseModel):
        fields = {key: snapshot(getattr(value, key)) for key in type(value).model_fields}
        return type(value), frozenset(value.model_fields_set), fields
    if isinstance(value, list):
        return [snapshot(item) for item in value]
    return type(value), value


def outcome(validate: Callable[[bytes], BaseModel], raw: bytes) -> Any:
    try:
        return "accepted", snapshot(validate(raw))
    except ValidationError as error:
        return "refused", error.errors()


def cases() -> Iterator[Any]:
    for model, body in MUTATED:
        for path, _ in leaves(body):
            for label, literal in (BSN_VALUES | OTHER_VALUES).items():
                yield pytest.param(
                    model, with_value(body, path, literal), id=name(model, path, label)
                )
        for path in objects(body):
            for label, literal in KEYS.items():
                yield pytest.param(
                    model, with_key(body, path, literal), id=name(model, path, label)
                )
    raw = compact(FULL_BODY)
    kind = b'"kind":{"geboortedatum":"2026-01-01","eersteKind":true,"roepnaam":"123456782"}'
    whole = {
        "pretty": json.dumps(FULL_BODY, indent=2).encode(),
        "truncated": raw[:-1],
        "empty": b"",
        "null": b"null",
        "array": b"[]",
        "bsn-string": b'"123456782"',
        "bsn-number": b"123456782",
        "bom": b"\xef\xbb\xbf" + raw,
        "trailing": raw + b"x",
        "invalid-utf8-between-tokens": raw[:-1] + b"\xff}",
        "duplicate-key-bsn-first": b"{" + kind + b"," + raw[1:],
        "duplicate-key-bsn-last": raw[:-1] + b"," + kind + b"}",
        "missing-block": compact({k: v for k, v in FULL_BODY.items() if k != "moeder"}),
    }
    for label, literal in whole.items():
        yield pytest.param(NieuweVerwijzing, literal, id=f"NieuweVerwijzing:{label}")


@pytest.mark.parametrize(("model", "raw"), list(cases()))
def test_the_fast_path_gives_the_guarded_models_outcome(model: type[BaseModel], raw: bytes) -> None:
    fast = outcome(lambda body: validate_json(model, body), raw)

    assert fast == outcome(model.model_validate_json, raw)


# Dates are not BSN-guarded (`JsonDate`): a BSN-shaped value there is refused as a date.
DATES = {("kind", "geboortedatum"), ("toestemming", "datum")}
BSN_CASES = [
    pytest.param(model, path, with_value(body, path, literal), id=name(model, path, label))
    for model, body in MUTATED
    for path, value in leaves(body)
    if isinstance(value, str) and path not in DATES
    for label, literal in BSN_VALUES.items()
]


@pytest.mark.parametrize(("model", "path", "raw"), BSN_CASES)
def test_a_bsn_shaped_string_is_refused_as_such_in_every_string_field(
    model: type[BaseModel], path: Path_, raw: bytes
) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_json(model, raw)

    assert ("bsn-niet-toegestaan", path) in [(e["type"], e["loc"]) for e in refused.value.errors()]


@pytest.mark.parametrize(("model", "body"), VALID_BODIES)
def test_a_valid_body_is_clean_and_the_lean_validator_gives_the_same_instances(
    model: type[BaseModel], body: Any
) -> None:
    raw = compact(body)

    assert is_clean(raw)
    assert snapshot(lean_validator(model).validate_json(raw)) == snapshot(
        model.model_validate_json(raw)
    )


def test_every_body_the_fast_path_serves_is_mutated_here() -> None:
    assert set(SERVED) <= {model for model, _ in MUTATED}
    assert NieuweVerwijzing in SERVED


def functions_in(node: Any) -> Counter[str]:
    """The Python functions a schema calls, by module and qualified name."""
    found: Counter[str] = Counter()
    if isinstance(node, dict):
        if isinstance(node.get("function"), dict):
            function = node["function"]["function"]
            function = getattr(function, "func", function)  # a functools.partial
            found[f"{function.__module__}.{function.__qualname__}"] += 1
        for value in node.values():
            found += functions_in(value)
    elif isinstance(node, list):
        for item in node:
            found += functions_in(item)
    return found


LEFT_OUT = (
    "api.schemas.common._line",
    "api.schemas.common._free",
    "api.schemas.common.guard_code",
    "pydantic._internal._validators.min_length_validator",
    "pydantic._internal._validators.max_length_validator",
    "pydantic._internal._known_annotated_metadata.apply_known_metadata.<locals>."
    "_apply_constraint_with_incompatibility_info",
)


@pytest.mark.parametrize("model", [NieuweVerwijzing, VerwijzingZoekvraag])
def test_the_lean_schema_keeps_every_function_but_the_guards_and_wrappers(
    model: type[BaseModel],
) -> None:
    guarded = functions_in(model.__pydantic_core_schema__)

    lean = functions_in(lean_schema(model.__pydantic_core_schema__))

    assert set(guarded) & set(LEFT_OUT)
    assert lean == Counter({f: n for f, n in guarded.items() if f not in LEFT_OUT})


def test_the_wrappers_fold_into_native_string_constraints() -> None:
    lean = lean_schema(VerwijzingZoekvraag.__pydantic_core_schema__)

    field = lean["schema"]["fields"]["referentie"]["schema"]
    assert field == {"type": "str", "strict": True, "pattern": "^[A-Za-z0-9._:/-]{1,64}$"}


def test_building_leaves_the_models_own_schema_untouched() -> None:
    before = repr(NieuweVerwijzing.__pydantic_core_schema__)

    lean_schema(NieuweVerwijzing.__pydantic_core_schema__)

    assert repr(NieuweVerwijzing.__pydantic_core_schema__) == before


def test_the_lean_validator_itself_runs_no_guard() -> None:
    raw = with_value(FULL_BODY, ("verwijzer", "naam"), b'"123456782"')

    accepted = lean_validator(NieuweVerwijzing).validate_json(raw)

    assert accepted.verwijzer.naam == "123456782"  # hence the prescan in front of it
    assert not is_clean(raw)


class GuardedNumber(RequestModel):
    getal: Annotated[int, BeforeValidator(guard_code)]


class LowerCased(RequestModel):
    model_config = ConfigDict(str_to_lower=True)

    naam: Line


class LineOrNumber(RequestModel):
    waarde: Line | int


@pytest.mark.parametrize("model", [GuardedNumber, LowerCased, LineOrNumber])
def test_building_fails_for_a_schema_the_lean_path_cannot_serve(model: type[BaseModel]) -> None:
    with pytest.raises(LeanSchemaError):
        lean_schema(model.__pydantic_core_schema__)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (b'{"a":"123456789","b":"06 12345678"}', True),
        (b'{"a":"Zo\xc3\xab","b":"\xc3\x85"}', True),
        (b'{"a":"x","b":"123456782"}', False),
        (b'{"a":"x","b":"12-34-56-782"}', False),
        (b'{"a":"x\\"y"}', False),
        (b'{"a":"x\\u0031"}', False),
        (b'{"a":"x\x7fy"}', False),
        (b'{"a":"x\xc2\x85y"}', False),
        (b'{"a":"12345678\xff2"}', False),
        (b'{"a":"x\xffy"}', True),  # fewer than nine digits: JSON itself refuses the bytes
        (b'{"a":123456782}', False),  # between strings: a false alarm, the slow path
    ],
)
def test_the_prescan_flags_escapes_controls_and_bsn_shaped_segments(
    raw: bytes, clean: bool
) -> None:
    assert is_clean(raw) is clean


def request_with(raw: bytes) -> Request:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": raw, "more_body": False}

    return Request({"type": "http", "method": "POST", "headers": []}, receive)


async def test_json_body_reads_a_clean_body_into_the_guarded_models_instance() -> None:
    raw = compact(FULL_BODY)

    body = await json_body(request_with(raw), NieuweVerwijzing)

    assert snapshot(body) == snapshot(NieuweVerwijzing.model_validate_json(raw))


async def test_json_body_refuses_a_bsn_with_the_guarded_models_problems() -> None:
    raw = with_value(FULL_BODY, ("moeder", "adres", "straat"), b'"1234.56.782"')
    with pytest.raises(ValidationError) as guarded:
        NieuweVerwijzing.model_validate_json(raw)
    located = [{**e, "loc": ("body", *e["loc"])} for e in guarded.value.errors()]

    with pytest.raises(RuleViolation) as refused:
        await json_body(request_with(raw), NieuweVerwijzing)

    assert refused.value.problems == shape_problems(located)
    assert refused.value.code == "bsn-niet-toegestaan"
