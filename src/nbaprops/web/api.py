"""The JSON API under ``/api/v1``: the published files as they are, plus run history and accuracy.

File-backed answers are the published bytes, unchanged (what a client downloads from the API and
from the publish folder is identical). Every answer carries an ETag and a Cache-Control max-age
(``caching.py``); errors are ``{"detail": "<what is wrong and what exists instead>"}``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel

from nbaprops.names import normalize
from nbaprops.web.caching import MEDIUM, SHORT, file_response, json_response, max_age_for
from nbaprops.web.deps import IsoDate, WebState, state
from nbaprops.web.pipeline_status import status_grid
from nbaprops.web.store import DATED_KINDS

MAX_PAGE = 500


class ErrorDetail(BaseModel):
    """Every error answer: one sentence saying what is wrong (and, for a 404, what does exist)."""

    detail: str


class ValidationErrorDetail(ErrorDetail):
    """A 422: the sentence, and pydantic's list of each invalid parameter."""

    errors: list[dict[str, Any]]


_FILE_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorDetail, "description": "Not published (the message lists what is)."},
    503: {"model": ErrorDetail, "description": "The published file is unreadable; publishing again repairs it."},
}
_JSON = {200: {"content": {"application/json": {}}, "description": "The published JSON file, byte for byte."}}

