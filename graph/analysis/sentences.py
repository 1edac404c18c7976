"""Sentences a person would write about a finding: who, what it stops, and why.

The register's sentence is short — a clause or two, a few hundred characters at
most — and the whole chain stays in the structured evidence (``path``, ``steps``,
``assumptions``). The sentence says what the company is (a tier-2 supplier, a
logistics provider), merges parallel chains ("both our suppliers of C-PCBA-DRV,
KESTREL and PENANG, buy C-ASIC-MC only from it") and speaks of the focal
company as "we".

Examples
--------
>>> listed(["KESTREL"]), listed(["KESTREL", "PENANG"]), listed(list("ABCDE"))
('KESTREL', 'KESTREL and PENANG', 'A, B, C and 2 more')
"""

from __future__ import annotations

from dataclasses import dataclass

from tierscope.graph.analysis.context import Context
from tierscope.graph.analysis.spof import EvidenceStep, SinglePoint

__all__ = ["MOST", "hidden_sentence", "listed", "spof_sentence", "what_it_is"]

#: names listed in a sentence before "and N more"
MOST = 3


def listed(names: list[str], most: int = MOST) -> str:
    """``A``, ``A and B``, ``A, B and C``, ``A, B, C and 2 more``."""
    if len(names) > most:
        return f"{', '.join(names[:most])} and {len(names) - most} more"
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _products(products: list[str], every: int) -> str:
    if len(products) == every and every > 2:
        return f"all {every} products ({listed(products)})"
    if len(products) > MOST:
        return f"{len(products)} products ({listed(products)})"
    return listed(products)


def what_it_is(ctx: Context, node: str, node_type: str) -> str:
    """ "a tier-2 supplier", "a logistics provider", "a site of FEINGUSS in DE"."""
    if node_type == "site":
        site = ctx.sites.get(node, {})
        where = f" in {site['country']}" if site.get("country") else ""
        return f"a site of {site.get('company_id', 'an unknown company')}{where}"
    if node_type == "country":
        return "a country"
    d = ctx.companies.get(node, {})
    kind, tier = d.get("kind"), ctx.tier(node)
    at = f"tier-{tier} " if tier else ""
    if kind == "service_provider":
        kinds = ctx.services.get(node, [])
        return f"a {' and '.join(kinds) if kinds else 'service'} provider"
    if kind == "distributor":
        return f"a {at}distributor"
    if kind == "customer":
        return "a customer"
    if kind == "supplier" or tier:
        return f"a {at}supplier"
    return "a partner"


@dataclass(frozen=True)
class _Leaf:
    """One way the node stops a product: ``buyer`` buys ``item`` only from ``source``
    (the node itself, or a company that goes down with it: ``reason``)."""

    buyer: str
    item: str
    source: str
    sites: tuple[str, ...]
    reason: str  # "" when the source is the node


def spof_sentence(ctx: Context, first: SinglePoint, products: list[str], recovery: str) -> str:
    """The register's sentence for a single point of failure: who it is, what it
    stops, and why in a clause or two (from the evidence of its first product)."""
    node, kind = first.node_id, first.node_type
    steps, path, _ = first.explained()
    who = ctx.name(node)
    head = f"{who} ({node})" if who != node else node
    every = len(ctx.model.products)
    return (
        f"{head}, {what_it_is(ctx, node, kind)}, alone stops {_products(products, every)}: "
        f"{_why(ctx, node, kind, steps, path)}.{recovery}"
    )


