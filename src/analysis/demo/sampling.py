"""Deterministic, vectorised sampling primitives of the demo generator.

Every random stream is derived from ``(seed, *keys)`` so that one component (a millésime, a file)
does not shift the draws of another: the 2019 rows are the same whether 2018 is generated or not.
"""

from __future__ import annotations

import zlib

import numpy as np


def rng_for(seed: int, *keys: object) -> np.random.Generator:
    """Independent generator for ``seed`` and a tuple of keys (stable across platforms)."""
    entropy = [int(seed) & 0xFFFFFFFF] + [zlib.crc32(str(k).encode("utf-8")) for k in keys]
    return np.random.default_rng(np.random.SeedSequence(entropy))


def top_k(score: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of the ``k`` largest scores (exactly ``k``)."""
    n = len(score)
    k = int(min(max(k, 0), n))
    mask = np.zeros(n, dtype=bool)
    if k == 0:
        return mask
    if k == n:
        mask[:] = True
        return mask
    mask[np.argpartition(-np.asarray(score, dtype=float), k - 1)[:k]] = True
    return mask


def pick(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Exactly ``k`` items drawn without replacement with probability ~ ``weights``.

    Efraimidis-Spirakis keys (log(u) / w): one vectorised pass, no Python loop.
    """
    weights = np.asarray(weights, dtype=float)
    u = rng.random(len(weights))
    with np.errstate(divide="ignore"):
        keys = np.where(weights > 0, np.log(u) / np.where(weights > 0, weights, 1.0), -np.inf)
    return top_k(keys, k)


def share_count(share: float, n: int) -> int:
    """Number of items for a share, rounded half up and clipped to [0, n]."""
    return int(min(max(np.floor(share * n + 0.5), 0), n))


def allocate(total: int, weights: np.ndarray, minimum: int = 0) -> np.ndarray:
    """Integer counts summing to ``total``, proportional to ``weights``, at least ``minimum``."""
    weights = np.asarray(weights, dtype=float)
    n = len(weights)
    base = np.full(n, minimum, dtype=np.int64)
    rest = total - base.sum()
    if rest < 0:
        raise ValueError("minimum too large for total")
    quota = rest * weights / weights.sum()
    counts = np.floor(quota).astype(np.int64)
    remainder = int(rest - counts.sum())
    if remainder:
        order = np.argsort(-(quota - counts), kind="stable")
        counts[order[:remainder]] += 1
    return base + counts


def ordinal(score: np.ndarray, probs: list[float] | np.ndarray) -> np.ndarray:
    """Category index 0..len(probs)-1 by rank of ``score`` (low score = low category).

    The counts per category are exact (cumulative shares rounded), the assignment follows the
    score, so territorial effects carried by the score are kept.
    """
    probs = np.asarray(probs, dtype=float)
    probs = probs / probs.sum()
    n = len(score)
    bounds = np.floor(np.cumsum(probs) * n + 0.5).astype(np.int64)
    bounds[-1] = n
    ranks = np.empty(n, dtype=np.int64)
    ranks[np.argsort(score, kind="stable")] = np.arange(n)
    return np.searchsorted(bounds, ranks, side="right")


def categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Row-wise categorical draw from a (n, k) matrix of probabilities."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    return (rng.random((len(probs), 1)) > cum).sum(axis=1)


def mix(rng: np.random.Generator, *parts: tuple[np.ndarray | float, float]) -> np.ndarray:
    """Latent score: sum of weighted components plus Gaussian noise completing unit variance.

    ``parts`` are ``(component, loading)`` pairs of standardised components; the noise loading is
    sqrt(1 - sum(loading**2)).
    """
    n = None
    total = 0.0
    explained = 0.0
    for component, loading in parts:
        total = total + loading * np.asarray(component, dtype=float)
        explained += loading**2
        if np.ndim(component):
            n = len(component)
    if n is None:
        raise ValueError("mix needs at least one array component")
    noise = max(0.0, 1.0 - explained) ** 0.5
    return total + noise * rng.standard_normal(n)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def solve_intercept(fn, target: float, lo: float = -12.0, hi: float = 12.0, steps: int = 50) -> float:
    """Bisection for an increasing function ``fn(a)`` reaching ``target``."""
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if fn(mid) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
