"""The dashboard: server-rendered pages over the same readers as the API (no JavaScript needed).

``/`` pipeline status per date and phase and the run history; ``/runs/{id}`` one run's steps;
``/tonight`` a date's predictions; ``/accuracy`` hit rate, MAE against the market and calibration
as charts; ``/unresolved`` the queue of names no source could resolve.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from nbaprops.web.charts import Point, Series, calibration_chart, date_chart
from nbaprops.web.deps import IsoDate, WebState, state
from nbaprops.web.pipeline_status import status_grid
from nbaprops.web.store import DATED_KINDS, NotPublished, Published, prediction_rows

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
RUNS_PER_PAGE = 20
BREAK_EVEN_110 = 110 / 210  # hit rate needed at -110 on both sides
_NOT_PAGES = ("/api/", "/metrics", "/docs", "/redoc", "/openapi", "/static/")
_HTML_HEADERS = {"Cache-Control": "no-cache"}  # pages are cheap: always revalidate

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
State = Annotated[WebState, Depends(state)]


def is_page(request: Request) -> bool:
    """Whether an error on this path should be shown as a page rather than JSON."""
    return not request.url.path.startswith(_NOT_PAGES)


def error_page(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    return _render(request, "error.html", {"status": status, "detail": detail}, status, headers)


@router.get("/")
def index(
    request: Request,
    web: State,
    end: Annotated[IsoDate | None, Query()] = None,
    days: Annotated[int, Query(ge=1, le=90)] = 14,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    history = web.runs.history
    published = {day for kind in DATED_KINDS for day in web.store.dates(kind)}
    total = history.count_runs() if history else 0
    context = {
        "grid": status_grid(history, published, end, days),
        "runs": history.recent_runs(RUNS_PER_PAGE, (page - 1) * RUNS_PER_PAGE) if history else [],
        "page": page,
        "pages": max(1, -(-total // RUNS_PER_PAGE)),
        "total_runs": total,
        "has_history": history is not None,
        "status": _optional(web, "status.json"),
        "days": days,
    }
    return _render(request, "index.html", context)


@router.get("/runs/{run_id}")
def run_page(run_id: str, request: Request, web: State) -> Response:
    history = web.runs.history
    full = history.resolve_run_id(run_id) if history and run_id.replace("-", "").isalnum() else None
    if full is None:
        raise HTTPException(404, f"no run {run_id!r} in the run history")
    return _render(request, "run.html", {"run_id": full, "steps": history.steps(full)})  # type: ignore[union-attr]


@router.get("/tonight")
def tonight_page(
    request: Request,
    web: State,
    day: Annotated[IsoDate | None, Query(alias="date")] = None,
    market: Annotated[str | None, Query(max_length=64)] = None,
    system: Annotated[str | None, Query(max_length=64)] = None,
    picks: bool = False,
) -> Response:
    """A date's predictions from its tonight file, with outcomes from its results file once graded."""
    slates, graded_dates = web.store.dates("tonight"), web.store.dates("results")
    choices = sorted(set(slates) | set(graded_dates), reverse=True)
    day = day or (slates[-1] if slates else graded_dates[-1] if graded_dates else None)
    if day is None:
        raise NotPublished("no predictions published yet (neither tonight nor results files)")
    slate = web.store.dated("tonight", day) if day in slates else None
    graded = web.store.dated("results", day) if day in graded_dates else None
    if slate is None and graded is None:
        raise NotPublished(f"no tonight or results file for {day}")
    rows = _rows(slate, graded)
    markets = sorted({str(r.get("market")) for r in rows if r.get("market")})
    systems = sorted({str(r.get("system_id")) for r in rows if r.get("system_id")})
    if market is None:  # no choice made yet: points; an empty choice ("all") stays empty
        market = "player_points" if "player_points" in markets else ""
    shown = [
        r for r in rows
        if (not market or r.get("market") == market) and (not system or r.get("system_id") == system)
        and (not picks or r.get("actionable"))
    ]  # fmt: skip
    main = slate or graded
    assert main is not None
    context = {
        "day": day, "choices": choices, "slate": slate, "graded": graded, "rows": shown, "total": len(rows),
        "markets": markets, "systems": systems, "market": market, "system": system, "picks": picks,
        "summary": graded.data.get("summary") if graded else None, "health": main.data.get("health"),
        "generated_utc": main.data.get("generated_utc"),
    }  # fmt: skip
    return _render(request, "tonight.html", context)


