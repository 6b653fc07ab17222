"""Alerts without noise: one message per incident, repeats summarised, backfills quiet.

**What pages.** Only the categories that need a person: ``error``, ``timeout`` and
``validation_failed``. ``no_data_available`` (an off day, an empty answer) is an expected state, and
``dependency_missing`` is a consequence — the upstream failure that caused it pages, once.

**Grouping.** An incident is a *signature*: (processor, category, normalised message). The message
is normalised by replacing dates, times, ids, hashes and numbers with placeholders, so "HTTP 503 on
2025-11-05 for event 8f3a…" and the same failure the next day are one incident, while a different
processor, category or kind of failure is another.

**Rate limits and digests.** The first occurrence of an incident sends one alert and opens its
window (``alert_window_s``, 6 h by default). Further occurrences within the window are only counted
(first and last seen, dates affected); when the window closes — checked each time the alerter runs,
at the end of every run — or on ``flush()``, one digest summarises every incident with something
untold, and a new window begins. An incident that keeps failing therefore sends one alert and then
one digest per window, never one message per failure. Across incidents, at most
``alert_max_per_window`` alerts go out per window; incidents beyond that wait for the digest.

**Backfills are quiet.** ``quiet=True`` (backfills) records occurrences but never pages: they are
mentioned, once, in the next digest that is sent anyway, or only logged when nothing else is due.

**State** lives in the run-history database (table ``alert_incidents``), so the daemon and cron
runs — separate processes — share it. Updates are compare-and-set, so two processes never both send
the alert of one incident.

**Channels**: the log (structlog, always), a Slack incoming webhook (``NBAPROPS_SLACK_WEBHOOK_URL``)
and e-mail (``NBAPROPS_SMTP_URL`` = ``smtp://user:pass@host:port``, ``smtps://`` for TLS,
``?starttls=1`` to upgrade; ``NBAPROPS_ALERT_EMAIL_TO``). A channel that fails is logged — by its
name and the error's type and status, never its URL, which is a secret — and never fails the run.
"""

from __future__ import annotations

import hashlib
import json
import re
import smtplib
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import sqlalchemy as sa
import structlog
from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError

from nbaprops.config import Settings
from nbaprops.pipeline.categories import Category
from nbaprops.pipeline.run_history import RunHistory, utcnow

if TYPE_CHECKING:  # the runner imports every step's code: not needed to send a message
    from nbaprops.pipeline.runner import RunReport, StepOutcome

log = structlog.get_logger("nbaprops.alerts")

MAX_DATES = 60  # dates kept per incident for the digest
MAX_TEXT = 300

metadata = sa.MetaData()
incidents = sa.Table(
    "alert_incidents",
    metadata,
    sa.Column("signature", sa.String(40), primary_key=True),
    sa.Column("processor", sa.String(128), nullable=False),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("pattern", sa.Text, nullable=False),  # the normalised message
    sa.Column("example", sa.Text, nullable=False),  # the latest message as it was (secrets masked)
    sa.Column("first_seen_utc", sa.DateTime, nullable=False),
    sa.Column("last_seen_utc", sa.DateTime, nullable=False),
    sa.Column("window_start_utc", sa.DateTime),  # when the last alert or digest about it went out
    sa.Column("last_alert_utc", sa.DateTime),
    sa.Column("pending", sa.Integer, nullable=False, default=0),  # occurrences not told yet
    sa.Column("pending_quiet", sa.Integer, nullable=False, default=0),  # ... of which during backfills
    sa.Column("pending_first_utc", sa.DateTime),
    sa.Column("pending_last_utc", sa.DateTime),
    sa.Column("pending_dates", sa.Text, nullable=False, default="[]"),  # JSON list
    sa.Column("unalerted", sa.Boolean, nullable=False, default=False),  # its alert was held back
    sa.Column("total", sa.Integer, nullable=False, default=0),
    sa.Column("version", sa.Integer, nullable=False, default=0),  # compare-and-set
)

