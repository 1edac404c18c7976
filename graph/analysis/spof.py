"""Exact single points of failure across tiers, with the evidence that explains each one.

DESIGN.md: node ``n`` (a company other than the focal one, or a site) is a
single point of failure for product ``p`` when ``p`` is available with nothing
failed and unavailable with only ``n`` failed. The brute force re-evaluates the
whole network once per node; :mod:`~tierscope.graph.analysis.necessity` gets
the same answer for every node at once (the elements each product's goal
cannot do without), and this module lists the pairs and explains each one: a
walk from the product's goal down to the element through the goals whose sets
hold it, as evidence steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tierscope.graph.analysis.necessity import Necessity, necessity

__all__ = ["EvidenceStep", "Necessity", "SinglePoint", "necessity", "single_points_of_failure"]


# -- results -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvidenceStep:
    """One link of an explanation: who needs what, from whom, and why it fails."""

    kind: str  # "needs", "sources", "down", "fails"
    company_id: str
    item_id: str | None
    text: str
    suppliers: tuple[tuple[str, float | None, str | None], ...] = ()  # (id, share, site)
    assumption: str | None = None  # "unmapped" or "no_bom" when the step rests on one


class _Why:
    """How to explain one (product, node) pair, computed when asked (see :class:`SinglePoint`)."""

    __slots__ = ("e", "goal", "nec", "shared")

    def __init__(
        self, nec: Necessity, goal: int, e: int, shared: dict[EvidenceStep, EvidenceStep]
    ) -> None:
        self.nec, self.goal, self.e, self.shared = nec, goal, e, shared

    def explain(self) -> tuple[tuple[EvidenceStep, ...], tuple[str, ...], tuple[str, ...]]:
        steps, path, assumptions = _explain(self.nec, self.goal, self.e)
        return tuple(self.shared.setdefault(s, s) for s in steps), path, assumptions


@dataclass(frozen=True, slots=True)
class SinglePoint:
    """``node_id`` alone stops ``product_id``; ``evidence`` says why, ``path`` runs node → product.

    The evidence is derived from the necessity sets when it is read, not stored:
    a million-company ecosystem has millions of pairs, and most readers want a
    few of them (``explained()`` gives all three parts from one walk).
    """

    product_id: str
    node_id: str
    node_type: str  # "company", "site" or "country"
    why: _Why = field(repr=False, compare=False, hash=False)

    def explained(self) -> tuple[tuple[EvidenceStep, ...], tuple[str, ...], tuple[str, ...]]:
        """(evidence, path, assumptions) from one walk."""
        return self.why.explain()

    @property
    def evidence(self) -> tuple[EvidenceStep, ...]:
        return self.explained()[0]

    @property
    def path(self) -> tuple[str, ...]:
        return self.explained()[1]

    @property
    def assumptions(self) -> tuple[str, ...]:
        """What the finding rests on, if anything (an unmapped source, a missing BOM)."""
        return self.explained()[2]

    @property
    def summary(self) -> str:
        return " ".join(step.text for step in self.evidence)

    def __json__(self) -> dict[str, object]:
        evidence, path, assumptions = self.explained()
        return {
            "product_id": self.product_id,
            "node_id": self.node_id,
            "node_type": self.node_type,
            "path": path,
            "evidence": evidence,
            "assumptions": assumptions,
            "summary": " ".join(step.text for step in evidence),
        }


def single_points_of_failure(nec: Necessity, countries: bool = False) -> list[SinglePoint]:
    """Every (product, node) pair where the node's failure alone stops the product.

    Companies (never the focal one) and sites; with ``countries``, single
    countries whose outage alone stops a product are included too (``node_type``
    ``"country"``). Ordered by product, then node id.
    """
    gg = nec.graph
    m = gg.model
    focal = gg.element_index[m.focal]
    out: list[SinglePoint] = []
    shared: dict[EvidenceStep, EvidenceStep] = {}  # equal steps of different pairs: one object
    for p in m.products:
        goal = nec.product_goal(p)
        found = nec.deliver[goal]
        if found is None:  # not available even with nothing failed
            continue
        for e in sorted(found, key=lambda e: gg.elements[e]):
            kind = gg.element_kind[e]
            if e == focal or (kind == "country" and not countries):
                continue
            out.append(SinglePoint(p, gg.elements[e], kind, _Why(nec, goal, e, shared)))
    out.sort(key=lambda s: (s.product_id, s.node_id))
    return out


def _by_supplier(
    rows: tuple[tuple[str, float | None, str | None], ...],
) -> list[tuple[str, float | None, list[str]]]:
    """Supply rows (supplier, share, site) as one entry per supplier, in the order
    they first come: its shares added up, its sites in order (a supplier shipping
    from two sites is one supplier)."""
    out: dict[str, tuple[float | None, list[str]]] = {}
    for supplier, share, site in rows:
        total, sites = out.get(supplier, (None, []))
        if share is not None:
            total = (total or 0.0) + share
        out[supplier] = (total, [*sites, site] if site and site not in sites else sites)
    return [(supplier, share, sites) for supplier, (share, sites) in out.items()]


def _sites(sites: list[str]) -> str:
    if len(sites) == 1:
        return f"site {sites[0]}"
    return f"sites {', '.join(sites[:-1])} and {sites[-1]}"


def _fmt_supplier(supplier: str, share: float | None, sites: list[str]) -> str:
    """``S1 (50%)``, or ``S2 (50%, from sites S2-A and S2-B)`` when it ships from several."""
    parts = [] if share is None else [f"{share:.0%}"]
    if len(sites) > 1:
        parts.append(f"from {_sites(sites)}")
    return f"{supplier} ({', '.join(parts)})" if parts else supplier


def _explain(
    nec: Necessity, goal: int, e: int, limit: int = 40
) -> tuple[tuple[EvidenceStep, ...], tuple[str, ...], tuple[str, ...]]:
    """Walk from a product's goal down to element ``e`` through the goals whose sets hold it.

    At an AND goal one needed input that fails is followed; at an OR goal every
    supplier is followed (each of them fails), so converging chains show in
    full. ``path`` follows the first branch and runs from ``e`` to the product.
    """
    gg = nec.graph
    m = gg.model
    name = gg.elements[e]
    kind = gg.element_kind[e]
    steps: list[EvidenceStep] = []
    assumptions: set[str] = set()
    seen_d: set[int] = set()
    seen_r: set[int] = set()

    def add(path: list[str] | None, *ids: str) -> None:
        if path is not None:
            path.extend(ids)

    def own_cause(cid: str) -> str | None:
        """Why ``e`` takes ``cid`` down by itself (not through a provider), if it does."""
        sites = m.company_sites.get(cid, [])
        if kind == "site" and sites == [name]:
            return f"{cid} operates from site {name} only."
        if kind == "country":
            if sites and all(m.site_country.get(s) == name for s in sites):
                return f"{cid} goes down with {name}: all its sites are there."
            if not sites and m.company_country.get(cid) == name:
                return f"{cid} goes down with {name}: it is there and has no recorded site."
        return None

    def down_chain(c: int, path: list[str] | None, seen: frozenset[int] = frozenset()) -> None:
        cid = gg.elements[c]
        if c == e:
            steps.append(EvidenceStep("fails", cid, None, f"{cid} fails."))
            return
        cause = own_cause(cid)
        if cause is not None:
            steps.append(EvidenceStep("down", cid, None, cause))
            add(path, name)
            return
        for p in sorted(m.critical_providers.get(cid, [])):
            pi = gg.element_index.get(p)
            if pi is not None and pi not in seen and e in nec.down[pi]:
                steps.append(EvidenceStep("down", cid, None, f"{cid} depends critically on {p}."))
                add(path, p)
                down_chain(pi, path, seen | {c})
                return

    def deliver(g: int, path: list[str] | None) -> None:
        if g in seen_d or len(steps) >= limit:
            return
        seen_d.add(g)
        c, i = gg.deliver[g]
        ci = gg.deliver_company[g]
        if e in nec.down[ci]:
            down_chain(ci, path)
            return
        for r in gg.requires[g]:
            nr = nec.receive[r]
            if nr is not None and e in nr:
                j = gg.receive[r][1]
                if gg.assumed[g]:
                    assumptions.add(
                        f"{c} has no bill of materials for {i}: every item supplied to it is taken as needed"
                    )
                    text = f"{c} needs {j} to make {i} (no bill of materials: every supplied item is taken as needed)."
                elif j == i:
                    text = f"{c} passes {i} on and must receive it itself."
                else:
                    text = f"{c} needs {j} to make {i}."
                steps.append(
                    EvidenceStep(
                        "needs", c, j, text, assumption="no_bom" if gg.assumed[g] else None
                    )
                )
                receive(r, path)
                return

    def receive(r: int, path: list[str] | None) -> None:
        if r in seen_r or len(steps) >= limit:
            return
        seen_r.add(r)
        c, j = gg.receive[r]
        alts = gg.alternatives[r]
        sup = tuple((m.supplies[k].supplier, m.share_of(k), m.supplies[k].site) for _, _, k in alts)
        named = _by_supplier(sup)
        if len(named) == 1:
            only, _, only_sites = named[0]
            via = f" (shipping from {_sites(only_sites)})" if only_sites else ""
            text = f"{only}{via} is the only supplier of {j} to {c}."
        else:
            names = ", ".join(_fmt_supplier(*x) for x in named)
            text = f"{c} buys {j} from {names}, and every one of them depends on {name}."
        steps.append(EvidenceStep("sources", c, j, text, suppliers=sup))
        for n, (g, site, _) in enumerate(alts):
            branch = path if n == 0 else None
            ng = nec.deliver[g]
            if site >= 0 and e in nec.down[site] and (ng is None or e not in ng):
                site_id = gg.elements[site]
                if site == e:
                    steps.append(EvidenceStep("fails", site_id, None, f"Site {site_id} fails."))
                else:
                    text = f"Site {site_id} goes down with {name}."
                    steps.append(EvidenceStep("down", site_id, None, text))
                add(branch, site_id)
                if site != e:
                    add(branch, name)
                continue
            add(branch, gg.deliver[g][0])
            deliver(g, branch)

    path: list[str] = [m.focal]
    deliver(goal, path)
    if path[-1] != name:
        path.append(name)
    chain = [x for k, x in enumerate(path) if k == 0 or path[k - 1] != x]
    product = gg.deliver[goal][1]
    return tuple(steps), (*reversed(chain), product), tuple(sorted(assumptions))
