"""The Dagster adapter: the registry as partitioned assets, retries and gate checks; one date materialized.

Dagster is an optional extra (in ``dev``, so ``make test`` installs it); these tests skip without it.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import make_settings
from nbaprops.config import Settings
from nbaprops.pipeline.categories import NoDataAvailable, ValidationFailed
from nbaprops.pipeline.gates import Gate
from nbaprops.pipeline.processor import Processor, StepContext, StepResult
from nbaprops.pipeline.registry import REGISTRY, upstream
from nbaprops.warehouse.db import Warehouse

dg = pytest.importorskip("dagster")
nd = pytest.importorskip("nbaprops.pipeline.dagster")

DAY = "2025-11-05"
PHASES = ("ingest", "analytics", "features")  # not sources (offline), not predictions (slow)


def _materialize(defs: dg.Definitions, settings: Settings, groups: tuple[str, ...] = (), **kwargs: object):
    """Materialize `defs` (or some of its groups) for DAY, in process, on `settings`' warehouse."""
    selection = dg.AssetSelection.groups(*groups) if groups else None
    return dg.materialize(
        [*defs.assets, *defs.asset_checks],  # type: ignore[misc]
        selection=selection,
        partition_key=DAY,
        resources={"warehouse": nd.WarehouseResource(path=settings.warehouse_path)},
        **kwargs,
    )


# ---------------------------------------------------------------------------- the mapping
def test_every_processor_is_a_partitioned_asset_with_its_deps_group_and_retries(tmp_path: Path) -> None:
    defs = nd.build_definitions(make_settings(tmp_path))
    graph = defs.resolve_asset_graph()
    deps = upstream(REGISTRY)
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == {p.name.replace(".", "/") for p in REGISTRY}
    for proc in REGISTRY:
        key = nd.asset_key(proc.name)
        assert key.path == proc.name.split(".")
        asset = defs.resolve_assets_def(key)
        spec = asset.specs_by_key[key]
        assert spec.group_name == proc.phase
        assert {d.asset_key for d in spec.deps} == {nd.asset_key(u) for u in deps[proc.name]}, proc.name
        assert spec.description == (proc.description or None)
        assert spec.metadata["critical"] is proc.critical and spec.metadata["timeout_s"] == proc.timeout_s
        assert (spec.metadata.get("expectation") is None) == (proc.expect is None)
        partitions = asset.partitions_def
        assert isinstance(partitions, dg.DailyPartitionsDefinition)
        assert partitions.start.date() == nd.FIRST_GAME_DATE and partitions.timezone == "America/New_York"
        assert asset.backfill_policy == dg.BackfillPolicy.multi_run(nd.BACKFILL_CHUNK_DAYS)
        policy = asset.op.retry_policy
        if proc.retries:
            assert policy == dg.RetryPolicy(
                max_retries=proc.retries, delay=proc.retry_backoff_s,
                backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS,
            )  # fmt: skip
        else:
            assert policy is None, proc.name
    # The sources retry (flaky networks); analytics.games depends on the schedule's producers.
    assert defs.resolve_assets_def(nd.asset_key("sources.nbacom")).op.retry_policy.max_retries == 2
    games = defs.resolve_assets_def(nd.asset_key("analytics.games")).specs_by_key[nd.asset_key("analytics.games")]
    assert nd.asset_key("analytics.team_game_summary") in {d.asset_key for d in games.deps}
    assert dg.Definitions.validate_loadable(defs) is None


@pytest.mark.parametrize(("mode", "blocking"), [("block", True), ("warn", False), ("off", None)])
def test_gates_are_asset_checks_blocking_in_block_mode(tmp_path: Path, mode: str, blocking: bool | None) -> None:
    defs = nd.build_definitions(make_settings(tmp_path, gate_mode=mode))
    specs = {(s.asset_key, s.name): s for check in defs.asset_checks for s in check.check_specs}  # type: ignore[union-attr]
    gated = {(nd.asset_key(p.name), g.name) for p in REGISTRY for g in p.gates}
    assert gated, "the registry has gates"
    if blocking is None:  # off: not evaluated, as in the runner
        assert specs == {}
        return
    assert set(specs) == gated
    assert {s.blocking for s in specs.values()} == {blocking}
    assert {s.key for s in specs.values()} <= defs.resolve_asset_graph().asset_check_keys


