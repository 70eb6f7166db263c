"""The candidate ceiling of the reader's players, by category of miss (resubstitution, rules' reading).

For every gold claim of the labelled directories: is its player among the candidates (the 6 likeliest players of
the article), and if not, why — found but ranked below, found but left out (coach, background), not found at
all (with the script of the article and whether the gold surname is written in the text as is or inflected).

usage: python scripts/players_ceiling.py DIR… [--list CATEGORY] [--lang xx]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from mercato.evaluation import fold, same_club, same_player
from mercato.extract import extract
from mercato.sources.jsonl import record_to_raw
from mercato.understand import Reader
from mercato.understand import claims as cl
from mercato.understand.features import MAX_PLAYERS
from mercato.understand.transliterate import script_of


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--list", default="")
    ap.add_argument("--lang", default="")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    seen: dict[str, tuple] = {}
    orig_rank = cl.rank_players

    def spy(ctx, players, rw):
        ranked = orig_rank(ctx, players, rw)
        seen["last"] = (players, ranked, ctx)
        return ranked

    cl.rank_players = spy
    reader = Reader(models=None)
    cats: Counter = Counter()
    by_lang: dict[str, Counter] = defaultdict(Counter)
    rows = []
    for d in args.dirs:
        d = Path(d)
        arts = {r["id"]: r for r in map(json.loads, (d / "articles.jsonl").read_text().splitlines()) if r}
        for lab in map(json.loads, (d / "labels.jsonl").read_text().splitlines()):
            gold = [c for c in lab.get("claims") or [] if c.get("player")]
            if not gold:
                continue
            row = arts[lab["id"]]
            lang = row.get("lang") or "?"
            if args.lang and lang != args.lang:
                continue
            seen.clear()
            got: list = []
            u = reader.read(extract(record_to_raw(row, f"x:{lab['id']}")), collect=got)
            cand_names = [pc.player.name for g in got for pc in g[2]]
            players, ranked, ctx = seen.get("last", ([], [], None))
            clubs = {c.name for c in ctx.clubs} if ctx else set()
            text = row.get("text") or ""
            ftext = " " + fold(text) + " "
            script = script_of(text)
            for g in gold:
                name = g["player"]
                rk = next((i for i, (p, _s) in enumerate(ranked) if same_player(p.name, name)), None)
                found = any(same_player(p.name, name) for p in players)
                club_ok = any(same_club(c, g.get("to_club")) for c in clubs) if g.get("to_club") else True
                toks = fold(name).split()
                sur = toks[-1] if toks else ""
                if any(same_player(n, name) for n in cand_names):
                    cat = "candidate" if club_ok else "candidate/club-missing"
                elif rk is not None:
                    cat = f"ranked-below-{MAX_PLAYERS}"
                elif found:
                    cat = "found-left-out"
                elif script != "latin":
                    cat = f"not-found/{script}"
                elif any(f" {t} " in ftext for t in toks if len(t) > 2):
                    other = [p.name for p in players if any(t in fold(p.name).split() for t in toks)]
                    if other:
                        cat = "not-found/under-other-name"
                    elif f" {sur} " in ftext:
                        cat = "not-found/written-as-is"
                    else:
                        cat = "not-found/first-name-only"
                elif sur[:5] and sur[:5] in ftext:
                    cat = "not-found/inflected"
                else:
                    cat = "not-found/other-spelling"
                cats[cat] += 1
                by_lang[lang][cat] += 1
                rows.append({"id": lab["id"], "lang": lang, "player": name, "to": g.get("to_club"), "cat": cat,
                             "players": [p.name for p, _ in ranked][:10], "claims": len(u.claims)})
    total = sum(cats.values())
    print(f"gold claims with a player: {total}")
    for k, v in cats.most_common():
        print(f"  {k:32s} {v:4d}")
    print("per language (not candidate):")
    for lang, c in sorted(by_lang.items(), key=lambda kv: -sum(v for k, v in kv[1].items() if k != "candidate")):
        miss = {k: v for k, v in c.items() if k != "candidate"}
        if miss:
            print(f"  {lang}: {c['candidate']}/{sum(c.values())} ", dict(sorted(miss.items(), key=lambda kv: -kv[1])))
    if args.list:
        for r in rows:
            if r["cat"].startswith(args.list):
                print(r["id"], r["lang"], r["cat"], "|", r["player"], "->", r["to"], "| ranked:", r["players"])
    if args.json:
        Path(args.json).write_text(json.dumps({"cats": cats, "rows": rows}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
