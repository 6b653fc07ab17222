"""``v1/results/{date}.json``: every graded prediction of a date, with the day's summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from nbaprops.grading.summary import summarize
from nbaprops.publish.files import write_json
from nbaprops.warehouse.db import Warehouse, utcnow

SCHEMA_VERSION = "v1"

_QUERY = """
SELECT
    g.system_id, g.market, g.game_date, g.game_id, g.player_id,
    pl.full_name AS player, f.team, f.opponent, f.is_home = 1 AS is_home, f.quality_tier,
    g.line, p.bookmaker, p.over_odds, p.under_odds,
    g.predicted, p.p_over, p.p_under, p.edge, g.recommendation, g.actionable, p.pass_reason,
    g.actual, g.outcome, g.void_reason, g.abs_error, g.market_abs_error, g.profit
FROM grading.player_props AS g
JOIN predictions.player_props AS p USING (system_id, market, player_id, game_id)
LEFT JOIN ref.players AS pl USING (player_id)
LEFT JOIN features.player_game AS f USING (player_id, game_id)
WHERE g.game_date BETWEEN $start AND $end
ORDER BY g.game_date, g.system_id, g.market, g.actionable DESC, abs(p.edge) DESC
"""


def graded_rows(wh: Warehouse, start: date, end: date) -> pd.DataFrame:
    return wh.df(_QUERY, {"start": start, "end": end})


def publish_results(wh: Warehouse, publish_dir: Path, start: date, end: date) -> list[Path]:
    """Write one results file per date in [start, end] that has graded predictions."""
    rows = graded_rows(wh, start, end)
    written = []
    for stamp, day_rows in rows.groupby("game_date", sort=True):
        day = pd.Timestamp(stamp).date()
        by_system = {
            f"{system}/{market}": summarize(group)
            for (system, market), group in day_rows.groupby(["system_id", "market"], sort=True)
        }
        payload = {
            "schema": f"nbaprops.results.{SCHEMA_VERSION}",
            "date": day.isoformat(),
            "generated_utc": utcnow().isoformat(timespec="seconds"),
            "summary": by_system,
            "predictions": _records(day_rows),
        }
        written.append(write_json(publish_dir / SCHEMA_VERSION / "results" / f"{day}.json", payload))
    return written


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    clean = frame.drop(columns=["game_date"]).astype(object).where(frame.drop(columns=["game_date"]).notna(), None)
    return clean.to_dict(orient="records")
