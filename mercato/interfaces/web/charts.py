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


def likelihood_over_time(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    points = sorted((h for h in history if h.get("date") and h.get("likelihood") is not None),
                    key=lambda h: h["date"])
    if not points:
        return None
    return {"data": [{"type": "scatter", "mode": "lines+markers", "name": "likelihood", "line": {"shape": "hv"},
                      "x": [p["date"] for p in points], "y": [p["likelihood"] for p in points]}],
            "layout": _layout("Likelihood over time", xaxis={"type": "date"},
                              yaxis={"range": [0, 1], "tickformat": ".0%", "title": {"text": "likelihood"}},
                              showlegend=False)}


def provenance_graph(provenance: dict[str, Any], timeline: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Who reported first and who copied or cited whom: articles placed by date (x) and outlet (y)."""
    nodes = [n for n in provenance.get("nodes") or [] if isinstance(n, dict) and n.get("id")]
    if not nodes:
        return None
    by_key = {e.get("article_key"): e for e in timeline if e.get("article_key")}
    rows: list[str] = []
    pos: dict[str, tuple[str | None, str]] = {}
    for n in nodes:
        e = by_key.get(n["id"])
        row = _t((e.get("outlet") if e else None) or n.get("label") or n["id"])
        if row not in rows:
            rows.append(row)
        pos[n["id"]] = (e.get("date") if e else None, row)
    dates = sorted(d for d, _ in pos.values() if d)
    first = dates[0] if dates else None
    for nid, (d, row) in list(pos.items()):  # sources with no date sit at the first report
        if d is None:
            pos[nid] = (first, row)
    edge_x: list[Any] = []
    edge_y: list[Any] = []
    for edge in provenance.get("edges") or []:
        a, b = pos.get(edge.get("source")), pos.get(edge.get("target"))
        if a and b:
            edge_x += [a[0], b[0], None]
            edge_y += [a[1], b[1], None]
    kinds: dict[str, list[dict[str, Any]]] = {}
    for n in nodes:
        kinds.setdefault(str(n.get("kind") or "node"), []).append(n)
    data: list[dict[str, Any]] = [{"type": "scatter", "mode": "lines", "name": "copies / cites", "x": edge_x,
                                   "y": edge_y, "hoverinfo": "skip", "line": {"width": 1, "color": "#999"}}]
    for kind, group in sorted(kinds.items()):
        data.append({"type": "scatter", "mode": "markers", "name": _t(kind), "marker": {"size": 12},
                     "x": [pos[n["id"]][0] for n in group], "y": [pos[n["id"]][1] for n in group],
                     "text": [_t(n.get("label") or n["id"]) for n in group],
                     "hovertemplate": "%{text}<br>%{x}<extra>%{fullData.name}</extra>"})
    return {"data": data, "layout": _layout("Provenance: who reported first, who copied whom",
                                            xaxis={"type": "date"}, yaxis={"type": "category", "automargin": True},
                                            height=max(300, 40 * len(rows) + 120),
                                            legend={"orientation": "h", "y": -0.2})}


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
