"""structlog and stdlib logging as one JSON stream, with personal data redacted (TECH-NOTES §8).

Every line, from structlog or from a stdlib logger (uvicorn, SQLAlchemy, ...), passes the same
chain: request context from contextvars, level, logger name, UTC timestamp, `extra=` fields,
and `redact`, so phone numbers, BSNs, e-mail addresses and secrets never reach a log.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any, Final, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

REDACTED: Final = "[REDACTED]"

# Keys whose value is dropped whatever it holds (compared lower-case).
SECRET_KEYS: Final = frozenset(
    {
        "authorization",
        "token",
        "secret",
        "password",
        "email",
        "telefoon",
        "phone",
        "naam",
        "name",
        "adres",
        "achternaam",
        "roepnaam",
        "geboortedatum",
        "body",
        "bsn",
        "noodtoegang",
    }
)
# A key made of `_`/`-`/`.` parts is secret when one part is: `access_token`, `ouder_email`,
# `request_body`. `name` is left out here: `operation_name` or `logger_name` are no person.
_SECRET_PARTS: Final = SECRET_KEYS - {"name"}
_KEY_PARTS: Final = re.compile(r"[_.\-]")

_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# One scan over a string: UUIDs and 32-hex trace ids are kept (they are ids, not numbers),
# anything number-like is judged by `_mask_number`, and a bare run of 9+ digits inside a
# word (`bsn123456782`) is masked outright.
_NUMBERISH: Final = re.compile(
    r"(?P<id>(?<![0-9A-Fa-f])(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}"
    r"-[0-9a-fA-F]{12}|[0-9a-fA-F]{32})(?![0-9A-Fa-f]))"
    r"|(?P<num>(?<!\w)[+(]?\d(?:[ ().-]{1,2}\(?\d|\d)*\)?(?!\w))"
    r"|(?P<run>\d{9,})"
)
_DIGIT_RUN: Final = re.compile(r"\d{9,}")
_MASK: Final = "[nummer]"
_MAX_DEPTH: Final = 4


def _is_phone_or_bsn(text: str) -> bool:
    """9+ digits in one run; a Dutch phone number (`06-1234 5678`, `+31 (0)20 123 4567`,
    `(020) 123 45 67`); or exactly nine digits in groups, as a BSN is written (`123.456.782`).

    Dates (`2026-01-05`), IPv4 addresses and version numbers stay: they start with neither
    `0` nor `+` and hold no run of nine digits.
    """
    if _DIGIT_RUN.search(text):
        return True
    digits = sum(ch.isdigit() for ch in text)
    if digits == 9:
        return True
    return digits >= 9 and text.lstrip("(").startswith(("0", "+"))


def _mask_number(match: re.Match[str]) -> str:
    kept = match.group("id")
    if kept is not None and not kept.replace("-", "").isdigit():
        return kept
    return _MASK if _is_phone_or_bsn(match.group(0)) else match.group(0)


def scrub(text: str) -> str:
    """The text with e-mail addresses as `[email]` and phone numbers and BSNs as `[nummer]`."""
    if "@" in text:
        text = _EMAIL.sub("[email]", text)
    return _NUMBERISH.sub(_mask_number, text)


def _is_secret_key(key: str) -> bool:
    lowered = key.lower()
    if lowered in SECRET_KEYS:
        return True
    return any(part in _SECRET_PARTS for part in _KEY_PARTS.split(lowered))


def _redact_value(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if depth >= _MAX_DEPTH:
        return value
    if isinstance(value, Mapping):
        return {
            k: REDACTED if isinstance(k, str) and _is_secret_key(k) else _redact_value(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact_value(item, depth + 1) for item in value]
    return value


def redact(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    """Blank secret keys, mask e-mail addresses, phone numbers and BSNs in string values."""
    for key, value in event.items():
        if key.startswith("_"):  # `_record`, `_from_structlog`: ProcessorFormatter's own
            continue
        if _is_secret_key(key):
            event[key] = REDACTED
        else:
            event[key] = _redact_value(value, 0)
    return event


def drop_color_message(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    """uvicorn puts an ANSI-coloured copy of its message in `extra`; the plain one suffices.

    A stdlib record formatted by another handler first carries `message`, a copy of `event`
    that `ExtraAdder` would repeat.
    """
    event.pop("color_message", None)
    if event.get("_from_structlog") is False:
        event.pop("message", None)
    return event


def shared_processors() -> list[Processor]:
    """The chain for structlog events and (as `foreign_pre_chain`) for stdlib records."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        drop_color_message,
        # Tracebacks become plain text before `redact`, so exception messages are scrubbed
        # too, and the console shows no locals (a repr of a PhoneNumber is a leak).
        structlog.processors.format_exc_info,
        redact,
    ]


class _MimHandler(logging.StreamHandler[TextIO]):
    """Marks the root handler we installed, so a second `configure_logging` replaces it."""


def configure_logging(*, json: bool = True, level: str = "INFO") -> None:
    """One line per event on stdout: JSON in production, readable text in development."""
    shared = shared_processors()
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(
            colors=sys.stdout.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = _MimHandler(sys.stdout)
    handler.setFormatter(formatter)

    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _MimHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())

    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        switched_off = not uvicorn_logger.handlers and not uvicorn_logger.propagate
        uvicorn_logger.handlers.clear()
        # `uvicorn --no-access-log` leaves its access logger without handlers and not
        # propagating; keep it silent rather than switch it back on.
        uvicorn_logger.propagate = not (switched_off and name == "uvicorn.access")
    # httpx logs every request URL at INFO; webhook URLs may carry tokens.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
