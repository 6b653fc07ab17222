"""The numbers a bettor asks for, computed one way for the backtest, the JSON and the API."""

from __future__ import annotations

from typing import Any

import pandas as pd

NOT_GRADED = ("void", "ungraded")


def summarize(graded: pd.DataFrame) -> dict[str, Any]:
    """Accuracy and betting results of graded predictions (rows of grading.player_props).

    - graded: player-games with an outcome (voids and stat-less box scores excluded);
    - model_mae / market_mae: mean absolute error of the prediction and of the line, same rows;
    - picks: actionable recommendations on games that were played; hit_rate = wins / (wins + losses);
    - roi: profit per unit staked at the real odds (pushes staked and returned, voids refunded);
    - brier / market_brier: P(over | no push) of the model and the market's de-vigged P(over), on the
      rows where both exist (pushes excluded);
    - within_3 / within_5: share of predictions within 3 / 5 of the outcome.
    """
    played = graded.loc[~graded["outcome"].isin(NOT_GRADED)]
    picks = played.loc[played["actionable"]]
    wins = int((picks["profit"] > 0).sum())
    losses = int((picks["profit"] < 0).sum())
    pushes = int((picks["profit"] == 0).sum())
    staked = wins + losses + pushes
    out: dict[str, Any] = {
        "graded": len(played),
        "voids": int((graded["outcome"] == "void").sum()),
        "ungraded": int((graded["outcome"] == "ungraded").sum()),
        "model_mae": _round(played["abs_error"].mean()),
        "market_mae": _round(played["market_abs_error"].mean()),
        "lean_correct_rate": _round(
            (played["outcome"] == "correct").sum() / max(int(played["outcome"].isin(["correct", "incorrect"]).sum()), 1)
        ),
        "picks": len(picks),
        "wins": wins,
        "losses": losses,
        "pushes": pushes,
        "hit_rate": _round(wins / (wins + losses)) if wins + losses else None,
        "profit_units": _round(picks["profit"].sum()),
        "roi": _round(picks["profit"].sum() / staked) if staked else None,
    }
    if "brier" in played.columns:
        both = played.loc[played["brier"].notna() & played["market_brier"].notna()]
        out |= {
            "brier": _round(both["brier"].mean()),
            "market_brier": _round(both["market_brier"].mean()),
            "brier_rows": len(both),
            "within_3": _round(played["within_3"].astype("float64").mean()),
            "within_5": _round(played["within_5"].astype("float64").mean()),
        }
    return out


def _round(value: float | None) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 4)
