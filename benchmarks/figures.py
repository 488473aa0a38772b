"""A measured figure with its goal and baseline, percentiles, and the printed table."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str
    value: float
    unit: str = ""
    goal: float | None = None  # the most the value may be (or the least, with ``at_least``)
    baseline: float | None = None  # the same figure for the naive way or the theoretical best
    note: str = ""  # printed after the figure (e.g. that a short run's figure is indicative only)
    at_least: bool = False  # the goal is a floor (a rate), not a ceiling

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    @property
    def met(self) -> bool | None:
        if self.goal is None:
            return None
        return self.value >= self.goal if self.at_least else self.value <= self.goal


# Figures in milliseconds that depend on the machine and its load: each is also given as a ratio to its
# baseline, measured in the same run, which carries from one machine to another (``startup_ratio`` comes
# from the startup benchmark itself, with its goal).
MACHINE_DEPENDENT = (
    "ui_merge_max_stall_ms",
    "ui_key_p99_ms",
    "ui_open_big_transcript_ms",
    "startup_full_load_ms",
)


def with_ratios(figures: list[Figure], keys: tuple[str, ...] = MACHINE_DEPENDENT) -> list[Figure]:
    """``figures`` and, after each of ``keys`` that has a baseline, ``<key without _ms>_ratio``."""
    out: list[Figure] = []
    for figure in figures:
        out.append(figure)
        if figure.key in keys and figure.ratio is not None:
            out.append(Figure(figure.key.removesuffix("_ms") + "_ratio", figure.ratio, "x"))
    return out


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` in 0..1); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if math.isnan(value):
        return "nan"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def table(figures: list[Figure]) -> str:
    header = ("figure", "value", "goal", "baseline", "ratio", "")
    rows = [
        (
            figure.key,
            f"{_number(figure.value)} {figure.unit}".rstrip(),
            "-" if figure.goal is None else f"{'>=' if figure.at_least else '<='} {_number(figure.goal)}",
            _number(figure.baseline),
            "-" if figure.ratio is None else f"{figure.ratio:.2f}",
            " ".join(filter(None, ({True: "ok", False: "MISSED", None: ""}[figure.met], figure.note))),
        )
        for figure in figures
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    title = "  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True))
    return "\n".join([title.rstrip(), *(line.rstrip() for line in lines)])


def as_json(figures: list[Figure]) -> dict[str, float | None]:
    """Every figure by key, plus ``<key>_goal`` / ``<key>_baseline`` where they exist."""
    out: dict[str, float | None] = {}
    for figure in figures:
        out[figure.key] = None if math.isnan(figure.value) else figure.value
        if figure.goal is not None:
            out[f"{figure.key}_goal"] = figure.goal
        if figure.baseline is not None:
            out[f"{figure.key}_baseline"] = figure.baseline
    return out
