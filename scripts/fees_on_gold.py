#!/usr/bin/env python3
"""Score fee and cited-source extraction on GOLD claims, independently of claim matching.

usage: .venv/bin/python scripts/fees_on_gold.py [GOLD_DIR] [--json] [--quiet]

Fees: for each gold claim with a ``fee_eur_m`` in ``labels.jsonl``, the fee of that claim is read from the article
text with :func:`mercato.understand.fees.fee_for` (anchored on the gold player's mentions and the gold clubs) and
with :func:`~mercato.understand.fees.article_fee` (one fee per article, what a primary claim gets), and scored with
``shared/eval/score.py``'s tolerance (|pred - gold| <= 0.1*gold + 0.05). Gold claims with only a non-euro
``fee_raw`` are counted apart: their euro fee must stay null. Sources: precision/recall/F1 of
:func:`~mercato.understand.citations.find_citations` against ``cited_sources`` with the scorer's folded-substring
matching. Per-article misses are printed unless ``--quiet``.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from mercato.models import Fee
from mercato.understand import Reader, fees, normalize, sentences
from mercato.understand.citations import find_citations
from mercato.understand.gazetteer import fold, fold_key
from mercato.understand.language import detect_language

REPO = Path(__file__).resolve().parent.parent


def score_fold(s: str) -> str:  # as shared/eval/score.py
    s = unicodedata.normalize("NFKD", str(s or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9& ]+", " ", s).strip()


def source_key(s: str) -> str:  # as shared/eval/score.py
    s = re.sub(r"\b(www|com|it|es|de|fr|co uk|net|org|the)\b", " ", score_fold(s))
    return " ".join(s.split())


def fee_ok(pred: float | None, gold: float) -> bool:
    return pred is not None and abs(pred - gold) <= 0.1 * gold + 0.05


class Doc:
    """One article prepared as ``Reader.read`` prepares it."""

    def __init__(self, reader: Reader, text: str) -> None:
        text = normalize.clean(text or "")
        self.text = text
        self.lang = detect_language(text)
        w = reader._words(self.lang)
        self.lex = w["_lex"]
        self.fw = w["_fee"]
        self.folded, self.index = fold(normalize.protect_decimals(text))
        self.sent_o = sentences.spans(text)
        self.sent_f = [(self.to_f(s), self.to_f(e)) for s, e in self.sent_o] or [(0, len(self.folded))]
        self.club_hits = reader.clubs.find(text, self.folded, self.index)
        self.amounts = fees.find_amounts(text, self.folded, self.index, self.lex, self.fw)
        self.free = any(c.kind == "fee.free" for c in self.lex.find(self.folded))

    def to_f(self, o: int) -> int:
        return bisect.bisect_left(self.index, o)

    def sent_of(self, f: int) -> int:
        return max(0, bisect.bisect_right([s for s, _ in self.sent_f], f) - 1)

    def anchors(self, player: str, clubs: list[str | None]) -> tuple[list[int], list[int]]:
        """Folded offsets of the gold player's mentions (any name token of 4+ letters) and of the gold clubs."""
        toks = [t for t in fold_key(player).split() if len(t) >= 4] or fold_key(player).split()
        pl = sorted({m.start() for t in toks for m in re.finditer(r"(?<![a-z0-9])" + re.escape(t), self.folded)})
        names = {score_fold(c) for c in clubs if c}
        cl = [self.to_f(h.start) for h in self.club_hits if score_fold(h.name) in names]
        return pl, cl


def claim_fee(doc: Doc, player: str, clubs: list[str | None]) -> Fee | None:
    pl, cl = doc.anchors(player, clubs)
    sents = sorted({doc.sent_of(p) for p in pl}) or [0]
    return fees.fee_for(doc.folded, doc.amounts, doc.sent_f, sents, pl + cl, free=doc.free, fw=doc.fw)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", nargs="?", default=str(REPO.parent / "shared" / "corpus" / "dev"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--no-clubs", action="store_true", help="credit no club statements")
    args = ap.parse_args(argv)
    gold_dir = Path(args.gold)
    arts = {}
    for line in (gold_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            arts[json.loads(line)["id"]] = json.loads(line)
    labels = [json.loads(line) for line in (gold_dir / "labels.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    reader = Reader.shared()
    c: Counter[str] = Counter()
    misses: list[str] = []
    for lab in labels:
        aid = lab["id"]
        doc = Doc(reader, arts[aid]["text"])
        art_fee = fees.article_fee(doc.amounts, free=doc.free)
        for g in lab["claims"]:
            if not g.get("player"):
                continue
            gf = g.get("fee_eur_m")
            if gf is None and not g.get("fee_raw"):
                continue
            f = claim_fee(doc, g["player"], [g.get("to_club"), g.get("from_club")])
            got = f.eur_m if f else None
            art = art_fee.eur_m if art_fee else None
            if gf is None:  # non-euro only: must stay null
                c["nonEUR_n"] += 1
                c["nonEUR_ok"] += got is None
                if got is not None:
                    misses.append(f"{aid} {doc.lang} {g['player']}: gold null ({g['fee_raw']}) got {got} "
                                  f"[{f.raw if f else ''}]")
                continue
            c["fee_n"] += 1
            c["fee_ok"] += fee_ok(got, float(gf))
            c["article_ok"] += fee_ok(art, float(gf))
            if not fee_ok(got, float(gf)):
                seen = [(a.raw, a.value_m, a.currency, a.kind) for a in doc.amounts][:6]
                misses.append(f"{aid} {doc.lang} {g['player']}: gold {gf} got {got} ({f.kind if f else '-'} "
                              f"{f.raw if f else ''}); amounts {seen}")
        gs = {source_key(s) for s in lab.get("cited_sources", [])}
        clubs = [] if args.no_clubs else doc.club_hits
        cites = find_citations(doc.text, doc.folded, doc.index, reader.outlets, doc.lex, lambda o: "", clubs)
        ps = {source_key(x.name) for x in cites}
        hit = {s for s in gs if any(s == t or (s and t and (s in t or t in s)) for t in ps)}
        c["src_tp"] += len(hit)
        c["src_fn"] += len(gs) - len(hit)
        c["src_fp"] += max(0, len(ps) - len(hit))
        used = {t for t in ps if any(s == t or (s and t and (s in t or t in s)) for s in gs)}
        if gs - hit or ps - used:
            misses.append(f"{aid} {doc.lang} sources: missed {sorted(gs - hit)} extra {sorted(ps - used)}")
    p = c["src_tp"] / (c["src_tp"] + c["src_fp"]) if c["src_tp"] + c["src_fp"] else 0.0
    r = c["src_tp"] / (c["src_tp"] + c["src_fn"]) if c["src_tp"] + c["src_fn"] else 0.0
    out = {"fee_claims": c["fee_n"], "fee_acc": round(c["fee_ok"] / max(1, c["fee_n"]), 3),
           "fee_acc_article_level": round(c["article_ok"] / max(1, c["fee_n"]), 3),
           "non_euro_claims": c["nonEUR_n"], "non_euro_null_acc": round(c["nonEUR_ok"] / max(1, c["nonEUR_n"]), 3),
           "source_p": round(p, 3), "source_r": round(r, 3),
           "source_f1": round(2 * p * r / (p + r) if p + r else 0.0, 3)}
    if not args.quiet:
        for m in misses:
            print(m)
    print(json.dumps(out) if args.json else "\n".join(f"{k}: {v}" for k, v in out.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