def _why(
    ctx: Context,
    node: str,
    kind: str,
    steps: tuple[EvidenceStep, ...],
    path: tuple[str, ...],
) -> str:
    focal = ctx.focal
    if steps and steps[0].kind == "down" and steps[0].company_id == focal:
        return f"we {_down_reason(ctx, focal, node, kind)}"
    leaves = _leaves(ctx, node, kind, steps)
    if not leaves:  # a shape not described below: say the path
        return f"every path from it to {path[-1]} runs through {' → '.join(path[1:-1])}"
    # parallel chains merge: the buyers of one item from one source, with its sites
    groups: dict[tuple[str, str, str], tuple[list[str], list[str]]] = {}
    for leaf in leaves:
        buyers, sites = groups.setdefault((leaf.item, leaf.source, leaf.reason), ([], []))
        buyers.extend(b for b in [leaf.buyer] if b not in buyers)
        sites.extend(x for x in leaf.sites if x not in sites)
    told = [
        _clause(ctx, node, steps, buyers, item, source, tuple(sites), reason)
        for (item, source, reason), (buyers, sites) in list(groups.items())[:2]
    ]
    more = len(groups) - len(told)
    tail = f"; and {more} more way{'s' if more > 1 else ''}" if more else ""
    # chains that do not start at us or our direct suppliers: where they reach us
    through = path[-3] if len(path) >= 3 and path[-2] == ctx.focal else None
    named = {b for buyers, _ in groups.values() for b in buyers}
    if through and through not in named and not all(ours for _, ours in told):
        tail += f", and it reaches us through {through}"
    clauses = [text for text, _ in told]
    return "; ".join(clauses) + tail


def _clause(
    ctx: Context,
    node: str,
    steps: tuple[EvidenceStep, ...],
    buyers: list[str],
    item: str,
    source: str,
    sites: tuple[str, ...],
    reason: str,
) -> tuple[str, bool]:
    """One way it stops a product, and whether it starts at us or our direct
    suppliers of an item."""
    focal = ctx.focal
    from_ = "it" if source == node else source
    where = ""
    if source == node and sites:
        names = [ctx.name(s) for s in sites]
        where = f", from its {listed(names)} site{'s' if len(names) > 1 else ''}"
    why = f", which {reason}" if reason else ""
    if buyers == [focal]:
        return f"we buy {item} only from {from_}{where}{why}", True
    verb = "buys" if len(buyers) == 1 else "buy"
    theirs = _our_sources(steps, focal, buyers)
    if theirs is not None:
        ours, alone = theirs
        if len(buyers) == 1:
            subject = f"our {'only ' if alone else ''}supplier of {ours}, {buyers[0]},"
        else:
            both = "both" if len(buyers) == 2 else f"all {len(buyers)} of"
            subject = f"{both} our suppliers of {ours}, {listed(buyers)},"
        return f"{subject} {verb} {item} only from {from_}{where}{why}", True
    return f"{listed(buyers)} {verb} {item} only from {from_}{where}{why}", False


def _our_sources(
    steps: tuple[EvidenceStep, ...], focal: str, buyers: list[str]
) -> tuple[str, bool] | None:
    """The item we buy from exactly ``buyers`` (all of them our suppliers of it), and
    whether they are our only suppliers of it; ``None`` when there is none."""
    for s in steps:
        if s.kind == "sources" and s.company_id == focal and s.item_id is not None:
            ours = list(dict.fromkeys(x for x, _, _ in s.suppliers))
            if set(ours) == set(buyers):
                return s.item_id, True
            if set(buyers) <= set(ours) and len(buyers) == 1:
                return s.item_id, False
    return None


def _leaves(ctx: Context, node: str, kind: str, steps: tuple[EvidenceStep, ...]) -> list[_Leaf]:
    """Where a chain of the evidence ends at the node: a buyer whose only source of
    an item is the node, or a company that goes down with it."""
    out: list[_Leaf] = []
    for k, s in enumerate(steps):
        if s.kind != "sources" or s.item_id is None:
            continue
        sources = list(dict.fromkeys(x for x, _, _ in s.suppliers))
        if len(sources) != 1:
            continue
        source = sources[0]
        sites = tuple(dict.fromkeys(site for x, _, site in s.suppliers if site))
        nxt = steps[k + 1] if k + 1 < len(steps) else None
        if source == node:
            out.append(_Leaf(s.company_id, s.item_id, node, sites, ""))
        elif nxt is not None and nxt.kind in ("down", "fails") and nxt.company_id == source:
            out.append(
                _Leaf(s.company_id, s.item_id, source, (), _down_reason(ctx, source, node, kind))
            )
        elif nxt is not None and nxt.kind in ("down", "fails") and nxt.company_id == node:
            # shipped only from the failing site
            out.append(_Leaf(s.company_id, s.item_id, source, (), "ships it only from this site"))
    return out


