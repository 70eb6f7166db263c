"""Chart specifications (Plotly figure JSON: ``data`` + ``layout``) built from plain saga and outlet data.

The server only builds JSON; ``static/charts.js`` hands it to Plotly (served from the plotly package, no CDN),
so pages need no inline script and work under a strict Content-Security-Policy.
"""

from __future__ import annotations

from typing import Any

STAGES = ["interest", "talks", "bid", "agreement", "medical", "done", "loan", "collapsed", "denied"]
_BASE = {"margin": {"l": 60, "r": 20, "t": 40, "b": 50}, "height": 340, "paper_bgcolor": "white",
         "plot_bgcolor": "#fafafa", "font": {"size": 12}, "hovermode": "closest"}


def _t(value: Any) -> str:
    """Third-party text for Plotly, which reads a few HTML tags in labels: entities only, never markup."""
    return str(value if value is not None else "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {**_BASE, "title": {"text": title}, **extra}


def stages_by_outlet(timeline: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The stage each outlet reported over time: one line per outlet."""
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for e in timeline:
        if e.get("date") and e.get("stage") in STAGES:
            by_outlet.setdefault(e.get("outlet") or "unknown", []).append(e)
    if not by_outlet:
        return None
    data = []
    for outlet, events in sorted(by_outlet.items()):
        events.sort(key=lambda e: e["date"])
        data.append({"type": "scatter", "mode": "lines+markers", "name": _t(outlet),
                     "x": [e["date"] for e in events], "y": [e["stage"] for e in events],
                     "text": [_t(e.get("title")) for e in events],
                     "hovertemplate": "%{x}<br>%{y}<br>%{text}<extra>%{fullData.name}</extra>"})
    return {"data": data, "layout": _layout(
        "Stage reported over time, by outlet", xaxis={"type": "date", "title": {"text": "date"}},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": STAGES, "range": [-0.5, 8.5]},
        legend={"orientation": "h", "y": -0.25})}


def likelihood_over_time(history: list[dict[str, Any]], headline: float | None = None) -> dict[str, Any] | None:
    """The likelihood as known after each day a report arrived; a point that adds undated reports (placed on
    the day they were ingested) is an open diamond. The last point is the figure shown (``headline``)."""
    points = sorted((h for h in history if h.get("date") and h.get("likelihood") is not None),
                    key=lambda h: h["date"])
    if not points:
        return None
    if headline is not None and points[-1]["likelihood"] != headline:
        points.append({"date": points[-1]["date"], "likelihood": headline})
    marked = [bool(p.get("undated")) for p in points]
    text = [f"adds {p['undated']} undated report(s), placed on the day ingested" if p.get("undated") else ""
            for p in points]
    return {"data": [{"type": "scatter", "mode": "lines+markers", "name": "likelihood", "line": {"shape": "hv"},
                      "x": [p["date"] for p in points], "y": [p["likelihood"] for p in points], "text": text,
                      "marker": {"symbol": ["diamond-open" if m else "circle" for m in marked],
                                 "size": [11 if m else 7 for m in marked]},
                      "hovertemplate": "%{x}<br>%{y:.1%}<br>%{text}<extra></extra>"}],
            "layout": _layout("Likelihood over time (open diamonds: undated reports, placed on the day ingested)",
                              xaxis={"type": "date"},
                              yaxis={"range": [0, 1], "tickformat": ".0%", "title": {"text": "likelihood"}},
                              showlegend=False)}


def _levels(ids: list[str], out: dict[str, list[str]]) -> dict[str, int]:
    """Hops from each node to an origin (a node that copies or cites nobody), cycles cut."""
    memo: dict[str, int] = {}

    def level(n: str, seen: frozenset[str]) -> int:
        if n in memo:
            return memo[n]
        nxt = [x for x in out.get(n, []) if x not in seen]
        v = 0 if not nxt else 1 + max(level(x, seen | {n}) for x in nxt)
        memo[n] = v
        return v

    return {n: level(n, frozenset()) for n in ids}


def provenance_graph(provenance: dict[str, Any], timeline: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Who reported first and who copied or cited whom: origins on the left, arrows towards re-reports."""
    nodes = [n for n in provenance.get("nodes") or [] if isinstance(n, dict) and n.get("id")]
    if not nodes:
        return None
    ids = [str(n["id"]) for n in nodes]
    known = set(ids)
    edges = [e for e in provenance.get("edges") or []
             if isinstance(e, dict) and str(e.get("source")) in known and str(e.get("target")) in known]
    out: dict[str, list[str]] = {}
    for e in edges:  # "source copies/cites target": the target came first
        out.setdefault(str(e["source"]), []).append(str(e["target"]))
    levels = _levels(ids, out)
    rows: dict[int, int] = {}
    pos: dict[str, tuple[int, int]] = {}
    for nid in sorted(ids, key=lambda i: (levels[i], i)):
        lv = levels[nid]
        pos[nid] = (lv, rows.get(lv, 0))
        rows[lv] = rows.get(lv, 0) + 1
    annotations = [{"x": pos[str(e["source"])][0], "y": pos[str(e["source"])][1],
                    "ax": pos[str(e["target"])][0], "ay": pos[str(e["target"])][1], "xref": "x", "yref": "y",
                    "axref": "x", "ayref": "y", "showarrow": True, "arrowhead": 2, "arrowsize": 1.2,
                    "arrowcolor": "#98a2b3", "standoff": 10, "startstandoff": 10, "text": ""} for e in edges]
    kinds: dict[str, list[dict[str, Any]]] = {}
    for n in nodes:
        kinds.setdefault(str(n.get("kind") or "node"), []).append(n)
    data = []
    for kind, group in sorted(kinds.items()):
        data.append({"type": "scatter", "mode": "markers+text", "name": _t(kind), "marker": {"size": 14},
                     "x": [pos[str(n["id"])][0] for n in group], "y": [pos[str(n["id"])][1] for n in group],
                     "text": [_t(n.get("label") or n["id"]) for n in group], "textposition": "top center",
                     "hovertemplate": "%{text}<extra>%{fullData.name}</extra>"})
    depth = max(levels.values()) if levels else 0
    height = max(rows.values()) if rows else 1
    return {"data": data, "layout": _layout(
        "Provenance: origins (left) and who copied or cited them",
        xaxis={"range": [-0.6, depth + 0.6], "tickvals": list(range(depth + 1)),
               "ticktext": ["origin" if i == 0 else f"{i} hop{'s' if i > 1 else ''}" for i in range(depth + 1)],
               "zeroline": False},
        yaxis={"range": [-0.8, height - 0.2], "visible": False},
        annotations=annotations, height=max(300, 70 * height + 120), legend={"orientation": "h", "y": -0.15})}


def reliability_history(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    points = [h for h in history if h.get("date")]
    if not points:
        return None
    return {"data": [{"type": "scatter", "mode": "lines+markers", "name": "hit rate",
                      "x": [p["date"] for p in points], "y": [p["reliability"] for p in points],
                      "text": [_t(p["saga_id"]) for p in points]}],
            "layout": _layout("Share of resolved sagas called right, over time", xaxis={"type": "date"},
                              yaxis={"range": [0, 1.05], "tickformat": ".0%"}, showlegend=False)}


def reliability_diagram(cal: dict[str, Any]) -> dict[str, Any] | None:
    bins = [b for b in cal.get("bins") or [] if b.get("n")]
    if not bins:
        return None
    return {"data": [
        {"type": "scatter", "mode": "lines", "name": "perfect", "x": [0, 1], "y": [0, 1],
         "line": {"dash": "dash", "color": "#999"}},
        {"type": "scatter", "mode": "lines+markers", "name": "sagas", "x": [b["predicted"] for b in bins],
         "y": [b["observed"] for b in bins], "text": [f"n={b['n']}" for b in bins], "marker": {"size": 10}},
        {"type": "bar", "name": "count", "x": [(b["lo"] + b["hi"]) / 2 for b in bins], "y": [b["n"] for b in bins],
         "yaxis": "y2", "opacity": 0.25, "width": 0.08},
    ], "layout": _layout("Reliability diagram: predicted likelihood vs share that happened",
                         xaxis={"range": [0, 1], "title": {"text": "predicted"}},
                         yaxis={"range": [0, 1], "title": {"text": "observed"}},
                         yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "title": {"text": "sagas"}},
                         height=420)}
