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

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tierscope.graph.analysis.necessity import Necessity, necessity

__all__ = [
    "EvidenceStep",
    "Necessity",
    "SinglePoint",
    "explanations_kept",
    "necessity",
    "single_points_of_failure",
]


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

    __slots__ = ("e", "goal", "walker")

    def __init__(self, walker: _Walker, goal: int, e: int) -> None:
        self.walker, self.goal, self.e = walker, goal, e

    def explain(self) -> tuple[tuple[EvidenceStep, ...], tuple[str, ...], tuple[str, ...]]:
        return self.walker.explain(self.goal, self.e)


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
    walker = _Walker(nec)  # what every pair's explanation shares
    for p in m.products:
        goal = nec.product_goal(p)
        found = nec.deliver[goal]
        if found is None:  # not available even with nothing failed
            continue
        for e in sorted(found, key=lambda e: gg.elements[e]):
            kind = gg.element_kind[e]
            if e == focal or (kind == "country" and not countries):
                continue
            out.append(SinglePoint(p, gg.elements[e], kind, _Why(walker, goal, e)))
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
    """Walk from a product's goal down to element ``e`` (see :meth:`_Walker.walk`)."""
    return _Walker(nec).walk(goal, e, limit)


_Explained = tuple[tuple[EvidenceStep, ...], tuple[str, ...], tuple[str, ...]]
_Alt = tuple[int, int, int]


@contextmanager
def explanations_kept(points: Iterable[SinglePoint]) -> Iterator[None]:
    """Within the block, each of ``points`` is explained once however often it is read
    (a finding's sentence and the stored row of its single point of failure read the
    same walk); only these are kept, and they are dropped at the end."""
    walkers: dict[int, _Walker] = {}
    for p in points:
        w = p.why.walker
        walkers.setdefault(id(w), w).keep.add((p.why.goal, p.why.e))
    try:
        yield
    finally:
        for w in walkers.values():
            w.keep.clear()
            w.kept.clear()


