"""``v1/unresolved.json``: the queue of player names no source could resolve.

The queue lives in DuckDB (``ref.unresolved_players``), which one writer process holds locked; the
web dashboard never opens the warehouse, so the publish phase exports the queue here for it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from nbaprops.config import Settings
from nbaprops.ingest.players import example_dict, unresolved_table
from nbaprops.publish.files import envelope, write_json
from nbaprops.warehouse.db import Warehouse

SCHEMA_VERSION = "v1"
# The whole queue: it holds genuinely ambiguous names (a few dozen over four seasons), not a backlog.
MAX_NAMES = 10_000


def write_unresolved(wh: Warehouse, publish_dir: Path) -> Path:
    """Write every unresolved name, most frequent first, with its counts, dates, teams and one example row."""
    rows = unresolved_table(wh, MAX_NAMES)
    players = [
        {
            "source": r.source,
            "name": r.name,
            "occurrences": int(r.occurrences),
            "player_games": int(r.player_games),
            "first_date": _iso(r.first_date),
            "last_date": _iso(r.last_date),
            "teams": r.teams,
            "example": example_dict(r.example) if isinstance(r.example, str) else None,
        }
        for r in rows.itertuples(index=False)
    ]
    payload = {
        **envelope("unresolved"),
        "count": len(players),
        "players": players,
    }
    return write_json(publish_dir / SCHEMA_VERSION / "unresolved.json", payload)


def publish(wh: Warehouse, settings: Settings, history: object, start: date, end: date) -> list[Path]:
    """The publish step's entry point: the queue is not dated, so the window does not matter."""
    assert settings.publish_dir is not None
    return [write_unresolved(wh, settings.publish_dir)]


def _iso(value: object) -> str | None:
    """Dates as ISO strings; pandas gives NaT/None for a name seen without a date."""
    return None if pd.isna(value) else str(value)[:10]
