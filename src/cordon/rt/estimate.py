"""The instantaneous reproduction number Rt by the method of Cori et al. (2013), as EpiEstim
computes it with a known serial interval (docs/rt.md).

Cases on day t arise from the infectiousness of earlier cases, Λ_t = Σ_{s≥1} w_s I_{t-s},
where I counts every case, local or imported, and w is the serial interval. Over a window of
days [t-τ+1, t] Rt is taken constant; with a gamma prior (shape a, scale b) on Rt and Poisson
local cases, its posterior is gamma with shape a + Σ local cases in the window and scale
1 / (1/b + Σ Λ over the window). Imported cases infect others but were not infected here, so
they are in Λ and not in the count of local cases.

Pure computation: no database, no web — a test proves it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cordon.core.errors import N_, InvalidInput
from cordon.rt.serial_interval import SerialInterval

PRIOR_MEAN = 5.0  # EpiEstim's default prior: mean 5, SD 5 (shape 1, scale 5)
PRIOR_SD = 5.0
WINDOW = 7  # days
CV_THRESHOLD = 0.3  # EpiEstim's default posterior coefficient of variation


@dataclass(frozen=True)
class Incidence:
    """Daily counts of new cases from ``start``, one a day with no gap: ``local[i]`` and
    ``imported[i]`` are the cases of day ``start + i``."""

    start: dt.date
    local: tuple[int, ...]
    imported: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.local) != len(self.imported):
            raise InvalidInput.on("imported", N_("must have one count a day, as local does"))
        for name, series in (("local", self.local), ("imported", self.imported)):
            for i, n in enumerate(series):
                if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                    raise InvalidInput.on(name, N_("must be whole numbers ≥ 0"), row=i + 1)

    @classmethod
    def of(
        cls, start: dt.date, local: Sequence[int], imported: Sequence[int] | None = None
    ) -> Incidence:
        imported = imported if imported is not None else [0] * len(local)
        return cls(start, tuple(int(n) for n in local), tuple(int(n) for n in imported))

    @property
    def days(self) -> int:
        return len(self.local)

    def day(self, i: int) -> dt.date:
        return self.start + dt.timedelta(days=i)

    def total(self) -> np.ndarray:
        return np.asarray(np.add(self.local, self.imported), dtype=float)

    def between(self, since: dt.date | None, until: dt.date | None) -> Incidence:
        """The days from ``since`` to ``until`` (both included; None: the series' own end)."""
        first = max(since or self.start, self.start)
        last = min(until or self.day(self.days - 1), self.day(self.days - 1))
        if first > last:
            raise InvalidInput.on("since", N_("leaves no day of the series"))
        i, j = (first - self.start).days, (last - self.start).days + 1
        return Incidence(first, self.local[i:j], self.imported[i:j])


@dataclass(frozen=True)
class Prior:
    """A gamma prior on Rt, given by its mean and SD."""

    mean: float = PRIOR_MEAN
    sd: float = PRIOR_SD

    def __post_init__(self) -> None:
        for name, value in (("prior_mean", self.mean), ("prior_sd", self.sd)):
            if not math.isfinite(value) or value <= 0:
                raise InvalidInput.on(name, N_("must be more than 0, got %(v)s"), v=value)

    @property
    def shape(self) -> float:
        return (self.mean / self.sd) ** 2

    @property
    def scale(self) -> float:
        return self.sd**2 / self.mean


@dataclass(frozen=True)
class WindowEstimate:
    """Rt over the days ``start`` … ``end`` (both included): the gamma posterior and its
    summary. ``reliable`` is false when the posterior's coefficient of variation is above the
    threshold (EpiEstim's warning: too few cases to say much)."""

    start: dt.date
    end: dt.date
    local: int
    imported: int
    infectivity: float  # Σ Λ over the window
    shape: float
    scale: float
    mean: float
    sd: float
    median: float
    lower: float  # 2.5% quantile
    upper: float  # 97.5% quantile
    cv: float
    reliable: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "local": self.local,
            "imported": self.imported,
            "mean": self.mean,
            "sd": self.sd,
            "median": self.median,
            "lower": self.lower,
            "upper": self.upper,
            "cv": self.cv,
            "reliable": self.reliable,
        }


def infectivity(incidence: Incidence, si: SerialInterval) -> np.ndarray:
    """Λ_t for each day: Σ_{s=1}^{t} w_s (local + imported)_{t-s}; 0 on the first day."""
    total = incidence.total()
    w = si.array(incidence.days)
    return np.asarray(np.convolve(total, w)[: incidence.days], dtype=float)


def _check(window: int, cv_threshold: float, incidence: Incidence) -> None:
    if window < 1:
        raise InvalidInput.on("window", N_("must be at least 1 day, got %(v)s"), v=window)
    if not math.isfinite(cv_threshold) or cv_threshold <= 0:
        raise InvalidInput.on("cv_threshold", N_("must be more than 0, got %(v)s"), v=cv_threshold)
    if incidence.days < window + 1:
        raise InvalidInput.on(
            "incidence",
            N_("needs at least %(n)s days for a window of %(w)s days, got %(d)s"),
            n=window + 1,
            w=window,
            d=incidence.days,
        )


def estimate(
    incidence: Incidence,
    si: SerialInterval,
    *,
    window: int = WINDOW,
    prior: Prior | None = None,
    cv_threshold: float = CV_THRESHOLD,
) -> list[WindowEstimate]:
    """Rt over sliding windows of ``window`` days, one ending on each day from the first
    window that leaves out the first day (whose cases have no past to come from) and ends
    after the serial interval's mean (as EpiEstim), to the last day of the series."""
    from scipy.special import gammaincinv  # loaded when needed: not with every `cordon` command

    prior = prior or Prior()
    _check(window, cv_threshold, incidence)
    lam = np.concatenate([[0.0], np.cumsum(infectivity(incidence, si))])
    local = np.concatenate([[0], np.cumsum(incidence.local)])
    imported = np.concatenate([[0], np.cumsum(incidence.imported)])
    ends = [e for e in range(window, incidence.days) if e + 1 > si.mean]
    starts = np.array([e - window + 1 for e in ends], dtype=int)
    stops = np.array(ends, dtype=int) + 1
    cases = local[stops] - local[starts]
    lam_sum = lam[stops] - lam[starts]
    shape = prior.shape + cases
    scale = 1.0 / (1.0 / prior.scale + lam_sum)
    q = gammaincinv(shape, [[0.025], [0.5], [0.975]]) * scale  # gamma quantiles
    cv = 1.0 / np.sqrt(shape)
    return [
        WindowEstimate(
            start=incidence.day(int(starts[i])),
            end=incidence.day(ends[i]),
            local=int(cases[i]),
            imported=int(imported[stops[i]] - imported[starts[i]]),
            infectivity=float(lam_sum[i]),
            shape=float(shape[i]),
            scale=float(scale[i]),
            mean=float(shape[i] * scale[i]),
            sd=float(math.sqrt(shape[i]) * scale[i]),
            median=float(q[1][i]),
            lower=float(q[0][i]),
            upper=float(q[2][i]),
            cv=float(cv[i]),
            reliable=bool(cv[i] <= cv_threshold),
        )
        for i in range(len(ends))
    ]