router = APIRouter(prefix="/api/v1", tags=["api"], responses={422: {"model": ValidationErrorDetail}})
State = Annotated[WebState, Depends(state)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page size, 1..{MAX_PAGE}.")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]


@router.get("/dates", summary="Dates published, per kind")
def dates(request: Request, web: State) -> Response:
    """The dates that have a tonight, results or best-bets file (read from the folders themselves)."""
    by_kind = {kind: [d.isoformat() for d in web.store.dates(kind)] for kind in DATED_KINDS}
    latest = {kind: days[-1] if days else None for kind, days in by_kind.items()}
    return json_response(request, {"dates": by_kind, "latest": latest}, SHORT)


@router.get("/tonight/{day}", summary="The slate of a date with every prediction", responses={**_JSON, **_FILE_ERRORS})
def tonight(day: IsoDate, request: Request, web: State) -> Response:
    """``v1/tonight/{day}.json``. Short max-age: re-published as lines move and injuries are reported."""
    return file_response(request, web.store.dated("tonight", day), SHORT)


@router.get("/results/{day}", summary="Graded predictions of a date", responses={**_JSON, **_FILE_ERRORS})
def results(day: IsoDate, request: Request, web: State) -> Response:
    """``v1/results/{day}.json``. Cached a day once the date is settled (three days old), minutes before."""
    return file_response(request, web.store.dated("results", day), max_age_for(day))


@router.get("/best-bets/{day}", summary="The best bets of a date", responses={**_JSON, **_FILE_ERRORS})
def best_bets(day: IsoDate, request: Request, web: State) -> Response:
    """``v1/best-bets/{day}.json``; cached like the results of that date."""
    return file_response(request, web.store.dated("best-bets", day), max_age_for(day))


@router.get("/players", summary="Search players by name (paginated)")
def players(
    request: Request,
    web: State,
    q: Annotated[str | None, Query(max_length=100, description="Part of a name; accents and case ignored.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Players whose name contains `q` ("jokic" finds "Nikola Jokić"), sorted by name.

    The body has ``total``, ``limit``, ``offset`` and ``players``; the ``Link`` header has the
    first/prev/next/last pages and ``X-Total-Count`` the total.
    """
    found = web.store.player_index()
    if q:
        needle = normalize(q)
        found = [p for p in found if needle in normalize(p["name"])]
    page = found[offset : offset + limit]
    body = {"total": len(found), "limit": limit, "offset": offset, "players": page}
    return json_response(request, body, MEDIUM, headers=_page_headers(request, len(found), limit, offset))


@router.get("/players/{player_id}", summary="One player's page", responses={**_JSON, **_FILE_ERRORS})
def player(
    player_id: Annotated[int, Path(ge=1, description="NBA.com player id.")], request: Request, web: State
) -> Response:
    """``v1/players/{player_id}.json``; a 404 names the player when he is known but has no page."""
    known = {p["player_id"]: p["name"] for p in web.store.player_index()}
    who = f"player {player_id} ({known[player_id]})" if player_id in known else f"no player {player_id}"
    missing = (
        f"{who} has no published page yet"
        if player_id in known
        else f"{who}: not in the published player index (search with /api/v1/players?q=NAME)"
    )
    return file_response(request, web.store.read(f"players/{player_id}.json", missing), MEDIUM)


@router.get(
    "/systems/performance", summary="Performance of each prediction system", responses={**_JSON, **_FILE_ERRORS}
)
def performance(request: Request, web: State) -> Response:
    """``v1/systems/performance.json``."""
    missing = "no systems/performance.json published"
    return file_response(request, web.store.read("systems/performance.json", missing), MEDIUM)


@router.get("/status", summary="The published pipeline status", responses={**_JSON, **_FILE_ERRORS})
def status(request: Request, web: State) -> Response:
    """``v1/status.json``, as the publish phase last wrote it (the run history itself: ``/pipeline``)."""
    return file_response(request, web.store.read("status.json", "no status.json published"), SHORT)


@router.get("/unresolved", summary="Player names no source could resolve", responses={**_JSON, **_FILE_ERRORS})
def unresolved(request: Request, web: State) -> Response:
    """``v1/unresolved.json``: the queue of names waiting for an alias, most frequent first."""
    missing = "the unresolved-player queue is not published (v1/unresolved.json)"
    return file_response(request, web.store.read("unresolved.json", missing), SHORT)


@router.get("/accuracy", summary="Hit rate, MAE against the market and calibration over time")
def accuracy(
    request: Request,
    web: State,
    market: Annotated[str | None, Query(max_length=64, description="e.g. player_points (default).")] = None,
) -> Response:
    """Computed from every published results file: totals, one point per date, P(over) calibration."""
    computed = web.accuracy(market)
    if not computed.markets:
        raise HTTPException(404, "no results published yet: accuracy needs graded predictions")
    return json_response(request, computed.as_json(), MEDIUM)


@router.get("/pipeline", summary="Pipeline status per date and phase, from the run history")
def pipeline(
    request: Request,
    web: State,
    end: Annotated[IsoDate | None, Query(description="Last date shown (default: the latest).")] = None,
    days: Annotated[int, Query(ge=1, le=90, description="How many dates, newest first.")] = 14,
) -> Response:
    """Per date and phase, the worst latest outcome of its steps (the dashboard's grid)."""
    grid = status_grid(web.runs.history, _published_dates(web), end, days)
    return json_response(request, grid.as_json(), SHORT)


@router.get("/runs", summary="Run history, newest first (paginated)")
def runs(request: Request, web: State, limit: Limit = 50, offset: Offset = 0) -> Response:
    """Every recorded run with its failure category, step count, problems and rows written."""
    history = web.runs.history
    total = history.count_runs() if history else 0
    items = history.recent_runs(limit, offset) if history else []
    body = {"total": total, "limit": limit, "offset": offset, "runs": items}
    return json_response(request, body, SHORT, headers=_page_headers(request, total, limit, offset))


@router.get("/runs/{run_id}", summary="The steps of one run", responses={404: {"model": ErrorDetail}})
def run(
    run_id: Annotated[str, Path(pattern=r"^[0-9A-Za-z-]{4,64}$", description="A run id or a unique prefix.")],
    request: Request,
    web: State,
) -> Response:
    """Every step attempt of the run, with category, rows, seconds and message."""
    history = web.runs.history
    full = history.resolve_run_id(run_id) if history else None
    if full is None:
        raise HTTPException(404, f"no run {run_id!r} in the run history")
    return json_response(request, {"run_id": full, "steps": history.steps(full)}, SHORT)  # type: ignore[union-attr]


def _published_dates(web: WebState) -> set[date]:
    return {day for kind in DATED_KINDS for day in web.store.dates(kind)}


def _page_headers(request: Request, total: int, limit: int, offset: int) -> dict[str, str]:
    """RFC 8288 ``Link`` (first, prev, next, last) and ``X-Total-Count``."""

    def url(at: int) -> str:
        return str(request.url.include_query_params(limit=limit, offset=at))

    links = {"first": 0, "last": max(0, (total - 1) // limit * limit)}
    if offset > 0:
        links["prev"] = max(0, offset - limit)
    if offset + limit < total:
        links["next"] = offset + limit
    return {
        "Link": ", ".join(f'<{url(at)}>; rel="{rel}"' for rel, at in links.items()),
        "X-Total-Count": str(total),
    }
