"""Claims: who moves where, at what stage, for how much — assembled from players, clubs and cues.

For each player the sentences that mention them (and the next one) are the window. In it every club gets a
``to`` and a ``from`` score from per-language role cues (prepositions before the club, case suffixes after it,
buying verbs after a club subject, "Liverpool defender X" / "X del Liverpool"); the stage is the strongest
cue of the window (done > medical > agreement > bid > talks > interest) unless the deal is asserted off
(collapsed, denied), with negation turning "no agreement yet" into talks.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

from mercato.models import Claim, Fee, Stage
from mercato.understand.lexicon import Cue
from mercato.understand.players import Player

RANK = {"interest": 1, "talks": 2, "bid": 3, "agreement": 4, "medical": 5, "done": 6, "loan": 6}


@dataclass(frozen=True, slots=True)
class ClubRef:
    name: str
    start: int  # folded offsets
    end: int
    sent: int


class Context:
    """The folded text with its sentences, cues and clubs, shared by every claim of one article."""

    def __init__(self, folded: str, index: list[int], sent_spans: list[tuple[int, int]], cues: list[Cue],
                 clubs: list[ClubRef]) -> None:
        self.folded = folded
        self.original = ""
        self.index = index
        self.sent_starts = [s for s, _ in sent_spans]
        self.sent_spans = sent_spans
        self.cues = cues
        self.clubs = clubs
        self.cues_by_sent: dict[int, list[Cue]] = {}
        for c in cues:
            self.cues_by_sent.setdefault(self.sent_of(c.start), []).append(c)

    def punct_between(self, fs: int, fe: int) -> bool:
        """True when the original text between two folded offsets holds a clause break (comma, colon…)."""
        if fs >= len(self.index) or fe >= len(self.index) or fe <= fs:
            return False
        seg = self.original[self.index[fs - 1] + 1 if fs else 0:self.index[fe]]
        return any(ch in seg for ch in ",.:;|–—!?()")

    def sent_of(self, fpos: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, fpos) - 1)

    def to_folded(self, opos: int) -> int:
        return bisect.bisect_left(self.index, opos)

    def words_before(self, fpos: int, n: int) -> str:
        s = self.sent_spans[self.sent_of(fpos)][0]
        return " ".join(self.folded[s:fpos].split()[-n:])

    def words_after(self, fpos: int, n: int) -> str:
        e = self.sent_spans[self.sent_of(fpos)][1] if self.sent_spans else len(self.folded)
        return " ".join(self.folded[fpos:e].split()[:n])


def _ends_with_any(text: str, words: set[str]) -> bool:
    t = " " + text
    return any(t.endswith(" " + w) for w in words if w)


def _starts_with_any(text: str, words: set[str]) -> bool:
    t = text + " "
    return any(t.startswith(w + " ") for w in words if w)


def role_scores(ctx: Context, sents: set[int], player_spans: list[tuple[int, int]],
                rw: dict[str, set[str]]) -> tuple[Counter, Counter]:
    """``to`` and ``from`` scores of each club named in the given sentences."""
    to: Counter = Counter()
    frm: Counter = Counter()
    for c in ctx.clubs:
        if c.sent not in sents:
            continue
        before = ctx.words_before(c.start, 3)
        after = ctx.words_after(c.end, 3)
        b1 = " ".join(before.split()[-1:])
        b2 = " ".join(before.split()[-2:])
        if b1 in rw["to"] or b2 in rw["to"]:
            to[c.name] += 2.0
        if b1 in rw["from"] or b2 in rw["from"]:
            frm[c.name] += 2.0
        if _starts_with_any(after, rw["to_after"]):
            to[c.name] += 2.0
        if _starts_with_any(after, rw["from_after"]):
            frm[c.name] += 1.5
        first_after = " ".join(after.split()[:2])
        if any(_starts_with_any(first_after if k == 0 else " ".join(after.split()[k:k + 2]), rw["buyer"])
               for k in range(2)):
            to[c.name] += 1.0
        if _starts_with_any(after, rw["seller"]):
            frm[c.name] += 1.0
        # "Liverpool defender Joe Gomez", "Chelsea-Star Nicolas Jackson": the player's current club
        for ps, _pe in player_spans:
            gap = ctx.folded[c.end:ps].split()
            if 0 <= ps - c.end <= 30 and len(gap) <= 2 and (not gap or any(g in rw["player_of"] for g in gap)) \
                    and not ctx.punct_between(c.end, ps):
                frm[c.name] += 1.5
            # "Joe Gomez del Liverpool" / "Gomez (Liverpool)"
            gap2 = ctx.folded[_pe:c.start].split() if c.start >= _pe else None
            if gap2 is not None and 0 <= c.start - _pe <= 12 and len(gap2) <= 1 and \
                    (not gap2 or gap2[0] in rw["from"]):
                frm[c.name] += 1.0
        to[c.name] += 0.01
        frm[c.name] += 0.0
    return to, frm


def _sentence_stage(ctx: Context, s: int, neg: set[str], hedge: set[str]) -> tuple[Counter, bool, bool]:
    found: Counter = Counter()
    negated_strong = False
    hedged = False
    for c in ctx.cues_by_sent.get(s, []):
        if c.kind == "modality.hedge":
            hedged = True
        if not c.kind.startswith("stage."):
            continue
        st = c.kind[6:]
        before = ctx.words_before(c.start, 3).split()
        if any(w in neg for w in before):
            if st in ("agreement", "done", "medical"):
                negated_strong = True
            continue
        found[st] += 1
    return found, negated_strong, hedged


def stage_of(ctx: Context, sents: set[int], neg: set[str], hedge: set[str] | None = None) -> tuple[Stage | None, bool]:
    """The stage the window asserts now (its first sentence with a stage cue decides), and whether it is hedged."""
    for s in sorted(sents):
        found, negated_strong, hedged = _sentence_stage(ctx, s, neg, hedge or set())
        if not found and not negated_strong:
            continue
        if found["denied"]:
            return Stage.DENIED, False
        if found["collapsed"]:
            return Stage.COLLAPSED, False
        best = max((k for k in found if k in RANK and k != "loan"), key=lambda k: RANK[k], default=None)
        if found["loan"] and (best is None or RANK[best] >= RANK["agreement"]):
            return Stage.LOAN, hedged
        if negated_strong and (best is None or RANK[best] >= RANK["agreement"]):
            return Stage.TALKS, True
        if best is None:
            continue
        if best == "done" and hedged:
            best = "agreement"
        return Stage(best), hedged
    return None, False


def build(ctx: Context, players: list[Player], rw: dict[str, set[str]], neg: set[str], fee: Fee | None,
          evidence_of: callable) -> list[Claim]:
    """The claims of one article: the primary player always (when a club is known), others when asserted."""
    if not players:
        return []
    scored = []
    for p in players:
        sents = {ctx.sent_of(ctx.to_folded(s)) for s, _ in p.mentions}
        weight = len(p.mentions) + (2 if min(sents) <= 1 else 0)
        scored.append((weight, -p.first, p, sents))
    scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
    claims: list[Claim] = []
    n_sent = len(ctx.sent_spans)
    for rank, (_w, _f, p, sents) in enumerate(scored):
        primary = rank == 0
        window = set(sents) | {s + 1 for s in sents if s + 1 < n_sent} if primary else set(sents)
        pspans = [(ctx.to_folded(s), ctx.to_folded(e)) for s, e in p.mentions]
        to, frm = role_scores(ctx, window, pspans, rw)
        if primary:
            to_all, frm_all = role_scores(ctx, set(range(n_sent)), pspans, rw)
            for k, v in to_all.items():
                to[k] += 0.3 * v
            for k, v in frm_all.items():
                frm[k] += 0.3 * v
            for c in ctx.clubs:
                to[c.name] += 0.4
        stage, hedged = stage_of(ctx, set(sents), neg)
        if primary and stage is None:
            stage, hedged = stage_of(ctx, set(range(min(n_sent, 3))) | window, neg)
        if stage is None:
            if not primary:
                continue
            stage = Stage.INTEREST
        best: tuple[float, str | None, str | None] = (-1e9, None, None)
        froms = [k for k, v in frm.items() if v >= 1.0] + [None]
        for t, tv in to.items():
            for f in froms:
                if f == t:
                    continue
                sc = tv - 0.6 * frm.get(t, 0.0) + (frm[f] - 0.6 * to.get(f, 0.0) if f else 0.0)
                if sc > best[0]:
                    best = (sc, t, f)
        _sc, to_club, from_club = best
        if from_club is None:
            rest = {k: v for k, v in frm.items() if k != to_club and v > 0}
            from_club = max(rest, key=lambda k: rest[k], default=None) if rest else None
        if from_club is None and primary:
            counts = Counter(c.name for c in ctx.clubs if c.name != to_club)
            from_club = counts.most_common(1)[0][0] if counts else None
        strong = stage in (Stage.DONE, Stage.AGREEMENT, Stage.MEDICAL, Stage.LOAN, Stage.BID)
        if to_club is None or (not primary and to.get(to_club, 0.0) < (1.0 if strong else 2.0)):
            continue
        first = min(sents)
        claims.append(Claim(player=p.name, from_club=from_club, to_club=to_club, stage=stage,
                            fee=fee if primary else None, evidence=evidence_of(first), hedged=hedged,
                            primary=primary))
        if len(claims) >= 6:
            break
    return claims
