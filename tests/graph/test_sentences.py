"""The register's sentences: what a person would write about each planted risk of
the demo (tierscope/loaders/demo/README.md), word for word; short, with the
whole chain kept in the structured evidence."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from randomnets import networks

from tierscope.graph.analysis import sentences
from tierscope.graph.analysis.run import Analysis, analyze
from tierscope.graph.projection import Projection, projection_from_records
from tierscope.loaders.bundle import demo_bundle_path, read_valid_bundle

PLANTED = {
    ("single_point_of_failure", "NORDKAP"): (
        "Nordkap Logistics SE (NORDKAP), a logistics provider, alone stops all 8 products "
        "(P-C5CPU, P-IO16, P-MS20 and 5 more): we depend on it critically for logistics. "
        "It takes 30 days to recover (assumed)."
    ),
    ("single_point_of_failure", "TKS"): (
        "Taiwan Kinetic Semiconductor Co., Ltd. (TKS), a tier-2 supplier, alone stops P-NX400 "
        "and P-NX750: both our suppliers of C-PCBA-DRV, KESTREL and PENANG, buy C-ASIC-MC only "
        "from it, from its TKS Fab 3 Hsinchu and TKS Fab 5 Tainan sites. It takes 30 days to "
        "recover (assumed)."
    ),
    ("single_point_of_failure", "QUBIT"): (
        "Qubit Systems Oy (QUBIT), a tier-1 supplier, alone stops P-C5CPU and P-VP07: we buy "
        "SV-RTOS only from it. It takes 60 days to recover."
    ),
    ("single_point_of_failure", "FEINGUSS"): (
        "Feinguss Thüringen GmbH (FEINGUSS), a tier-1 supplier, alone stops P-MS20: we buy "
        "C-HSG-ENC only from it, from its Feinguss Thüringen Suhl foundry site. It takes 30 "
        "days to recover (assumed)."
    ),
    ("single_point_of_failure", "SITE-FEINGUSS-SUHL"): (
        "Feinguss Thüringen Suhl foundry (SITE-FEINGUSS-SUHL), a site of FEINGUSS in DE, alone "
        "stops P-MS20: we buy C-HSG-ENC only from FEINGUSS, which works from this site only. "
        "It takes 90 days to recover."
    ),
    ("country_outage", "TW"): "An outage in TW alone stops P-NX400 and P-NX750.",
    ("country_outage", "CN"): "An outage in CN alone stops P-MS20.",
    ("hidden_concentration", "CN"): (
        "CN supplies 100% of the M-DY, 94% of the M-NDPR-OXIDE and 72% of the M-NDFEB in "
        "P-MS20, though none of our direct suppliers is in CN."
    ),
    ("convergence", "NIJMEGEN"): (
        "Both KESTREL and PENANG, our tier-1 suppliers, cannot deliver without NIJMEGEN, a "
        "tier-2 supplier; 6 products get at least half of an input through it."
    ),
    ("coverage_no_sponsor", "DAEHAN"): (
        "DAEHAN, a strategic partner carrying 55% of an input of a product, has no executive "
        "sponsor."
    ),
    ("coverage_no_sponsor", "TKS"): (
        "TKS, a tier-2 supplier that alone stops P-NX400 and P-NX750, has no executive sponsor."
    ),
    ("coverage_few_contacts", "FEINGUSS"): (
        "FEINGUSS, a bottleneck partner that alone stops P-MS20, has only one contact "
        "(PER-FEINGUSS-1): the relationship rests on one person."
    ),
    ("coverage_few_contacts", "TKS"): (
        "TKS, a tier-2 supplier that alone stops P-NX400 and P-NX750, has no named contact: "
        "the relationship rests on nobody."
    ),
}


@pytest.fixture(scope="module")
def demo() -> Analysis:
    records, snapshot = read_valid_bundle(demo_bundle_path())
    return analyze(projection_from_records(records, snapshot))


@pytest.mark.parametrize("key", sorted(PLANTED), ids=lambda k: f"{k[0]}:{k[1]}")
def test_the_sentence_of_each_planted_risk(demo: Analysis, key: tuple[str, str]) -> None:
    found = {(f.kind, f.subject_id): f.sentence for f in demo.register}
    assert found[key] == PLANTED[key]


def test_every_demo_sentence_is_short_and_the_chain_stays_in_the_evidence(
    demo: Analysis,
) -> None:
    assert max(len(f.sentence) for f in demo.register) <= 300
    tks = next(
        f for f in demo.register if (f.kind, f.subject_id) == ("single_point_of_failure", "TKS")
    )
    # the sentence merges the two chains; the evidence keeps every step of both
    assert tks.evidence["path"] == ["TKS", "KESTREL", "NORVIK", "P-NX400"]
    assert tks.evidence["steps"] == [
        "NORVIK needs C-PCBA-DRV to make P-NX400.",
        "NORVIK buys C-PCBA-DRV from KESTREL (60%), PENANG (40%), and every one of them depends on TKS.",
        "KESTREL needs C-ASIC-MC to make C-PCBA-DRV.",
        "TKS (shipping from site SITE-TKS-HSINCHU) is the only supplier of C-ASIC-MC to KESTREL.",
        "TKS fails.",
        "PENANG needs C-ASIC-MC to make C-PCBA-DRV.",
        "TKS (shipping from site SITE-TKS-TAINAN) is the only supplier of C-ASIC-MC to PENANG.",
    ]


@settings(max_examples=300, deadline=None)
@given(g=networks(facts=True))
def test_every_sentence_is_a_short_sentence_on_random_networks(g: Projection) -> None:
    for f in analyze(g).register:
        assert f.sentence.endswith(".") and len(f.sentence) <= 400, f.sentence
        assert "  " not in f.sentence and " ," not in f.sentence
        if f.kind == "single_point_of_failure":
            assert f.sentence.startswith(f"{f.subject_id}, ") and " alone stops " in f.sentence


def test_the_sentence_helpers_examples() -> None:
    result = doctest.testmod(sentences)
    assert result.attempted >= 3 and result.failed == 0
