"""The documentation generated from code stays in step with the code."""

from pathlib import Path

from typer.testing import CliRunner

from nbaprops.cli import app

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_registry_doc_matches_the_registry() -> None:
    generated = CliRunner().invoke(app, ["registry", "--markdown"]).output.strip()
    documented = (DOCS / "registry.md").read_text(encoding="utf-8")
    assert generated in documented, "docs/registry.md is stale: regenerate it with `nbaprops registry --markdown`"


def test_feature_doc_matches_the_contract() -> None:
    from nbaprops.features.contract import markdown

    documented = (DOCS / "features.md").read_text(encoding="utf-8")
    assert documented.strip() == markdown().strip(), "docs/features.md is stale: `nbaprops features contract`"


def test_readme_opens_with_the_two_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    commands = [line.strip() for line in readme.split("```")[1].splitlines() if line.strip()]
    assert commands[:2] == ["make demo", "make test"]
