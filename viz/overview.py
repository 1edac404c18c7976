"""The explorer's overview: every company, tiers as layers.

Colour by risk or segment, size by revenue at stake; above ``AGGREGATE_ABOVE``
companies, one node per (tier, country) that opens into its members (the page
draws a group's companies and their links when it is clicked).
"""

from __future__ import annotations

import base64
import math
from collections import Counter, defaultdict
from typing import Any

import numpy as np
import pandas as pd

from tierscope.graph.analysis.register import SEVERITIES
from tierscope.graph.ecosystem import Ecosystem
from tierscope.viz.facts import (
    RISK,
    RISK_MODE,
    SEGMENT,
    SEGMENT_MODE,
    SHAPES,
    Facts,
    company_link,
    company_links,
    facets,
    money,
)
from tierscope.viz.network import Link, NetworkView, Node

__all__ = ["AGGREGATE_ABOVE", "DRILL_LIMIT", "overview", "packed_links"]

#: overviews of more companies than this are drawn as (tier, country) groups
AGGREGATE_ABOVE = 6000
#: an opened group draws its members' partners outside it until it holds this many companies
DRILL_LIMIT = 1500


def overview(eco: Ecosystem, aggregate_above: int = AGGREGATE_ABOVE) -> NetworkView:
    """Every company in tier layers; aggregated by (tier, country) above ``aggregate_above``."""
    facts = Facts(eco)
    ctx = eco.ctx
    n = len(ctx.companies)
    title = f"Ecosystem of {ctx.name(ctx.focal)}"
    notes = [
        "Columns are tiers: the focal company's direct suppliers are tier 1, their suppliers tier 2, "
        "and so on; customers stand right of the focal company.",
        "A red ring marks a single point of failure: its failure alone stops a product.",
    ]
    if n <= aggregate_above:
        links = company_links(eco)
        nodes = [facts.node(c, facts.level(c)) for c in sorted(ctx.companies)]
        return NetworkView(
            "overview",
            title,
            f"{n:,} companies · {len(links):,} links · coloured by risk or segment",
            eco.snapshot,
            nodes,
            [company_link(a, b, w) for (a, b), w in sorted(links.items())],
            [RISK_MODE, SEGMENT_MODE],
            facets(nodes),
            notes,
            "single point of failure",
            SHAPES,
        )
    return _aggregated(eco, facts, title, notes)


