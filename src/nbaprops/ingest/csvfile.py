"""Read a CSV file into typed rows, rejecting bad rows with a reason instead of failing the file.

A file-level problem (unreadable, empty, a required column missing) raises ``FileRejected``; a
row-level problem (a number that is not a number, an unknown team, an empty required value) puts
the row in ``rejects`` with its 1-based row number and the offending value, and the good rows go on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from nbaprops.reference.teams import resolve_team

# A converter takes the raw strings of one column and returns (values, ok-mask). Empty strings are
# NULL and never "bad"; whether NULL is allowed is the column's `nullable`.
Converter = Callable[[pd.Series], tuple[pd.Series, pd.Series]]


class FileRejected(Exception):
    """The whole file cannot be imported; nothing from it was written."""


def _numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    values = pd.to_numeric(raw.str.strip(), errors="coerce")
    return values.astype("float64"), values.notna() | (raw.str.strip() == "")


def to_float(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    values, ok = _numbers(raw)
    ok &= ~np.isinf(values.fillna(0))
    return values, ok


def to_int(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    values, ok = _numbers(raw)
    whole = values.isna() | (values == values.round())
    return values.where(whole).round().astype("Int64"), ok & whole


def to_str(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    stripped = raw.str.strip()
    return stripped.where(stripped != "", None), pd.Series(True, index=raw.index)


def to_date(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    stripped = raw.str.strip().str.slice(0, 10)
    values = pd.to_datetime(stripped, format="%Y-%m-%d", errors="coerce")
    return values.dt.date, values.notna() | (stripped == "")


def to_utc_timestamp(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    stripped = raw.str.strip()
    values = pd.to_datetime(stripped, utc=True, errors="coerce", format="ISO8601")
    return values.dt.tz_localize(None), values.notna() | (stripped == "")


_CLOCK = re.compile(r"^(\d+):(\d{1,2})(?:\.\d+)?$")


def to_minutes(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Minutes played from 'MM:SS' or a decimal number ('34', '34.5')."""
    stripped = raw.str.strip()
    clock = stripped.str.extract(_CLOCK)
    from_clock = pd.to_numeric(clock[0], errors="coerce") + pd.to_numeric(clock[1], errors="coerce") / 60
    from_number = pd.to_numeric(stripped.where(clock[0].isna()), errors="coerce")
    values = from_clock.fillna(from_number).astype("float64")
    ok = (values.notna() & (values.fillna(0) >= 0)) | (stripped == "")
    return values, ok


def to_team(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    stripped = raw.str.strip()
    values = stripped.map(lambda v: resolve_team(v) if v else None)
    return values, values.notna() | (stripped == "")


_MATCHUP = re.compile(r"^\s*(.+?)\s+(vs\.?|@)\s+(.+?)\s*$")


def to_matchup(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'BOS vs. NYK' (home) / 'NYK @ BOS' (away), rewritten with canonical tricodes."""

    def one(value: str) -> str | None:
        match = _MATCHUP.match(value)
        if not match:
            return None
        team, sep, opponent = resolve_team(match.group(1)), match.group(2), resolve_team(match.group(3))
        if team is None or opponent is None:
            return None
        return f"{team} vs. {opponent}" if sep.startswith("vs") else f"{team} @ {opponent}"

    values = raw.map(lambda v: one(v) if v.strip() else None)
    return values, values.notna() | (raw.str.strip() == "")


KIND_NAMES: dict[Converter, str] = {
    to_float: "a number",
    to_int: "a whole number",
    to_str: "text",
    to_date: "a date (YYYY-MM-DD)",
    to_utc_timestamp: "a timestamp",
    to_minutes: "minutes (MM:SS or a number)",
    to_team: "a known NBA team",
    to_matchup: "a matchup like 'BOS vs. NYK' or 'NYK @ BOS' with known teams",
}


@dataclass(frozen=True)
class Column:
    """One column of a file format: where it goes and what it must look like."""

    source: str
    target: str
    convert: Converter = to_str
    required: bool = True  # must be in the header
    nullable: bool = False  # may be empty


@dataclass
class ParsedFile:
    frame: pd.DataFrame  # good rows, typed, with the source's 1-based row number in `_row`
    rejects: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    skipped: int = 0
    rows_read: int = 0

    def reject(self, mask: pd.Series, raw: pd.DataFrame, reason: Callable[[pd.Series], str] | str) -> None:
        """Move the rows selected by `mask` from the frame into rejects, with a reason each."""
        if not mask.any():
            return
        for idx in mask[mask].index:
            row = raw.loc[idx]
            why = reason if isinstance(reason, str) else reason(row)
            self.rejects.append((int(idx) + 1, why, {str(k): str(v) for k, v in row.items()}))
        self.frame = self.frame.loc[~mask.reindex(self.frame.index, fill_value=False)]


def read_raw(path: Path) -> pd.DataFrame:
    """All cells as strings, empty cells as ''; a clear FileRejected for unreadable or empty files."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, compression="infer")
    except pd.errors.EmptyDataError as exc:
        raise FileRejected(f"{path}: the file is empty (no header row)") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError) as exc:
        raise FileRejected(f"{path}: not a readable CSV file: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def parse(path: Path, raw: pd.DataFrame, columns: tuple[Column, ...]) -> ParsedFile:
    """Check the header, convert every column, and reject the rows that do not conform."""
    missing = [c.source for c in columns if c.required and c.source not in raw.columns]
    if missing:
        found = ", ".join(raw.columns) or "(none)"
        raise FileRejected(f"{path}: missing required column(s) {', '.join(missing)}; found: {found}")
    parsed = ParsedFile(frame=pd.DataFrame(index=raw.index), rows_read=len(raw))
    bad_reason: dict[int, str] = {}
    for col in columns:
        if col.source not in raw.columns:
            parsed.frame[col.target] = None
            continue
        values, ok = col.convert(raw[col.source].fillna(""))
        parsed.frame[col.target] = values
        empty = raw[col.source].fillna("").str.strip() == ""
        for idx in ok[~ok].index:
            bad_reason.setdefault(
                idx, f"column {col.source}: {raw.at[idx, col.source]!r} is not {KIND_NAMES[col.convert]}"
            )
        if not col.nullable:
            for idx in empty[empty].index:
                bad_reason.setdefault(idx, f"column {col.source}: empty, a value is required")
    parsed.frame["_row"] = raw.index + 1
    if bad_reason:
        mask = pd.Series(raw.index.isin(list(bad_reason)), index=raw.index)
        parsed.reject(mask, raw, lambda row: bad_reason[row.name])
    return parsed


def raw_json(row: dict[str, str]) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True)
