"""The text of a synthetic bundle: one DataFrame per CSV file, from the drawn world.

:class:`_Tables` turns a :class:`~tierscope.loaders.generator_world._World` into
the rows of each file of :data:`tierscope.graph.schema.TABLES` (ids, names,
numbers as text); :func:`tierscope.loaders.generator.generate` writes them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tierscope.loaders import generator_vocabulary as vocab
from tierscope.loaders.generator_base import (
    _CHUNK,
    _CUSTOMER,
    _DEPTH,
    _DISTRIBUTOR,
    _KIND_NAMES,
    _PERIODS,
    _PRODUCER,
    _SHARE_UNITS,
    _SITE_SHARE,
    Floats,
    Strs,
    _ascii,
    _cat,
    _codes,
    _pick,
)
from tierscope.loaders.generator_world import _World

__all__: list[str] = []


# -- tables ---------------------------------------------------------------------------
class _Tables:
    """Turn a :class:`_World` into the text of the bundle, one table at a time."""

    def __init__(self, w: _World) -> None:
        self.w = w
        self.rng = w.rng
        self.cid = _codes("C", w.idnum, 6)
        self.stem = self.rng.integers(0, len(vocab.STEMS), w.n)
        parent = w.parent >= 0
        self.stem[parent] = self.stem[w.parent[parent]]
        self.codes = np.array([c[0] for c in vocab.COUNTRIES])
        self.item_level = np.concatenate(w.item_level)
        level, n = self.item_level, len(self.item_level)
        local = np.arange(n) - np.asarray(w.item_offset)[level]
        prod, mat = level == 0, level == _DEPTH
        comp = ~prod & ~mat
        self.item_id = np.zeros(n, dtype="U9")
        self.item_id[prod] = _codes("P", local[prod], 4)
        self.item_id[mat] = _codes("M", local[mat], 6)
        self.item_id[comp] = _cat(_codes("K", level[comp], 1), "-", _codes("", local[comp], 6))
        self.person_id = _codes("H", np.arange(1, w.n_exec + len(w.contact_company) + 1), 7)

    def companies(self) -> pd.DataFrame:
        w, rng = self.w, self.rng
        n = w.n
        words = [s.split("|") for s in vocab.INDUSTRY]
        table = np.array([x + [x[0]] * (3 - len(x)) for x in words])
        n_words = np.array([len(x) for x in words])[w.category]
        word = table[w.category, rng.integers(0, 3, n) % n_words]
        parent = w.parent >= 0
        word[parent] = word[w.parent[parent]]
        suffixes = [
            (vocab.SUFFIXES.get(c[0], "Ltd|Group") + "||").split("|")[:3] for c in vocab.COUNTRIES
        ]
        suf_n = np.array(
            [len(vocab.SUFFIXES.get(c[0], "Ltd|Group").split("|")) for c in vocab.COUNTRIES]
        )
        sfx = np.asarray(suffixes)[w.country, rng.integers(0, 3, n) % suf_n[w.country]]
        cname = np.asarray([c[1] for c in vocab.COUNTRIES])[w.country]
        base = _cat(_pick(vocab.STEMS, self.stem), " ", word)
        name = np.where(parent, _cat(base, " ", cname), base)
        name = _cat(name, " ", sfx)
        r = rng.random(n)
        foreign = r < 0.01
        foreign[rng.integers(1, n)] = True
        emoji = (r > 0.998) & ~foreign
        emoji[np.flatnonzero(~foreign)[rng.integers(1, int((~foreign).sum()))]] = True
        name[foreign] = _pick(vocab.FOREIGN_COMPANIES, rng.integers(0, 10**6, int(foreign.sum())))
        name[emoji] = _cat(name[emoji], _pick(vocab.EMOJI, rng.integers(0, 99, int(emoji.sum()))))
        seg_names = np.array(["strategic", "leverage", "bottleneck", "routine", ""])
        tier = w.level.astype(float)
        tier[~((w.kind == _PRODUCER) | (w.kind == _DISTRIBUTOR))] = np.nan
        recovery = np.round(rng.lognormal(np.log(30), 0.6, n))
        recovery[(rng.random(n) > 0.3) | (w.kind == _CUSTOMER)] = np.nan
        return pd.DataFrame(
            {
                "id": self.cid,
                "name": name,
                "kind": _KIND_NAMES[w.kind],
                "country": self.codes[w.country],
                "segment": _blank(seg_names[w.segment]),
                "parent_id": _blank(np.where(parent, self.cid[np.maximum(w.parent, 0)], "")),
                "annual_spend": _whole(w.company_spend),
                "declared_tier": _whole(tier),
                "region": np.asarray([c[2] for c in vocab.COUNTRIES])[w.country],
                "recovery_days": _whole(recovery),
            }
        ).iloc[np.argsort(w.idnum)]

    def items(self) -> pd.DataFrame:
        w, rng = self.w, self.rng
        level = self.item_level
        n = len(level)
        kind = np.where(level == 0, "product", np.where(level == _DEPTH, "material", "component"))
        cat = w.item_cat
        names_by_cat = [s.split("|") for s in vocab.ITEM_NAMES]
        name_n = np.array([len(x) for x in names_by_cat])[cat]
        flat = np.array([x + [""] * (8 - len(x)) for x in names_by_cat])
        noun = flat[cat, rng.integers(0, 8, n) % name_n]
        model = _cat(
            _pick(list("ABCDEFGHJKLMNPRSTVXZ"), rng.integers(0, 20, n)),
            _codes("", rng.integers(100, 1000, n), 3),
        )
        name = np.where(level == _DEPTH, _cat(noun, " grade ", model), _cat(noun, " ", model))
        name[level == 0] = _cat(
            _pick(vocab.STEMS, rng.integers(0, len(vocab.STEMS), int((level == 0).sum()))),
            " ",
            name[level == 0],
        )
        rev = np.where(level == 0, np.round(rng.lognormal(np.log(2e5), 1.0, n), -2), np.nan)
        inv = np.where(level == 0, rng.integers(3, 45, n), np.nan)
        return pd.DataFrame(
            {
                "id": self.item_id,
                "name": name,
                "kind": kind,
                "category": np.asarray(vocab.CATEGORIES)[cat],
                "revenue_per_day": _whole(rev),
                "inventory_days": _whole(inv),
            }
        )

    def bom(self) -> pd.DataFrame:
        parent = np.concatenate(self.w.bom_parent)
        child = np.concatenate(self.w.bom_child)
        level = self.item_level[child]
        weight = np.maximum(np.round(self.rng.lognormal(0.0, 1.0, len(child)), 2), 0.01)
        qty = np.where(
            level == _DEPTH, weight.astype(str), self.rng.integers(1, 9, len(child)).astype(str)
        )
        return pd.DataFrame(
            {"parent_id": self.item_id[parent], "child_id": self.item_id[child], "quantity": qty}
        )

    def sites(self) -> pd.DataFrame:
        w, rng = self.w, self.rng
        m = len(w.site_owner)
        c = w.site_country
        lat = np.asarray([x[3] for x in vocab.COUNTRIES])[c]
        lon = np.asarray([x[4] for x in vocab.COUNTRIES])[c]
        spread = np.asarray([x[5] for x in vocab.COUNTRIES])[c]
        lat = np.clip(lat + rng.normal(0, 1, m) * spread * 0.6, -89.9, 89.9).round(4) + 0.0
        lon = ((lon + rng.normal(0, 1, m) * spread + 180) % 360 - 180).round(4) + 0.0
        rec = np.round(rng.lognormal(np.log(25), 0.7, m))
        rec[rng.random(m) < 0.1] = np.nan
        kind = _pick(vocab.SITE_KINDS, rng.integers(0, 6, m))
        name = _cat(
            np.asarray([x[1] for x in vocab.COUNTRIES])[c], " ", kind, " ", _codes("", w.site_k, 1)
        )
        frame = pd.DataFrame(
            {
                "id": _codes("S", w.idnum[w.site_owner], 6, w.site_k),
                "company_id": self.cid[w.site_owner],
                "country": self.codes[c],
                "name": name,
                "recovery_days": _whole(rec),
                "lat": lat,
                "lon": lon,
            }
        )
        return frame.iloc[np.lexsort((w.site_k, w.idnum[w.site_owner]))]

    def supplies(self) -> list[pd.DataFrame]:
        w, rng = self.w, self.rng
        sup = np.concatenate([r.supplier for r in w.rows])
        buyer = np.concatenate([r.buyer for r in w.rows])
        item = np.concatenate([r.item for r in w.rows])
        units = np.concatenate([r.units for r in w.rows])
        level = np.concatenate([r.level for r in w.rows])
        ns = w.n_sites[sup]
        has = (ns > 0) & (rng.random(len(sup)) < _SITE_SHARE)
        k = 1 + (rng.random(len(sup)) * np.maximum(ns, 1)).astype(np.int64)
        cross = w.country[sup] != w.country[buyer]
        lead = np.round(rng.gamma(2.5, 4.0 + 3.0 * level) + np.where(cross, 14, 2)).astype(np.int64)
        share_text = np.array([_share_text(u) for u in range(_SHARE_UNITS + 1)])
        out = []
        for lo in range(0, len(sup), _CHUNK):
            s = slice(lo, lo + _CHUNK)
            site = np.where(has[s], _codes("S", w.idnum[sup[s]], 6, k[s]), "")
            out.append(
                pd.DataFrame(
                    {
                        "supplier_id": self.cid[sup[s]],
                        "buyer_id": self.cid[buyer[s]],
                        "item_id": self.item_id[item[s]],
                        "share": share_text[units[s]],
                        "annual_spend": w.spend[s].astype(np.int64),
                        "lead_time_days": lead[s],
                        "site_id": _blank(site),
                    }
                )
            )
        return out

    def dependencies(self) -> pd.DataFrame:
        w = self.w
        return pd.DataFrame(
            {
                "dependent_id": self.cid[w.dep_dependent],
                "provider_id": self.cid[w.dep_provider],
                "kind": np.asarray(vocab.SERVICES)[w.service[w.dep_provider]],
                "critical": np.where(w.dep_critical, "true", "false"),
            }
        )

    def people(self) -> pd.DataFrame:
        w, rng, pid = self.w, self.rng, self.person_id
        n_c = len(w.contact_company)
        n_p = w.n_exec + n_c
        company = np.concatenate((np.zeros(w.n_exec, dtype=np.int64), w.contact_company))
        fi, la = rng.integers(0, len(vocab.FIRST), n_p), rng.integers(0, len(vocab.LAST), n_p)
        name = _cat(_pick(vocab.FIRST, fi), " ", _pick(vocab.LAST, la))
        foreign = rng.random(n_p) < 0.01
        foreign[rng.integers(0, n_p)] = True
        name[foreign] = _pick(vocab.FOREIGN_PEOPLE, rng.integers(0, 99, int(foreign.sum())))
        local = np.where(
            foreign,
            np.char.lower(pid),
            _cat(
                _pick([_ascii(x) for x in vocab.FIRST], fi),
                ".",
                _pick([_ascii(x) for x in vocab.LAST], la),
            ),
        )
        domain = _cat(
            _pick([_ascii(x) for x in vocab.STEMS], self.stem[company]),
            _codes("", w.idnum[company] % 1000, 3),
            ".example",
        )
        email = _cat(local, "@", domain)
        title = np.concatenate(
            (
                _pick(vocab.SPONSOR_TITLES, np.arange(w.n_exec)),
                _pick(vocab.CONTACT_TITLES, rng.integers(0, 99, n_c)),
            )
        )
        return pd.DataFrame(
            {
                "id": pid,
                "name": name,
                "company_id": self.cid[company],
                "title": title,
                "email": email,
            }
        )

    def relationships(self) -> pd.DataFrame:
        w, pid = self.w, self.person_id
        return pd.DataFrame(
            {
                "person_id": np.concatenate((pid[w.sponsor_person], pid[w.n_exec :])),
                "company_id": np.concatenate((self.cid[w.sponsored], self.cid[w.contact_company])),
                "role": ["sponsor"] * len(w.sponsored) + ["contact"] * len(w.contact_company),
                "primary": _blank(
                    np.concatenate(
                        (
                            np.full(len(w.sponsored), ""),
                            np.where(w.contact_primary, "true", "false"),
                        )
                    )
                ),
            }
        )

    def kpis(self) -> pd.DataFrame:
        rng = self.rng
        comp = self.w.kpi_companies
        n = len(comp) * len(_PERIODS)
        c = np.repeat(comp, len(_PERIODS))
        period = np.tile(np.asarray(_PERIODS), len(comp))
        otd = np.clip(rng.normal(93, 4, n), 60, 100).round(1).astype(str)
        ppm = np.round(rng.lognormal(np.log(350), 0.6, n)).astype(np.int64).astype(str)
        return pd.DataFrame(
            {
                "company_id": np.concatenate((self.cid[c], self.cid[c])),
                "metric": ["on_time_delivery"] * n + ["defect_ppm"] * n,
                "period": np.concatenate((period, period)),
                "value": np.concatenate((otd, ppm)),
                "target": ["95"] * n + ["500"] * n,
                "higher_is_better": ["true"] * n + ["false"] * n,
            }
        ).sort_values(["company_id", "metric", "period"], kind="stable")


def _share_text(units: int) -> str:
    return "1" if units == _SHARE_UNITS else f"0.{units:03d}".rstrip("0")


def _blank(values: Strs) -> pd.Series:
    """Empty strings as missing values (written as empty cells)."""
    text = pd.Series(values, dtype=object)
    return text.where(text != "", None)


def _whole(values: Floats) -> pd.Series:
    """Whole numbers, NaN as missing (written as empty cells)."""
    return pd.Series(np.round(values)).astype("Int64")
