"""Breakdowns of graded predictions: by confidence and by the player's role.

A day's hit rate hides where the model is right. The results files split every system and market
three ways, each group summarised as ``grading.summary.summarize`` does (``publish/summaries.py``):

- ``p_side``: the model's probability of the side it leans to, max(P(over), P(under)), in buckets
  0.50-0.55, 0.55-0.60, 0.60-0.65, 0.65-0.70, 0.70+ — is a confident pick more often right?
- ``abs_edge``: |predicted - line| in the market's units, buckets 0-1, 1-2, 2-3, 3-5, 5+;
- ``player_tier``: the player's role from his minutes per game before the game (the feature store's
  ``min_season``: this season's games, or his last 10 when he has none yet this season) —
  ``starter`` (28 or more), ``rotation`` (18 to 28), ``bench`` (under 18), ``unknown`` (no earlier
  game at all). Known before tip-off, so the tier of a past game is the one a bettor saw.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nbaprops.publish.summaries import summarize_by

STARTER_MINUTES = 28.0
ROTATION_MINUTES = 18.0
TIERS = ("starter", "rotation", "bench", "unknown")

# SQL over features.player_game AS f: the tier of a player-game, from what was known before tip-off.
PLAYER_TIER_SQL = f"""
    CASE
        WHEN f.player_id IS NULL OR coalesce(f.prior_games, 0) = 0 THEN 'unknown'
        WHEN f.min_season >= {STARTER_MINUTES} THEN 'starter'
        WHEN f.min_season >= {ROTATION_MINUTES} THEN 'rotation'
        ELSE 'bench'
    END
"""

P_SIDE_EDGES = (0.5, 0.55, 0.6, 0.65, 0.7)
P_SIDE_LABELS = ("0.50-0.55", "0.55-0.60", "0.60-0.65", "0.65-0.70", "0.70+")
EDGE_EDGES = (0.0, 1.0, 2.0, 3.0, 5.0)
EDGE_LABELS = ("0-1", "1-2", "2-3", "3-5", "5+")
DIMENSIONS = ("p_side", "abs_edge", "player_tier")


def bucket(values: pd.Series, edges: tuple[float, ...], labels: tuple[str, ...]) -> pd.Series:
    """The label of the bucket each value falls in (lower edge inclusive; the last bucket is open)."""
    index = np.searchsorted(np.asarray(edges), values.to_numpy(dtype="float64"), side="right") - 1
    index = np.clip(index, 0, len(labels) - 1)
    return pd.Series(np.asarray(labels, dtype=object)[index], index=values.index).where(values.notna(), None)


def breakdowns(graded: pd.DataFrame, by: list[str]) -> dict[Any, dict[str, dict[str, dict[str, Any]]]]:
    """``{group key: {dimension: {bucket: summary}}}`` for rows grouped by `by` (e.g. system and market).

    `graded` needs the columns ``summarize`` reads plus ``p_side``, ``edge`` and ``player_tier``.
    Only buckets with rows appear, in their natural order.
    """
    keyed = graded.assign(
        p_side_bucket=bucket(graded["p_side"], P_SIDE_EDGES, P_SIDE_LABELS),
        abs_edge_bucket=bucket(graded["edge"].abs(), EDGE_EDGES, EDGE_LABELS),
        player_tier_bucket=graded["player_tier"].fillna("unknown"),
    )
    orders = {"p_side": P_SIDE_LABELS, "abs_edge": EDGE_LABELS, "player_tier": TIERS}
    out: dict[Any, dict[str, dict[str, dict[str, Any]]]] = {}
    for dimension in DIMENSIONS:
        found = summarize_by(keyed.loc[keyed[f"{dimension}_bucket"].notna()], [*by, f"{dimension}_bucket"])
        for key in sorted(found, key=lambda k: orders[dimension].index(k[-1])):
            group = key[:-1] if len(by) > 1 else key[0]
            out.setdefault(group, {d: {} for d in DIMENSIONS})[dimension][key[-1]] = found[key]
    return out
