"""docs/sources.md stays in step with the endpoint declarations it documents."""

from pathlib import Path

from typer.testing import CliRunner

from nbaprops.cli import app
from nbaprops.sources.catalog_doc import sources_markdown
from nbaprops.sources.scrape import load_catalog

DOC = Path(__file__).resolve().parents[1] / "docs" / "sources.md"


def test_sources_doc_matches_the_declarations() -> None:
    result = CliRunner().invoke(app, ["sources"])
    assert result.exit_code == 0, result.output
    generated = result.output.strip()
    documented = DOC.read_text(encoding="utf-8")
    assert generated in documented, "docs/sources.md is stale: paste in the tables `nbaprops sources` prints"


def test_every_endpoint_and_host_has_its_row() -> None:
    catalog = load_catalog()
    assert not catalog.broken
    table = sources_markdown(catalog)
    endpoints = [ep for provider in catalog.providers for ep in provider.endpoints]
    assert len(endpoints) == 37
    for ep in endpoints:
        assert table.count(f"| `{ep.key}` |") == 1, ep.key
    for host in ("stats.nba.com", "statsdmz.nba.com", "api.the-odds-api.com", "www.basketball-reference.com"):
        assert f"| `{host}` |" in table
    assert "| `stats.nba.com` | 30 |" in table and "| `www.basketball-reference.com` | 10 |" in table
    assert "`NBAPROPS_ODDS_API_KEY` (query `apiKey`)" in table
