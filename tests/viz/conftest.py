"""Fixtures of the view and report tests: the demo and an ecosystem with hostile names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from browser import INJECTIONS

from tierscope.graph.ecosystem import Ecosystem
from tierscope.graph.projection import projection_from_records
from tierscope.loaders.bundle import demo_bundle_path, read_valid_bundle


@pytest.fixture(scope="session")
def demo_eco() -> Ecosystem:
    records, snapshot = read_valid_bundle(demo_bundle_path())
    return Ecosystem.build(projection_from_records(records, snapshot))


@pytest.fixture(scope="session")
def injected_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with hostile company, item and person names."""
    out = tmp_path_factory.mktemp("injected") / "bundle"
    shutil.copytree(demo_bundle_path(), out)
    companies = pd.read_csv(out / "companies.csv", dtype=str, keep_default_na=False)
    for cid, name in INJECTIONS.items():
        companies.loc[companies["id"] == cid, "name"] = name
    companies.to_csv(out / "companies.csv", index=False)
    items = pd.read_csv(out / "items.csv", dtype=str, keep_default_na=False)
    items.loc[0, "name"] = "<b onmouseover=alert(2)>bold</b>"
    items.to_csv(out / "items.csv", index=False)
    people = pd.read_csv(out / "people.csv", dtype=str, keep_default_na=False)
    people.loc[0, "name"] = "<svg onload=alert(3)>"
    people.to_csv(out / "people.csv", index=False)
    return out


@pytest.fixture(scope="session")
def injected_eco(injected_bundle: Path) -> Ecosystem:
    records, snapshot = read_valid_bundle(injected_bundle)
    return Ecosystem.build(projection_from_records(records, snapshot))
