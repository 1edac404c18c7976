"""The explorer's catalogue of the demo (no server): made once per ecosystem, warmed in a
thread, and the sentences whose ids become links."""

from __future__ import annotations

import pytest

from tierscope.api.explorer.catalogue import PICTURES_KEPT, catalogue, warm
from tierscope.api.explorer.tables import Ref, Sentence, linked
from tierscope.graph.ecosystem import Ecosystem
from tierscope.graph.projection import projection_from_records
from tierscope.loaders.bundle import demo_bundle_path, read_valid_bundle


@pytest.fixture(scope="module")
def eco() -> Ecosystem:
    records, snapshot = read_valid_bundle(demo_bundle_path())
    return Ecosystem.build(projection_from_records(records, snapshot))


def test_one_catalogue_per_ecosystem_warmed_with_every_supply_tree(eco: Ecosystem) -> None:
    warm(lambda: eco).join(timeout=120)
    cat = catalogue(eco)
    assert catalogue(eco) is cat
    assert set(eco.trees) == set(eco.ctx.model.products)
    assert "search" in cat.__dict__  # the search index was made by the thread
    # and the items along every product's links, which a path page reads
    assert set(cat._tree_items) == set(eco.ctx.model.products)
    other = Ecosystem.of(eco.ctx, eco.analysis)
    assert catalogue(other) is not cat and catalogue(other).eco is other


def test_a_failed_warm_up_is_left_to_the_first_page(eco: Ecosystem) -> None:
    def broken() -> Ecosystem:
        raise RuntimeError("database down")

    thread = warm(broken)
    thread.join(timeout=30)
    assert not thread.is_alive()


def test_ids_in_a_sentence_become_links_and_the_rest_stays_text(eco: Ecosystem) -> None:
    s = linked(
        eco,
        "TKS (shipping from site SITE-TKS-HSINCHU) is the only supplier of C-ASIC-MC to KESTREL.",
    )
    refs = [p for p in s.parts if isinstance(p, Ref)]
    assert [(r.kind, r.id) for r in refs] == [
        ("company", "TKS"),
        ("site", "SITE-TKS-HSINCHU"),
        ("item", "C-ASIC-MC"),
        ("company", "KESTREL"),
    ]
    assert (
        str(s)
        == "TKS (shipping from site SITE-TKS-HSINCHU) is the only supplier of C-ASIC-MC to KESTREL."
    )
    assert linked(eco, "nothing known here") == Sentence(("nothing known here",))
    assert [p.href for p in linked(eco, "P-NX400 stops").parts if isinstance(p, Ref)] == [
        "/products/P-NX400"
    ]


def test_a_picture_is_made_once_and_the_least_recently_used_goes_first(eco: Ecosystem) -> None:
    cat = catalogue(eco)
    made: list[tuple[str, int]] = []

    def make(key: tuple[str, int]) -> str:
        made.append(key)
        return f"<html>{key}</html>"

    first = ("product", 0)
    assert cat.picture(first, lambda: make(first)) == "<html>('product', 0)</html>"
    assert cat.picture(first, lambda: make(first)) == "<html>('product', 0)</html>"
    assert made == [first]
    for i in range(1, PICTURES_KEPT):
        cat.picture(("product", i), lambda i=i: make(("product", i)))
    cat.picture(first, lambda: make(first))  # used again: now the most recent
    cat.picture(("product", PICTURES_KEPT), lambda: make(("product", PICTURES_KEPT)))
    assert made.count(first) == 1  # kept: ("product", 1) went instead
    cat.picture(("product", 1), lambda: make(("product", 1)))
    assert made.count(("product", 1)) == 2
