"""``grading.summary.summarize`` for many groups at once.

The files summarise graded predictions by the thousand groups — every player's record per system and
market, every date's breakdowns by confidence and tier — and ``summarize`` costs a few milliseconds of
pandas overhead per call, so a month's backtest would spend minutes in it. ``summarize_by`` computes
the same numbers, with the same definitions and rounding, in one grouped pass;
``tests/test_publish_files.py`` checks that it agrees with ``summarize`` group by group.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from nbaprops.grading.summary import NOT_GRADED

DECIMALS = 4


def summarize_by(graded: pd.DataFrame, by: str | list[str]) -> dict[Any, dict[str, Any]]:
    """``{group key: summarize(rows of the group)}`` for rows of grading.player_props grouped by `by`."""
    if graded.empty:
        return {}
    outcome = graded["outcome"]
    played = ~outcome.isin(NOT_GRADED)
    pick = played & graded["actionable"].fillna(False).astype(bool)
    profit = graded["profit"].where(pick)
    abs_error = graded["abs_error"].where(played)
    market_error = graded["market_abs_error"].where(played)
    parts: dict[str, pd.Series] = {
        "graded": played,
        "voids": outcome.eq("void"),
        "ungraded": outcome.eq("ungraded"),
        "ae_sum": abs_error,
        "ae_n": abs_error.notna(),
        "me_sum": market_error,
        "me_n": market_error.notna(),
        "correct": played & outcome.eq("correct"),
        "decided": played & outcome.isin(["correct", "incorrect"]),
        "picks": pick,
        "wins": profit > 0,
        "losses": profit < 0,
        "pushes": profit == 0,
        "profit": profit,
    }
    with_brier = "brier" in graded.columns
    if with_brier:
        both = played & graded["brier"].notna() & graded["market_brier"].notna()
        within_3 = graded["within_3"].astype("float64").where(played)
        within_5 = graded["within_5"].astype("float64").where(played)
        parts |= {
            "brier_sum": graded["brier"].where(both),
            "market_brier_sum": graded["market_brier"].where(both),
            "brier_rows": both,
            "w3_sum": within_3,
            "w3_n": within_3.notna(),
            "w5_sum": within_5,
            "w5_n": within_5.notna(),
        }
    keys = [by] if isinstance(by, str) else list(by)
    frame = pd.DataFrame({name: series.astype("float64") for name, series in parts.items()})
    frame[keys] = graded[keys]
    totals = frame.groupby(keys, sort=True, dropna=False).sum(min_count=0)
    out: dict[Any, dict[str, Any]] = {}
    for key, t in zip(totals.index, totals.to_dict(orient="records"), strict=True):
        wins, losses, pushes = int(t["wins"]), int(t["losses"]), int(t["pushes"])
        staked = wins + losses + pushes
        summary: dict[str, Any] = {
            "graded": int(t["graded"]),
            "voids": int(t["voids"]),
            "ungraded": int(t["ungraded"]),
            "model_mae": _ratio(t["ae_sum"], t["ae_n"]),
            "market_mae": _ratio(t["me_sum"], t["me_n"]),
            "lean_correct_rate": _round(t["correct"] / max(t["decided"], 1)),
            "picks": int(t["picks"]),
            "wins": wins,
            "losses": losses,
            "pushes": pushes,
            "hit_rate": _round(wins / (wins + losses)) if wins + losses else None,
            "profit_units": _round(t["profit"]),
            "roi": _round(t["profit"] / staked) if staked else None,
        }
        if with_brier:
            summary |= {
                "brier": _ratio(t["brier_sum"], t["brier_rows"]),
                "market_brier": _ratio(t["market_brier_sum"], t["brier_rows"]),
                "brier_rows": int(t["brier_rows"]),
                "within_3": _ratio(t["w3_sum"], t["w3_n"]),
                "within_5": _ratio(t["w5_sum"], t["w5_n"]),
            }
        out[key] = summary
    return out


def _ratio(total: float, count: float) -> float | None:
    return _round(total / count) if count else None


def _round(value: float | None) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), DECIMALS)
