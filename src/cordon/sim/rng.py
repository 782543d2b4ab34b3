"""Random numbers by key: each draw is a hash of the run's seed and what it is for (an agent,
a day, a purpose, a counter), not the next number of one shared stream.

This is what makes the runs of two scenarios *common random numbers*: a person's course, the
people someone meets on a day and whether they are infected are the same draws in both, so
the scenarios differ only where their measures change what happens. Adding one infection
changes no other draw (docs/simulation.md,
tests/sim/test_common_random_numbers.py).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xC2B2AE3D27D4EB4F)
_K3 = np.uint64(0x165667B19E3779F9)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_UNIT = 1.0 / 9007199254740992.0  # 2**-53

# purposes: one per kind of draw
LATENT, PRESYMPTOMATIC, SYMPTOMATIC, SEVERE, CRITICAL, DIES = 1, 2, 3, 4, 5, 6
RECOVERY, SPREAD, HOUSEHOLD, GROUP_PICK, GROUP_INFECT, COMMUNITY_COUNT = 7, 8, 9, 10, 11, 12
COMMUNITY_WHERE, COMMUNITY_PICK, COMMUNITY_INFECT, SEEK, TEST, TRACE = 13, 14, 15, 16, 17, 18
SEEDING, IMPORT, UPTAKE, CLOSED, DOSES = 19, 20, 21, 22, 23


@njit(inline="always", cache=True)
def _mix(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(inline="always", cache=True)
def uniform(seed: np.uint64, purpose: int, a: int, b: int, c: int) -> float:
    """A number in [0, 1) for (seed, purpose, a, b, c); a, b, c ≥ 0."""
    h = _mix(seed ^ (np.uint64(purpose) * _K1) ^ (np.uint64(a) * _K2))
    h = _mix(h ^ (np.uint64(b) * _K3) ^ np.uint64(c))
    return float(h >> _S11) * _UNIT


@njit(inline="always", cache=True)
def normal(seed: np.uint64, purpose: int, a: int, b: int) -> float:
    """A standard normal (Box–Muller on two keyed uniforms)."""
    u1 = 1.0 - uniform(seed, purpose, a, b, 0)  # (0, 1]
    u2 = uniform(seed, purpose, a, b, 1)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@njit(inline="always", cache=True)
def lognormal_days(seed: np.uint64, purpose: int, a: int, mean: float, sd: float) -> int:
    """Whole days (at least 1) from a lognormal of the given mean and standard deviation."""
    sigma2 = math.log(1.0 + (sd * sd) / (mean * mean))
    mu = math.log(mean) - sigma2 / 2.0
    days = math.exp(mu + math.sqrt(sigma2) * normal(seed, purpose, a, 0))
    return max(1, int(days + 0.5))


@njit(cache=True)
def poisson(u: float, mean: float) -> int:
    """The Poisson count whose distribution function first exceeds ``u`` (inversion)."""
    if mean <= 0.0:
        return 0
    k = 0
    p = math.exp(-mean)
    total = p
    while u > total and k < 1000:
        k += 1
        p *= mean / k
        total += p
    return k


@njit(cache=True)
def gamma_unit_mean(seed: np.uint64, purpose: int, a: int, shape: float) -> float:
    """A gamma variate of the given shape and mean 1 (Marsaglia–Tsang; shape < 1 boosted)."""
    boost = 1.0
    k = shape
    if k < 1.0:
        boost = uniform(seed, purpose, a, 99, 0) ** (1.0 / k)
        k += 1.0
    d = k - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    for attempt in range(64):
        x = normal(seed, purpose, a, 2 + attempt)
        v = (1.0 + c * x) ** 3
        if v <= 0.0:
            continue
        u = uniform(seed, purpose, a, 200 + attempt, 0)
        if math.log(max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * math.log(v):
            return d * v * boost / shape
    return 1.0