def test_a_gate_with_its_own_mode_overrides_the_setting(tmp_path: Path) -> None:
    procs = (_proc("t.a", gates=(Gate("strict", lambda wh, s, e: [], "", mode="block"),)),)
    defs = nd.build_definitions(make_settings(tmp_path, gate_mode="warn"), procs)
    (check,) = defs.asset_checks  # type: ignore[misc]
    assert [s.blocking for s in check.check_specs] == [True]


# ---------------------------------------------------------------------------- one real date
def test_materialize_one_date_of_the_demo_in_process(demo_copy: Settings) -> None:
    """Ingest, analytics and features for 2025-11-05 rebuild the rows we removed, gates checked."""
    day = date.fromisoformat(DAY)
    with Warehouse(demo_copy.warehouse_path) as wh:
        wh.execute("DELETE FROM features.player_game WHERE game_date = ?", [day])
        wh.execute("DELETE FROM analytics.player_game_summary WHERE game_date = ?", [day])
    defs = nd.build_definitions(demo_copy)
    result = _materialize(defs, demo_copy, PHASES)
    assert result.success
    materialized = {m.asset_key.to_user_string() for m in result.get_asset_materialization_events()}
    assert materialized == {p.name.replace(".", "/") for p in REGISTRY if p.phase in PHASES}
    meta = result.asset_materializations_for_node("features__player_game")[0].metadata
    assert meta["category"].value == "success" and meta["rows_written"].value > 200
    assert meta["window"].value == f"{DAY}..{DAY}"
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert set(checks) == {g.name for p in REGISTRY if p.phase in PHASES for g in p.gates}
    assert checks["players_per_final_game"] and checks["games_match_schedule"]
    with Warehouse(demo_copy.warehouse_path) as wh:
        assert wh.count("features.player_game", "game_date = ?", [day]) > 200
        assert wh.count("analytics.player_game_summary", "game_date = ?", [day]) > 200
        # the players of that date have their features, not just rows
        assert wh.count("features.player_game", "game_date = ? AND quality_tier <> 'low'", [day]) > 0


# ---------------------------------------------------------------------------- outcomes, on synthetic steps
def _proc(name: str, run=None, inputs: tuple[str, ...] = (), **kwargs: object) -> Processor:  # type: ignore[no-untyped-def]
    return Processor(name, "analytics", run or _ok, inputs=inputs, outputs=(name,), **kwargs)  # type: ignore[arg-type]


def _ok(ctx: StepContext) -> StepResult:
    return StepResult(1, "ok")


