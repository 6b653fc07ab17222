"""End to end: `nbaprops serve`'s app under uvicorn on loopback, driven by headless Chromium.

Each page is loaded the way a person would load it, and checked for the real published data it
must show, for JavaScript errors in the console, and for requests leaving the machine (none: no
CDN, no web fonts). Chromium is Debian's package (`make test` installs it); when it is missing the
test fails and says how to install it, rather than skipping in silence.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

from conftest import make_settings
from nbaprops.web.app import create_app

CHROMIUM = Path(os.environ.get("NBAPROPS_CHROMIUM", "/usr/bin/chromium"))
LAST = "2025-11-19"


@dataclass
class Trouble:
    """What went wrong in the browser while a page was used."""

    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def server(published_home: Path) -> Iterator[str]:
    """The app under a real uvicorn on a free loopback port, in a thread of this process."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(make_settings(published_home)), log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: `make test` installs Debian's package "
            "(apt-get install -y chromium); the dashboard test needs a real browser and is never skipped",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[tuple[Page, Trouble]]:
    trouble = Trouble()
    context = browser.new_context(base_url=server, viewport={"width": 1300, "height": 900})
    tab = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            trouble.errors.append(f"console: {message.text}")

    def on_request(request: Request) -> None:
        if not request.url.startswith((server, "data:", "about:")):
            trouble.outside.append(request.url)

    tab.on("console", on_console)
    tab.on("pageerror", lambda exc: trouble.errors.append(f"page error: {exc}"))
    tab.on("request", on_request)
    tab.on("requestfailed", lambda request: trouble.errors.append(f"failed: {request.url}"))
    tab.on("response", lambda r: r.status >= 400 and trouble.errors.append(f"HTTP {r.status}: {r.url}"))
    yield tab, trouble
    context.close()
    assert trouble.errors == [], trouble.errors
    assert trouble.outside == [], f"requests left the machine: {trouble.outside}"


def _published(home: Path, relpath: str) -> dict[str, object]:
    return json.loads((home / "publish" / "v1" / relpath).read_text())


def test_status_page_shows_dates_phases_and_runs(page: tuple[Page, Trouble]) -> None:
    tab, _ = page
    response = tab.goto("/")
    assert response is not None and response.status == 200
    dates = tab.locator("#status-grid tbody th.date").all_inner_texts()
    assert dates[0] == LAST and len(dates) == 14
    header = tab.locator("#status-grid thead th").all_inner_texts()
    assert header[:8] == ["date", "sources", "ingest", "analytics", "features", "predictions", "grading", "publish"]
    newest = tab.locator("#status-grid tbody tr").first
    assert newest.locator('td[data-phase="publish"]').get_attribute("data-category") == "success"
    assert newest.locator('td[data-phase="grading"]').get_attribute("data-category") == "success"
    assert newest.locator('td[data-phase="sources"]').get_attribute("data-category") == "not_run"
    # the colour is really painted (the stylesheet loaded): green for success
    colour = newest.locator('td[data-phase="publish"]').evaluate("cell => getComputedStyle(cell).backgroundColor")
    assert colour == "rgb(201, 236, 214)"
    commands = tab.locator("#runs tbody tr td:nth-child(2)").all_inner_texts()
    assert commands[0] == "publish" and "backtest" in commands and "import-history" in commands
    tab.locator("#runs tbody tr").first.locator("a").click()
    tab.wait_for_url(re.compile(r"/runs/"))
    steps = tab.locator("#steps tbody tr td:first-child").all_inner_texts()
    assert any(step.startswith("publish.results") for step in steps)


def test_tonight_lists_the_players_of_the_published_file(page: tuple[Page, Trouble], published_home: Path) -> None:
    tab, _ = page
    tab.goto("/tonight")
    slates = sorted(p.stem for p in (published_home / "publish" / "v1" / "tonight").glob("*.json"))
    kind = "tonight" if slates else "results"
    latest = slates[-1] if slates else LAST
    assert tab.locator("h1").inner_text() == f"Predictions for {latest}"
    expected = {
        str(row["player"])
        for row in _published(published_home, f"{kind}/{latest}.json")["predictions"]  # type: ignore[union-attr]
        if row["market"] == "player_points"
    }
    shown = set(tab.locator("#predictions td.player").all_inner_texts())
    assert shown == expected and "Nikola Jokić" in shown
    # pick another date with the form, as a person would
    tab.select_option("select[name=date]", "2025-11-01")
    tab.check("input[name=picks]")
    tab.click("form.filters button")
    tab.wait_for_url(re.compile(r"date=2025-11-01"))
    assert tab.locator("h1").inner_text() == "Predictions for 2025-11-01"
    picks = {
        str(row["player"])
        for row in _published(published_home, "results/2025-11-01.json")["predictions"]  # type: ignore[union-attr]
        if row["actionable"] and row["market"] == "player_points"
    }
    assert set(tab.locator("#predictions td.player").all_inner_texts()) == picks
    outcomes = set(tab.locator("#predictions tbody td:last-child").all_inner_texts())
    assert outcomes <= {"correct", "incorrect", "push", "void"} and "correct" in outcomes


def test_accuracy_page_draws_its_charts(page: tuple[Page, Trouble]) -> None:
    tab, _ = page
    tab.goto("/accuracy")
    totals = tab.locator("#totals tbody tr").first.locator("td").all_inner_texts()
    assert totals[0] == "baseline" and totals[1] == "3,137"
    for chart in ("#chart-hit-rate", "#chart-mae", "#chart-calibration"):
        svg = tab.locator(f"{chart} svg")
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100, chart
        path = svg.locator("path.series").first.get_attribute("d") or ""
        assert path.startswith("M") and path.count("L") >= 5, chart
        assert svg.locator("circle.point").count() >= 6, chart
    assert tab.locator("#chart-hit-rate circle.point").count() == 30  # one per published date
    assert tab.locator("#chart-mae path.series").count() == 2  # the model and the market
    assert tab.locator("#calibration tbody tr").count() >= 5


def test_unresolved_page_shows_the_published_queue(page: tuple[Page, Trouble], published_home: Path) -> None:
    tab, _ = page
    tab.goto("/unresolved")
    queue = _published(published_home, "unresolved.json")
    if queue["players"]:
        assert tab.locator("#unresolved tbody tr").count() == len(queue["players"])  # type: ignore[arg-type]
    else:
        assert "no unresolved names" in tab.locator("#queue-empty").inner_text()


def test_a_missing_date_is_a_clear_error_page(page: tuple[Page, Trouble]) -> None:
    tab, trouble = page
    response = tab.goto("/tonight?date=2025-12-25")
    assert response is not None and response.status == 404
    assert tab.locator("#error-detail").inner_text() == "no tonight or results file for 2025-12-25"
    trouble.errors.clear()  # the 404 was the point (Chromium also logs it as a console error)


def test_api_docs_render_from_the_app_itself(page: tuple[Page, Trouble]) -> None:
    tab, _ = page
    tab.goto("/docs")
    tab.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = set(tab.locator(".opblock-summary-path").all_inner_texts())
    assert {"/api/v1/tonight/{day}", "/api/v1/players", "/api/v1/runs"} <= {p.replace("\u200b", "") for p in paths}
