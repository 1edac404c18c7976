"""What the synthetic generator draws: the world as arrays by company and item number.

:class:`_World` draws, in this order and from one seeded generator, the
companies, the supply chain and the customers' rows
(:mod:`~tierscope.loaders.generator_supply`), parent groups, geography (sites
and countries), services (``dependencies.csv``) and relationship data
(segments, spend, people, KPIs). See :mod:`~tierscope.loaders.generator` for
the model; :mod:`~tierscope.loaders.generator_tables` writes it as text.
"""

from __future__ import annotations

import numpy as np

from tierscope.loaders import generator_vocabulary as vocab
from tierscope.loaders.generator_base import (
    _CUSTOMER,
    _DEEP_SPLIT,
    _DEPTH,
    _DIST_LEVELS,
    _DISTRIBUTOR,
    _FOCAL,
    _PRODUCER,
    _PROVIDER,
    _SHARE_UNITS,
    _SIZE_ALPHA,
    _SPEND_BY_LEVEL,
    Floats,
    Ints,
    Progress,
    _choice,
    _pareto,
    _split,
    _starts,
)
from tierscope.loaders.generator_supply import _customers, _Supply, _supply_chain

__all__: list[str] = []


class _World:
    """Everything drawn, as arrays indexed by internal company / item number."""

    # drawn by the supply chain (generator_supply)
    item_level: list[Ints]
    item_offset: list[int]
    bom_parent: list[Ints]
    bom_child: list[Ints]
    rows: list[_Supply]
    n_items: int
    item_cat: Ints

    def __init__(self, n: int, seed: int, progress: Progress) -> None:
        self.n = n
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, n]))
        self.progress = progress
        self.cw = np.array([c[6] for c in vocab.COUNTRIES], dtype=float)
        self._companies()
        _supply_chain(self)
        _customers(self)
        self._groups()
        self._sites()
        self._dependencies()
        self._segments()
        self._people()

    # companies -------------------------------------------------------------------
    def _companies(self) -> None:
        n, rng = self.n, self.rng
        n_cust = int(np.clip(round(n**0.3), 2, 40))
        n_prov = max(1, round(0.008 * n))
        n_dist = round(0.015 * n)
        n_prod = n - 1 - n_cust - n_prov - n_dist
        dist_sizes = _split(n_dist, _DIST_LEVELS) if n_dist >= 3 else [0, n_dist, 0]
        tier1 = int(np.clip(round(n**0.6) - dist_sizes[0], 1, max(1, n_prod // 4)))
        sizes = [1, tier1, *_split(n_prod - tier1, _DEEP_SPLIT), *dist_sizes, n_cust, n_prov]
        kinds = [_FOCAL] + [_PRODUCER] * _DEPTH + [_DISTRIBUTOR] * 3 + [_CUSTOMER, _PROVIDER]
        self.kind = np.repeat(np.array(kinds, dtype=np.int64), sizes)
        self.level = np.repeat(np.array([0, 1, 2, 3, 4, 1, 2, 3, -1, -1], dtype=np.int64), sizes)
        self.size = _pareto(rng, n, _SIZE_ALPHA)
        self.idnum = np.concatenate(([0], rng.permutation(np.arange(1, n)))).astype(np.int64)
        self.country = _choice(rng, self.cw, n)
        top = np.argsort(-self.cw)[:6]
        self.country[0] = top[rng.integers(1, 4)]
        self.category = np.where(self.kind == _CUSTOMER, 12, 13).astype(np.int64)
        self.service = rng.choice(len(vocab.SERVICES), size=n, p=vocab.SERVICES_P).astype(np.int64)
        prov = self.kind == _PROVIDER
        self.category[prov] = 8 + self.service[prov]
        self.parent = np.full(n, -1, dtype=np.int64)
        self.first_item = np.full(n, -1, dtype=np.int64)

    def _groups(self) -> None:
        rng = self.rng
        prod = np.flatnonzero((self.kind == _PRODUCER) & (self.level <= 3))
        n_groups = max(1, round(0.004 * self.n), min(5, self.n // 40))
        groups = prod[_choice(rng, self.size[prod], n_groups * 3)]
        groups = np.unique(groups)[:n_groups]
        others = np.setdiff1d(np.flatnonzero(self.kind == _PRODUCER), groups)
        n_subs = min(len(others), max(1, round(0.06 * len(others))))
        subs = rng.choice(others, size=n_subs, replace=False)
        self.parent[subs] = groups[_choice(rng, _pareto(rng, len(groups), 1.2), n_subs)]

    # geography ----------------------------------------------------------------------
    def _sites(self) -> None:
        rng, n = self.rng, self.n
        item_level = np.concatenate(self.item_level)
        mat_w = np.array([c[7] for c in vocab.COUNTRIES], dtype=float)
        comp_w = np.array([c[8] for c in vocab.COUNTRIES], dtype=float)
        home = np.where(
            item_level == _DEPTH,
            _choice(rng, mat_w, self.n_items),
            _choice(rng, comp_w, self.n_items),
        )
        made = self.first_item >= 0
        at_home = made & (rng.random(n) < np.where(item_level[self.first_item] == _DEPTH, 0.6, 0.3))
        at_home &= (self.kind == _PRODUCER) & (self.level >= 2)
        self.country[at_home] = home[self.first_item[at_home]]
        subs = self.parent >= 0
        keep = subs & (rng.random(n) < 0.5)  # half the subsidiaries sit in the group's country
        self.country[keep] = self.country[self.parent[keep]]
        n_sites = rng.choice(4, size=n, p=[0.2, 0.45, 0.23, 0.12]).astype(np.int64)
        n_sites[self.kind == _CUSTOMER] = np.minimum(n_sites[self.kind == _CUSTOMER], 1)
        n_sites[0] = 4 + rng.integers(0, 3)
        self.n_sites = n_sites
        owner = np.repeat(np.arange(n, dtype=np.int64), n_sites)
        k = np.arange(len(owner)) - np.repeat(_starts(n_sites), n_sites) + 1
        same = rng.random(len(owner)) < np.where(k == 1, 0.8, 0.5)
        s_country = np.where(same, self.country[owner], _choice(rng, self.cw, len(owner)))
        self.site_owner, self.site_k, self.site_country = owner, k, s_country

    # services -----------------------------------------------------------------------
    def _dependencies(self) -> None:
        rng, n = self.rng, self.n
        prov = np.flatnonzero(self.kind == _PROVIDER)
        n_focal = min(len(prov), int(np.clip(round(2 * n**0.25), 1, 60)))
        prov = rng.permutation(prov)
        partners = np.flatnonzero((self.kind == _PRODUCER) | (self.kind == _DISTRIBUTOR))
        lvl = self.level[partners]
        cover = partners[_choice(rng, self.size[partners] / lvl, len(prov) - n_focal)]
        reach = np.where(lvl <= 2, 0.2, 0.05)
        extra = partners[rng.random(len(partners)) < reach]
        big = _pareto(rng, len(prov), 1.0)
        sp_sp = prov[rng.random(len(prov)) < 0.1]
        dep = np.concatenate((np.zeros(n_focal, dtype=np.int64), cover, extra, sp_sp))
        pro = np.concatenate(
            (
                prov[:n_focal],
                prov[n_focal:],
                prov[_choice(rng, big, len(extra))],
                prov[_choice(rng, big, len(sp_sp))],
            )
        )
        crit = rng.random(len(dep)) < np.where(dep == 0, 0.4, 0.2)
        keep = dep != pro
        key, first = np.unique(dep[keep] * n + pro[keep], return_index=True)
        self.dep_dependent, self.dep_provider = key // n, key % n
        self.dep_critical = crit[keep][first]
        self.focal_providers = prov[:n_focal]

    # relationship data ----------------------------------------------------------------
    def _segments(self) -> None:
        rng, n = self.rng, self.n
        sup = np.concatenate([r.supplier for r in self.rows])
        spend = self._row_spend()
        self.spend = spend
        total = np.bincount(sup, weights=spend, minlength=n)
        sole = np.bincount(
            sup, weights=np.concatenate([r.sole for r in self.rows]), minlength=n
        ) / np.maximum(1, np.bincount(sup, minlength=n))
        made = self.first_item >= 0
        makers = np.bincount(self.first_item[made], minlength=self.n_items)
        few = np.zeros(n, dtype=bool)
        few[made] = makers[self.first_item[made]] <= 1
        risky = (sole >= 0.5) | few
        seg = np.full(n, -1, dtype=np.int64)
        partner = ((self.kind == _PRODUCER) | (self.kind == _DISTRIBUTOR)) & (self.level >= 1)
        partner &= self.level <= 2
        for lvl in (1, 2):
            at = partner & (self.level == lvl)
            if not at.any():
                continue
            high = total >= np.median(total[at])
            seg[at] = np.where(high[at], np.where(risky[at], 0, 1), np.where(risky[at], 2, 3))
        company_spend = np.where(partner, np.round(total, -2), np.nan)
        fp = self.focal_providers
        crit_focal = np.zeros(n, dtype=bool)
        crit_focal[self.dep_provider[(self.dep_dependent == 0) & self.dep_critical]] = True
        seg[fp] = np.where(crit_focal[fp], 0, rng.choice([1, 2, 3], size=len(fp)))
        company_spend[fp] = np.round(rng.lognormal(np.log(5e5), 1.0, len(fp)), -2)
        self.segment, self.company_spend = seg, company_spend
        self.tier1 = np.concatenate((np.flatnonzero(partner & (self.level == 1)), fp))

    def _row_spend(self) -> Floats:
        rng = self.rng
        level = np.concatenate([r.level for r in self.rows])
        units = np.concatenate([r.units for r in self.rows])
        base = np.asarray(_SPEND_BY_LEVEL)[level]
        spend = base * units / _SHARE_UNITS * rng.lognormal(0.0, 1.0, len(level))
        out: Floats = np.maximum(10.0, np.round(spend, -1))
        return out

    def _people(self) -> None:
        rng = self.rng
        tier1 = self.tier1
        tier2 = np.flatnonzero((self.level == 2) & (self.segment >= 0))
        tier2 = tier2[rng.random(len(tier2)) < 0.3]
        n1 = rng.choice(4, size=len(tier1), p=[0.1, 0.35, 0.35, 0.2]).astype(np.int64)
        n2 = rng.choice([1, 2, 3], size=len(tier2), p=[0.5, 0.35, 0.15]).astype(np.int64)
        served = np.concatenate((tier1, tier2))
        many = np.concatenate((n1, n2))
        c_comp = np.repeat(served, many)
        c_primary = (np.arange(len(c_comp)) - np.repeat(_starts(many), many)) == 0
        strat = self.segment[tier1] == 0
        gets = np.where(strat, 0.85, np.where(self.segment[tier1] == 2, 0.3, 0.0))
        sponsored = tier1[rng.random(len(tier1)) < gets]
        if strat.any() and not len(sponsored):
            sponsored = tier1[strat][:1]
        n_exec = max(4, int(np.ceil(len(sponsored) / 6)))
        zipf = 1.0 / np.arange(1, n_exec + 1)
        s_person = _choice(rng, zipf, len(sponsored))
        self.n_exec = n_exec
        self.contact_company = c_comp
        self.contact_primary = c_primary
        self.sponsor_person = s_person
        self.sponsored = sponsored
        self.kpi_companies = tier1[strat]