def test_outcomes_map_to_dagster_failures_retries_and_blocking_checks(tmp_path: Path) -> None:
    ran: list[str] = []

    def recorded(name: str, outcome=None):  # type: ignore[no-untyped-def]
        def run(ctx: StepContext) -> StepResult:
            ran.append(name)
            assert (ctx.start, ctx.end) == (date.fromisoformat(DAY), date.fromisoformat(DAY))
            if outcome is not None:
                outcome(len([n for n in ran if n == name]))
            return StepResult(3, f"{name} done")

        return run

    def no_data(attempt: int) -> None:
        raise NoDataAvailable("an off day")

    def flaky(attempt: int) -> None:
        if attempt == 1:
            raise ConnectionError("transient")

    def invalid(attempt: int) -> None:
        raise ValidationFailed("bad rows")

    bad = Gate("always_bad", lambda wh, s, e: ["2 rows are wrong"], "fails", mode="block")
    meh = Gate("meh", lambda wh, s, e: ["1 row looks odd"], "warns", mode="warn")
    procs = (
        _proc("t.gated", recorded("t.gated"), gates=(bad,)),
        _proc("t.after_gated", recorded("t.after_gated"), ("t.gated",)),
        _proc("t.warned", recorded("t.warned"), gates=(meh,)),
        _proc("t.after_warned", recorded("t.after_warned"), ("t.warned",)),
        _proc("t.no_data", recorded("t.no_data", no_data)),
        _proc("t.after_no_data", recorded("t.after_no_data"), ("t.no_data",)),
        _proc("t.flaky", recorded("t.flaky", flaky), retries=1, retry_backoff_s=0.01),
        _proc("t.invalid", recorded("t.invalid", invalid), retries=2, retry_backoff_s=0.01),
        _proc("t.after_invalid", recorded("t.after_invalid"), ("t.invalid",)),
    )
    settings = make_settings(tmp_path)
    defs = nd.build_definitions(settings, procs)
    result = _materialize(defs, settings, raise_on_error=False)
    assert not result.success
    # a failing blocking gate stops what depends on its asset; a warning does not
    assert "t.gated" in ran and "t.after_gated" not in ran
    assert "t.after_warned" in ran
    # no data materializes with its category and lets its dependants run
    assert "t.after_no_data" in ran
    meta = result.asset_materializations_for_node("t__no_data")[0].metadata
    assert meta["category"].value == "no_data_available"
    # an error is retried by the retry policy; a validation failure is not, and blocks its dependants
    assert ran.count("t.flaky") == 2
    assert result.asset_materializations_for_node("t__flaky")[0].metadata["category"].value == "success"
    assert ran.count("t.invalid") == 1 and "t.after_invalid" not in ran
    failures = {e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"}
    assert failures == {"t__invalid", "t__gated_always_bad"}


def test_a_partition_range_is_one_window(tmp_path: Path) -> None:
    """A backfill run over several dates gives the step the whole window, as the runner would."""
    windows: list[tuple[date, date]] = []

    def run(ctx: StepContext) -> StepResult:
        windows.append((ctx.start, ctx.end))
        return StepResult(1)

    settings = make_settings(tmp_path)
    defs = nd.build_definitions(settings, (_proc("t.a", run),))
    result = dg.materialize(
        list(defs.assets),  # type: ignore[arg-type]
        resources={"warehouse": nd.WarehouseResource(path=settings.warehouse_path)},
        tags={"dagster/asset_partition_range_start": "2025-11-03", "dagster/asset_partition_range_end": DAY},
    )
    assert result.success
    assert windows == [(date(2025, 11, 3), date(2025, 11, 5))]


def test_an_unpartitioned_run_is_refused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    defs = nd.build_definitions(settings, (_proc("t.a"),))
    result = dg.materialize(
        list(defs.assets),  # type: ignore[arg-type]
        resources={"warehouse": nd.WarehouseResource(path=settings.warehouse_path)},
        raise_on_error=False,
    )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "materialize a partition" in str(failure.event_specific_data.error.message)


# ---------------------------------------------------------------------------- an optional dependency
def test_module_level_defs_are_lazy_and_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBAPROPS_HOME", str(tmp_path))
    assert not isinstance(nd.defs, dg.Definitions)  # built only when Dagster loads the module
    defs = nd.defs()
    assert isinstance(defs, dg.Definitions)
    # scrapes run on their own, so a failed (optional) source cannot stop the day's pipeline run
    sources = defs.resolve_job_def("nbaprops_sources").asset_layer.selected_asset_keys
    daily = defs.resolve_job_def("nbaprops_daily").asset_layer.selected_asset_keys
    assert sources == {nd.asset_key(p.name) for p in REGISTRY if p.phase == "sources"}
    assert daily == {nd.asset_key(p.name) for p in REGISTRY if p.phase != "sources"}
    limit = sum(p.timeout_s * (1 + p.retries) for p in REGISTRY if p.phase == "sources")
    assert defs.resolve_job_def("nbaprops_sources").tags["dagster/max_runtime"] == str(int(limit))


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_the_cli_never_imports_dagster() -> None:
    done = _python(
        "import sys, nbaprops.cli\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0].startswith('dagster') or m.endswith('.dagster'))\n"
        "assert not loaded, loaded\n"
    )
    assert done.returncode == 0, done.stderr


def test_without_dagster_the_import_error_says_how_to_install_it() -> None:
    done = _python("import sys\nsys.modules['dagster'] = None\nimport nbaprops.pipeline.dagster\n")
    assert done.returncode != 0
    assert "ImportError" in done.stderr and "pip install 'nbaprops[dagster]'" in done.stderr
