"""Checks and conversions every payload parser needs, so each failure reads the same way.

A payload that is not what its endpoint promises raises ``ParseError`` naming what was wrong: an
HTML page where JSON was expected, JSON cut short, a field the source renamed (with the fields it
did send). Time and odds conversions live here so providers agree on their meaning: naive UTC
timestamps, US/Eastern game dates, American odds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from nbaprops.sources.base import Endpoint, ParseError, Payload
from nbaprops.warehouse.db import Warehouse
from nbaprops.warehouse.merge import content_hash

EASTERN = ZoneInfo("America/New_York")


def describe_body(body: bytes) -> str:
    """A short description of what a body looks like, for error messages."""
    head = body.lstrip()[:200].decode("utf-8", "replace")
    if not head:
        return "an empty body"
    if head[:1] == "<":
        title = ""
        lowered = head.lower()
        if "<title>" in lowered:
            start = lowered.index("<title>") + 7
            title = head[start : lowered.find("</title>", start)].strip()[:80]
        return "an HTML page" + (f" ({title!r})" if title else "")
    return f"{len(body)} bytes starting {head[:60]!r}"


def load_json(payload: Payload) -> Any:
    """The payload's JSON, or a ParseError that says what came instead."""
    try:
        return json.loads(payload.body)
    except UnicodeDecodeError as exc:
        raise ParseError(f"expected JSON, got undecodable bytes ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        if payload.body.lstrip()[:1] == b"<":
            raise ParseError(f"expected JSON, got {describe_body(payload.body)}") from None
        if exc.pos >= len(payload.body.rstrip()) - 1 or exc.msg.startswith("Unterminated string"):
            raise ParseError(
                f"truncated JSON: the document ends at byte {len(payload.body)} before it is complete ({exc.msg})"
            ) from None
        raise ParseError(f"invalid JSON at byte {exc.pos} of {len(payload.body)}: {exc.msg}") from None


def check_format(endpoint: Endpoint, payload: Payload) -> None:
    """Reject a body that cannot be the endpoint's format before its parser sees it."""
    if endpoint.format == "json":
        load_json(payload)
    elif endpoint.format == "pdf" and not payload.body.lstrip()[:5].startswith(b"%PDF"):
        raise ParseError(f"expected a PDF, got {describe_body(payload.body)}")
    elif endpoint.format == "html" and b"<" not in payload.body[:2048]:
        raise ParseError(f"expected an HTML page, got {describe_body(payload.body)}")


def require(obj: Any, name: str, where: str) -> Any:
    """``obj[name]``, or a ParseError naming the missing field and the fields that are there."""
    if not isinstance(obj, Mapping):
        raise ParseError(f"{where}: expected an object with {name!r}, got {type(obj).__name__}")
    if name not in obj:
        present = ", ".join(sorted(map(str, obj.keys()))[:20]) or "none"
        raise ParseError(f"{where}: field {name!r} is missing (fields present: {present})")
    return obj[name]


def require_list(obj: Any, name: str, where: str) -> list[Any]:
    value = require(obj, name, where)
    if not isinstance(value, list):
        raise ParseError(f"{where}: field {name!r} should be a list, got {type(value).__name__}")
    return value


def utc(text: str | None, where: str = "timestamp") -> datetime | None:
    """Naive UTC from ISO 8601 (``2024-01-25T03:55:40Z``) or ``2021-10-21 23:30:00`` (taken as UTC)."""
    if text is None or text == "":
        return None
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise ParseError(f"{where}: {text!r} is not a timestamp") from None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def eastern_date(moment_utc: datetime) -> date:
    """The US/Eastern calendar date of a naive-UTC moment: a 10 pm ET tip-off is that day's game."""
    return moment_utc.replace(tzinfo=UTC).astimezone(EASTERN).date()


def american_from_decimal(price: float) -> float:
    """1.91 -> -109.89, 3.30 -> +230: the same price in the American convention."""
    if price <= 1.0:
        raise ParseError(f"decimal odds must exceed 1.0, got {price}")
    value = (price - 1.0) * 100.0 if price >= 2.0 else -100.0 / (price - 1.0)
    return round(value, 2)


def decimal_from_american(price: float) -> float:
    if -100.0 < price < 100.0:
        raise ParseError(f"American odds are at most -100 or at least +100, got {price}")
    value = 1.0 + (price / 100.0 if price > 0 else 100.0 / -price)
    return round(value, 4)


# ---------------------------------------------------------------------------- rows for a raw table
PROVENANCE_COLUMNS = ("payload_sha256", "ingested_utc", "source_file", "imported_utc")


def stamp(wh: Warehouse, table: str, frame: pd.DataFrame, provenance: Mapping[str, object]) -> pd.DataFrame:
    """The table's columns from ``frame``, a content hash over them, and the provenance it has room for.

    The hash covers the parsed values only (not where or when they came from), so the same rows
    from another payload or another day compare equal and merge as unchanged.
    """
    columns = wh.table_columns(table)
    data_columns = [c for c in columns if c in frame.columns and c not in PROVENANCE_COLUMNS and c != "content_hash"]
    data = frame[data_columns].copy()
    data["content_hash"] = content_hash(data, data_columns)
    for name, value in provenance.items():
        if name in columns:
            data[name] = value
    return data
