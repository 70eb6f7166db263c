"""Show how one article of a labelled directory is read: sentences, cues, clubs with role evidence, players, claims.

usage: python scripts/explain.py ID [DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mercato.models import Article
from mercato.understand import Reader
from mercato.understand import claims as cl


def main() -> None:
    aid = sys.argv[1]
    d = Path(sys.argv[2] if len(sys.argv) > 2 else "../shared/corpus/dev")
    row = next(json.loads(x) for x in (d / "articles.jsonl").open() if json.loads(x)["id"] == aid)
    art = Article(key=aid, url=row.get("url"), canonical_url=None, outlet=None, title=None, author=None,
                  published=None, date_partial=None, text=row["text"], content_hash="", origin="explain")
    r = Reader.shared()
    seen: dict = {}
    orig_build = cl.build

    def spy(ctx, players, rw, neg, fee_of, evidence_of):
        seen["ctx"], seen["players"], seen["rw"] = ctx, players, rw
        return orig_build(ctx, players, rw, neg, fee_of, evidence_of)

    cl.build = spy
    u = r.read(art)
    cl.build = orig_build
    ctx = seen["ctx"]
    for i, (s, e) in enumerate(ctx.sent_spans):
        o = ctx.original[ctx.index[s] if s < len(ctx.index) else 0:ctx.index[e - 1] + 1 if e else 0]
        print(f"[{i}] {o.strip()[:300]}")
        cues = [f"{c.kind}:{ctx.folded[c.start:c.end]}" for c in ctx.cues_by_sent.get(i, [])]
        if cues:
            print("     cues:", ", ".join(cues))
        clubs = [c for c in ctx.clubs if c.sent == i]
        if clubs:
            from mercato.understand.roles import club_evidence
            print("     clubs:", ", ".join(f"{c.name}{club_evidence(ctx, c, [], seen['rw'])}" for c in clubs))
    for p in seen["players"]:
        print("PLAYER", p.name, len(p.mentions), "nonplayer" if cl._is_nonplayer(ctx, p, seen["rw"]) else "")
    for c in u.claims:
        print("CLAIM", c.player, c.from_club, "->", c.to_club, c.stage.value, "primary" if c.primary else "")


if __name__ == "__main__":
    main()
