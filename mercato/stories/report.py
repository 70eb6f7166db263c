"""Files a person can open: a reliability diagram of the likelihoods and the per-saga results.

``write_report(store, out_dir, gold_outcomes, predictions)`` writes into ``out_dir``:

* ``reliability.html`` — the calibration curve (self-contained plotly page, works offline) and
  ``calibration.csv`` — its bins (mean likelihood, observed share of moves done, count);
* ``sagas.csv`` — one line per saga (status, outcome, likelihood, sizes, gold saga and outcome when known) and
  ``sagas.json`` — the same with timelines, provenance, contradictions and explanations.

Gold outcomes are ``{saga key: {"outcome": ..., "articles": [ids]}}`` (``sagas.json`` of a labelled corpus) or
``{saga key: outcome}``; without them the store's own resolved outcomes are plotted (labelled as such).
"""

from __future__ import annotations

import collections
import csv
import json
import logging
from pathlib import Path
from typing import Any

from mercato.errors import MissingDependency

log = logging.getLogger(__name__)

BINS = 10
_Y = {"done": 1.0, "collapsed": 0.0}


def _gold_by_article(gold: dict[str, Any] | None) -> dict[str, tuple[str, str | None]]:
    out: dict[str, tuple[str, str | None]] = {}
    for key, v in (gold or {}).items():
        if isinstance(v, dict):
            for aid in v.get("articles") or []:
                out[str(aid)] = (key, v.get("outcome"))
    return out


def calibration(points: list[tuple[float, float]], bins: int = BINS) -> list[dict[str, Any]]:
    """Equal-width bins of (likelihood, outcome) pairs."""
    acc: dict[int, list[tuple[float, float]]] = collections.defaultdict(list)
    for p, y in points:
        acc[min(bins - 1, int(p * bins))].append((p, y))
    out = []
    for b in range(bins):
        pts = acc.get(b, [])
        out.append({"bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}", "n": len(pts),
                    "mean_likelihood": round(sum(p for p, _ in pts) / len(pts), 4) if pts else None,
                    "observed": round(sum(y for _, y in pts) / len(pts), 4) if pts else None})
    return out


def _diagram(path: Path, rows: list[dict[str, Any]], title: str, brier: float | None) -> None:
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise MissingDependency("plotly", "web") from None
    xs = [r["mean_likelihood"] for r in rows if r["n"]]
    ys = [r["observed"] for r in rows if r["n"]]
    ns = [r["n"] for r in rows if r["n"]]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfectly calibrated",
                             line={"dash": "dash", "color": "grey"}))
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers+text", name="Mercato", text=[f"n={n}" for n in ns],
                             textposition="top center", marker={"size": [6 + 2 * min(n, 20) for n in ns]}))
    sub = f" — Brier {brier:.3f}" if brier is not None else ""
    fig.update_layout(title=f"{title}{sub}", xaxis_title="likelihood that the move happens (binned)",
                      yaxis_title="share of those that happened", xaxis={"range": [0, 1]}, yaxis={"range": [0, 1]},
                      width=720, height=640)
    fig.write_html(str(path), include_plotlyjs=True, full_html=True)


def write_report(store: Any, out_dir: str | Path, gold_outcomes: dict[str, Any] | None = None,
                 predictions: list[dict[str, Any]] | None = None) -> dict[str, Path]:
    """Write the reliability diagram and the per-saga files; returns their paths by name."""
    from mercato.stories.views import evaluation_view

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ext = {a.key: a.external_id for a in store.iter_articles()}
    if predictions is None:
        view = evaluation_view(store)
        predictions = [{"id": ext.get(k) or k, "saga": v["saga"], "likelihood": v["likelihood"]}
                       for k, v in view.items()]
    gold_art = _gold_by_article(gold_outcomes)
    sagas = list(store.iter_sagas())
    outcome_of = {s["id"]: s["outcome"] for s in sagas}
    points: list[tuple[float, float]] = []
    if gold_art:
        title = "Reliability of the likelihood (gold outcomes, one point per article)"
        for pr in predictions:
            g = gold_art.get(str(pr.get("id")))
            lk = pr.get("likelihood")
            if g and g[1] in _Y and isinstance(lk, (int, float)):
                points.append((float(lk), _Y[g[1]]))
    else:
        title = "Reliability of the likelihood (the store's own resolved outcomes)"
        for pr in predictions:
            y = _Y.get(outcome_of.get(pr.get("saga")) or "")
            if y is not None and isinstance(pr.get("likelihood"), (int, float)):
                points.append((float(pr["likelihood"]), y))
    rows = calibration(points)
    brier = sum((p - y) ** 2 for p, y in points) / len(points) if points else None
    paths = {"calibration": out / "calibration.csv", "sagas_csv": out / "sagas.csv", "sagas_json": out / "sagas.json",
             "diagram": out / "reliability.html"}
    with open(paths["calibration"], "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["bin", "n", "mean_likelihood", "observed"])
        w.writeheader()
        w.writerows(rows)
    # per saga: the gold saga most of its articles belong to
    gold_of: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for r in store.article_sagas():
        g = gold_art.get(str(ext.get(r["article_key"]))) if r["role"] == "primary" else None
        if g:
            gold_of[r["saga_id"]][g] += 1
    cols = ["id", "player", "from_club", "to_club", "status", "resolved", "outcome", "likelihood", "n_articles",
            "n_sources", "first_date", "last_date", "langs", "gold_saga", "gold_outcome"]
    full = []
    with open(paths["sagas_csv"], "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        for s in sagas:
            g = gold_of[s["id"]].most_common(1)[0][0] if gold_of.get(s["id"]) else (None, None)
            row = {c: s.get(c) for c in cols[:-2]}
            row["langs"] = " ".join(s.get("langs") or [])
            row["gold_saga"], row["gold_outcome"] = g
            w.writerow(row)
            full.append({**{k: v for k, v in s.items() if k != "data"}, "gold_saga": g[0], "gold_outcome": g[1],
                         "data": {k: v for k, v in (s.get("data") or {}).items() if k not in ("contrib", "scored_with")}})
    paths["sagas_json"].write_text(json.dumps(full, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    try:
        _diagram(paths["diagram"], rows, title, brier)
    except MissingDependency as exc:
        log.warning("reliability diagram not drawn: %s", exc)
        paths.pop("diagram")
    return paths