def _rows(slate: Published | None, graded: Published | None) -> list[dict[str, Any]]:
    """The slate's predictions with each one's outcome once graded (new dicts: the cached files stay as read)."""
    if slate is None:
        return prediction_rows(graded.data) if graded else []
    outcomes = {_key(r): r for r in prediction_rows(graded.data)} if graded else {}
    venues = {
        (p.get("player_id"), p.get("game_id")): p.get("is_home")
        for p in slate.data.get("players", [])
        if isinstance(p, dict)
    }
    return [
        {
            "is_home": venues.get((r.get("player_id"), r.get("game_id"))),
            **r,
            **{k: outcomes[_key(r)].get(k) for k in ("actual", "outcome") if _key(r) in outcomes},
        }
        for r in prediction_rows(slate.data)
    ]


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return row.get("system_id"), row.get("market"), row.get("player_id"), row.get("game_id")


@router.get("/accuracy")
def accuracy_page(request: Request, web: State, market: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    computed = web.accuracy(market)
    charts = {}
    if computed.markets:
        daily = computed.daily
        charts["hit_rate"] = date_chart(
            "Hit rate of the picks, cumulative",
            [
                _series(system, points, "cumulative_hit_rate", "cumulative_picks", "picks")
                for system, points in daily.items()
            ],
            "hit rate",
            lambda v: f"{v:.0%}",
            reference=(BREAK_EVEN_110, "break-even at -110 (52.4%)"),
        )
        mae = [_series(f"{system} model", points, "model_mae", "graded", "graded") for system, points in daily.items()]
        first = next(iter(daily))  # the market's error is the line's: the same for every system
        mae.append(_series("market (consensus line)", daily[first], "market_mae", "graded", "graded", dashed=True))
        charts["mae"] = date_chart("Mean absolute error per date, model and market", mae, "MAE", "{:.1f}".format)
        charts["calibration"] = calibration_chart(
            "Calibration of P(over), all published dates",
            [
                Series(system, [Point(b["mean_p_over"], b["observed_over"], f"{b['low']:.0%}–{b['high']:.0%}: "
                                      f"{b['observed_over']:.1%} over of {b['n']}") for b in bins])
                for system, bins in computed.calibration.items()
            ],
        )  # fmt: skip
    return _render(request, "accuracy.html", {"acc": computed, "charts": charts})


@router.get("/unresolved")
def unresolved_page(request: Request, web: State) -> Response:
    return _render(request, "unresolved.html", {"file": _optional(web, "unresolved.json")})


def _optional(web: WebState, relpath: str) -> Published | None:
    """A file the page shows when published, and says "not published" otherwise."""
    try:
        return web.store.read(relpath, "")
    except NotPublished:
        return None


def _series(
    name: str, points: list[dict[str, Any]], key: str, count_key: str, noun: str, dashed: bool = False
) -> Series:
    def label(p: dict[str, Any]) -> str:
        value = p.get(key)
        shown = "-" if value is None else f"{value:.1%}" if "rate" in key else f"{value:.2f}"
        return f"{p['date']}: {shown} ({p.get(count_key)} {noun})"

    return Series(
        name, [Point(date.fromisoformat(p["date"]).toordinal(), p.get(key), label(p)) for p in points], dashed
    )


def _render(
    request: Request, name: str, context: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return TEMPLATES.TemplateResponse(
        request, name, context, status_code=status, headers={**_HTML_HEADERS, **(headers or {})}
    )


def _pct(value: Any, digits: int = 1) -> str:
    return "-" if value is None else f"{float(value):.{digits}%}"


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else f"{float(value):,.{digits}f}"


def _signed(value: Any, digits: int = 1) -> str:
    return "-" if value is None else f"{float(value):+.{digits}f}"


def _facts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The plain facts of a published file for a key/value list: scalars, and mappings of scalars."""
    scalar = (str, int, float, bool, type(None))
    out = []
    for key, value in data.items():
        if key in ("schema", "generated_utc"):
            continue
        if isinstance(value, scalar):
            out.append((key, "-" if value is None else str(value)))
        elif isinstance(value, dict) and value and all(isinstance(v, scalar) for v in value.values()):
            out.append((key, ", ".join(f"{k} {v}" for k, v in value.items())))
    return out


TEMPLATES.env.filters.update(pct=_pct, num=_num, signed=_signed, facts=_facts)
