"""Sample sagas written straight into a store: for demos, the dashboard tests and the load bench.

``write_sample(store, n)`` writes ``n`` sagas in the shape the stories stage stores (``sagas.data`` with a
timeline, provenance, contradictions, explanation and likelihood history), their articles, saga links and
source reliability. ``hostile=True`` puts markup and script URLs into every third-party text field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from mercato.store import schema as t
from mercato.store.dialect import insert_ignore
from mercato.store.understanding import player_key

PLAYERS = ["Viktor Gyökeres", "Marc Guéhi", "Rasmus Højlund", "Benjamin Šeško", "Jadon Sancho", "Randal Kolo Muani",
           "Alexander Isak", "Florian Wirtz", "Nico Williams", "Jonathan David", "Victor Osimhen", "Dušan Vlahović"]
CLUBS = ["Sporting CP", "Arsenal", "Crystal Palace", "Liverpool", "Manchester City", "Manchester United",
         "Napoli", "RB Leipzig", "Juventus", "Paris Saint-Germain", "Newcastle United", "Bayer Leverkusen",
         "Bayern Munich", "Athletic Club", "Barcelona", "Lille", "Galatasaray", "Inter Milan", "AC Milan"]
OUTLETS = [("skysports.com", "en"), ("gazzetta.it", "it"), ("marca.com", "es"), ("lequipe.fr", "fr"),
           ("kicker.de", "de"), ("record.pt", "pt"), ("fanatik.com.tr", "tr"), ("calciomercato.com", "it"),
           ("theathletic.com", "en"), ("as.com", "es")]
JOURNALISTS = ["Fabrizio Romano", "Gianluca Di Marzio", "David Ornstein", "Florian Plettenberg"]
STAGES = ["interest", "talks", "bid", "agreement", "medical", "done"]
HOSTILE = [
    '<script>window.__xss=1</script>',
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload="window.__xss=1">',
    "javascript:window.__xss=1",
    "</textarea><iframe src=javascript:window.__xss=1>",
    "{{7*7}} <b onmouseover=\"window.__xss=1\">bold</b>",
]


def _key(*parts: Any) -> str:
    return "u:" + hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:30]


def write_sample(store: Any, n: int = 20, *, hostile: bool = False, seed: int = 7, start: str = "2025-01-06",
                 prefix: str = "sample") -> list[str]:
    """Write ``n`` sample sagas (ids ``<prefix>-0000``…) with their articles; returns the saga ids."""
    rnd = random.Random(seed)
    day0 = dt.date.fromisoformat(start)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    sagas: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    arts: list[dict[str, Any]] = []
    stats: dict[str, list[int]] = {}
    for i in range(n):
        player = PLAYERS[i % len(PLAYERS)] if not hostile or i % 2 else HOSTILE[i % len(HOSTILE)] + " Doe"
        src, dst = rnd.sample(CLUBS, 2)
        if hostile and i % 3 == 0:
            dst = HOSTILE[(i + 1) % len(HOSTILE)]
        k = rnd.randint(2, 6)
        begin = day0 + dt.timedelta(days=rnd.randint(0, 200))
        timeline, nodes, edges, history = [], [], [], []
        stage_i = 0
        outlets_used: set[str] = set()
        for j in range(k):
            outlet, lang = OUTLETS[rnd.randrange(len(OUTLETS))]
            if hostile and j == 1:
                outlet = HOSTILE[(i + j) % len(HOSTILE)]
            date = (begin + dt.timedelta(days=3 * j + rnd.randint(0, 2))).isoformat()
            stage_i = min(len(STAGES) - 1, stage_i + rnd.randint(0, 2))
            stage = STAGES[stage_i]
            akey = _key(prefix, seed, i, j)
            title = f"{player}: {dst} {stage} with {src}"
            text = f"{player} is close to leaving {src}. {dst} are at the {stage} stage, sources say."
            url = f"https://{outlet}/news/{i}-{j}"
            if hostile:
                title = HOSTILE[(i + j) % len(HOSTILE)] + " " + title
                text = HOSTILE[(i + j + 1) % len(HOSTILE)] + " " + text
                if j == 0:
                    url = "javascript:window.__xss=1"
            cited = [JOURNALISTS[rnd.randrange(len(JOURNALISTS))]] if rnd.random() < 0.5 else []
            original = j == 0 or rnd.random() < 0.4
            copy_of = None if original else timeline[0]["article_key"]
            fee = round(rnd.uniform(10, 90), 1) if stage in ("bid", "agreement", "done") else None
            timeline.append({"article_key": akey, "date": date, "outlet": outlet, "lang": lang, "stage": stage,
                             "fee_eur_m": fee, "fee_raw": f"€{fee}m" if fee else None, "cited": cited,
                             "original": original, "copy_of": copy_of, "title": title,
                             "evidence": text.split(". ")[1] if ". " in text else text})
            nodes.append({"id": akey, "label": outlet, "kind": "article"})
            for c in cited:
                if not any(nd["id"] == c for nd in nodes):
                    nodes.append({"id": c, "label": c, "kind": "journalist"})
                edges.append({"source": c, "target": akey, "kind": "cites"})
            if copy_of:
                edges.append({"source": copy_of, "target": akey, "kind": "copy"})
            history.append({"date": date, "likelihood": round(min(0.97, 0.15 + 0.15 * stage_i + rnd.uniform(0, .1)), 3)})
            outlets_used.add(outlet)
            arts.append({"key": akey, "url": url, "canonical_url": url, "outlet": outlet, "title": title,
                         "author": None, "published": date, "date_partial": None, "external_id": f"{prefix}-{i}-{j}",
                         "origin": "sample", "text": text, "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                         "revision": 1, "extra": None, "first_seen": now, "updated_at": now})
            links.append({"saga_id": f"{prefix}-{i:04d}", "article_key": akey, "role": "primary", "stage": stage,
                          "date": date, "outlet": outlet, "is_original": original, "data": None})
        resolved = rnd.random() < 0.4
        status = timeline[-1]["stage"] if not (resolved and rnd.random() < 0.3) else "collapsed"
        outcome = ("done" if status == "done" else "collapsed" if status == "collapsed" else None) if resolved else None
        resolved = outcome is not None
        contradictions = []
        if k >= 3:
            a, b = timeline[0], timeline[-1]
            contradictions.append({"kind": "fee", "a": {"article_key": a["article_key"], "outlet": a["outlet"],
                                                       "date": a["date"], "value": "€40m", "sources": a["cited"]},
                                   "b": {"article_key": b["article_key"], "outlet": b["outlet"], "date": b["date"],
                                         "value": "€55m", "sources": b["cited"]},
                                   "note": HOSTILE[i % len(HOSTILE)] if hostile else "figures differ by €15m"})
        explanation = [{"factor": "stage", "effect": "+0.30", "detail": f"latest stage {status}"},
                       {"factor": "independent sources", "effect": f"+{0.05 * len(outlets_used):.2f}",
                        "detail": f"{len(outlets_used)} outlets"}]
        if hostile:
            explanation.append({"factor": "markup", "effect": "0", "detail": HOSTILE[(i + 2) % len(HOSTILE)]})
        for o in outlets_used:
            st = stats.setdefault(o, [0, 0, 0, 0])
            st[0] += 1 if resolved else 0
            st[1] += 1 if resolved and outcome == "done" else 0
        for e in timeline:
            st = stats[e["outlet"]]
            st[2 if e["original"] else 3] += 1
        sagas.append({
            "id": f"{prefix}-{i:04d}", "link_key": f"{player.lower()}|{src}|{dst}", "epoch": 0, "player": player,
            "player_key": player_key(player), "from_club": src, "to_club": dst, "status": status, "resolved": resolved,
            "outcome": outcome, "likelihood": history[-1]["likelihood"] if status != "collapsed" else 0.05,
            "first_date": timeline[0]["date"], "last_date": timeline[-1]["date"], "n_articles": k,
            "n_sources": len(outlets_used), "langs": sorted({e["lang"] for e in timeline}),
            "data": {"timeline": timeline, "provenance": {"nodes": nodes, "edges": edges},
                     "contradictions": contradictions, "explanation": explanation, "likelihood_history": history,
                     "status_evidence": {"article_key": timeline[-1]["article_key"],
                                         "evidence": timeline[-1]["evidence"]}},
            "updated_at": now,
        })
    rel = [{"source": o, "kind": "outlet", "resolved": s[0], "hits": s[1], "originals": s[2], "rereports": s[3],
            "prior": 0.5, "reliability": round((s[1] + 1) / (s[0] + 2), 4), "updated_at": now}
           for o, s in sorted(stats.items())]
    with store._write() as conn:
        for table, rows in ((t.articles, arts), (t.sagas, sagas), (t.saga_articles, links),
                            (t.source_reliability, rel)):
            stmt = insert_ignore(store.engine, table)  # outlets may already have a reliability row
            for chunk in range(0, len(rows), 2000):
                conn.execute(stmt, rows[chunk:chunk + 2000])
    return [s["id"] for s in sagas]
