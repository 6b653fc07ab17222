"""Records to typed columns, and the other shapes NBA data arrives in (embedded page JSON, clocks).

Parsers map the records of an answer to columns declaratively (``Col``: output name, dotted path,
kind), so a required field that vanished upstream is reported as a ``ParseError`` naming the
endpoint and the field, instead of silently becoming NULLs; and every source's minutes
(``34:12``, ``PT34M12.00S``, ``34``), dates and team spellings are converted the same way. Body
checks (HTML instead of JSON, truncated JSON) come from ``nbaprops.ingest.payloads``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import pandas as pd

from nbaprops.ingest import payloads
from nbaprops.ingest.csvfile import to_minutes
from nbaprops.reference.season_types import season_type_of_game_id
from nbaprops.reference.teams import all_teams, resolve_team
from nbaprops.sources.base import ParseError, Payload

EASTERN = "America/New_York"

Kind = Literal["str", "int", "float", "bool", "date", "utc", "minutes", "team", "list"]


def where(payload: Payload) -> str:
    """How errors name the endpoint: ``source.endpoint``."""
    return f"{payload.source}.{payload.endpoint}"


# ---------------------------------------------------------------------------- bodies
def body_text(payload: Payload) -> str:
    return payload.body.decode("utf-8", errors="replace")


def load_json(payload: Payload) -> Any:
    """Decoded JSON, or a ParseError naming the endpoint and what arrived instead."""
    try:
        return payloads.load_json(payload)
    except ParseError as exc:
        raise ParseError(f"{where(payload)}: {exc}") from None


def need(doc: Any, path: str, endpoint: str) -> Any:
    """The value at a dotted path, or a ParseError naming the missing field and the fields present."""
    node = doc
    walked: list[str] = []
    for step in path.split("."):
        node = payloads.require(node, step, ".".join([endpoint, *walked]) if walked else endpoint)
        walked.append(step)
    return node


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def embedded_json(html: str, start_marker: str, endpoint: str, end_marker: str = "</script>") -> Any:
    """JSON a page ships in a script tag (ESPN's ``__espnfitt__``, NBA.com's ``__NEXT_DATA__``)."""
    start = html.find(start_marker)
    if start < 0:
        title = _TITLE.search(html)
        shown = f" (page title {title.group(1).strip()[:80]!r})" if title else ""
        raise ParseError(f"{endpoint}: the page has no embedded data {start_marker!r}{shown}")
    start += len(start_marker)
    end = html.find(end_marker, start)
    if end < 0:
        raise ParseError(f"{endpoint}: the embedded data {start_marker!r} is cut off (no {end_marker!r})")
    text = html[start:end].strip().rstrip(";")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"{endpoint}: the embedded data is not valid JSON ({exc.msg} at {exc.pos})") from exc


# ---------------------------------------------------------------------------- records -> typed columns
@dataclass(frozen=True)
class Col:
    """One output column: where it is in a record (dotted path) and what type it becomes."""

    name: str
    path: str
    kind: Kind = "str"
    required: bool = True


_MISSING = object()


def _dig(record: Any, path: str) -> Any:
    node = record
    for step in path.split("."):
        if not isinstance(node, Mapping) or step not in node:
            return _MISSING
        node = node[step]
    return node


def table(records: Sequence[Mapping[str, Any]], cols: Iterable[Col], endpoint: str) -> pd.DataFrame:
    """Typed frame from records; a required field missing from a record raises ParseError."""
    cols = tuple(cols)
    data: dict[str, list[Any]] = {c.name: [] for c in cols}
    for index, record in enumerate(records):
        for col in cols:
            value = _dig(record, col.path)
            if value is _MISSING:
                if col.required:
                    found = ", ".join(sorted(map(str, record))[:15]) if isinstance(record, Mapping) else "-"
                    raise ParseError(
                        f"{endpoint}: required field {col.path!r} is missing in record {index} (found: {found})"
                    )
                value = None
            data[col.name].append(value)
    return pd.DataFrame({c.name: convert(pd.Series(data[c.name], dtype=object), c.kind) for c in cols})


def convert(values: pd.Series, kind: Kind) -> pd.Series:
    """Source values (strings, numbers, None) to one typed column; blanks become NULL."""
    items = [None if _blank(v) else v for v in values]
    clean = pd.Series(items, index=values.index, dtype=object)
    if kind == "str":
        return _objects([None if v is None else str(v).strip() for v in items], values.index)
    if kind == "int":
        return pd.to_numeric(clean, errors="coerce").round().astype("Int64")
    if kind == "float":
        return pd.to_numeric(clean, errors="coerce").astype("float64")
    if kind == "bool":
        return pd.Series([_to_bool(v) for v in items], index=values.index, dtype="boolean")
    if kind == "date":
        return _objects([_to_date(v) for v in items], values.index)
    if kind == "utc":
        stamps = pd.to_datetime(clean, utc=True, errors="coerce", format="ISO8601")
        return stamps.dt.tz_localize(None)
    if kind == "minutes":
        return minutes(clean)
    if kind == "team":
        return _objects([None if v is None else resolve_team(str(v)) for v in items], values.index)
    if kind == "list":
        return _objects([", ".join(map(str, v)) if isinstance(v, list) and v else None for v in items], values.index)
    raise ValueError(f"unknown column kind {kind!r}")


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _objects(items: list[Any], index: pd.Index) -> pd.Series:
    """An object column that keeps None as None (pandas would otherwise turn it into NaN)."""
    return pd.Series(items, index=index, dtype=object)


def _to_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "y", "yes"}
    return bool(value)


_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})")


def _to_date(value: Any) -> date | None:
    """ISO dates (``2025-01-15``, ``2025-01-15T00:00:00Z``) and US dates (``01/15/2025``)."""
    if value is None:
        return None
    text = str(value).strip()
    us = _US_DATE.match(text)
    if us:
        return date(int(us.group(3)), int(us.group(1)), int(us.group(2)))
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


_ISO_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


def minutes(values: pd.Series) -> pd.Series:
    """Minutes played from every form the sources use: ``34:12``, ``PT34M12.00S``, ``34``, 34, ``00``."""

    def as_clock(value: Any) -> str:
        if value is None:
            return ""
        text = str(value).strip()
        duration = _ISO_DURATION.match(text)
        if duration and text != "PT":
            hours, mins, secs = (float(g) if g else 0.0 for g in duration.groups())
            return str(hours * 60 + mins + secs / 60)
        return text

    converted, _ok = to_minutes(values.map(as_clock).astype(str))
    return converted


def clock_seconds(values: pd.Series) -> pd.Series:
    """Game clock (time left in the period) in seconds, from ``PT11M42.00S`` or ``11:42``."""
    return (minutes(values) * 60).round(2)


# ---------------------------------------------------------------------------- dates and teams
def eastern_date(utc: pd.Series) -> pd.Series:
    """US/Eastern calendar date of naive-UTC timestamps: a 7:30 pm ET tip-off is 00:30 UTC next day."""
    stamps = pd.to_datetime(utc)
    return stamps.dt.tz_localize("UTC").dt.tz_convert(EASTERN).dt.date.where(stamps.notna(), None)


def fetched_eastern_date(payload: Payload) -> date:
    """The US/Eastern date the payload was fetched: the 'as of' day of snapshot sources."""
    stamp = pd.Timestamp(payload.fetched_utc)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.tz_convert(EASTERN).date()


def season_start(label: Any) -> int | None:
    """Season start year from ``2024-25``, ``2024`` or ``22024`` (NBA.com SEASON_ID)."""
    text = str(label or "").strip()
    if re.fullmatch(r"\d{5}", text):
        return int(text[1:])
    match = re.match(r"(\d{4})", text)
    return int(match.group(1)) if match else None


def season_type_of(game_ids: pd.Series) -> pd.Series:
    """Season type from NBA.com game ids (third digit), in the one vocabulary of
    ``nbaprops.reference.season_types``: 0022400561 is a Regular Season game."""
    return game_ids.map(season_type_of_game_id).astype(object)


def tricode_of_team_id(team_ids: pd.Series) -> pd.Series:
    """NBA.com team id -> tricode (None for non-NBA opponents such as exhibition clubs)."""
    by_id = {t.team_id: t.tricode for t in all_teams()}
    return team_ids.map(lambda i: by_id.get(int(i)) if pd.notna(i) else None).astype(object)


def require_rows(frame: pd.DataFrame, key: Sequence[str], endpoint: str) -> pd.DataFrame:
    """Rows without a complete natural key cannot be merged: that is a malformed payload."""
    missing = frame[list(key)].isna().any(axis=1)
    if missing.any():
        example = frame.loc[missing].iloc[0].to_dict()
        raise ParseError(f"{endpoint}: {int(missing.sum())} row(s) lack their key {tuple(key)}, e.g. {example}")
    duplicated = frame.duplicated(list(key), keep=False)
    if duplicated.any():
        example = frame.loc[duplicated, list(key)].iloc[0].to_dict()
        raise ParseError(f"{endpoint}: {int(duplicated.sum())} rows share one key {tuple(key)}, e.g. {example}")
    return frame
