"""The runner: dependency order, critical-path gating, categories, and a record of every step."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from nbaprops.cli import app
from nbaprops.config import Settings
from nbaprops.pipeline.categories import Category, NoDataAvailable, ValidationFailed
from nbaprops.pipeline.registry import REGISTRY, Processor, StepContext, StepResult, execution_order, upstream
from nbaprops.pipeline.run_history import RunHistory
from nbaprops.pipeline.runner import RunOptions, run_pipeline
from nbaprops.warehouse.db import Warehouse

DAY = date(2025, 11, 5)
calls: list[str] = []


def ok(ctx: StepContext) -> StepResult:
    calls.append("ok")
    return StepResult(7, "fine")


def boom(ctx: StepContext) -> StepResult:
    raise RuntimeError("disk on fire")


def empty(ctx: StepContext) -> StepResult:
    raise NoDataAvailable("no games today")


def invalid(ctx: StepContext) -> StepResult:
    raise ValidationFailed("3 rows, expected at least 100")


def proc(name: str, run, inputs: tuple[str, ...], outputs: tuple[str, ...], critical: bool = True) -> Processor:
    return Processor(name, "analytics", run, inputs=inputs, outputs=outputs, critical=critical)


def run(wh: Warehouse, settings: Settings, history: RunHistory, processors: tuple[Processor, ...]):
    calls.clear()
    return run_pipeline(wh, settings, history, DAY, DAY, processors=processors, options=RunOptions(isolation="inline"))


def test_the_product_registry_orders_every_step_after_its_inputs() -> None:
    order = [p.name for p in execution_order(REGISTRY)]
    assert len(order) == len(REGISTRY) == len(set(order))
    deps = upstream(REGISTRY)
    for name, before in deps.items():
        assert all(order.index(b) < order.index(name) for b in before), name
    assert (
        order.index("analytics.games") < order.index("ingest.resolve_prop_lines") < order.index("analytics.book_lines")
    )
    assert order[-1] == "publish.status"  # the status file sees the whole run


def test_a_failed_critical_step_blocks_only_what_depends_on_it(wh, settings, history) -> None:
    report = run(
        wh, settings, history,
        (
            proc("a", boom, (), ("t.a",)),
            proc("b", ok, ("t.a",), ("t.b",)),
            proc("c", ok, ("t.b",), ("t.c",)),
            proc("d", ok, (), ("t.d",)),
        ),
    )  # fmt: skip
    assert report.step("a").category is Category.ERROR and "disk on fire" in report.step("a").message
    assert report.step("b").category is Category.DEPENDENCY_MISSING and "upstream a" in report.step("b").message
    assert report.step("c").category is Category.DEPENDENCY_MISSING
    assert report.step("d").category is Category.SUCCESS
    assert calls == ["ok"]  # only d ran
    assert report.category is Category.ERROR


def test_a_failed_optional_step_blocks_nothing(wh, settings, history) -> None:
    report = run(
        wh, settings, history,
        (proc("a", boom, (), ("t.a",), critical=False), proc("b", ok, ("t.a",), ("t.b",))),
    )  # fmt: skip
    assert report.step("a").category is Category.ERROR
    assert report.step("b").category is Category.SUCCESS
    assert report.category is Category.SUCCESS  # optional failures do not make the run fail


def test_no_data_is_not_a_failure_and_does_not_block(wh, settings, history) -> None:
    report = run(wh, settings, history, (proc("a", empty, (), ("t.a",)), proc("b", ok, ("t.a",), ("t.b",))))
    assert report.step("a").category is Category.NO_DATA
    assert not Category.NO_DATA.pages_a_human
    assert report.step("b").category is Category.SUCCESS
    assert report.category is Category.NO_DATA


def test_validation_failure_is_recorded_with_its_message(wh, settings, history) -> None:
    report = run(wh, settings, history, (proc("a", invalid, (), ("t.a",)),))
    steps = history.steps(report.run_id)
    assert steps[0]["category"] == "validation_failed"
    assert steps[0]["message"] == "3 rows, expected at least 100"
    assert Category.VALIDATION_FAILED.pages_a_human


def test_every_step_is_recorded_with_rows_and_duration(wh, settings, history) -> None:
    report = run(wh, settings, history, (proc("a", ok, (), ("t.a",)), proc("b", ok, ("t.a",), ("t.b",))))
    runs = history.recent_runs(5)
    assert runs[0]["run_id"] == report.run_id and runs[0]["status"] == "finished"
    assert runs[0]["category"] == "success" and runs[0]["rows_written"] == 14
    steps = history.steps(report.run_id)
    assert [s["step"] for s in steps] == ["a", "b"]
    assert all(s["duration_s"] is not None and s["date_start"] == "2025-11-05" for s in steps)


def test_a_step_over_its_time_limit_is_recorded_as_timeout(wh, settings, history) -> None:
    slow = Processor("slow", "analytics", ok, inputs=(), outputs=("t.s",), timeout_s=-1.0)
    report = run(wh, settings, history, (slow,))
    assert report.step("slow").category is Category.TIMEOUT


def test_a_dataset_may_have_several_producers_but_names_are_unique() -> None:
    deps = upstream((proc("a", ok, (), ("t.x",)), proc("b", ok, (), ("t.x",)), proc("c", ok, ("t.x",), ("t.c",))))
    assert deps["c"] == {"a", "b"}
    with pytest.raises(ValueError, match="duplicate processor names"):
        upstream((proc("a", ok, (), ("t.x",)), proc("a", ok, (), ("t.y",))))


def test_runs_command_lists_recent_runs(wh, settings, history, monkeypatch) -> None:
    report = run(wh, settings, history, (proc("a", ok, (), ("t.a",)),))
    monkeypatch.setenv("NBAPROPS_HOME", str(settings.home))
    listing = CliRunner().invoke(app, ["runs"])
    assert listing.exit_code == 0, listing.output
    assert report.run_id in listing.output
    detail = CliRunner().invoke(app, ["runs", report.run_id[:20]])
    assert detail.exit_code == 0 and "fine" in detail.output


def test_an_off_day_runs_cleanly_as_no_data(wh, settings, history) -> None:
    """The real registry on an empty warehouse: nothing to do is not a failure that pages anyone."""
    report = run_pipeline(wh, settings, history, DAY, DAY, options=RunOptions(isolation="inline"))
    assert not report.category.pages_a_human
    assert report.step("analytics.games").category is Category.NO_DATA
