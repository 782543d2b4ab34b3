"""The serial interval: the days from a case's symptom onset to the onset of those it infects,
as the discrete distribution w_0, w_1, … that the renewal equation weighs past cases with.

Two ways to give it: a mean and a standard deviation (a gamma distribution shifted by one
day and discretised as in the web appendix of Cori et al. 2013 — the ``parametric_si``
of EpiEstim), or the weights themselves, one per day from day 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cordon.core.errors import N_, InvalidInput

# COVID-19: Nishiura, Linton & Akhmetzhanov (2020), "Serial interval of novel coronavirus
# (COVID-19) infections", Int J Infect Dis 93:284-286, doi:10.1016/j.ijid.2020.02.060: from
# 28 infector-infectee pairs, right truncation accounted for — mean 4.7 days (95% CrI 3.7-6.0),
# SD 2.9 days (95% CrI 1.9-4.9), median 4.0 days. (They fitted a lognormal; like EpiEstim's
# parametric serial interval we use a gamma with the same mean and SD.)
COVID19_MEAN = 4.7
COVID19_SD = 2.9

# The discretised distribution is cut where the mass still to come is below this.
TAIL = 1e-12
# Weights given by hand must add up to 1 within this (as EpiEstim asks).
SUM_TOLERANCE = 0.01


@dataclass(frozen=True)
class SerialInterval:
    """``weights[k]`` is the probability that the serial interval is ``k`` days (k ≥ 0)."""

    weights: tuple[float, ...]
    source: str

    @property
    def mean(self) -> float:
        return float(sum(k * w for k, w in enumerate(self.weights)))

    @property
    def sd(self) -> float:
        mean = self.mean
        return math.sqrt(sum(w * (k - mean) ** 2 for k, w in enumerate(self.weights)))

    def array(self, days: int) -> np.ndarray:
        """The weights for days 0 … ``days - 1`` (zeros past the last one given)."""
        out = np.zeros(days)
        n = min(days, len(self.weights))
        out[:n] = self.weights[:n]
        return out


def discretised_gamma(k: np.ndarray, mean: float, sd: float) -> np.ndarray:
    """P(serial interval = k days) for a gamma of ``mean`` and ``sd`` shifted by one day,
    discretised by averaging over an onset spread evenly across the infector's day.

    With X the gamma of mean ``mean - 1`` (shape a, scale b), F its distribution function and
    F⁺ that of shape a + 1: w_k = k F(k) - 2(k-1) F(k-1) + (k-2) F(k-2)
    + ab (2 F⁺(k-1) - F⁺(k-2) - F⁺(k)), floored at 0 (rounding)."""
    from scipy.special import gammainc  # loaded when needed: not with every `cordon` command

    shape = ((mean - 1) / sd) ** 2
    scale = sd**2 / (mean - 1)
    k = np.asarray(k, dtype=float)

    def cdf(x: np.ndarray, a: float) -> np.ndarray:
        return np.asarray(gammainc(a, np.maximum(x, 0.0) / scale))

    w: np.ndarray = (
        k * cdf(k, shape) - 2 * (k - 1) * cdf(k - 1, shape) + (k - 2) * cdf(k - 2, shape)
    )
    w += shape * scale * (2 * cdf(k - 1, shape + 1) - cdf(k - 2, shape + 1) - cdf(k, shape + 1))
    return np.asarray(np.maximum(w, 0.0), dtype=float)


def parametric(mean: float, sd: float, *, field: str = "si_mean") -> SerialInterval:
    """The discretised shifted gamma of ``mean`` and ``sd`` days, cut where the tail left is
    below 10⁻¹²: its weights add up to 1 within that."""
    if not math.isfinite(mean) or mean <= 1:
        raise InvalidInput.on(field, N_("must be more than 1 day (the shift), got %(v)s"), v=mean)
    if not math.isfinite(sd) or sd <= 0:
        raise InvalidInput.on("si_sd", N_("must be more than 0 days, got %(v)s"), v=sd)
    from scipy.special import gammainccinv

    shape, scale = ((mean - 1) / sd) ** 2, sd**2 / (mean - 1)
    # The last day with mass: where the shifted gamma's tail falls below TAIL, and a day more.
    last = math.ceil(float(gammainccinv(shape, TAIL)) * scale) + 2
    weights = discretised_gamma(np.arange(last + 1), mean, sd)
    return SerialInterval(tuple(float(w) for w in weights), f"gamma, mean {mean} d, SD {sd} d")


def covid19() -> SerialInterval:
    """The default for COVID-19: mean 4.7 days, SD 2.9 days (Nishiura et al. 2020)."""
    return parametric(COVID19_MEAN, COVID19_SD)


def explicit(weights: Sequence[float], *, field: str = "si_weights") -> SerialInterval:
    """A distribution given day by day from day 0: non-negative, nothing on day 0 (a case
    does not infect on its own day of onset), adding up to 1 within 0.01."""
    values = [float(w) for w in weights]
    if len(values) < 2:
        raise InvalidInput.on(field, N_("needs a weight for day 0 and at least day 1"))
    if any(not math.isfinite(w) or w < 0 for w in values):
        raise InvalidInput.on(field, N_("weights must be non-negative numbers"))
    if values[0] != 0:
        raise InvalidInput.on(field, N_("the weight of day 0 must be 0, got %(v)s"), v=values[0])
    total = sum(values)
    if abs(total - 1) > SUM_TOLERANCE:
        raise InvalidInput.on(field, N_("weights must add up to 1, they add up to %(v)s"), v=total)
    return SerialInterval(tuple(values), f"given, {len(values)} days")
