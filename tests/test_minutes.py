"""Minutes played, from every format the sources write them in."""

import pandas as pd
import pytest

from nbaprops.ingest.csvfile import to_minutes
from nbaprops.ingest.records import minutes


@pytest.mark.parametrize(
    ("text", "expected"),
    [("34:12", 34.2), ("34", 34.0), ("34.5", 34.5), ("0:45", 0.75), ("48:00", 48.0), ("5:06.00", 5.1)],
)
def test_clock_and_decimal_minutes(text: str, expected: float) -> None:
    values, ok = to_minutes(pd.Series([text]))
    assert ok.iloc[0] and values.iloc[0] == pytest.approx(expected)


def test_bad_and_empty_minutes() -> None:
    values, ok = to_minutes(pd.Series(["abc", "", "-3"]))
    assert list(ok) == [False, True, False]
    assert pd.isna(values.iloc[1])


def test_every_source_format_reads_the_same() -> None:
    got = minutes(pd.Series(["PT34M12.00S", "34:12", 34.2, "PT00M00.00S", None]))
    assert got.iloc[:3].tolist() == pytest.approx([34.2, 34.2, 34.2])
    assert got.iloc[3] == 0.0 and pd.isna(got.iloc[4])
