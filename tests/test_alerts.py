"""Alerts without noise, delivered for real: a Slack-like webhook and an SMTP server on loopback.

No client is mocked: the alerter POSTs to an ``http.server`` in a thread and sends mail through
``smtplib`` to an ``aiosmtpd`` server, and the tests count what arrived.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email import message_from_bytes
from email.message import Message as EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import make_settings
from nbaprops.config import Settings
from nbaprops.logs import configure as configure_logging
from nbaprops.ops.alerts import Alerter, alert_runs, normalise, signature
from nbaprops.pipeline.categories import Category, StepFailure
from nbaprops.pipeline.processor import Processor, StepContext, StepResult
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import RunOptions, RunReport, StepOutcome, run_pipeline
from nbaprops.warehouse.db import Warehouse

SECRET_PATH = "/services/T0SECRET/B0SECRET/xoxb-very-secret-token"
SMTP_USER, SMTP_PASSWORD = "alerts@example.org", "smtp-secret-pw"


# ---------------------------------------------------------------------------- fake services on loopback
class Webhook:
    """A Slack incoming webhook stand-in: records every JSON body POSTed to it."""

    def __init__(self, status: int = 200) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = status
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                hook.bodies.append({"path": self.path, **json.loads(self.rfile.read(length))})
                self.send_response(hook.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{SECRET_PATH}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """aiosmtpd handler: keeps every message delivered."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()

    def authenticate(server: object, session: object, envelope: object, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == (
            SMTP_USER,
            SMTP_PASSWORD,
        )
        if ok:
            box.logins.append(data.login.decode())
        return AuthResult(success=ok)

    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False)
    controller.start()
    yield box, port
    controller.stop()


def alert_settings(tmp_path: Path, webhook_url: str, smtp_port: int | None, **overrides: object) -> Settings:
    smtp = {} if smtp_port is None else {
        "smtp_url": f"smtp://{SMTP_USER.replace('@', '%40')}:{SMTP_PASSWORD}@127.0.0.1:{smtp_port}",
        "alert_email_to": "oncall@example.org, second@example.org",
    }  # fmt: skip
    settings = make_settings(tmp_path / "home", slack_webhook_url=webhook_url, **smtp, **overrides)
    settings.ensure_dirs()
    return settings


