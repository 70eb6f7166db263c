"""Link reconciliation: one article's reading of who buys and who sells, checked against the others.

Each claim keeps the role evidence of the clubs around its player (``{club: [to, from, seen]}``). For one
player, the articles that name the same clubs usually agree on the direction ("Athletic Club → Barcelona");
when one article's own evidence is weak or swapped ("renueva con el Athletic y descarta el Barça"), the
evidence of the *other* articles about the same player decides. An article's own evidence is never counted
twice, and a claim is changed only when the clubs it picks between are both named in that article.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

#: weight of the other articles' net evidence against the article's own
PULL = 1.0
CLIP = 3.0


def _net(ev: dict[str, Sequence[float]]) -> dict[str, float]:
    return {c: max(-CLIP, min(CLIP, v[0] - v[1])) for c, v in ev.items()}


def reconcile(rows: Iterable[tuple[str, int, str, str | None, str | None, dict[str, Sequence[float]]]],
              pull: float = PULL) -> list[tuple[str, int, str, str | None]]:
    """``rows`` = (article_key, idx, player_key, to_club, from_club, evidence); returns the claims to change
    as (article_key, idx, to_club, from_club)."""
    by_player: dict[str, list] = defaultdict(list)
    rows = list(rows)
    # an article's other claims on the same player: a claim moved onto one of them swaps clubs with it (no
    # duplicate pair, none of the article's clubs lost)
    taken = {(r[0], r[2], r[3]): (r[1], r[4]) for r in rows}
    for row in rows:
        if row[5]:
            by_player[row[2]].append(row)
    changes = []
    for _player, group in sorted(by_player.items()):
        if len(group) < 2:
            continue
        total: dict[str, float] = defaultdict(float)
        nets = []
        for row in group:
            n = _net(row[5])
            nets.append(n)
            for c, v in n.items():
                total[c] += v
        for row, own in zip(group, nets, strict=True):
            key, idx, _p, to_club, from_club, ev = row
            others = {c: total[c] - own.get(c, 0.0) for c in ev}
            score = {c: v[0] - 0.5 * v[1] + 0.15 * v[2] + pull * others[c] for c, v in ev.items()}
            best = max(sorted(score), key=lambda c: score[c])
            new_to, new_from = to_club, from_club
            if best != to_club and to_club in ev:
                other = taken.get((key, _p, best))
                if other is not None and other[0] != idx:
                    changes.append((key, other[0], to_club, other[1]))
                new_to = best
                new_from = to_club if from_club in (None, best) else from_club
            # the origin: the club the other articles see the player leave, when this one names it
            fscore = {c: v[1] - 0.5 * v[0] - pull * others[c] for c, v in ev.items() if c != new_to}
            if fscore:
                fbest = max(sorted(fscore), key=lambda c: fscore[c])
                if fscore[fbest] > 0 and fbest != new_from and (
                        new_from is None or fscore[fbest] > fscore.get(new_from, float("-inf"))):
                    new_from = fbest
            if (new_to, new_from) != (to_club, from_club):
                changes.append((key, idx, new_to, new_from))
    return changes