class _Walker:
    """Explains pairs of one necessity analysis, keeping what their walks share: each
    goal's ids and links, and the steps whose text does not depend on the pair (one
    object for equal steps of different pairs). The last explanation is kept too:
    a finding's sentence and evidence read the same one."""

    __slots__ = (
        "d_info",
        "gg",
        "keep",
        "kept",
        "last",
        "m",
        "nec",
        "needs",
        "providers",
        "r_info",
        "steps",
    )

    def __init__(self, nec: Necessity) -> None:
        self.nec, self.gg, self.m = nec, nec.graph, nec.graph.model
        # (goal, element) pairs whose explanation is kept once walked, and those kept
        # (see explanations_kept)
        self.keep: set[tuple[int, int]] = set()
        self.kept: dict[tuple[int, int], _Explained] = {}
        # deliver goal -> (company, item, company element, receive goals needed, assumed)
        self.d_info: dict[int, tuple[str, str, int, list[int], bool]] = {}
        # receive goal -> (company, item, alternatives, supply rows, its "sources" step
        # when it has one supplier, else the text before the node's name)
        self.r_info: dict[
            int,
            tuple[
                str,
                str,
                list[_Alt],
                tuple[tuple[str, float | None, str | None], ...],
                EvidenceStep | str,
            ],
        ] = {}
        self.needs: dict[tuple[int, int], tuple[EvidenceStep, str | None]] = {}
        self.providers: dict[str, list[str]] = {}
        self.steps: dict[tuple[str, str, str | None, str], EvidenceStep] = {}
        self.last: tuple[int, int, _Explained] | None = None

    def explain(self, goal: int, e: int) -> _Explained:
        last = self.last
        if last is not None and last[0] == goal and last[1] == e:
            return last[2]
        out = self.kept.get((goal, e))
        if out is None:
            out = self.walk(goal, e)
            if (goal, e) in self.keep:
                self.kept[(goal, e)] = out
        self.last = (goal, e, out)
        return out

    def step(
        self,
        kind: str,
        company_id: str,
        item_id: str | None,
        text: str,
        suppliers: tuple[tuple[str, float | None, str | None], ...] = (),
        assumption: str | None = None,
    ) -> EvidenceStep:
        """The one object for this step (``suppliers`` and ``assumption`` follow from the rest)."""
        key = (kind, company_id, item_id, text)
        s = self.steps.get(key)
        if s is None:
            s = self.steps[key] = EvidenceStep(
                kind, company_id, item_id, text, suppliers, assumption
            )
        return s

    def deliver_info(self, g: int) -> tuple[str, str, int, list[int], bool]:
        x = self.d_info.get(g)
        if x is None:
            gg = self.gg
            c, i = gg.deliver[g]
            x = self.d_info[g] = (c, i, gg.deliver_company[g], gg.requires[g], gg.assumed[g])
        return x

    def needs_step(self, g: int, r: int) -> tuple[EvidenceStep, str | None]:
        """Deliver goal ``g`` needs receive goal ``r``: the step, and the assumption it rests on."""
        x = self.needs.get((g, r))
        if x is None:
            c, i, _, _, assumed = self.deliver_info(g)
            j = self.r_info[r][1] if r in self.r_info else self.gg.receive[r][1]
            if assumed:
                text = f"{c} needs {j} to make {i} (no bill of materials: every supplied item is taken as needed)."
                why: str | None = (
                    f"{c} has no bill of materials for {i}: every item supplied to it is taken as needed"
                )
            elif j == i:
                text, why = f"{c} passes {i} on and must receive it itself.", None
            else:
                text, why = f"{c} needs {j} to make {i}.", None
            step = self.step("needs", c, j, text, assumption="no_bom" if assumed else None)
            x = self.needs[(g, r)] = (step, why)
        return x

    def receive_info(
        self, r: int
    ) -> tuple[
        str, str, list[_Alt], tuple[tuple[str, float | None, str | None], ...], EvidenceStep | str
    ]:
        x = self.r_info.get(r)
        if x is None:
            gg, m = self.gg, self.m
            c, j = gg.receive[r]
            alts = gg.alternatives[r]
            supplies = m.supplies
            supplier, site = supplies.supplier, supplies.site
            sup = tuple((supplier[k], m.share_of(k), site[k]) for _, _, k in alts)
            named = _by_supplier(sup)
            told: EvidenceStep | str
            if len(named) == 1:
                only, _, only_sites = named[0]
                via = f" (shipping from {_sites(only_sites)})" if only_sites else ""
                text = f"{only}{via} is the only supplier of {j} to {c}."
                told = self.step("sources", c, j, text, suppliers=sup)
            else:
                names = ", ".join(_fmt_supplier(*n) for n in named)
                told = f"{c} buys {j} from {names}, and every one of them depends on "
            x = self.r_info[r] = (c, j, alts, sup, told)
        return x

    def critical_providers(self, cid: str) -> list[str]:
        x = self.providers.get(cid)
        if x is None:
            x = self.providers[cid] = sorted(self.m.critical_providers.get(cid, []))
        return x

    def walk(self, goal: int, e: int, limit: int = 40) -> _Explained:
        """Walk from a product's goal down to element ``e`` through the goals whose sets hold it.

        At an AND goal one needed input that fails is followed; at an OR goal every
        supplier is followed (each of them fails), so converging chains show in
        full. ``path`` follows the first branch and runs from ``e`` to the product.
        """
        nec, gg, m = self.nec, self.gg, self.m
        nec_down, nec_deliver, nec_receive = nec.down, nec.deliver, nec.receive
        elements, element_index = gg.elements, gg.element_index
        deliver_info, receive_info, needs_step = (
            self.deliver_info,
            self.receive_info,
            self.needs_step,
        )
        make = self.step
        name = elements[e]
        kind = gg.element_kind[e]
        steps: list[EvidenceStep] = []
        assumptions: set[str] = set()
        seen_d: set[int] = set()
        seen_r: set[int] = set()

        def own_cause(cid: str) -> str | None:
            """Why ``e`` takes ``cid`` down by itself (not through a provider), if it does."""
            if kind == "site":
                if m.company_sites.get(cid, []) == [name]:
                    return f"{cid} operates from site {name} only."
            elif kind == "country":
                sites = m.company_sites.get(cid, [])
                if sites and all(m.site_country.get(s) == name for s in sites):
                    return f"{cid} goes down with {name}: all its sites are there."
                if not sites and m.company_country.get(cid) == name:
                    return f"{cid} goes down with {name}: it is there and has no recorded site."
            return None

        def down_chain(c: int, path: list[str] | None, seen: frozenset[int] = frozenset()) -> None:
            cid = elements[c]
            if c == e:
                steps.append(make("fails", cid, None, f"{cid} fails."))
                return
            cause = own_cause(cid)
            if cause is not None:
                steps.append(make("down", cid, None, cause))
                if path is not None:
                    path.append(name)
                return
            for p in self.critical_providers(cid):
                pi = element_index.get(p)
                if pi is not None and pi not in seen and e in nec_down[pi]:
                    steps.append(make("down", cid, None, f"{cid} depends critically on {p}."))
                    if path is not None:
                        path.append(p)
                    down_chain(pi, path, seen | {c})
                    return

        def deliver(g: int, path: list[str] | None) -> None:
            if g in seen_d or len(steps) >= limit:
                return
            seen_d.add(g)
            _, _, ci, requires, _ = deliver_info(g)
            if e in nec_down[ci]:
                down_chain(ci, path)
                return
            for r in requires:
                nr = nec_receive[r]
                if nr is not None and e in nr:
                    step, why = needs_step(g, r)
                    if why is not None:
                        assumptions.add(why)
                    steps.append(step)
                    receive(r, path)
                    return

        def receive(r: int, path: list[str] | None) -> None:
            if r in seen_r or len(steps) >= limit:
                return
            seen_r.add(r)
            c, j, alts, sup, told = receive_info(r)
            if isinstance(told, str):
                steps.append(make("sources", c, j, f"{told}{name}.", suppliers=sup))
            else:
                steps.append(told)
            branch = path
            for g, site, _ in alts:
                if site >= 0 and e in nec_down[site]:
                    ng = nec_deliver[g]
                    if ng is None or e not in ng:
                        site_id = elements[site]
                        if site == e:
                            steps.append(make("fails", site_id, None, f"Site {site_id} fails."))
                        else:
                            text = f"Site {site_id} goes down with {name}."
                            steps.append(make("down", site_id, None, text))
                        if branch is not None:
                            branch.append(site_id)
                            if site != e:
                                branch.append(name)
                        branch = None
                        continue
                if branch is not None:
                    branch.append(deliver_info(g)[0])
                deliver(g, branch)
                branch = None

        path: list[str] = [m.focal]
        deliver(goal, path)
        if path[-1] != name:
            path.append(name)
        chain = [x for k, x in enumerate(path) if k == 0 or path[k - 1] != x]
        product = deliver_info(goal)[1]
        return tuple(steps), (*reversed(chain), product), tuple(sorted(assumptions))