@pytest.fixture
def logs(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """Log everything (INFO and up) with *no* secrets registered for masking: nothing may rely on it."""
    configure_logging(verbose=True, secrets=())
    yield capsys
    configure_logging(verbose=False)


def report(day: date, *steps: StepOutcome) -> RunReport:
    return RunReport(f"run-{day}", day, day, list(steps))


def failing(name: str, category: Category, message: str, critical: bool = True) -> StepOutcome:
    return StepOutcome(name, name.split(".")[0], critical, category, 0, 0.1, message)


def log_events(text: str, event: str) -> list[str]:
    return [line for line in text.splitlines() if f"[{'error' if event == 'alert' else 'warning'}" in line
            and f" {event} " in line]  # fmt: skip


# ---------------------------------------------------------------------------- the tests
def test_a_thousand_identical_failures_make_one_alert_and_one_digest_per_channel(
    tmp_path: Path, webhook: Webhook, mailbox: tuple[Mailbox, int], logs: pytest.CaptureFixture[str]
) -> None:
    box, port = mailbox
    settings = alert_settings(tmp_path, webhook.url, port)
    history = RunHistory(settings.run_history_url)
    start = date(2025, 10, 1)
    reports = [
        report(start + timedelta(days=i % 40), failing(
            "sources.odds_api", Category.ERROR,
            f"odds_api.props: HTTP 503 (after 3 attempts) from https://api.the-odds-api.com/v4/sports/"
            f"basketball_nba/events/{i:012x}/odds?apiKey=***&date={start + timedelta(days=i % 40)}T12:00:00Z",
        ))
        for i in range(1000)
    ]  # fmt: skip
    for batch in range(0, 1000, 100):  # ten runs (cron, the daemon), a hundred failing dates each
        alert_runs(settings, history, reports[batch : batch + 100])  # what `nbaprops run` calls
    assert len(webhook.bodies) == 1 and len(box.messages) == 1
    assert Alerter(settings, history).flush() == 1  # another instance: the state is in the run history
    history.close()

    assert len(webhook.bodies) == 2, [b["text"][:80] for b in webhook.bodies]
    assert len(box.messages) == 2
    alert, digest = webhook.bodies
    assert "error: sources.odds_api" in alert["text"] and "HTTP 503" in alert["text"]
    assert "999 more time(s)" in digest["text"]
    assert "2025-10-01" in digest["text"] and "and 32 more" in digest["text"]  # 40 dates, 8 shown
    subjects = [m["Subject"] for m in box.messages]
    assert subjects[0].startswith("[nbaprops] error: sources.odds_api") and "digest" in subjects[1]
    assert box.messages[0]["To"] == "oncall@example.org, second@example.org"
    assert box.logins == [SMTP_USER, SMTP_USER]
    err = logs.readouterr().err
    assert len(log_events(err, "alert")) == 1 and len(log_events(err, "digest")) == 1


def test_different_failures_are_separate_incidents_and_expected_states_never_page(
    tmp_path: Path, webhook: Webhook, logs: pytest.CaptureFixture[str]
) -> None:
    settings = alert_settings(tmp_path, webhook.url, None)
    history = RunHistory(settings.run_history_url)
    alerter = Alerter(settings, history)
    day = date(2025, 11, 5)
    results = [
        alerter.observe_outcome(failing("analytics.games", Category.ERROR, "KeyError: 'game_id'"), days=[day]),
        alerter.observe_outcome(failing("analytics.games", Category.TIMEOUT, "killed at its 600s time limit")),
        alerter.observe_outcome(failing("features.player_game", Category.ERROR, "KeyError: 'game_id'")),
        alerter.observe_outcome(
            failing("features.player_game", Category.VALIDATION_FAILED, "gate rows: 2025-11-05 has 0 rows")
        ),
        # the same incidents again, on other dates and with other numbers: grouped
        alerter.observe_outcome(failing("analytics.games", Category.TIMEOUT, "killed at its 900s time limit")),
        alerter.observe_outcome(
            failing("features.player_game", Category.VALIDATION_FAILED, "gate rows: 2025-11-06 has 3 rows")
        ),
        # expected states and consequences: nothing
        alerter.observe_outcome(failing("sources.espn", Category.NO_DATA, "no games on 2025-11-05")),
        alerter.observe_outcome(failing("predictions.baseline", Category.DEPENDENCY_MISSING, "not run: upstream")),
        alerter.observe_outcome(failing("grading.player_props", Category.SUCCESS, "")),
    ]
    assert results == ["alerted"] * 4 + ["grouped"] * 2 + ["ignored"] * 3
    assert len(webhook.bodies) == 4
    assert alerter.flush() == 2  # the two grouped repeats, in one digest
    assert len(webhook.bodies) == 5 and "2 incident(s)" in webhook.bodies[-1]["text"]
    assert alerter.flush() == 0  # nothing untold: no empty digest
    history.close()


def test_a_run_pages_its_root_cause_once_not_what_it_blocked(
    tmp_path: Path, webhook: Webhook, logs: pytest.CaptureFixture[str]
) -> None:
    """A real run through the runner: the failing critical step pages; the steps it blocked do not."""

    def broken(ctx: StepContext) -> StepResult:
        raise StepFailure(Category.VALIDATION_FAILED, f"{ctx.start}: 0 box scores for 7 games")

    def fine(ctx: StepContext) -> StepResult:
        return StepResult(1)

    processors = (
        Processor("ingest.box_scores", "ingest", broken, inputs=(), outputs=("raw.box",)),
        Processor("analytics.summary", "analytics", fine, inputs=("raw.box",), outputs=("analytics.summary",)),
        Processor("sources.espn", "sources", lambda ctx: StepResult(0), inputs=(), outputs=("raw.espn",)),
    )
    settings = alert_settings(tmp_path, webhook.url, None)
    history = RunHistory(settings.run_history_url)
    with Warehouse(":memory:") as wh:
        runs = [
            run_pipeline(wh, settings, history, day, day, processors=processors, options=RunOptions(isolation="inline"))
            for day in (date(2025, 11, 5), date(2025, 11, 6), date(2025, 11, 7))
        ]
        for run in runs:  # as the cron runs would, one process each
            alert_runs(settings, history, [run])
    assert runs[0].step("analytics.summary").category is Category.DEPENDENCY_MISSING
    assert len(webhook.bodies) == 1 and "validation_failed: ingest.box_scores (2025-11-05)" in webhook.bodies[0]["text"]
    assert Alerter(settings, history).flush() == 1
    assert "2 more time(s)" in webhook.bodies[1]["text"] and "2025-11-07" in webhook.bodies[1]["text"]
    history.close()


def test_backfills_are_quiet_mentioned_at_most_once_and_do_not_mute_a_real_failure(
    tmp_path: Path, webhook: Webhook, mailbox: tuple[Mailbox, int], logs: pytest.CaptureFixture[str]
) -> None:
    box, port = mailbox
    settings = alert_settings(tmp_path, webhook.url, port)
    history = RunHistory(settings.run_history_url)
    failure = failing("analytics.games", Category.ERROR, "IOException: disk full")
    alert_runs(settings, history, [report(date(2025, 1, 1) + timedelta(days=i), failure) for i in range(50)],
               quiet=True)  # fmt: skip
    alerter = Alerter(settings, history)
    assert alerter.flush() == 1  # summarised...
    assert webhook.bodies == [] and box.messages == []  # ...in the log only: backfills never page
    assert "50 backfill failure(s)" in logs.readouterr().err
    assert alerter.flush() == 0  # mentioned once, not in every digest after

    # The same failure outside a backfill is news: it pages, and its later digest mentions nothing old.
    assert alerter.observe_outcome(failure, days=[date(2025, 11, 5)]) == "alerted"
    assert len(webhook.bodies) == 1 and len(box.messages) == 1
    history.close()


def test_a_closed_window_sends_its_digest_and_a_long_incident_one_message_per_window(
    tmp_path: Path, webhook: Webhook, logs: pytest.CaptureFixture[str]
) -> None:
    settings = alert_settings(tmp_path, webhook.url, None, alert_window_s=3600)
    history = RunHistory(settings.run_history_url)
    now = [datetime(2025, 11, 5, 10, 0)]
    alerter = Alerter(settings, history, clock=lambda: now[0])
    failure = failing("sources.nbacom", Category.TIMEOUT, "nbacom.scoreboard: ReadTimeout after 3 attempts")
    sent = []
    for _ in range(12):  # every 15 minutes for 3 hours, with the end-of-run check after each
        alerter.observe_outcome(failure)
        alerter.flush(force=False)
        sent.append(len(webhook.bodies))
        now[0] += timedelta(minutes=15)
    # one alert, then one digest as each hour-long window closes (the repeats seen in it)
    assert sent == [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]
    assert "4 more time(s)" in webhook.bodies[1]["text"]
    assert alerter.flush(force=False) == 1  # the repeats of the last window, once it closed
    # then quiet for a whole window: the next failure is a new incident, with an alert of its own
    now[0] += timedelta(hours=2)
    assert alerter.observe_outcome(failure) == "alerted"
    assert len(webhook.bodies) == 5
    history.close()


def test_alert_storms_are_rate_limited_across_incidents(
    tmp_path: Path, webhook: Webhook, logs: pytest.CaptureFixture[str]
) -> None:
    settings = alert_settings(tmp_path, webhook.url, None, alert_max_per_window=2)
    history = RunHistory(settings.run_history_url)
    steps = [failing(f"sources.endpoint_{c}", Category.ERROR, "ConnectError") for c in "abcde"]
    alert_runs(settings, history, [report(date(2025, 11, 5), *steps)])
    # two alerts, then the three held back at once in the end-of-run digest, flagged as new
    assert len(webhook.bodies) == 3
    assert webhook.bodies[-1]["text"].count("NEW (alert held back by the rate limit)") == 3
    history.close()


def test_grouping_survives_across_processes(tmp_path: Path, webhook: Webhook) -> None:
    """The daemon and a cron run are separate processes: the second one's failure is grouped, not re-sent."""
    settings = alert_settings(tmp_path, webhook.url, None)
    history = RunHistory(settings.run_history_url)
    assert Alerter(settings, history).observe("analytics.games", "error", "KeyError: 'game_id' on 2025-11-05") == (
        "alerted"
    )
    history.close()
    code = (
        "import sys\n"
        "from nbaprops.config import Settings\n"
        "from nbaprops.ops.alerts import Alerter\n"
        "from nbaprops.pipeline.run_history import RunHistory\n"
        "s = Settings(home=sys.argv[1], slack_webhook_url=sys.argv[2], _env_file=None)\n"
        "h = RunHistory(s.run_history_url)\n"
        "print(Alerter(s, h).observe('analytics.games', 'error', \"KeyError: 'game_id' on 2025-11-06\"))\n"
    )
    other = subprocess.run([sys.executable, "-c", code, str(settings.home), webhook.url],
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert other.stdout.split()[-1] == "grouped"
    assert len(webhook.bodies) == 1


def test_the_webhook_url_never_reaches_the_logs_and_a_dead_channel_never_fails_the_run(
    tmp_path: Path, mailbox: tuple[Mailbox, int], logs: pytest.CaptureFixture[str]
) -> None:
    box, port = mailbox
    dead = f"http://127.0.0.1:{free_port()}{SECRET_PATH}"  # nothing listens there
    settings = alert_settings(tmp_path, dead, port)
    history = RunHistory(settings.run_history_url)
    failure = failing("analytics.games", Category.ERROR, f"boom while posting to {dead}")
    alert_runs(settings, history, [report(date(2025, 11, 5), failure)])  # does not raise
    assert len(box.messages) == 1  # the other channels still deliver
    refusing = Webhook(status=500)
    try:
        settings = alert_settings(tmp_path / "second", refusing.url, None)
        second = RunHistory(settings.run_history_url)
        told = failing("analytics.games", Category.ERROR, f"boom while posting to {refusing.url}")
        alert_runs(settings, second, [report(date(2025, 11, 5), told)])
        second.close()
    finally:
        refusing.close()
    err = logs.readouterr().err
    assert "alert channel failed" in err and "channel=slack" in err and "HTTP 500" in err
    assert "ConnectError" in err
    for secret in (SECRET_PATH, "xoxb-very-secret-token", SMTP_PASSWORD):
        assert secret not in err
    # The secret is masked in what is sent and stored, too (the message quoted the URL).
    assert "xoxb-very-secret-token" not in str(box.messages[0].get_payload())
    history.close()


def test_signatures_ignore_what_varies_and_keep_what_matters() -> None:
    a = "HTTP 503 from https://x.test/v4/events/8f3a9c2b1d/odds?date=2025-11-05 at 2025-11-05T17:00:00Z"
    b = "HTTP 503 from https://x.test/v4/events/77aa01bc99/odds?date=2025-11-06 at 2025-11-06T17:00:03Z"
    assert signature("sources.odds_api", "error", a) == signature("sources.odds_api", "error", b)
    assert signature("sources.odds_api", "error", a) != signature("sources.odds_api", "timeout", a)
    assert signature("sources.odds_api", "error", a) != signature("sources.espn", "error", a)
    assert normalise("HTTP 404 for 12 rows") != normalise("HTTP 503 for 12 rows")
    assert signature("scrape:odds_api.props:event=1", "error", "x") == signature("scrape:odds_api.props:event=2",
                                                                                 "error", "x")  # fmt: skip
