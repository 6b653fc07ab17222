"""Scrape a day: every selected endpoint fetched (live or replayed), stored, parsed and merged.

Providers are modules that declare ``ENDPOINTS: tuple[Endpoint, ...]``; ``PROVIDER_MODULES`` lists
them and each is imported defensively, so a provider that is not written yet is simply absent and
one that fails to import is reported as a failed step instead of stopping the others. A provider
module may also define, all optional:

- ``select_endpoints(day, today) -> Sequence[Endpoint]``: which endpoints serve that day (The Odds
  API: historical snapshots for past days, the live market otherwise). Default: all of them.
- ``request_keys(endpoint, wh, day) -> list[dict[str, str]] | None``: the values that fill the
  templates of a ``per="game"`` / ``per="event"`` (or ``"team"``) endpoint, read from what the same
  run already merged (the day's games from the schedule, the day's events). ``per="team"`` defaults
  to the 30 teams (``{team}``, ``{team_id}``).
- ``next_page(request, payload) -> Request | None``: follow a paginated answer.
- ``finish(wh, day) -> tuple[int, str]``: derive rows once the provider's payloads are merged.

Adding a provider is one line in ``PROVIDER_MODULES``. Templates (``Endpoint.url`` and
``Endpoint.params``) may use ``{date}`` (YYYY-MM-DD), ``{date_compact}`` (YYYYMMDD), ``{date_us}``
(MM/DD/YYYY), ``{season}`` (2024-25), ``{season_year}`` (2024), ``{day_start_utc}`` and
``{day_end_utc}`` (the US/Eastern day in UTC, ISO 8601 with Z), ``{snapshot_utc}`` (noon Eastern of
the day unless told otherwise) and whatever keys ``request_keys`` returns.

Each request is one step in the run history, in the ``sources`` phase, with its failure category:
``no_data_available`` for an off day or an empty answer, ``validation_failed`` for an answer that is
not what the endpoint promises (the message names endpoint and URL; the payload stays in the raw
store), ``timeout``/``error`` for transport failures. One failing endpoint never stops the others.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from types import ModuleType

import structlog

from nbaprops.config import Settings
from nbaprops.http import Fetcher, FetchError, HttpClient, Redactor, ReplayFetcher
from nbaprops.ingest.payloads import EASTERN, check_format, stamp
from nbaprops.pipeline.categories import Category, StepFailure
from nbaprops.pipeline.run_history import RunHistory, worst
from nbaprops.rawstore import RawStore, StoredPayload, request_fields
from nbaprops.reference.teams import all_teams
from nbaprops.sources.base import Endpoint, ParseError, Payload, Request
from nbaprops.warehouse.db import Warehouse, utcnow
from nbaprops.warehouse.merge import MergeCounts, merge_frame

log = structlog.get_logger(__name__)

PROVIDER_MODULES: tuple[str, ...] = (
    "nbaprops.sources.nbacom",
    "nbaprops.sources.espn",
    "nbaprops.sources.balldontlie",
    "nbaprops.sources.bbref",
    "nbaprops.sources.odds_api",
    "nbaprops.sources.bettingpros",
)
PHASE = "sources"
DAY_LEVEL = ("once", "season", "date", "team")  # fetched first: the follow-ups read what they merged
_PARSER_SHAPE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError)


# ---------------------------------------------------------------------------- the catalog
@dataclass(frozen=True)
class Provider:
    """One provider module and its optional hooks."""

    module: ModuleType

    @property
    def name(self) -> str:
        return self.module.__name__.rsplit(".", 1)[-1]

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        return tuple(self.module.ENDPOINTS)

    def select(self, day: date, today: date) -> tuple[Endpoint, ...]:
        chooser = getattr(self.module, "select_endpoints", None)
        return tuple(chooser(day, today)) if chooser else self.endpoints

    def keys(self, endpoint: Endpoint, wh: Warehouse, day: date) -> list[dict[str, str]]:
        hook = getattr(self.module, "request_keys", None)
        found = hook(endpoint, wh, day) if hook else None
        if found is not None:
            return [dict(k) for k in found]
        if endpoint.per == "team":
            return [{"team": t.tricode, "team_id": str(t.team_id)} for t in all_teams()]
        raise ValueError(f"{endpoint.key} is per {endpoint.per} but {self.module.__name__} has no request_keys for it")

    def next_request(self, request: Request, payload: Payload) -> Request | None:
        hook = getattr(self.module, "next_page", None)
        return hook(request, payload) if hook else None

    @property
    def finisher(self) -> Callable[[Warehouse, date], tuple[int, str]] | None:
        return getattr(self.module, "finish", None)


@dataclass
class Catalog:
    providers: list[Provider]
    broken: dict[str, str] = field(default_factory=dict)  # module -> why it could not be imported

    def names(self) -> list[str]:
        names = {p.name for p in self.providers} | {e.source for p in self.providers for e in p.endpoints}
        return sorted(names | {e.key for p in self.providers for e in p.endpoints})


def load_catalog(modules: Iterable[str] | None = None) -> Catalog:
    """Import every provider module that exists; one that is missing is skipped, one that breaks is reported."""
    catalog = Catalog([])
    for name in PROVIDER_MODULES if modules is None else modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # not written yet
            catalog.broken[name] = f"{type(exc).__name__}: {exc}"
            continue
        except Exception as exc:
            catalog.broken[name] = f"{type(exc).__name__}: {exc}"
            continue
        if not isinstance(getattr(module, "ENDPOINTS", None), tuple | list):
            catalog.broken[name] = "declares no ENDPOINTS"
            continue
        catalog.providers.append(Provider(module))
    return catalog


# ---------------------------------------------------------------------------- requests
def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_values(day: date, snapshot_utc: datetime | None = None) -> dict[str, str]:
    """Template values for a day (see the module docstring)."""
    start = datetime.combine(day, clock_time(0), tzinfo=EASTERN)
    end = datetime.combine(day + timedelta(days=1), clock_time(0), tzinfo=EASTERN) - timedelta(seconds=1)
    snapshot = snapshot_utc or datetime.combine(day, clock_time(12), tzinfo=EASTERN)
    if snapshot.tzinfo is None:
        snapshot = snapshot.replace(tzinfo=UTC)
    season = day.year if day.month >= 8 else day.year - 1
    return {
        "date": day.isoformat(),
        "date_compact": day.strftime("%Y%m%d"),
        "date_us": day.strftime("%m/%d/%Y"),
        "season": f"{season}-{(season + 1) % 100:02d}",
        "season_year": str(season),
        "day_start_utc": _utc_text(start),
        "day_end_utc": _utc_text(end),
        "snapshot_utc": _utc_text(snapshot),
    }


def _fill(template: str, values: Mapping[str, str], endpoint: Endpoint) -> str:
    try:
        return template.format_map(values)
    except KeyError as exc:
        raise ValueError(
            f"{endpoint.key}: template {template!r} needs {{{exc.args[0]}}}, which nothing provides"
        ) from None


def make_request(endpoint: Endpoint, values: Mapping[str, str], day: date) -> Request:
    params = {k: _fill(v, values, endpoint) for k, v in endpoint.params.items()}
    return Request(endpoint, _fill(endpoint.url, values, endpoint), params, for_date=day)


# ---------------------------------------------------------------------------- ingest one payload
@dataclass
class Outcome:
    category: Category
    rows_written: int
    message: str


def ingest_payload(wh: Warehouse, endpoint: Endpoint, payload: Payload, stored: StoredPayload) -> Outcome:
    """Parse a stored payload and merge its rows; never raises for a bad payload."""
    where = f"{endpoint.key} {payload.url}"
    try:
        check_format(endpoint, payload)
        result = endpoint.parse(payload)
    except ParseError as exc:
        return Outcome(Category.VALIDATION_FAILED, 0, f"{where}: {exc} (payload kept at {stored.path})")
    except _PARSER_SHAPE_ERRORS as exc:
        return Outcome(
            Category.VALIDATION_FAILED,
            0,
            f"{where}: answer not in the expected shape ({type(exc).__name__}: {exc}; payload kept at {stored.path})",
        )
    frames = {t: f for t, f in result.tables.items() if f is not None and not f.empty}
    undeclared = sorted(set(frames) - set(endpoint.tables))
    if undeclared:
        return Outcome(Category.ERROR, 0, f"{endpoint.key}: parser produced undeclared tables {undeclared}")
    now = utcnow()
    provenance = {"payload_sha256": stored.sha256, "ingested_utc": now, "source_file": stored.path, "imported_utc": now}
    prepared = {}
    for table, frame in frames.items():
        key = list(endpoint.tables[table])
        missing = [k for k in key if k not in frame.columns]
        if missing:
            return Outcome(Category.ERROR, 0, f"{endpoint.key}: parser gave {table} rows without key columns {missing}")
        if frame[key].isna().any(axis=None):
            return Outcome(Category.VALIDATION_FAILED, 0, f"{where}: {table} rows with an empty key ({', '.join(key)})")
        data = stamp(wh, table, frame, provenance)
        prepared[table] = data.drop_duplicates(key, keep="last")
    counts: dict[str, MergeCounts] = {}
    with wh.transaction():
        for table, data in prepared.items():
            counts[table] = merge_frame(wh, table, data, endpoint.tables[table])
    written = sum(c.written for c in counts.values())
    summary = "; ".join(
        f"{t}: {c.inserted} new, {c.updated} updated, {c.unchanged} unchanged" for t, c in counts.items()
    )
    if result.no_data:
        return Outcome(
            Category.NO_DATA, written, f"{endpoint.key}: {result.no_data}" + (f" [{summary}]" if summary else "")
        )
    if not counts:
        return Outcome(Category.NO_DATA, 0, f"{where}: empty answer")
    return Outcome(Category.SUCCESS, written, summary)


# ---------------------------------------------------------------------------- the run
@dataclass
class StepOutcome:
    step: str
    category: Category
    rows_written: int
    message: str
    duration_s: float
    phase: str = PHASE


@dataclass
class ScrapeReport:
    run_id: str
    steps: list[StepOutcome] = field(default_factory=list)

    @property
    def category(self) -> Category:
        return worst([s.category for s in self.steps])


@dataclass
class _Run:
    wh: Warehouse
    history: RunHistory
    fetcher: Fetcher
    store: RawStore
    redactor: Redactor
    day: date
    report: ScrapeReport

    def step(self, name: str, work: Callable[[], Outcome]) -> Outcome:
        """Run one unit of work as a run-history step; whatever happens, the run goes on."""
        self.history.start_step(self.report.run_id, name, PHASE, critical=False, date_start=self.day, date_end=self.day)
        began = time.perf_counter()
        try:
            outcome = work()
        except StepFailure as exc:
            outcome = Outcome(exc.category, 0, self.redactor.text(exc.message))
        except Exception as exc:  # an unexpected failure of one step must not stop the others
            outcome = Outcome(Category.ERROR, 0, self.redactor.text(f"{name}: {type(exc).__name__}: {exc}"))
        duration = time.perf_counter() - began
        self.history.finish_step(
            self.report.run_id, name, outcome.category, outcome.rows_written, duration, outcome.message
        )
        self.report.steps.append(StepOutcome(name, outcome.category, outcome.rows_written, outcome.message, duration))
        log.info("scrape step", step=name, category=outcome.category.value, rows=outcome.rows_written)
        return outcome

    def fetch_and_ingest(self, provider: Provider, request: Request) -> Outcome:
        """Fetch, keep, parse and merge one request, then its further pages as steps of their own."""
        pages = 0
        outcome = Outcome(Category.NO_DATA, 0, "")
        next_request: Request | None = request
        while next_request is not None and pages < 50:
            current, next_request = next_request, None
            try:
                fields = request_fields(current)
            except Exception as exc:  # a request the raw store cannot name is this endpoint's failure only
                why = f"{current.endpoint.key}: cannot name the request {current.url} ({type(exc).__name__}: {exc})"
                step = f"scrape:{current.endpoint.key}:{current.url}"
                return self.step(step, lambda why=why: Outcome(Category.ERROR, 0, why))
            name = f"scrape:{current.endpoint.key}" + (
                ":" + ",".join(f"{k}={v}" for k, v in sorted(fields.items())) if fields else ""
            )
            followers: list[Request] = []

            def work(
                current: Request = current, fields: dict[str, str] = fields, followers: list[Request] = followers
            ) -> Outcome:
                try:
                    payload = self.fetcher.fetch(current)
                except FetchError as exc:
                    message = exc.message
                    if exc.payload is not None:  # the source answered: keep what it said
                        stored = self.store.put(exc.payload, self.day, fields)
                        self.store.record_outcome(stored, exc.category, message)
                        message += f" (answer kept at {stored.path})"
                    return Outcome(exc.category, 0, message)
                stored = self.store.put(payload, self.day, fields)
                try:
                    result = ingest_payload(self.wh, current.endpoint, payload, stored)
                except Exception as exc:  # the merge itself failed: say so on the payload's manifest row too
                    self.store.record_outcome(stored, Category.ERROR, f"{type(exc).__name__}: {exc}")
                    raise
                self.store.record_outcome(stored, result.category, result.message)
                if result.category.satisfied:
                    follower = provider.next_request(current, payload)
                    if follower is not None:
                        followers.append(follower)
                return result

            outcome = self.step(name, work)
            next_request = followers[0] if followers else None
            pages += 1
        return outcome


def _selected(
    catalog: Catalog, wanted: Sequence[str] | None, day: date, today: date
) -> list[tuple[Provider, tuple[Endpoint, ...]]]:
    if wanted:
        unknown = sorted(set(wanted) - set(catalog.names()) - {m.rsplit(".", 1)[-1] for m in catalog.broken})
        if unknown:
            raise ValueError(f"unknown source {', '.join(unknown)}; known: {', '.join(catalog.names())}")
    chosen = []
    for provider in catalog.providers:
        named = [e for e in provider.endpoints if wanted and e.key in wanted]
        if named:
            chosen.append((provider, tuple(named)))
            continue
        whole = not wanted or provider.name in wanted
        endpoints = tuple(e for e in provider.select(day, today) if whole or e.source in (wanted or ()))
        if endpoints:
            chosen.append((provider, endpoints))
    return chosen


def scrape(
    wh: Warehouse,
    settings: Settings,
    history: RunHistory,
    day: date,
    *,
    sources: Sequence[str] | None = None,
    replay: str | None = None,
    fetcher: Fetcher | None = None,
    store: RawStore | None = None,
    today: date | None = None,
    snapshot_utc: datetime | None = None,
) -> ScrapeReport:
    """Scrape one day from the selected sources (default: all), live or from a replay folder.

    ``sources`` names providers (``odds_api``), sources (``odds_api``) or single endpoints
    (``odds_api.events``); ``replay`` is a raw-store folder or URL to serve payloads from instead of
    the network. Every payload is kept in ``store`` (default: ``settings.raw_store_url``).
    """
    catalog = load_catalog()
    today = today or datetime.now(EASTERN).date()
    chosen = _selected(catalog, sources, day, today)
    own_client = fetcher is None and replay is None
    fetcher = fetcher or (ReplayFetcher(replay) if replay is not None else HttpClient(settings))
    redactor = getattr(fetcher, "redactor", None) or Redactor(settings.secret_values())
    store = store or RawStore(settings.raw_store_url, wh)
    run_id = history.start_run(
        "scrape", day, day, sources=list(sources or []), replay=replay, providers=[p.name for p, _ in chosen]
    )
    run = _Run(wh, history, fetcher, store, redactor, day, ScrapeReport(run_id))
    values = day_values(day, snapshot_utc)
    try:
        for module, why in catalog.broken.items():
            short = module.rsplit(".", 1)[-1]
            if not sources or short in sources:
                run.step(
                    f"scrape:{short}", lambda why=why, module=module: Outcome(Category.ERROR, 0, f"{module}: {why}")
                )
        for provider, endpoints in chosen:
            _scrape_provider(run, provider, endpoints, values)
    finally:
        if own_client and isinstance(fetcher, HttpClient):
            fetcher.close()
        history.finish_run(run_id, run.report.category)
    return run.report


def _scrape_provider(run: _Run, provider: Provider, endpoints: tuple[Endpoint, ...], values: dict[str, str]) -> None:
    ordered = [e for e in endpoints if e.per in DAY_LEVEL] + [e for e in endpoints if e.per not in DAY_LEVEL]
    for endpoint in ordered:
        planned: list[Request] = []

        def plan(endpoint: Endpoint = endpoint, planned: list[Request] = planned) -> Outcome:
            if endpoint.per in ("once", "season", "date"):
                planned.append(make_request(endpoint, values, run.day))
                return Outcome(Category.SUCCESS, 0, "")
            keys = provider.keys(endpoint, run.wh, run.day)
            planned.extend(make_request(endpoint, {**values, **k}, run.day) for k in keys)
            if not planned:
                return Outcome(Category.NO_DATA, 0, f"{endpoint.key}: no {endpoint.per}s on {run.day} to fetch for")
            return Outcome(Category.SUCCESS, 0, f"{endpoint.key}: {len(planned)} {endpoint.per}s to fetch")

        if endpoint.per in ("once", "season", "date"):
            try:
                plan()
            except ValueError as exc:  # a template nothing fills: the endpoint's declaration is wrong
                run.step(f"scrape:{endpoint.key}", lambda exc=exc: Outcome(Category.ERROR, 0, str(exc)))
                continue
        elif run.step(f"scrape:{endpoint.key}:plan", plan).category is not Category.SUCCESS:
            continue
        for request in planned:
            run.fetch_and_ingest(provider, request)
    finisher = provider.finisher
    if finisher is not None:

        def finish() -> Outcome:
            rows, message = finisher(run.wh, run.day)
            return Outcome(Category.SUCCESS, rows, message)

        run.step(f"scrape:{provider.name}:finish", finish)
