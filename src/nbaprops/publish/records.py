"""Data frames to JSON records: one conversion for every published file.

JSON has no NaN, no numpy scalars and no timestamps, and a file full of 15-digit floats is three times
the size it needs to be. Here missing values become ``null``; dates (columns named ``date`` or
``*_date``) become ``YYYY-MM-DD``; other timestamps (naive UTC in the warehouse) become
``YYYY-MM-DDTHH:MM:SSZ``; floats are rounded to 4 decimals.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

DECIMALS = 4


def records(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The rows of `frame` (only `columns`, in that order, when given) as JSON-ready dicts."""
    out = frame.loc[:, list(columns)] if columns is not None else frame
    if out.empty:
        return []
    out = out.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            pattern = "%Y-%m-%d" if _is_date_name(str(name)) else "%Y-%m-%dT%H:%M:%SZ"
            out[name] = column.dt.strftime(pattern)
        elif pd.api.types.is_float_dtype(column):
            out[name] = column.round(DECIMALS)
        elif column.dtype == object:
            out[name] = column.map(_plain)
    clean = out.astype(object).where(out.notna(), None)
    return clean.to_dict(orient="records")


def group_records(
    frame: pd.DataFrame, by: str | list[str], columns: Iterable[str] | None = None
) -> dict[Any, list[dict[str, Any]]]:
    """``records`` of `frame` grouped by the value(s) of `by` (a tuple key for several columns), order kept.

    Converted once and grouped in Python: a file with thousands of small groups (each player's lines)
    must not pay a data frame operation per group.
    """
    keys = [by] if isinstance(by, str) else list(by)
    wanted = list(columns) if columns is not None else [c for c in frame.columns if c not in keys]
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for row in records(frame, [*keys, *(c for c in wanted if c not in keys)]):
        key = row[by] if isinstance(by, str) else tuple(row[k] for k in keys)
        grouped.setdefault(key, []).append({c: row[c] for c in wanted})
    return grouped


def _is_date_name(name: str) -> bool:
    return name == "date" or name.endswith("_date")


def _plain(value: Any) -> Any:
    """Dates and timestamps that pandas left as Python objects, as ISO strings."""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
