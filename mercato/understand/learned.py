"""The reader's learned models: weights as data (``data/models/reader.json``), loaded once, applied in pure Python.

Three decisions are learned from labelled corpora (``mercato train``, :mod:`mercato.training`) over the
language-independent features of :mod:`.features`:

* ``claim`` — is this (player, club) pair a claim with the club as the player's destination (logistic);
* ``origin`` — is this other club the origin of that move (logistic; the likeliest club above the origin
  threshold, else no origin);
* ``stage`` — the claim's stage (multinomial logistic over the nine stages);

and ``calibration`` — the Platt scaling of the stories' likelihood, fitted on out-of-fold predictions.
Every decision can name its strongest features (:meth:`Linear.explain`): a claim keeps them as its reasons.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from mercato.errors import ConfigError

FORMAT = 1


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def platt(ab: tuple[float, float], p: float) -> float:
    """Platt scaling: sigmoid(a·logit(p) + b)."""
    a, b = ab
    q = min(1 - 1e-6, max(1e-6, p))
    return _sigmoid(a * math.log(q / (1 - q)) + b)


@dataclass(frozen=True)
class Linear:
    """A linear model over sparse named features: one weight vector per class (one class: logistic)."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def scores(self, feats: dict[str, float]) -> list[float]:
        out = list(self.bias)
        w = self.weights
        for k, v in feats.items():
            ws = w.get(k)
            if ws is not None and v:
                for i, x in enumerate(ws):
                    out[i] += x * v
        return out

    def proba(self, feats: dict[str, float]) -> dict[str, float]:
        s = self.scores(feats)
        if len(self.classes) == 1:
            p = _sigmoid(s[0])
            return {self.classes[0]: p}
        m = max(s)
        e = [math.exp(x - m) for x in s]
        z = sum(e)
        return {c: x / z for c, x in zip(self.classes, e, strict=True)}

    def p(self, feats: dict[str, float]) -> float:
        """The probability of the positive class of a logistic model."""
        return _sigmoid(self.scores(feats)[0])

    def explain(self, feats: dict[str, float], cls: str | None = None, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` features that pushed hardest toward ``cls`` (the logistic model's positive class)."""
        i = self.classes.index(cls) if cls is not None else 0
        contrib = []
        for f, v in feats.items():
            ws = self.weights.get(f)
            if ws is None or not v:
                continue
            x = ws[i] * v
            if len(self.classes) > 1:  # against the mean of the other classes
                x -= sum(w for j, w in enumerate(ws) if j != i) * v / (len(ws) - 1)
            contrib.append((f, round(x, 3)))
        contrib.sort(key=lambda t: -t[1])
        return [c for c in contrib[:k] if c[1] > 0]

    def to_dict(self) -> dict[str, Any]:
        return {"classes": list(self.classes), "bias": list(self.bias),
                "weights": {k: list(v) for k, v in sorted(self.weights.items())}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Linear:
        return cls(tuple(d["classes"]), tuple(float(x) for x in d["bias"]),
                   {k: tuple(float(x) for x in v) for k, v in d["weights"].items()})


@dataclass(frozen=True)
class Models:
    claim: Linear
    origin: Linear
    stage: Linear
    threshold: float = 0.5
    calibration: tuple[float, float] | None = None  # Platt (a, b): p' = sigmoid(a·logit(p) + b)
    meta: dict[str, Any] = field(default_factory=dict)
    origin_threshold: float = 0.5  # the likeliest other club is the origin above this (files before it: 0.5)

    @property
    def rare_stages(self) -> frozenset[str]:
        """Stages with too few training examples to learn: the rules read those (``meta.rare_stages``)."""
        return frozenset(self.meta.get("rare_stages") or ())

    def calibrate(self, p: float) -> float:
        return p if self.calibration is None else platt(self.calibration, p)

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "claim": self.claim.to_dict(), "origin": self.origin.to_dict(),
                "stage": self.stage.to_dict(), "threshold": self.threshold,
                "calibration": list(self.calibration) if self.calibration else None,
                "origin_threshold": self.origin_threshold, "meta": self.meta}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Models:
        if d.get("format") != FORMAT:
            raise ConfigError(f"reader models: format {d.get('format')!r}, expected {FORMAT}")
        cal = d.get("calibration")
        return cls(Linear.from_dict(d["claim"]), Linear.from_dict(d["origin"]), Linear.from_dict(d["stage"]),
                   float(d.get("threshold", 0.5)), (float(cal[0]), float(cal[1])) if cal else None,
                   dict(d.get("meta") or {}), float(d.get("origin_threshold", 0.5)))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def default_path() -> Path:
    return Path(str(resources.files("mercato") / "data" / "models" / "reader.json"))


def read(path: str | Path) -> Models:
    p = Path(path)
    try:
        return Models.from_dict(json.loads(p.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, ConfigError) as exc:
        raise ConfigError(f"{p}: not a reader model file ({exc})") from exc


_ACTIVE: list = []  # models set by using(), innermost last


@contextlib.contextmanager
def using(models: Models | None):
    """Within the block, :func:`active` answers ``models`` (the models a pipeline run reads with)."""
    _ACTIVE.append(models)
    try:
        yield
    finally:
        _ACTIVE.pop()


def active() -> Models | None:
    """The models in use: those of the innermost :func:`using` block, else the shipped ones."""
    return _ACTIVE[-1] if _ACTIVE else shipped()


def calibrate(p: float) -> float:
    """The stories' likelihood through the calibration of the models in use (unchanged without one)."""
    m = active()
    return m.calibrate(p) if m is not None else p


@functools.cache
def shipped() -> Models | None:
    """The models to read with: the file named by ``MERCATO_MODELS`` (``mercato train --out``), else those
    shipped with the package (None when the package has none: the rules decide alone)."""
    env = os.environ.get("MERCATO_MODELS")
    if env:
        return read(env)
    p = default_path()
    return read(p) if p.is_file() else None