_URL = re.compile(r"https?://[^\s'\"<>]+")
_PATH_ID = re.compile(r"[0-9a-f]*\d[0-9a-f]*", re.I)
# Most specific first: a later pattern must not eat an earlier one's placeholder.
_NORMALISERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<id>"),
    (re.compile(r"\b\d{8}T\d{6}-[0-9a-f]+\b"), "<id>"),  # run ids
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"), "<time>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "<date>"),
    (re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\b"), "<time>"),
    (re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b", re.I), "<id>"),  # hashes, hex ids
    (re.compile(r"(?<!HTTP )(?<!\d)\d+(\.\d+)?"), "<n>"),  # an HTTP status stays: 503 and 404 differ
)


def _url_shape(match: re.Match[str]) -> str:
    """A URL as scheme, host and path: the query (dates, keys, ids) dropped, numbers in the path masked."""
    parts = urlsplit(match.group(0))
    return f"{parts.scheme}://{parts.netloc}{_PATH_ID.sub('<n>', parts.path)}"


def normalise(message: str) -> str:
    """The message with everything that varies between occurrences of one failure replaced."""
    text = _URL.sub(_url_shape, " ".join(message.split()))
    for pattern, placeholder in _NORMALISERS:
        text = pattern.sub(placeholder, text)
    return text[:MAX_TEXT]


def processor_of(step: str) -> str:
    """A step name without its request parameters (``scrape:odds_api.props:event=…`` -> ``scrape:odds_api.props``)."""
    return ":".join(part for part in step.split(":") if "=" not in part)


def signature(processor: str, category: str, message: str) -> tuple[str, str]:
    """(signature, normalised message) of a failure."""
    pattern = normalise(message)
    digest = hashlib.sha1(f"{processor_of(processor)}\x00{category}\x00{pattern}".encode()).hexdigest()
    return digest, pattern


# ---------------------------------------------------------------------------- channels
@dataclass(frozen=True)
class Message:
    kind: Literal["alert", "digest"]
    subject: str
    text: str


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> None:
        """Deliver or raise; the alerter logs the failure and carries on."""


class LogChannel:
    """Every alert and digest goes to the log too: the record that survives when the others fail."""

    name = "log"

    def send(self, message: Message) -> None:
        event = log.error if message.kind == "alert" else log.warning
        event(message.kind, subject=message.subject, text=message.text)


class SlackChannel:
    """A Slack incoming webhook: one JSON POST per message. The URL is the secret."""

    name = "slack"

    def __init__(self, url: SecretStr, timeout_s: float = 10.0) -> None:
        self._url = url
        self._timeout_s = timeout_s

    def send(self, message: Message) -> None:
        body = {"text": f"*{message.subject}*\n{message.text}"}
        response = httpx.post(self._url.get_secret_value(), json=body, timeout=self._timeout_s)
        if response.status_code >= 300:
            raise ChannelError(f"HTTP {response.status_code}")


class EmailChannel:
    """E-mail through SMTP: ``smtp://user:pass@host:port`` (``smtps://`` for TLS, ``?starttls=1``)."""

    name = "email"

    def __init__(self, smtp_url: SecretStr, to: str, timeout_s: float = 10.0) -> None:
        self._url = smtp_url
        self.to = [a.strip() for a in to.split(",") if a.strip()]
        self._timeout_s = timeout_s

    def send(self, message: Message) -> None:
        parts = urlsplit(self._url.get_secret_value())
        if parts.scheme not in ("smtp", "smtps"):
            raise ChannelError(f"unsupported scheme {parts.scheme!r} (smtp:// or smtps://)")
        user = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password else None
        host = parts.hostname or "localhost"
        query = parse_qs(parts.query)
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = (query.get("from") or [user if user and "@" in user else f"nbaprops@{socket.gethostname()}"])[0]
        mail["To"] = ", ".join(self.to)
        mail.set_content(message.text)
        smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
        with smtp_class(host, port, timeout=self._timeout_s) as smtp:
            if query.get("starttls", ["0"])[0] in ("1", "true", "yes"):
                smtp.starttls()
            if user:
                smtp.login(user, password or "")
            smtp.send_message(mail)


class ChannelError(RuntimeError):
    """A channel answered but refused the message."""


def channels_from(settings: Settings) -> list[Channel]:
    """The log, plus Slack and e-mail when configured."""
    found: list[Channel] = [LogChannel()]
    if settings.slack_webhook_url is not None and settings.slack_webhook_url.get_secret_value():
        found.append(SlackChannel(settings.slack_webhook_url))
    if settings.smtp_url is not None and settings.smtp_url.get_secret_value() and settings.alert_email_to:
        found.append(EmailChannel(settings.smtp_url, settings.alert_email_to))
    return found


def _failure_text(exc: BaseException) -> str:
    """What a channel failure is, without anything it may carry (an httpx error names the URL)."""
    if isinstance(exc, ChannelError):
        return str(exc)
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__} {exc.smtp_code}"
    return type(exc).__name__


