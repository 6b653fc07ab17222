"""The daemon fires each window at its Eastern time, for the right game day, and stops cleanly."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from nbaprops.pipeline.daemon import WINDOWS, Firing, next_firing, run_forever


def test_a_day_of_windows_in_order() -> None:
    now = datetime(2025, 11, 5, 5, 0)  # midnight Eastern (EST, UTC-5)
    fired = []
    for _ in range(6):
        firing = next_firing(now)
        fired.append((firing.window.name, firing.at_utc, firing.game_day))
        now = firing.at_utc
    assert fired == [
        ("results", datetime(2025, 11, 5, 6, 30), date(2025, 11, 4)),  # 1:30 am: yesterday's box scores
        ("grading", datetime(2025, 11, 5, 13, 0), date(2025, 11, 4)),  # 8 am: grade yesterday, heal
        ("lines", datetime(2025, 11, 5, 15, 0), date(2025, 11, 5)),  # 10 am, 1 pm, 4 pm, 6:30 pm: tonight
        ("lines", datetime(2025, 11, 5, 18, 0), date(2025, 11, 5)),
        ("lines", datetime(2025, 11, 5, 21, 0), date(2025, 11, 5)),
        ("lines", datetime(2025, 11, 5, 23, 30), date(2025, 11, 5)),
    ]


def test_windows_follow_daylight_saving_time() -> None:
    summer = next_firing(datetime(2025, 6, 1, 12, 0))  # 8 am EDT is 12:00 UTC
    assert summer.at_utc.hour in {13, 14}
    assert next_firing(datetime(2025, 6, 1, 11, 59)).at_utc == datetime(2025, 6, 1, 12, 0)


def test_the_loop_sleeps_until_each_window_and_runs_it() -> None:
    clock = {"now": datetime(2025, 11, 5, 12, 0)}
    slept: list[float] = []
    fired: list[Firing] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock["now"] += timedelta(seconds=seconds)

    count = run_forever(None, None, now=lambda: clock["now"], sleep=sleep, max_firings=3,  # type: ignore[arg-type]
                        on_fire=fired.append)  # fmt: skip
    assert count == 3
    assert [f.window.name for f in fired] == ["grading", "lines", "lines"]
    assert all(s <= 60 for s in slept) and sum(slept) >= 3 * 3600  # woke every minute at most, waited hours


def test_each_window_runs_the_right_part_of_the_registry() -> None:
    names = {w.name: w.names() for w in WINDOWS}
    assert "sources.odds_api" in names["lines"] and "features.player_game" in names["lines"]
    assert not any(n.startswith("grading.") for n in names["lines"])
    assert not any(n.startswith(("predictions.", "grading.")) for n in names["results"])
    assert "grading.player_props" in names["grading"] and not any(n.startswith("sources.") for n in names["grading"])
