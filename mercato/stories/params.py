"""The stories model's constants, read once from ``data/reliability.toml``."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from mercato.errors import ConfigError


@dataclass(frozen=True, slots=True, kw_only=True)
class Params:
    tier_prior: dict[int, float]
    unknown_prior: float
    official_prior: float
    unnamed_prior: float
    shrinkage: float
    base_rate: float
    base_rate_strength: float
    stage_p: dict[str, float]
    half_life_days: float
    damping: float
    hedged: float
    undated: float
    background: float
    floor: float
    official_weight: float
    status_weight: float
    reader_accuracy: float
    revival_gap_days: int
    near_days: int
    fee_rel_tol: float
    fee_abs_tol: float
    max_per_kind: int
    shingle_words: int
    sketch_size: int
    copy_jaccard: float
    names_jaccard: float
    names_min: int
    club_stop_words: frozenset[str]
    source_stop_words: frozenset[str]
    official_words: frozenset[str]
    unnamed_words: frozenset[str]
    windows: tuple[tuple[str, str], ...]
    stale_grace_days: int


def _build(d: dict[str, Any]) -> Params:
    try:
        pr, st, co, gr, ct, pv, ky = (d[k] for k in ("prior", "stage", "combine", "grouping", "contradictions",
                                                       "provenance", "keys"))
        return Params(
            tier_prior={int(k): float(v) for k, v in pr["tier"].items()},
            unknown_prior=float(pr["unknown"]), official_prior=float(pr["official"]),
            unnamed_prior=float(pr["unnamed"]), shrinkage=float(pr["shrinkage"]),
            base_rate=float(pr["base_rate"]), base_rate_strength=float(pr["base_rate_strength"]),
            stage_p={k: float(v) for k, v in st.items()},
            half_life_days=float(co["half_life_days"]), damping=float(co["damping"]), hedged=float(co["hedged"]),
            undated=float(co["undated"]), background=float(co.get("background", 0.0)),
            floor=float(co["floor"]), official_weight=float(co["official_weight"]),
            status_weight=float(co["status_weight"]),
            reader_accuracy=float(co.get("reader_accuracy", 1.0)),
            revival_gap_days=int(gr["revival_gap_days"]), near_days=int(gr["near_days"]),
            fee_rel_tol=float(ct["fee_rel_tol"]), fee_abs_tol=float(ct["fee_abs_tol"]),
            max_per_kind=int(ct["max_per_kind"]),
            shingle_words=int(pv["shingle_words"]), sketch_size=int(pv["sketch_size"]),
            copy_jaccard=float(pv["copy_jaccard"]), names_jaccard=float(pv["names_jaccard"]),
            names_min=int(pv["names_min"]),
            club_stop_words=frozenset(ky["club_stop_words"]), source_stop_words=frozenset(ky["source_stop_words"]),
            official_words=frozenset(ky["official_words"]), unnamed_words=frozenset(ky["unnamed_words"]),
            windows=_windows(d["windows"]["windows"]), stale_grace_days=int(d["windows"]["stale_grace_days"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"bad or missing value: {exc}", where="mercato/data/reliability.toml") from None


def _windows(raw: Any) -> tuple[tuple[str, str], ...]:
    """[["06-01", "09-01"], …] checked: month-days that exist (in a leap year), at least one window."""
    import datetime as dt

    out = []
    for w in raw:
        opens, closes = (str(x) for x in w)
        for md in (opens, closes):
            dt.date.fromisoformat(f"2024-{md}")  # ValueError names the bad value
        out.append((opens, closes))
    if not out:
        raise ValueError("windows: at least one transfer window is needed")
    return tuple(out)


@functools.lru_cache(maxsize=1)
def load_params() -> Params:
    """The packaged constants (cached)."""
    text = (resources.files("mercato") / "data" / "reliability.toml").read_text(encoding="utf-8")
    return _build(tomllib.loads(text))


def params_from(overrides: dict[str, dict[str, Any]]) -> Params:
    """The packaged constants with some sections' values replaced (for experiments and tests)."""
    text = (resources.files("mercato") / "data" / "reliability.toml").read_text(encoding="utf-8")
    d = tomllib.loads(text)
    for section, values in overrides.items():
        d.setdefault(section, {}).update(values)
    return _build(d)
