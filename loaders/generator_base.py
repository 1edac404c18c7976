"""The synthetic generator's parameters and vectorised helpers.

Shared by the modules of :func:`tierscope.loaders.generator.generate`:
:mod:`~tierscope.loaders.generator_world` (companies, geography, services,
relationship data), :mod:`~tierscope.loaders.generator_supply` (items, bill of
materials and supply rows) and :mod:`~tierscope.loaders.generator_tables` (the
text of each CSV file). The model itself is described in
:mod:`~tierscope.loaders.generator`. Names with a leading underscore belong to
these generator modules only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__: list[str] = []

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Strs = npt.NDArray[np.str_]
Progress = Callable[[str], None]


# -- parameters of the model ---------------------------------------------------------
_DEPTH = 4
_SOURCES = np.array([1, 2, 3, 4, 5])
_SOURCES_P = np.array([0.45, 0.35, 0.12, 0.05, 0.03])
_AVG_SOURCES = float(_SOURCES @ _SOURCES_P)
_SECOND_ITEM = 0.15
_MAKERS_PER_ITEM = (0.0, 0.0, 3.0, 6.0, 12.0)  # by level; level 1 follows the sourcing mix
_DEEP_SPLIT = (0.22, 0.33, 0.45)  # levels 2, 3, 4
_DIST_LEVELS = (0.15, 0.45, 0.4)  # distributors at levels 1, 2, 3
_ROWS_PER_COMPANY = 5.0
_SIZE_ALPHA = 1.5  # Pareto tail of company size (preferential attachment)
_SITE_SHARE = 0.7
_SHARE_UNITS = 1000
_SPEND_BY_LEVEL = (2e6, 1.5e6, 3e5, 8e4, 2.5e4)
_PERIODS = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")
_CHUNK = 1_000_000


# company kinds (internal codes)
_FOCAL, _PRODUCER, _DISTRIBUTOR, _CUSTOMER, _PROVIDER = range(5)
_KIND_NAMES = np.array(["focal", "supplier", "distributor", "customer", "service_provider"])


def _ascii(s: str) -> str:
    text = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())


# -- small vectorised helpers ----------------------------------------------------------
def _codes(prefix: str, nums: Ints, width: int, suffix: Ints | None = None) -> Strs:
    """``prefix`` + ``nums`` zero-padded to ``width`` (+ ``-suffix``, one digit), vectorised."""
    n = len(nums)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    cols = [np.tile(np.frombuffer(prefix.encode(), dtype=np.uint8), (n, 1))]
    cols.append(((nums[:, None] // powers) % 10 + 48).astype(np.uint8))
    if suffix is not None:
        cols.append(np.full((n, 1), ord("-"), dtype=np.uint8))
        cols.append((suffix[:, None] % 10 + 48).astype(np.uint8))
    buf = np.ascontiguousarray(np.concatenate(cols, axis=1))
    out: Strs = buf.view(f"S{buf.shape[1]}").ravel().astype(str)
    return out


def _pick(options: Sequence[str], idx: Ints) -> Strs:
    out: Strs = np.asarray(options, dtype=str)[idx % len(options)]
    return out


def _cat(*parts: Strs | str) -> Strs:
    out: Any = parts[0]
    for p in parts[1:]:
        out = np.char.add(out, p)
    return np.asarray(out, dtype=str)


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split by ``weights`` (largest remainder), every part at least 1 when possible."""
    w = np.asarray(weights, dtype=float) / sum(weights)
    raw = w * total
    parts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - parts))[: total - parts.sum()]:
        parts[i] += 1
    while total >= len(parts) and parts.min() == 0:
        parts[parts.argmax()] -= 1
        parts[parts.argmin()] += 1
    return [int(p) for p in parts]


def _starts(counts: Ints) -> Ints:
    out: Ints = np.cumsum(counts) - counts
    return out


def _ranks(groups: Ints, n_groups: int, rng: np.random.Generator) -> tuple[Ints, Ints]:
    """A random rank of each element within its group, and the group sizes."""
    order = np.lexsort((rng.random(len(groups)), groups))
    counts = np.bincount(groups, minlength=n_groups).astype(np.int64)
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups)) - _starts(counts)[groups[order]]
    return rank, counts


def _pareto(rng: np.random.Generator, n: int, alpha: float) -> Floats:
    out: Floats = rng.pareto(alpha, n) + 1.0
    return out


def _choice(rng: np.random.Generator, weights: Floats, size: int) -> Ints:
    out: Ints = rng.choice(len(weights), size=size, p=weights / weights.sum()).astype(np.int64)
    return out
