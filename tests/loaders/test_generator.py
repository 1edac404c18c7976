"""The synthetic bundle generator: deterministic, valid, shaped like a real partner ecosystem."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from tierscope.graph.schema import TABLES
from tierscope.loaders.generator import GeneratedBundle, generate
from tierscope.loaders.validate import validate_bundle

SIZES = (10, 200, 5000)


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[int, GeneratedBundle]:
    root = tmp_path_factory.mktemp("generated")
    return {n: generate(n, 1, root / f"n{n}") for n in SIZES}


def read(bundle: GeneratedBundle, table: str) -> pd.DataFrame:
    """A file as text, exactly as written (empty cells are empty strings)."""
    return pd.read_csv(bundle.path / f"{table}.csv", dtype=str, keep_default_na=False)


def num(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column.replace("", np.nan))


def focal_of(companies: pd.DataFrame) -> str:
    focal = companies.loc[companies["kind"] == "focal", "id"]
    assert len(focal) == 1
    return str(focal.iloc[0])


# -- determinism and arguments -----------------------------------------------------------
def test_same_seed_gives_identical_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    a = generate(300, 42, tmp_path / "a")
    b = generate(300, 42, tmp_path / "b")
    c = generate(300, 43, tmp_path / "c")
    assert a.counts == b.counts
    for t in TABLES:
        assert (a.path / t.filename).read_bytes() == (b.path / t.filename).read_bytes(), t.name
    differing = [
        t.name
        for t in TABLES
        if (a.path / t.filename).read_bytes() != (c.path / t.filename).read_bytes()
    ]
    assert {"companies", "supplies", "sites", "people"} <= set(differing)


@pytest.mark.parametrize("companies", [9, 0, -5, 1_000_001])
def test_company_count_out_of_range(tmp_path: Path, companies: int) -> None:
    with pytest.raises(ValueError, match=r"companies must be between 10 and 1,000,000, got"):
        generate(companies, 1, tmp_path)
    assert not list(tmp_path.iterdir())


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"companies must be a whole number, got 12\.5"):
        generate(12.5, 1, tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"seed must be a non-negative whole number, got -1"):
        generate(100, -1, tmp_path)


def test_progress_is_reported(tmp_path: Path) -> None:
    said: list[str] = []
    generate(50, 1, tmp_path, progress=said.append)
    assert "writing supplies.csv" in said
    assert any(m.startswith("supply chain level 4") for m in said)


# -- format ----------------------------------------------------------------------------
@pytest.mark.parametrize("n", SIZES)
def test_files_have_exactly_the_schema_columns(bundles: dict[int, GeneratedBundle], n: int) -> None:
    bundle = bundles[n]
    assert list(bundle.counts) == [t.name for t in TABLES]
    for t in TABLES:
        frame = read(bundle, t.name)
        assert tuple(frame.columns) == t.column_names, t.name
        assert len(frame) == bundle.counts[t.name], t.name
    assert bundle.counts["companies"] == n


def test_booleans_and_numbers_are_plain(bundles: dict[int, GeneratedBundle]) -> None:
    bundle = bundles[5000]
    assert set(read(bundle, "dependencies")["critical"]) == {"true", "false"}
    assert set(read(bundle, "relationships")["primary"]) == {"true", "false", ""}
    assert set(read(bundle, "kpis")["higher_is_better"]) == {"true", "false"}
    for table, column in [
        ("supplies", "share"),
        ("supplies", "annual_spend"),
        ("sites", "lat"),
        ("bom", "quantity"),
        ("companies", "annual_spend"),
    ]:
        text = read(bundle, table)[column]
        text = text[text != ""]
        assert text.str.fullmatch(r"-?\d+(\.\d+)?").all(), (table, column)


@pytest.mark.parametrize("n", [200, 5000])
def test_generated_bundles_validate(bundles: dict[int, GeneratedBundle], n: int) -> None:
    records = validate_bundle(bundles[n].path)
    assert records.counts() == bundles[n].counts


@pytest.mark.parametrize("n", [10, 11, 13, 17, 23, 31, 47, 64, 99])
def test_small_bundles_validate(tmp_path: Path, n: int) -> None:
    for seed in range(3):
        validate_bundle(generate(n, seed, tmp_path / f"s{seed}").path)


# -- validity the hard way (independent of the validator) ---------------------------------
@pytest.mark.parametrize("n", SIZES)
def test_references_and_keys(bundles: dict[int, GeneratedBundle], n: int) -> None:
    b = bundles[n]
    companies, sites, items = read(b, "companies"), read(b, "sites"), read(b, "items")
    supplies, people = read(b, "supplies"), read(b, "people")
    ids = set(companies["id"])
    assert companies["id"].is_unique and sites["id"].is_unique and items["id"].is_unique
    assert not ids & set(sites["id"])
    assert set(supplies["supplier_id"]) | set(supplies["buyer_id"]) <= ids
    assert set(supplies["item_id"]) <= set(items["id"])
    assert (supplies["supplier_id"] != supplies["buyer_id"]).all()
    key = ["supplier_id", "buyer_id", "item_id", "site_id"]
    assert not supplies.duplicated(key).any()
    owner = dict(zip(sites["id"], sites["company_id"], strict=True))
    shipped = supplies[supplies["site_id"] != ""]
    assert len(shipped) > 0.3 * len(supplies) or n == 10
    assert (shipped["site_id"].map(owner) == shipped["supplier_id"]).all()
    parents = companies.loc[companies["parent_id"] != "", "parent_id"]
    assert set(parents) <= ids
    assert set(people["company_id"]) <= ids


@pytest.mark.parametrize("n", SIZES)
def test_exactly_one_focal_and_no_orphans(bundles: dict[int, GeneratedBundle], n: int) -> None:
    b = bundles[n]
    companies, supplies = read(b, "companies"), read(b, "supplies")
    deps = read(b, "dependencies")
    focal = focal_of(companies)
    flow: nx.DiGraph[str] = nx.DiGraph()
    flow.add_nodes_from(companies["id"])
    flow.add_edges_from(zip(supplies["supplier_id"], supplies["buyer_id"], strict=True))
    reached = nx.ancestors(flow, focal) | {focal}  # supply chains into the focal company
    reached |= set(supplies.loc[supplies["supplier_id"] == focal, "buyer_id"])  # customers
    served = nx.DiGraph(list(zip(deps["dependent_id"], deps["provider_id"], strict=True)))
    for dependent in list(reached & set(served)):
        reached |= nx.descendants(served, dependent)  # providers of reached companies
    assert set(companies["id"]) - reached == set()
    kinds = companies.set_index("id")["kind"]
    upstream = nx.ancestors(flow, focal)
    assert set(kinds[kinds.isin(["supplier", "distributor"])].index) <= upstream


@pytest.mark.parametrize("n", SIZES)
def test_shares_sum_to_one(bundles: dict[int, GeneratedBundle], n: int) -> None:
    supplies = read(bundles[n], "supplies")
    share = num(supplies["share"])
    assert share.between(0, 1).all()
    sums = share.groupby([supplies["buyer_id"], supplies["item_id"]]).sum()
    assert np.abs(sums - 1).max() < 1e-9


@pytest.mark.parametrize("n", SIZES)
def test_bom_is_acyclic_and_layered(bundles: dict[int, GeneratedBundle], n: int) -> None:
    b = bundles[n]
    bom, items = read(b, "bom"), read(b, "items")
    graph = nx.DiGraph(list(zip(bom["parent_id"], bom["child_id"], strict=True)))
    assert nx.is_directed_acyclic_graph(graph)
    kind = items.set_index("id")["kind"]
    assert set(kind[bom["parent_id"]]) == {"product", "component"}
    assert "material" not in set(kind[bom["parent_id"]])
    assert set(items["id"]) <= set(graph)  # every item is in the bill of materials
    products = items[items["kind"] == "product"]
    assert products["revenue_per_day"].ne("").all() and products["inventory_days"].ne("").all()


# -- shape -----------------------------------------------------------------------------
@pytest.mark.parametrize("n", [200, 5000])
def test_tiers_grow_with_depth(bundles: dict[int, GeneratedBundle], n: int) -> None:
    b = bundles[n]
    companies, supplies = read(b, "companies"), read(b, "supplies")
    focal = focal_of(companies)
    tier1 = supplies.loc[supplies["buyer_id"] == focal, "supplier_id"].nunique()
    assert 0.7 * n**0.6 <= tier1 <= 1.3 * n**0.6
    declared = num(companies["declared_tier"]).value_counts()
    assert declared[1] < declared[2] < declared[3] < declared[4]
    products = (read(b, "items")["kind"] == "product").sum()
    assert 5 <= products <= 15


def test_about_five_supply_rows_per_company(bundles: dict[int, GeneratedBundle]) -> None:
    b = bundles[5000]
    assert 4.5 <= b.counts["supplies"] / b.counts["companies"] <= 5.5


def test_sole_dual_and_multi_sourcing(bundles: dict[int, GeneratedBundle]) -> None:
    supplies = read(bundles[5000], "supplies")
    sources = supplies.groupby(["buyer_id", "item_id"]).size()
    sole, dual = (sources == 1).mean(), (sources == 2).mean()
    multi = (sources >= 3).mean()
    assert 0.35 <= sole <= 0.55
    assert 0.25 <= dual <= 0.45
    assert 0.10 <= multi <= 0.30


def test_fan_in_of_deep_suppliers_is_heavy_tailed(bundles: dict[int, GeneratedBundle]) -> None:
    b = bundles[5000]
    companies, supplies = read(b, "companies"), read(b, "supplies")
    deep = set(companies.loc[num(companies["declared_tier"]) >= 3, "id"])
    fan_in = supplies[supplies["supplier_id"].isin(deep)].groupby("supplier_id")["buyer_id"]
    buyers = fan_in.nunique()
    assert buyers.max() >= 10 * buyers.median()
    assert len(buyers) == len(deep)  # and every deep supplier has a buyer


def test_partner_kinds_groups_and_sites(bundles: dict[int, GeneratedBundle]) -> None:
    b = bundles[5000]
    companies, sites, deps = read(b, "companies"), read(b, "sites"), read(b, "dependencies")
    kinds = companies["kind"].value_counts()
    assert kinds["distributor"] > 0 and kinds["service_provider"] > 0
    assert 2 <= kinds["customer"] <= 40
    groups = companies.loc[companies["parent_id"] != "", "parent_id"].value_counts()
    assert len(groups) >= 5 and groups.max() >= 3  # groups have several subsidiaries
    assert set(groups.index).isdisjoint(set(companies.loc[companies["parent_id"] != "", "id"]))
    per_company = sites["company_id"].value_counts()
    assert per_company.max() <= 6 and len(per_company) < len(companies)
    assert sites["country"].nunique() >= 30
    assert (deps["critical"] == "true").any() and (deps["critical"] == "false").any()
    seg = companies.loc[num(companies["declared_tier"]) <= 2, "segment"]
    assert set(seg) == {"strategic", "leverage", "bottleneck", "routine"}


def test_some_countries_dominate_materials(bundles: dict[int, GeneratedBundle]) -> None:
    b = bundles[5000]
    companies, supplies, items = read(b, "companies"), read(b, "supplies"), read(b, "items")
    country = companies.set_index("id")["country"]
    materials = set(items.loc[items["kind"] == "material", "id"])
    rows = supplies[supplies["item_id"].isin(materials)]
    top = (
        rows["supplier_id"]
        .map(country)
        .groupby(rows["item_id"])
        .agg(lambda c: c.value_counts(normalize=True).iloc[0])
    )
    assert top.median() >= 0.4


def test_sponsors_contacts_and_kpis(bundles: dict[int, GeneratedBundle]) -> None:
    b = bundles[5000]
    companies, people = read(b, "companies"), read(b, "people")
    rel, kpis = read(b, "relationships"), read(b, "kpis")
    focal = focal_of(companies)
    employer = people.set_index("id")["company_id"]
    sponsors, contacts = rel[rel["role"] == "sponsor"], rel[rel["role"] == "contact"]
    assert (sponsors["person_id"].map(employer) == focal).all()
    assert (contacts["person_id"].map(employer) == contacts["company_id"]).all()
    assert (contacts.groupby("company_id")["primary"].agg(lambda p: (p == "true").sum()) == 1).all()
    supplies, deps = read(b, "supplies"), read(b, "dependencies")
    tier1 = set(supplies.loc[supplies["buyer_id"] == focal, "supplier_id"])
    tier1 |= set(deps.loc[deps["dependent_id"] == focal, "provider_id"])  # direct services
    segment = companies.set_index("id")["segment"]
    strategic = {c for c in tier1 if segment[c] == "strategic"}
    assert len(set(sponsors["company_id"]) & strategic) >= 0.7 * len(strategic) > 0
    assert len(set(contacts["company_id"]) & tier1) >= 0.8 * len(tier1)
    assert set(kpis["company_id"]) <= strategic
    assert (kpis.groupby("company_id").size() == 8).all()


def test_names_exercise_unicode(bundles: dict[int, GeneratedBundle]) -> None:
    names = read(bundles[200], "companies")["name"]
    scripts = names.str.contains(r"[\u0400-\u04FF\u0600-\u06FF\u3040-\u30FF\u4E00-\u9FFF]")
    emoji = names.str.contains("[\U0001f300-\U0001faff\u2600-\u27bf]")
    assert scripts.any() and emoji.any()
    assert scripts.mean() < 0.05
    assert names.str.fullmatch(r"[A-Z][\w .,'-]+").mean() > 0.9  # most are plain readable names
