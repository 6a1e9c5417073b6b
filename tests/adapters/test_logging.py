from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from adapters.logging import REDACTED, SECRET_KEYS, configure_logging, redact, scrub


def redacted(**event: Any) -> dict[str, Any]:
    return dict(redact(None, "info", event))


@pytest.mark.parametrize("key", sorted(SECRET_KEYS))
def test_a_secret_key_is_blanked_whatever_its_value(key: str) -> None:
    assert redacted(**{key: "waarde 42"})[key] == REDACTED


@pytest.mark.parametrize(
    "key", ["Authorization", "BSN", "access_token", "client_secret", "ouder_email", "request_body"]
)
def test_a_key_that_names_a_secret_in_any_case_or_part_is_blanked(key: str) -> None:
    assert redacted(**{key: "x"})[key] == REDACTED


@pytest.mark.parametrize("key", ["event", "route", "status", "operation_name", "traject_id"])
def test_an_ordinary_key_keeps_its_value(key: str) -> None:
    assert redacted(**{key: "gewoon"})[key] == "gewoon"


def test_an_email_address_in_a_string_value_is_masked() -> None:
    event = redacted(event="verstuurd naar jan.de-vries+mim@example.nl vandaag")

    assert event["event"] == "verstuurd naar [email] vandaag"


@pytest.mark.parametrize(
    "text",
    [
        "123456782",
        "bsn=123456782.",
        "bsn123456782x",
        "123.456.782",
        "1234.56.782",
        "123 456 782",
        "06-12345678",
        "06 12 34 56 78",
        "0612345678",
        "+31 6 12345678",
        "+31612345678",
        "0031 6 1234 5678",
        "+31 (0)20 123 4567",
        "(020) 123 45 67",
        "020-1234567",
        "12345678901234",
    ],
)
def test_a_bsn_phone_number_or_long_digit_run_is_masked(text: str) -> None:
    masked = scrub(f"bel {text} nu")

    assert "[nummer]" in masked
    assert sum(ch.isdigit() for ch in masked) < 9


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-05T10:00:00+00:00",
        "2026-01-05 10:00:00",
        "0b7e1c7a-1234-4a5b-9c1d-123456789012",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        '127.0.0.1:54321 - "GET /v1/trajecten?limit=20 HTTP/1.1" 200',
        "192.168.100.200",
        "pogingen 9 van 10, duur 0.125 s",
    ],
)
def test_ids_dates_addresses_and_small_numbers_are_kept(text: str) -> None:
    assert scrub(text) == text


def test_nested_values_are_redacted_too() -> None:
    event = redacted(data={"bsn": "123456782", "opmerking": "mail a@b.nl", "lijst": ["0612345678"]})

    assert event["data"] == {"bsn": REDACTED, "opmerking": "mail [email]", "lijst": ["[nummer]"]}


def test_non_string_values_are_left_alone() -> None:
    event = redacted(pogingen=123456789012, duur=0.5)

    assert event == {"pogingen": 123456789012, "duur": 0.5}


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Runs `configure_logging` with its handler writing to a buffer; undone afterwards."""
    root = logging.getLogger()
    before = set(root.handlers)
    level = root.level
    config = structlog.get_config()
    httpx_level = logging.getLogger("httpx").level
    # a uvicorn started by an earlier test (webhook receivers, log_level="warning") leaves its
    # loggers at WARNING; these tests log through them at INFO
    uvicorn_loggers = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.error", "uvicorn.access")]
    uvicorn_levels = [logger.level for logger in uvicorn_loggers]
    for logger in uvicorn_loggers:
        logger.setLevel(logging.NOTSET)
    configure_logging(json=True, level="INFO")
    buffer = io.StringIO()
    added = [h for h in root.handlers if h not in before]
    for handler in added:
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(buffer)
    yield buffer
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(httpx_level)
    for logger, uvicorn_level in zip(uvicorn_loggers, uvicorn_levels, strict=True):
        logger.setLevel(uvicorn_level)
    structlog.configure(**config)
    structlog.contextvars.clear_contextvars()


def json_lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_a_stdlib_record_comes_out_as_one_json_line_with_the_request_context(
    log_output: io.StringIO,
) -> None:
    structlog.contextvars.bind_contextvars(request_id="abc-123", method="GET", path="/v1/x")

    logging.getLogger("mim.proef").info("mail naar %s over %s", "a@example.nl", "0612345678")

    [line] = json_lines(log_output)
    assert line["event"] == "mail naar [email] over [nummer]"
    assert line["request_id"] == "abc-123"
    assert line["method"] == "GET"
    assert line["path"] == "/v1/x"
    assert line["level"] == "info"
    assert line["logger"] == "mim.proef"
    assert line["timestamp"].endswith("Z")


def test_a_structlog_event_comes_out_as_json_with_its_secret_fields_blanked(
    log_output: io.StringIO,
) -> None:
    structlog.get_logger("mim.proef").warning("aangemeld", token="geheim", traject_id="t-1")

    [line] = json_lines(log_output)
    assert line["event"] == "aangemeld"
    assert line["token"] == REDACTED
    assert line["traject_id"] == "t-1"
    assert line["level"] == "warning"
    assert line["logger"] == "mim.proef"


def test_extra_fields_of_a_stdlib_record_are_kept_and_redacted(log_output: io.StringIO) -> None:
    logging.getLogger("uvicorn.error").info(
        "gestart", extra={"color_message": "\x1b[32mgestart\x1b[0m", "email": "a@b.nl", "poort": 80}
    )

    [line] = json_lines(log_output)
    assert "color_message" not in line
    assert line["email"] == REDACTED
    assert line["poort"] == 80


def test_an_exception_message_is_scrubbed_in_the_traceback(log_output: io.StringIO) -> None:
    try:
        raise ValueError("onbekend nummer 0612345678")
    except ValueError:
        logging.getLogger("mim.proef").exception("mislukt")

    [line] = json_lines(log_output)
    assert "ValueError: onbekend nummer [nummer]" in line["exception"]
    assert "0612345678" not in json.dumps(line)


def test_records_below_the_level_are_dropped(log_output: io.StringIO) -> None:
    logging.getLogger("mim.proef").debug("ruis")
    structlog.get_logger("mim.proef").debug("ruis")

    assert log_output.getvalue() == ""


def test_configuring_twice_leaves_a_single_handler(log_output: io.StringIO) -> None:
    root = logging.getLogger()
    handlers_before = len(root.handlers)

    configure_logging(json=True, level="INFO")

    assert len(root.handlers) == handlers_before


def test_uvicorn_loggers_propagate_to_the_root_and_httpx_is_quiet(
    log_output: io.StringIO,
) -> None:
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        assert logging.getLogger(name).propagate
        assert logging.getLogger(name).handlers == []
    assert logging.getLogger("httpx").level == logging.WARNING
