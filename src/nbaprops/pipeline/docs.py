"""The registry as documentation: one table generated from the processors, never written by hand."""

from __future__ import annotations

from nbaprops.pipeline.processor import Expectation, Processor
from nbaprops.pipeline.registry import REGISTRY, execution_order


def describe_expectation(exp: Expectation | None) -> str:
    """'≥ 16 rows per game in analytics.player_game_summary, by midnight ET + 8 h' (or '-')."""
    if exp is None:
        return "-"
    unit = {"game": "game", "game_with_lines": "game with lines", "prediction": "prediction of a final game"}[exp.per]
    where = f" ({exp.where})" if exp.where else ""
    if exp.table.startswith("file:"):
        dated = {"game": "games", "game_with_lines": "lines", "prediction": "graded predictions"}[exp.per]
        what = f"file `{exp.table[5:]}` for a date with {dated}"
    else:
        what = f"≥ {exp.min_per:g} row(s) per {unit} in `{exp.table}`{where}"
    anchor = "first tip-off" if exp.due == "before_tip" else "midnight ET after the games"
    due = anchor if exp.sla_hours == 0 else f"{anchor} {'+' if exp.sla_hours > 0 else '−'} {abs(exp.sla_hours):g} h"
    live = " (live dates only)" if exp.live_only else ""
    return f"{what}, by {due}{live}"


def registry_markdown(processors: tuple[Processor, ...] = REGISTRY) -> str:
    lines = [
        "| # | processor | phase | critical | timeout (s) | retries | expected output and SLA | gates | inputs |"
        " outputs | what it does |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i, p in enumerate(execution_order(processors), 1):
        gates = ", ".join(f"`{g.name}`" for g in p.gates) or "-"
        lines.append(
            f"| {i} | `{p.name}` | {p.phase} | {'yes' if p.critical else 'no'} | {p.timeout_s:.0f} | {p.retries} | "
            f"{describe_expectation(p.expect)} | {gates} | {', '.join(p.inputs) or '-'} | {', '.join(p.outputs)} | "
            f"{p.description} |"
        )
    return "\n".join(lines)