# ---------------------------------------------------------------------------- the alerter
@dataclass
class _Occurrences:
    """One or more occurrences of the same failure, recorded in one write."""

    processor: str
    category: Category
    message: str  # secrets masked
    days: list[str]
    quiet: bool
    run_id: str | None
    count: int = 1

    def __post_init__(self) -> None:
        self.signature, self.pattern = signature(self.processor, self.category.value, self.message)


def _dates(known: list[str], new: Iterable[str]) -> list[str]:
    """The dates an incident's untold occurrences affected, the latest `MAX_DATES`."""
    return sorted(set(known) | set(new))[-MAX_DATES:]


class Alerter:
    """Feed it failed step outcomes; it decides what to send, when, and to whom."""

    def __init__(
        self,
        settings: Settings,
        history: RunHistory,
        *,
        channels: Sequence[Channel] | None = None,
        window_s: float | None = None,
        max_per_window: int | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = history.engine
        metadata.create_all(self.engine)
        self.channels = list(channels) if channels is not None else channels_from(settings)
        self.window = timedelta(seconds=settings.alert_window_s if window_s is None else window_s)
        self.max_per_window = settings.alert_max_per_window if max_per_window is None else max_per_window
        self.clock = clock
        self._secrets = sorted((s for s in settings.secret_values() if s and len(s) >= 4), key=len, reverse=True)

    # ------------------------------------------------------------------ feeding
    def observe(
        self,
        processor: str,
        category: Category | str,
        message: str,
        *,
        days: Iterable[date | str] = (),
        quiet: bool = False,
        run_id: str | None = None,
    ) -> str:
        """Record one failure; send its alert if it opens an incident. Returns what happened:
        ``ignored`` (does not page), ``quiet``, ``alerted``, ``held`` (rate limit) or ``grouped``."""
        category = Category(category)
        if not category.pages_a_human:
            return "ignored"
        found = _Occurrences(processor_of(processor), category, self._mask(message), [str(d) for d in days], quiet,
                             run_id)  # fmt: skip
        return self._apply(found)

    def observe_outcome(
        self, outcome: StepOutcome, *, days: Iterable[date | str] = (), quiet: bool = False, run_id: str | None = None
    ) -> str:
        return self.observe(outcome.name, outcome.category, outcome.message, days=days, quiet=quiet, run_id=run_id)

    def observe_runs(self, reports: Iterable[RunReport], *, quiet: bool = False) -> dict[str, str]:
        """Record every paging step of the runs (dated by each run's window), identical failures
        together: one write per incident, however many runs repeated it. Returns outcome by signature."""
        grouped: dict[str, _Occurrences] = {}
        for report in reports:
            day = str(report.start) if report.start == report.end else f"{report.start}..{report.end}"
            for step in report.steps:
                if not step.category.pages_a_human:
                    continue
                found = _Occurrences(processor_of(step.name), step.category, self._mask(step.message), [day], quiet,
                                     report.run_id)  # fmt: skip
                same = grouped.get(found.signature)
                if same is None:
                    grouped[found.signature] = found
                else:
                    same.count += 1
                    same.days.append(day)
        return {sig: self._apply(found) for sig, found in grouped.items()}

    def _apply(self, found: _Occurrences) -> str:
        now = self.clock()
        for _ in range(20):  # compare-and-set: retry when another process changed the row meanwhile
            outcome = self._record(found, now)
            if outcome is not None:
                break
        else:  # pragma: no cover - twenty concurrent writers on one incident
            outcome = "grouped"
        if outcome == "alerted":
            where = f" ({found.days[0]})" if found.days else ""
            self._send(Message(
                "alert", f"[nbaprops] {found.category.value}: {found.processor}{where}",
                f"{found.processor} failed with {found.category.value}{where}"
                + (f" in run {found.run_id}" if found.run_id else "") + f":\n{found.message[:2000]}\n\n"
                f"Repeats within {self._window_text()} are summarised in one digest.",
            ))  # fmt: skip
        return outcome

    def _record(self, found: _Occurrences, now: datetime) -> str | None:
        """One attempt to record occurrences; None when a concurrent writer changed the row first.

        When they open an incident, the first occurrence is alerted and the rest wait for the digest.
        """
        quiet, n = found.quiet, found.count
        with self.engine.begin() as con:
            row = con.execute(sa.select(incidents).where(incidents.c.signature == found.signature)).first()
            if row is None:
                alert = not quiet and self._room_for_alert(con, now)
                untold = n - 1 if alert else n
                values = dict(
                    signature=found.signature, processor=found.processor, category=found.category.value,
                    pattern=found.pattern, example=found.message, first_seen_utc=now, last_seen_utc=now, total=n,
                    version=0, window_start_utc=now if alert else None, last_alert_utc=now if alert else None,
                    pending=untold, pending_quiet=n if quiet else 0,
                    pending_first_utc=now if untold else None, pending_last_utc=now if untold else None,
                    pending_dates=json.dumps(_dates([], found.days[1:] if alert else found.days)),
                    unalerted=not alert and not quiet,
                )  # fmt: skip
                try:
                    con.execute(incidents.insert().values(**values))
                except IntegrityError:
                    return None
                return "alerted" if alert else "quiet" if quiet else "held"
            window_open = row.window_start_utc is not None and now < row.window_start_utc + self.window
            fresh = not quiet and not window_open and row.pending == row.pending_quiet  # nothing untold pages
            alert = fresh and self._room_for_alert(con, now)
            untold = n - 1 if alert else n
            dates = _dates(json.loads(row.pending_dates), found.days[1:] if alert else found.days)
            changes: dict[str, Any] = dict(
                pending=row.pending + untold, pending_quiet=row.pending_quiet + (n if quiet else 0),
                pending_dates=json.dumps(dates),
            )  # fmt: skip
            if untold:
                changes.update(pending_first_utc=row.pending_first_utc or now, pending_last_utc=now)
            if alert:
                changes.update(window_start_utc=now, last_alert_utc=now, unalerted=False)
                outcome = "alerted"
            else:
                changes.update(unalerted=row.unalerted or fresh)
                outcome = "quiet" if quiet else "held" if fresh else "grouped"
            result = con.execute(
                incidents.update()
                .where(incidents.c.signature == found.signature, incidents.c.version == row.version)
                .values(example=found.message, last_seen_utc=now, total=row.total + n, version=row.version + 1,
                        **changes)
            )  # fmt: skip
            return outcome if result.rowcount == 1 else None

    def _room_for_alert(self, con: sa.Connection, now: datetime) -> bool:
        sent = con.execute(
            sa.select(sa.func.count()).where(incidents.c.last_alert_utc > now - self.window)
        ).scalar_one()
        return sent < self.max_per_window

    # ------------------------------------------------------------------ digests
    def flush(self, force: bool = True) -> int:
        """Send one digest of every incident with untold occurrences; returns how many it summarised.

        Without `force` (the end-of-run check) only incidents whose window has closed are due, and
        backfill-only incidents join a digest that is sent anyway. A digest of backfill failures
        alone goes to the log only.
        """
        now = self.clock()
        with self.engine.connect() as con:
            rows = con.execute(
                sa.select(incidents).where(incidents.c.pending > 0).order_by(incidents.c.first_seen_utc)
            ).all()
        closed = [r for r in rows if r.window_start_utc is None or now >= r.window_start_utc + self.window]
        if force:
            due = rows
        elif any(r.pending > r.pending_quiet for r in closed):  # backfill failures ride along, never alone
            due = [r for r in rows if r in closed or r.pending == r.pending_quiet]
        else:
            due = []
        told = []
        for row in due:  # claim each row: a concurrent flush of the same rows sends nothing twice
            with self.engine.begin() as con:
                claimed = con.execute(
                    incidents.update()
                    .where(incidents.c.signature == row.signature, incidents.c.version == row.version)
                    .values(
                        pending=0, pending_quiet=0, pending_first_utc=None, pending_last_utc=None, pending_dates="[]",
                        unalerted=False, version=row.version + 1,
                        # a digest that pages opens a new window; one about backfills only does not
                        window_start_utc=now if row.pending > row.pending_quiet else row.window_start_utc,
                    )
                ).rowcount  # fmt: skip
            if claimed:
                told.append(row)
        if not told:
            return 0
        paging = [r for r in told if r.pending > r.pending_quiet]
        message = Message("digest", self._digest_subject(told, paging), self._digest_text(told))
        self._send(message, log_only=not paging)
        return len(told)

    def _digest_subject(self, told: list[Any], paging: list[Any]) -> str:
        failures = sum(r.pending for r in told)
        if not paging:
            return f"[nbaprops] digest: {failures} backfill failure(s) in {len(told)} incident(s) (quiet)"
        return f"[nbaprops] digest: {failures} repeated failure(s) in {len(told)} incident(s)"

    def _digest_text(self, told: list[Any]) -> str:
        lines = []
        for r in told:
            dates = json.loads(r.pending_dates)
            shown = ", ".join(dates[:8]) + (f" and {len(dates) - 8} more" if len(dates) > 8 else "")
            quiet = f", {r.pending_quiet} during backfills (not paged)" if r.pending_quiet else ""
            new = " NEW (alert held back by the rate limit)" if r.unalerted else ""
            lines.append(
                f"- {r.processor} {r.category}{new}: {r.pending} {'more ' if r.last_alert_utc else ''}time(s){quiet}, "
                f"{r.pending_first_utc:%Y-%m-%d %H:%M}..{r.pending_last_utc:%Y-%m-%d %H:%M} UTC"
                + (f", dates {shown}" if shown else "") + f"\n  {r.pattern}"
            )  # fmt: skip
        return "\n".join(lines)

    # ------------------------------------------------------------------ delivery
    def _send(self, message: Message, log_only: bool = False) -> None:
        for channel in self.channels:
            if log_only and channel.name != "log":
                continue
            try:
                channel.send(message)
            except Exception as exc:  # a channel down must never fail the run, nor leak its URL
                log.warning("alert channel failed", channel=channel.name, error=_failure_text(exc), kind=message.kind)

    def _mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _window_text(self) -> str:
        hours = self.window.total_seconds() / 3600
        return f"{hours:g} h" if hours >= 1 else f"{self.window.total_seconds():g} s"


def alert_runs(settings: Settings, history: RunHistory, reports: Iterable[RunReport], *, quiet: bool = False) -> None:
    """What every command and the daemon call after their runs: alert, then send due digests.

    Never raises: alerting must not turn a finished run into a failed command.
    """
    try:
        alerter = Alerter(settings, history)
        alerter.observe_runs(reports, quiet=quiet)
        alerter.flush(force=False)
    except Exception as exc:  # pragma: no cover - the run history itself cannot be written
        log.warning("alerting failed", error=type(exc).__name__)
