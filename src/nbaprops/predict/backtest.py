"""Walk-forward backtest: the pipeline run over past dates exactly as it would have run live.

Analytics and features are rebuilt over all the history in the warehouse (they are point-in-time
by construction: a row for date D uses only games before D and lines snapshotted before tip-off);
the prediction step refits on dates strictly before each date it predicts; grading then scores
every prediction against the box score at the real odds. Every system and market configured in
settings runs; the summary returned is the one asked for (``system_id``, ``market``), and the written
report (``report=True``) covers them all.

A backtest never scrapes (the sources phase is for live days) and always uses the walk-forward
models of its dates, never a promoted one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nbaprops.config import Settings
from nbaprops.grading.summary import summarize
from nbaprops.pipeline.processor import PHASES
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import run_pipeline
from nbaprops.predict.baseline import MARKET, SYSTEM_ID
from nbaprops.predict.markets import market as get_market
from nbaprops.publish.files import write_json
from nbaprops.warehouse.db import Warehouse
from nbaprops.warehouse.span import data_span

HISTORY_PHASES = ("ingest", "analytics", "features")


def run_backtest(
    wh: Warehouse,
    settings: Settings,
    history: RunHistory,
    start: date,
    end: date,
    system_id: str = SYSTEM_ID,
    market: str = MARKET,
    report: bool = False,
) -> dict[str, Any]:
    """Run the pipeline walk-forward over [start, end] and summarise the graded predictions."""
    market = get_market(market).id
    settings = settings.model_copy(update={"model_selection": "cadence"})
    span = data_span(wh)
    first = min(span[0], start) if span else start
    run_id = history.start_run("backtest", start, end, system=system_id, market=market)
    outcome = run_pipeline(
        wh,
        settings,
        history,
        start,
        end,
        run_id=run_id,
        phases=set(PHASES) - {"sources"},
        phase_windows={phase: (first, end) for phase in HISTORY_PHASES},
    )
    history.finish_run(run_id, outcome.category)
    graded = wh.df(
        "SELECT * FROM grading.player_props WHERE system_id = ? AND market = ? AND game_date BETWEEN ? AND ?",
        [system_id, market, start, end],
    )
    result: dict[str, Any] = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "system": system_id,
        "market": market,
        **summarize(graded),
        "run_id": run_id,
        "category": outcome.category.value,
    }
    assert settings.publish_dir is not None
    path = settings.publish_dir / "v1" / "backtests" / f"{system_id}_{market}_{start}_{end}.json"
    result["published"] = str(write_json(path, result))
    if report:
        from nbaprops.predict.report import write_report

        result["report"] = str(write_report(wh, settings.home / "reports", start, end))
    return result