def _aggregated(
    eco: Ecosystem,
    facts: Facts,
    title: str,
    notes: list[str],
) -> NetworkView:
    ctx = eco.ctx
    told = {c: facts.facts(c) for c in ctx.companies}

    def group_of(c: str) -> str:
        f = told[c]
        return f"tier {f['tier']} · {f['country']}" if f["kind"] != "customer" else "customers"

    group = {c: group_of(c) for c in ctx.companies}
    # companies ordered by group, so that a group's members are one range of the page's columns
    companies = sorted(ctx.companies, key=lambda c: (group[c], c))
    members: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(companies):
        members[group[c]].append(i)
    nodes = []
    for g, idx in sorted(members.items()):
        cs = [companies[i] for i in idx]
        worst = min((facts.severity(c) for c in cs), key=lambda s: (*SEVERITIES, "none").index(s))
        stake = sum(facts.stake(c) for c in cs)
        spofs = sum(1 for c in cs if facts.spof_products.get(c))
        seg = Counter(told[c]["segment"] for c in cs).most_common(1)[0][0]
        first = told[cs[0]]
        nodes.append(
            Node(
                id=g,
                label=f"{g} ({len(cs):,})",
                level=facts.level(cs[0]),
                name=g,
                title=(
                    f"{g}: {len(cs):,} companies\n"
                    f"revenue at stake (sum of single failures): {money(stake)}\n"
                    f"single points of failure: {spofs:,}\n"
                    f"worst finding: {worst}\nclick to open its companies"
                ),
                size=12.0 + 28.0 * math.sqrt(len(cs) / len(companies)),
                colors={"risk": RISK[worst], "segment": SEGMENT.get(seg, SEGMENT["none"])},
                facts={"tier": first["tier"], "country": first["country"], "kind": "group"},
                flagged=spofs > 0,
                shape="square",
                order=first["country"],
            )
        )
    source, target = _link_pairs(eco, companies)
    names = sorted(members)
    code = {g: k for k, g in enumerate(names)}
    of = np.array([code[group[c]] for c in companies], dtype=np.int64)
    between, counts = np.unique(of[source] * len(names) + of[target], return_counts=True)
    group_links = [
        Link(a, b, f"{a} → {b}: {k:,} supply links")
        for ab, k in zip(between.tolist(), counts.tolist(), strict=True)
        if (a := names[ab // len(names)]) != (b := names[ab % len(names)])
    ]
    return NetworkView(
        "overview",
        title,
        f"{len(companies):,} companies in {len(nodes):,} groups of tier and country · "
        "click a group to open it",
        eco.snapshot,
        nodes,
        group_links,
        [RISK_MODE, SEGMENT_MODE],
        facets(nodes, ("tier", "country")),
        [
            *notes,
            "This ecosystem is too large to draw company by company: each square is a "
            "group of one tier and country; click one to see its companies and their links "
            "(a company's findings in full: tierscope view company ID).",
        ],
        "group holding a single point of failure",
        ["square: a group of companies (size: how many)"],
        groups=dict(members),
        drill=_drill(facts, companies, told, source, target),
    )


def _drill(
    facts: Facts,
    companies: list[str],
    told: dict[str, dict[str, str]],
    source: np.ndarray,
    target: np.ndarray,
) -> dict[str, Any]:
    """What the page needs to open a group, one column per fact (``viz/templates/network.html``
    builds each company's node and tooltip from them when its group is opened).

    Every column repeats few values (tier, country, segment, kind, severity,
    recovery, number of findings, size, drawing column): each is sent coded (see
    :func:`coded`); what few companies have (revenue at stake, the products they
    alone stop) is keyed by company; the links are packed (see :func:`packed_links`).
    The findings are counted, not told: the text of every finding of 100,000
    companies would be most of the page.
    """
    ctx = facts.ctx
    columns: dict[str, list[Any]] = defaultdict(list)
    stake: dict[int, str] = {}
    spof: dict[int, str] = {}
    for i, c in enumerate(companies):
        f = told[c]
        for key in ("tier", "country", "segment", "kind"):
            columns[key].append(f[key])
        columns["severity"].append(facts.severity(c))
        ttr, assumed = ctx.recovery_days(c)
        columns["recovery"].append(f"{ttr:g} days{' (assumed)' if assumed else ''}")
        columns["findings"].append(len(facts.findings.get(c, ())))
        columns["size"].append(round(facts.size(c), 1))
        columns["level"].append(facts.level(c))
        if (x := facts.stake(c)) > 0:
            stake[i] = money(x)
        if products := sorted(facts.spof_products.get(c, ())):
            spof[i] = ", ".join(products[:8]) + (" …" if len(products) > 8 else "")
    return {
        "ids": companies,
        "names": [ctx.name(c) for c in companies],
        "coded": {key: coded(values) for key, values in columns.items()},
        "stake": stake,
        "spof": spof,
        "colors": {"risk": RISK, "segment": SEGMENT},
        "links": packed_links(len(companies), source, target),
        "limit": DRILL_LIMIT,
    }


#: the digits of :func:`coded`, none of which JSON or ``page.script_json`` escapes
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


def coded(column: list[Any]) -> dict[str, Any]:
    """``column`` as its distinct values and one fixed-width code per row, in one string.

    Each code is the value's index in ``values`` written in base 64 with ``DIGITS``,
    ``width`` digits (1 up to 64 distinct values, 2 up to 4,096, ...): a column of
    100,000 rows with few values takes 100 kB instead of the 300 kB of a JSON list.

    Examples
    --------
    >>> coded(["DE", "CN", "DE"])
    {'values': ['CN', 'DE'], 'width': 1, 'codes': '101'}
    """
    values = sorted(set(column))
    width = 1
    while len(DIGITS) ** width < len(values):
        width += 1
    digits = []
    for k in range(len(values)):
        code = ""
        for _ in range(width):
            k, d = divmod(k, len(DIGITS))
            code = DIGITS[d] + code
        digits.append(code)
    of = dict(zip(values, digits, strict=True))
    return {"values": values, "width": width, "codes": "".join(of[v] for v in column)}


def packed_links(n: int, source: np.ndarray, target: np.ndarray) -> str:
    """Links between ``n`` companies (distinct index pairs sorted by source, then
    target) as base64 text, about 3 bytes a link.

    For each company in order: how many links leave it, then their targets in
    ascending order, each as its distance from the one before (the first from 0),
    every number a little-endian base-128 varint. The page unpacks it with
    ``unpackLinks``.

    Examples
    --------
    >>> import base64
    >>> list(base64.b64decode(packed_links(3, np.array([0, 0, 2]), np.array([1, 200, 0]))))
    [2, 1, 199, 1, 0, 1, 0]
    """
    source, target = np.asarray(source, dtype=np.int64), np.asarray(target, dtype=np.int64)
    degree = np.bincount(source, minlength=n)
    first = np.r_[True, source[1:] != source[:-1]] if len(source) else np.zeros(0, dtype=bool)
    delta = target - np.where(first, 0, np.r_[0, target[:-1]])
    # the numbers in order: company a's degree sits before its targets
    before = np.r_[0, np.cumsum(degree)[:-1]]
    numbers = np.empty(n + len(source), dtype=np.int64)
    numbers[np.arange(n) + before] = degree
    numbers[np.arange(len(source)) + source + 1] = delta
    size = np.ones(len(numbers), dtype=np.int64)
    for bits in (7, 14, 21, 28, 35, 42, 49, 56):
        size += numbers >= (1 << bits)
    at = np.r_[0, np.cumsum(size)[:-1]]
    out = np.zeros(int(size.sum()), dtype=np.uint8)
    for j in range(int(size.max(initial=1))):
        more = size > j
        byte = (numbers[more] >> (7 * j)) & 0x7F
        out[at[more] + j] = byte | np.where(size[more] > j + 1, 0x80, 0)
    return base64.b64encode(out.tobytes()).decode("ascii")


def _link_pairs(eco: Ecosystem, companies: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every (supplier, buyer) and (critical provider, dependent) pair of companies once,
    as indices into ``companies``, sorted by source, then target (``facts.company_links``
    without the items, from the supplies' columns)."""
    m = eco.ctx.model
    known = pd.Index(companies)
    critical = [(p, d) for d, ps in m.critical_providers.items() for p in ps]
    a = known.get_indexer(np.r_[np.asarray(m.supplies.supplier), [p for p, _ in critical]])
    b = known.get_indexer(np.r_[np.asarray(m.supplies.buyer), [d for _, d in critical]])
    both = (a >= 0) & (b >= 0)
    pairs = np.unique(a[both].astype(np.int64) * len(companies) + b[both])
    return pairs // len(companies), pairs % len(companies)
