"""The validator: every kind of problem, reported with file, row, column, value and what is allowed.

Rows are spreadsheet rows: the header is row 1, the first record row 2.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tierscope.graph.errors import BundleError
from tierscope.loaders.read import read_bundle
from tierscope.loaders.validate import check_bundle, validate_bundle

COMPANIES_HEAD = "id,name,kind,country,segment,parent_id,annual_spend\n"
FOCAL_ROW = "F,Focal AG,focal,DE,,,\n"
#: Drops every table but companies (pass to ``bundle_with`` and override what a test needs).
ONLY: dict[str, None] = dict.fromkeys(
    ["items", "bom", "supplies", "sites", "dependencies", "people", "relationships", "kpis"]
)


def problems_of(path: Path) -> list[str]:
    _, problems = check_bundle(read_bundle(path))
    return [str(p) for p in problems]


def test_tiny_bundle_is_valid_and_names_in_any_script_arrive_unchanged(tiny: Path) -> None:
    records = validate_bundle(tiny)
    names = dict(zip(records["companies"]["id"], records["companies"]["name"], strict=True))
    assert names["S1"] == "Shenzhen 华芯"
    assert names["S2"] == "شركة الخليج"
    assert names["L"] == "LogiCo 🚚"
    assert records["people"]["name"].tolist()[0] == "José Müller"
    assert records.counts()["supplies"] == 4
    assert records["companies"]["annual_spend"].dtype == float
    assert records["dependencies"]["critical"].tolist() == [True]


def test_missing_mandatory_file(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(companies=None)
    assert "companies.csv: is missing; every bundle needs it" in problems_of(path)


def test_other_files_are_optional(tmp_path: Path) -> None:
    (tmp_path / "companies.csv").write_text("id,name,kind,country\nF,Focal,focal,DE\n")
    records = validate_bundle(tmp_path)
    assert records.counts()["companies"] == 1
    assert records.counts()["supplies"] == 0


def test_missing_required_column(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(**ONLY, companies="id,name,kind\nF,Focal,focal\n")
    assert problems_of(path) == [
        "companies.csv, column country: required column is missing "
        "(required: id, name, kind, country)"
    ]


def test_wrong_types(tiny: Path) -> None:
    with (tiny / "companies.csv").open("a", encoding="utf-8") as f:
        f.write("A,Acme,supplier,CN,,,lots\n")
    (tiny / "supplies.csv").write_text(
        "supplier_id,buyer_id,item_id,lead_time_days\nA,F,B,two weeks\n"
    )
    (tiny / "dependencies.csv").write_text("dependent_id,provider_id,kind,critical\nF,A,it,maybe\n")
    assert problems_of(tiny) == [
        "companies.csv, row 8, column annual_spend: must be a number, got 'lots'",
        "supplies.csv, row 2, column lead_time_days: must be a number, got 'two weeks'",
        "dependencies.csv, row 2, column critical: must be true or false, got 'maybe'",
    ]


def test_whole_numbers_and_negative_values(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(
        companies="id,name,kind,country,declared_tier,recovery_days\n"
        "F,Focal,focal,DE,,\nA,Acme,supplier,CN,1.5,-3\n",
        **{k: v for k, v in ONLY.items() if k != "companies"},
    )
    assert problems_of(path) == [
        "companies.csv, row 3, column declared_tier: must be a whole number, got '1.5'",
        "companies.csv, row 3, column recovery_days: must not be negative, got '-3'",
    ]


def test_empty_and_duplicate_ids(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(
        companies=COMPANIES_HEAD + FOCAL_ROW + ",Nameless,supplier,CN,,,\n"
        "A,Acme,supplier,CN,,,\nA,Acme again,supplier,CN,,,\n",
        **{k: v for k, v in ONLY.items() if k != "companies"},
    )
    assert problems_of(path) == [
        "companies.csv, row 3, column id: must not be empty",
        "companies.csv, row 5, column id: duplicate id 'A'; first seen at row 4",
    ]


def test_unknown_references(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(
        supplies="supplier_id,buyer_id,item_id,site_id\nZZ,F,B,\nT,S1,NOPE,\nS1,F,B,NOSITE\n",
        relationships="person_id,company_id,role\nGHOST,S1,contact\n",
    )
    assert problems_of(path) == [
        "supplies.csv, row 2, column supplier_id: no company with id 'ZZ' "
        "(is it in companies.csv?)",
        "supplies.csv, row 3, column item_id: no item with id 'NOPE' (is it in items.csv?)",
        "supplies.csv, row 4, column site_id: no site with id 'NOSITE' (is it in sites.csv?)",
        "relationships.csv, row 2, column person_id: no person with id 'GHOST' "
        "(is it in people.csv?)",
    ]


def test_shares_out_of_range_and_over_allocated(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(
        supplies="supplier_id,buyer_id,item_id,share\n"
        "S1,F,B,0.7\nS2,F,B,0.5\nT,S1,X,1.7\nT,S2,X,-0.1\n"
    )
    assert problems_of(path) == [
        "supplies.csv, row 4, column share: must be between 0 and 1, got '1.7'",
        "supplies.csv, row 5, column share: must be between 0 and 1, got '-0.1'",
        "supplies.csv, row 2, column share: shares of item 'B' bought by 'F' sum to 1.2; "
        "they may sum to at most 1",
    ]


def test_shares_within_rounding_tolerance_pass(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(
        supplies="supplier_id,buyer_id,item_id,share\nS1,F,B,0.6667\nS2,F,B,0.3334\n"
    )
    assert problems_of(path) == []


def test_exactly_one_focal_company(bundle_with) -> None:  # type: ignore[no-untyped-def]
    none = bundle_with(
        companies=COMPANIES_HEAD + "F,Focal AG,supplier,DE,,,\n",
        **ONLY,
    )
    assert problems_of(none) == [
        "companies.csv, column kind: no company has kind 'focal'; exactly one must "
        "(the company whose ecosystem this is)"
    ]
    two = bundle_with(
        companies=COMPANIES_HEAD + FOCAL_ROW + "G,Other,focal,DE,,,\n",
        **ONLY,
    )
    assert problems_of(two) == [
        "companies.csv, row 3, column kind: company 'G' is a second focal company; exactly one "
        "company may have kind 'focal' (found 2: F, G)"
    ]


def test_unknown_kind_segment_and_role(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(
        companies=COMPANIES_HEAD + FOCAL_ROW + "A,Acme,vendor,CN,gold,,\n",
        items="id,name,kind\nP,Prod,gadget\n",
        supplies=None,
        bom=None,
        sites=None,
        dependencies=None,
        kpis=None,
        people="id,name,company_id\nP1,Ann,F\n",
        relationships="person_id,company_id,role\nP1,A,champion\n",
    )
    assert problems_of(path) == [
        "companies.csv, row 3, column kind: must be one of focal, supplier, distributor, "
        "customer, service_provider, got 'vendor'",
        "companies.csv, row 3, column segment: must be one of strategic, leverage, bottleneck, "
        "routine, got 'gold'",
        "items.csv, row 2, column kind: must be one of product, component, material, service, "
        "got 'gadget'",
        "relationships.csv, row 2, column role: must be one of sponsor, contact, got 'champion'",
    ]


def test_enumerations_accept_any_case(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(
        companies=COMPANIES_HEAD + "F,Focal,Focal,DE,,,\nS1,A,SUPPLIER,CN,Strategic,,\n"
        "S2,B,supplier,TW,,,\nT,C,supplier,JP,,,\nL,D,supplier,NL,,,\nG,E,supplier,US,,,\n"
    )
    records = validate_bundle(path)
    assert records["companies"]["kind"].tolist()[:2] == ["focal", "supplier"]
    assert records["companies"]["segment"].tolist()[1] == "strategic"


def test_company_supplying_itself(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(supplies="supplier_id,buyer_id,item_id\nS1,F,B\nT,T,X\n")
    assert problems_of(path) == [
        "supplies.csv, row 3, column buyer_id: a company cannot supply itself, got 'T'"
    ]


def test_bill_of_materials_cycle(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(bom="parent_id,child_id\nP,B\nB,X\nX,P\n")
    assert problems_of(path) == [
        "bom.csv, row 2, column child_id: bill of materials cycle: P -> B -> X -> P; "
        "it must not loop"
    ]


def test_sponsor_and_contact_must_work_at_the_right_company(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(relationships="person_id,company_id,role\nP2,S1,sponsor\nP1,S1,contact\n")
    assert problems_of(path) == [
        "relationships.csv, row 2, column person_id: sponsor 'P2' works at 'S1'; a sponsor "
        "must be a person of the focal company 'F'",
        "relationships.csv, row 3, column person_id: contact 'P1' works at 'F'; a contact "
        "must be a person of the partner 'S1'",
    ]


def test_supply_site_must_belong_to_the_supplier(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(supplies="supplier_id,buyer_id,item_id,site_id\nS2,F,B,S1-SZ\n")
    assert problems_of(path) == [
        "supplies.csv, row 2, column site_id: site 'S1-SZ' belongs to company 'S1', "
        "not to the supplier 'S2'"
    ]


def test_company_and_site_ids_do_not_collide(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(sites="id,company_id,country\nS1-SZ,S1,CN\nT,S1,CN\n")
    assert problems_of(path) == [
        "sites.csv, row 3, column id: id 'T' is also a company id; companies and sites need "
        "distinct ids"
    ]


def test_unknown_file_and_reserved_column(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(
        suppliers="a\n1\n",
        items="id,name,kind,tier\nP,Prod,product,1\n"
        "B,B,component,\nH,H,component,\nX,X,component,\n",
    )
    assert problems_of(path) == [
        "suppliers.csv: unknown file; the files of a bundle are bom.csv, companies.csv, "
        "dependencies.csv, items.csv, kpis.csv, people.csv, relationships.csv, sites.csv, "
        "supplies.csv",
        "items.csv, row 1, column tier: is a reserved name tierscope computes; rename it",
    ]


def test_every_problem_is_reported_at_once(bundle_with) -> None:  # type: ignore[no-untyped-def]
    path = bundle_with(
        supplies="supplier_id,buyer_id,item_id,share\nS1,F,B,2\nZZ,F,B,\nT,T,X,\n",
        bom="parent_id,child_id\nP,B\nB,P\n",
    )
    with pytest.raises(BundleError) as info:
        validate_bundle(path)
    assert len(info.value.problems) == 4
    assert str(info.value).startswith(f"{path}: 4 problems: supplies.csv, row 2, column share")


def test_workbook_holds_the_same_bundle(tiny: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "bundle.xlsx"
    with pd.ExcelWriter(xlsx) as writer:
        for csv in sorted(tiny.glob("*.csv")):
            pd.read_csv(csv, dtype=str, keep_default_na=False).to_excel(
                writer, sheet_name=csv.stem, index=False
            )
    assert validate_bundle(xlsx).canonical() == validate_bundle(tiny).canonical()


def test_workbook_problems_name_the_sheet(tmp_path: Path) -> None:
    xlsx = tmp_path / "bad.xlsx"
    pd.DataFrame(
        {
            "id": ["F"],
            "name": ["Focal"],
            "kind": ["focal"],
            "country": ["DE"],
            "annual_spend": ["x"],
        }
    ).to_excel(xlsx, sheet_name="companies", index=False)
    assert problems_of(xlsx) == [
        "sheet companies, row 2, column annual_spend: must be a number, got 'x'"
    ]


def test_malformed_csv_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "companies.csv").write_bytes(b"id,name,kind,country\nF,\xff\xfe,focal,DE\n")
    assert problems_of(tmp_path) == ["companies.csv: is not UTF-8 text (byte 23); save it as UTF-8"]


def test_path_that_is_not_a_bundle(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    assert problems_of(missing) == [f"{missing}: no such file or folder"]


def test_zip_holds_the_same_bundle(tiny: Path, tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for csv in sorted(tiny.glob("*.csv")):
            zf.write(csv, f"export/{csv.name}")
    assert validate_bundle(archive).canonical() == validate_bundle(tiny).canonical()