def _down_reason(ctx: Context, company: str, node: str, kind: str) -> str:
    """Why ``company`` goes down with ``node``, as a verb phrase."""
    providers = ctx.model.critical_providers.get(company, [])
    if node in providers:
        kinds = ctx.services.get(node, [])
        purpose = f" for {' and '.join(kinds)}" if kinds else ""
        return f"{'depend' if company == ctx.focal else 'depends'} on it critically{purpose}"
    sites = ctx.model.company_sites.get(company, [])
    if kind == "site" and sites == [node]:
        return "works from this site only"
    if kind == "country":
        if sites:
            return f"has all its sites in {node}"
        return f"is in {node} and has no recorded site"
    verb = "depend" if company == ctx.focal else "depends"
    return f"{verb} critically on a partner that goes down with it"


def hidden_sentence(
    subject: str,
    kind: str,
    tier: int | None,
    rows: list[tuple[str, str, float]],
    visible: float,
    count: int | None = None,
) -> str:
    """Hidden concentration in a company or country: ``rows`` are (product, item,
    share), largest first (the first few are named; ``count``: how many there are
    in all, when more than ``rows``); ``visible`` the most our direct suppliers
    show of it.

    >>> hidden_sentence("CN", "country", None, [("P", "M-DY", 1.0), ("P", "M-ND", 0.94)], 0.0)
    'CN supplies 100% of the M-DY and 94% of the M-ND in P, though none of our direct suppliers is in CN.'
    """
    shown = rows[:MOST]
    if len({p for p, _, _ in shown}) == 1:  # one product: its items
        parts = [f"{share:.0%} of the {item}" for _, item, share in shown]
        what = f"{listed(parts)} in {shown[0][0]}"
    elif len({i for _, i, _ in shown}) == 1:  # one item: the products it enters
        parts = [f"{share:.0%} in {product}" for product, _, share in shown]
        what = f"{shown[0][2]:.0%} of the {shown[0][1]} in {shown[0][0]}"
        what = ", ".join([what, *parts[1:-1]]) + (f" and {parts[-1]}" if len(parts) > 1 else "")
    else:
        what = listed([f"{share:.0%} of the {item} in {product}" for product, item, share in shown])
    n = max(len(rows), count or 0)
    if n > len(shown):
        what += f" (and {n - len(shown)} more)"
    if kind == "company":
        who = f"{subject}, a tier-{tier} supplier we do not buy from," if tier else subject
        return f"{who} supplies {what}."
    if visible <= 0:
        seen = f"none of our direct suppliers is in {subject}"
    else:
        seen = f"our direct suppliers show at most {visible:.0%} from {subject}"
    return f"{subject} supplies {what}, though {seen}."


def convergence_sentence(
    company: str, tier: int | None, dependents: tuple[str, ...], products: int
) -> str:
    """An upstream company several of our direct suppliers cannot deliver without.

    >>> convergence_sentence("NIJMEGEN", 2, ("KESTREL", "PENANG"), 6)
    'Both KESTREL and PENANG, our tier-1 suppliers, cannot deliver without NIJMEGEN, a tier-2 supplier; 6 products get at least half of an input through it.'
    """
    n = len(dependents)
    who = "Both" if n == 2 else f"All {n}"
    what = f", a tier-{tier} supplier" if tier else ""
    through = (
        f"; {products} products get at least half of an input through it" if products >= 2 else ""
    )
    return (
        f"{who} {listed(list(dependents))}, our tier-1 suppliers, cannot deliver without "
        f"{company}{what}{through}."
    )
