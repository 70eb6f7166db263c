"""Claims: who moves where, at what stage — assembled from players, clubs and cues.

Each club mention gets ``to`` and ``from`` evidence from per-language role cues around it (:mod:`.roles`).
A player's claim uses the clubs of the sentences that name them: the destination is the club with the most
``to`` evidence, the origin the club with the most ``from`` evidence (or, for the article's main player, the
other club the article keeps naming). The article's main player always gets a claim when a club is named;
other players only when a sentence about them asserts a move with a stage cue and an explicit destination.
The stage is the strongest cue of the first sentence about the player that has one (done > medical >
agreement > bid > talks > interest), unless the deal is asserted off (collapsed, denied); negation turns
"no agreement yet" into talks.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from mercato.models import Claim, Fee, Stage
from mercato.understand.lexicon import Cue
from mercato.understand.players import Player
from mercato.understand.roles import club_evidence

RANK = {"interest": 1, "talks": 2, "bid": 3, "agreement": 4, "medical": 5, "done": 6, "loan": 6}
MAX_CLAIMS = 8
STAGE_WINDOW = 1  # how many cue-bearing sentences decide a claim's stage
MIN_LIST = 3  # two clubs side by side are as often buyer and seller ("Milan e Liverpool") as two suitors
SETTLED = frozenset({Stage.AGREEMENT, Stage.MEDICAL, Stage.DONE, Stage.LOAN})


@dataclass(frozen=True, slots=True)
class ClubRef:
    name: str
    start: int  # folded offsets
    end: int
    sent: int
    ostart: int = 0  # original offsets
    oend: int = 0


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
        self.evidence_cache: dict[tuple, tuple[float, float]] = {}  # (club mention, player spans) -> (to, from)
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
        """The last ``n`` words of the sentence before ``fpos`` (split from the right: only those ``n``)."""
        s = self.sent_spans[self.sent_of(fpos)][0]
        words = self.folded[s:fpos].rsplit(None, n) if n > 0 else self.folded[s:fpos].split()
        return " ".join(words[-n:])

    def words_after(self, fpos: int, n: int) -> str:
        """The first ``n`` words of the sentence from ``fpos``."""
        e = self.sent_spans[self.sent_of(fpos)][1] if self.sent_spans else len(self.folded)
        words = self.folded[fpos:e].split(None, n) if n > 0 else self.folded[fpos:e].split()
        return " ".join(words[:n])

    def has_cue(self, sent: int, prefix: str) -> bool:
        return any(c.kind.startswith(prefix) for c in self.cues_by_sent.get(sent, []))


def drop_name_parts(ctx: Context, players: list[Player]) -> None:
    """Club mentions that are part of a player's name are no club mentions: "Milan" of "Milan Škriniar",
    "Valencia" of "Enner Valencia" (the club word right before or after a mention of the player, and one of
    the words of his full name)."""
    from mercato.understand.gazetteer import fold_key

    spans = [(fold_key(p.name).split(), [(ctx.to_folded(s), ctx.to_folded(e)) for s, e in p.mentions])
             for p in players if " " in p.name.strip()]
    if not spans:
        return
    keep = []
    for c in ctx.clubs:
        words = fold_key(ctx.folded[c.start:c.end]).split()
        part = False
        for name, mentions in spans:
            if not words or not any(name[i:i + len(words)] == words for i in range(len(name) - len(words) + 1)):
                continue
            for ms, me in mentions:
                gap = ctx.folded[c.end:ms] if c.end <= ms else ctx.folded[me:c.start] if me <= c.start else "x"
                if not gap.strip() and len(gap) <= 2:
                    part = True
                    break
            if part:
                break
        if not part:
            keep.append(c)
    ctx.clubs = keep


def background_only(ctx: Context, sents: list[int]) -> bool:
    """Every one of these sentences tells the past ("came close to joining … last summer"): a claim read from
    them alone is background, not what the article reports now."""
    return bool(sents) and all(ctx.has_cue(s, "modality.past") or ctx.has_cue(s, "context.background")
                               for s in sents)


def _adjacent(ctx: Context, a: Cue, b: Cue) -> bool:
    lo, hi = (a.end, b.start) if a.end <= b.start else (b.end, a.start)
    return hi - lo >= 0 and len(ctx.folded[lo:hi].split()) <= 1


def _sentence_stage(ctx: Context, s: int, neg: set[str]) -> tuple[Counter, bool, bool]:
    found: Counter = Counter()
    negated_strong = False
    hedged = future = False
    cues = ctx.cues_by_sent.get(s, [])
    if any(c.kind == "modality.past" for c in cues):
        return found, False, False  # background ("last year", "in 2022"): not what the article reports now
    stage_cues = [c for c in cues if c.kind.startswith("stage.")]
    for c in cues:
        if c.kind == "modality.hedge":
            hedged = True
        elif c.kind == "modality.future":
            future = True
        if not c.kind.startswith("stage."):
            continue
        st = c.kind[6:]
        if st == "done" and any(o.kind == "stage.bid" and _adjacent(ctx, o, c) for o in stage_cues):
            continue  # "offerta ufficiale", "official offer": an adjective of the bid
        before = ctx.words_before(c.start, 5).split()
        if any(w in neg for w in before):
            if st in ("agreement", "done", "medical"):
                negated_strong = True
            continue
        found[st] += 1
    if not found and not negated_strong and not hedged and any(c.kind == "attribution.official" for c in cues) \
            and any(c.kind == "topic.transfer" for c in cues):
        found["done"] += 1  # "the club confirmed on Friday the signing of…": an official announcement of the move
    if future and found["medical"] and not hedged:
        found["agreement"] += found.pop("medical")  # "will undergo a medical": agreed, formalities not begun
        found.pop("done", None)
    return found, negated_strong, hedged


def stage_of(ctx: Context, sents: list[int], neg: set[str], window: int | None = None) -> tuple[Stage | None, bool]:
    """The stage the sentences assert, and whether it is hedged: the first ``window`` sentences that carry a
    stage cue are read together; a deal asserted off (collapsed, denied) there overrides the rest."""
    window = STAGE_WINDOW if window is None else window
    found: Counter = Counter()
    negated_strong = hedged = False
    used = 0
    for s in sents:
        f, n, h = _sentence_stage(ctx, s, neg)
        if not f and not n:
            continue
        found.update(f)
        negated_strong |= n
        hedged |= h and bool(f)
        used += 1
        if used >= window:
            break
    if not found and not negated_strong:
        return None, False
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
        return None, False
    if best in ("done", "medical") and hedged:
        best = "agreement"  # "could complete", "may undergo a medical": agreed, not yet under way
    return Stage(best), hedged


def _is_nonplayer(ctx: Context, p: Player, rw: dict[str, set[str]]) -> bool:
    """A coach, director, agent or journalist: a role word right before most of the name's mentions."""
    roles = rw.get("nonplayer", set())
    if not roles:
        return False
    hits = 0
    for s, _e in p.mentions:
        before = ctx.words_before(ctx.to_folded(s), 3)
        b = before.split()
        if any(" ".join(b[-k:]) in roles for k in (1, 2, 3) if len(b) >= k):
            hits += 1
    return hits > 0


def _near(ctx: Context, c: ClubRef, pspans: list[tuple[int, int]], words: int) -> bool:
    """The club is within ``words`` words of a mention of the player, in the same sentence."""
    for ps, pe in pspans:
        if ctx.sent_of(ps) != c.sent:
            continue
        lo, hi = (pe, c.start) if pe <= c.start else (c.end, ps)
        if len(ctx.folded[lo:hi].split()) <= words:
            return True
    return False


def _runs(ctx: Context, clubs: list[ClubRef], rw: dict[str, set[str]]) -> list[list[ClubRef]]:
    """Clubs in one sentence joined only by commas and "and" words (a club named twice in a row starts a new
    run), each run in text order, single clubs too."""
    joiners = rw.get("and", set()) | {"", "e", "and", "y", "und", "et", "i", "ve", "en", "ja", "og", "si", "kai"}
    runs: list[list[ClubRef]] = []
    for c in sorted(clubs, key=lambda c: c.start):
        last = runs[-1][-1] if runs else None
        if last is not None and last.sent == c.sent and last.name != c.name \
                and " ".join(ctx.folded[last.end:c.start].split()) in joiners:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


def _enumerations(ctx: Context, clubs: list[ClubRef], rw: dict[str, set[str]]) -> list[list[ClubRef]]:
    """Runs of ``MIN_LIST`` or more clubs (:func:`_runs`)."""
    return [r for r in _runs(ctx, clubs, rw) if len(r) >= MIN_LIST]


def _suitors(ctx: Context, sents: set[int], rw: dict[str, set[str]], buyer: str | None) -> list[ClubRef]:
    """Clubs listed as a player's suitors: a run of clubs opened by a list word ("including Fenerbahçe and
    Arsenal", "waaronder", "tra cui"), or a run of ``MIN_LIST`` clubs in a sentence that speaks of interest,
    talks or offers ("offers from Crystal Palace, Leeds and West Ham"); never a run naming the ``buyer``."""
    intro = rw.get("suitors", set())
    out: list[ClubRef] = []
    for run in _runs(ctx, [c for c in ctx.clubs if c.sent in sents], rw):
        if ctx.has_cue(run[0].sent, "modality.past"):
            continue  # "Arsenal and Spurs previously held an interest"
        names = {c.name for c in run}
        if buyer in names:
            continue  # "talks between Crystal Palace, Liverpool and Milan": the parties, not rival suitors
        before = ctx.words_before(run[0].start, 5).split()
        if before and len(before[-1]) <= 3 and before[-1] not in intro:
            before = before[:-1]  # an article: "come il Milan", "wie der FC Bayern"
        opened = any(len(before) >= k and " ".join(before[-k:]) in intro for k in (1, 2, 3))
        if opened or (len(names) >= MIN_LIST and any(ctx.has_cue(run[0].sent, f"stage.{k}")
                                                       for k in ("interest", "talks", "bid"))):
            out.extend(run)
    return out


def _scores(ctx: Context, sents: dict[int, float], pspans: list[tuple[int, int]],
            rw: dict[str, set[str]], near: int | None = None) -> tuple[Counter, Counter, Counter]:
    """Weighted ``to``, ``from`` evidence and mention counts of the clubs in the given sentences
    (only those within ``near`` words of the player when given)."""
    to: Counter = Counter()
    frm: Counter = Counter()
    seen: Counter = Counter()
    # role evidence is computed only for the clubs that need it: those scored below and those in a list
    ev: dict[int, tuple[float, float]] = {}
    raw = ctx.evidence_cache
    pkey = tuple(pspans)

    def evidence(c: ClubRef) -> tuple[float, float]:
        if id(c) not in ev:
            k = (id(c), pkey)  # one club mention's evidence for one player, computed once per article
            if k not in raw:
                raw[k] = club_evidence(ctx, c, pspans, rw)
            ev[id(c)] = raw[k]
        return ev[id(c)]

    for group in _enumerations(ctx, [c for c in ctx.clubs if sents.get(c.sent)], rw):
        # "Crystal Palace, Leeds and West Ham", "Liverpool, Real Madrid": a list shares the role of its head
        best_to = max(evidence(c)[0] for c in group)
        for c in group:
            t, f = ev[id(c)]
            ev[id(c)] = (max(t, best_to), f)
    for c in ctx.clubs:
        w = sents.get(c.sent)
        if not w or (near is not None and not _near(ctx, c, pspans, near)):
            continue
        t, f = evidence(c)
        if near is None and not _near(ctx, c, pspans, 10):
            w *= 0.6
        w /= 1.0 + 0.12 * c.sent  # the headline and the lead say what the article is about
        to[c.name] += w * t
        frm[c.name] += w * f
        seen[c.name] += w
    return to, frm, seen


def _left_elsewhere(ctx: Context, pspans: list[tuple[int, int]], rw: dict[str, set[str]], to_club: str) -> str | None:
    """The one club the article, anywhere outside background sentences, shows only being left ("no negociará
    con el Athletic Club"): the main player's origin when the sentences about them name none."""
    score: Counter = Counter()
    bought: set[str] = set()
    for c in ctx.clubs:
        if c.name == to_club or ctx.has_cue(c.sent, "modality.past"):
            continue
        t, f = club_evidence(ctx, c, pspans, rw)
        if t > 0:
            bought.add(c.name)
        elif f >= 2.0:
            score[c.name] += f
    cands = [n for n in score if n not in bought]
    return cands[0] if len(cands) == 1 else None


def _pick(to: Counter, frm: Counter, seen: Counter, *, fallback_from: bool) -> tuple[str | None, str | None]:
    names = set(seen)
    if not names:
        return None, None
    to_net = {n: to[n] - 0.5 * frm[n] + 0.15 * seen[n] for n in names}
    to_club = max(sorted(names), key=lambda n: to_net[n])
    if to[to_club] <= 0 and frm[to_club] > 0 and len(names) == 1:
        return None, None
    rest = [n for n in sorted(names) if n != to_club]
    from_club = None
    if rest:
        from_net = {n: frm[n] - 0.5 * to[n] for n in rest}
        cand = max(rest, key=lambda n: (from_net[n], seen[n]))
        if from_net[cand] > 0:
            from_club = cand
        elif fallback_from:
            cand = max(rest, key=lambda n: (seen[n] - to[n], -to[n]))
            if to[cand] < 2:
                from_club = cand
    return to_club, from_club


def rank_players(ctx: Context, players: list[Player], rw: dict[str, set[str]]) -> list[tuple[Player, list[int]]]:
    """The players a claim may be about, likeliest first (mentions, headline, lead), with their sentences;
    coaches, directors and agents, and names only in background sentences, left out."""
    cands = []
    for p in players:
        if _is_nonplayer(ctx, p, rw):
            continue
        sents = sorted({ctx.sent_of(ctx.to_folded(s)) for s, _ in p.mentions})
        if all(ctx.has_cue(s, "modality.past") for s in sents):
            continue  # named only in background ("the record holder was Havertz, who moved in 2020")
        weight = len(p.mentions) + (3 if sents[0] == 0 else 1.5 if sents[0] <= 2 else 0)
        weight += 0.5 * (len(p.key.split()) > 1 and p.written_full)
        cands.append((weight, -p.first, p, sents))
    cands.sort(key=lambda x: (x[0], x[1]), reverse=True)
    return [(p, sents) for _w, _f, p, sents in cands]


def primary_window(sents: list[int], n_sent: int) -> dict[int, float]:
    """The sentences read for an article's main player, weighted: his own, the one after each, the lead."""
    window = {s: 1.0 for s in sents}
    for s in sents:
        if s + 1 < n_sent:
            window.setdefault(s + 1, 0.5)
    window.setdefault(0, 0.7)
    for s in range(min(n_sent, 3)):
        window.setdefault(s, 0.4)
    return window


def build(ctx: Context, players: list[Player], rw: dict[str, set[str]], neg: set[str],
          fee_of: Callable[[list[int], list[int], bool], Fee | None],
          evidence_of: Callable[[int], str], models=None, collect: list | None = None,
          ) -> tuple[list[Claim], list[dict[str, list[float]]]]:
    """The claims of one article, with, for each claim, the role evidence of the clubs around its player
    (``{club: [to, from, seen]}``). With ``models`` (:class:`~.learned.Models`) the learned models decide
    over every (player, club) candidate, the rules' own claims among their features; without, the rules
    decide. ``collect`` receives ``(ctx, neg, candidates, fee_of)`` (for training)."""
    if not players or not ctx.clubs:
        return [], []
    ranked = rank_players(ctx, players, rw)
    claims, links = _rule_claims(ctx, players, ranked, rw, neg, fee_of, evidence_of)
    if models is None and collect is None:
        return claims, links
    from mercato.understand import decide

    cands = decide.candidates(ctx, ranked, rw, neg, claims)
    if collect is not None:
        collect.append((ctx, neg, cands, fee_of))
    if models is None:
        return claims, links
    return decide.decide(ctx, cands, models, neg, fee_of, evidence_of)


def _rule_claims(ctx: Context, players: list[Player], ranked: list[tuple[Player, list[int]]],
                 rw: dict[str, set[str]], neg: set[str],
                 fee_of: Callable[[list[int], list[int], bool], Fee | None],
                 evidence_of: Callable[[int], str]) -> tuple[list[Claim], list[dict[str, list[float]]]]:
    """The hand-written rules: the main player always (when a club is known), others when asserted."""
    links: list[dict[str, list[float]]] = []
    n_sent = len(ctx.sent_spans)
    if not ranked:
        return [], links
    claims: list[Claim] = []
    claimed_players: set[str] = set()
    named_sents = {ctx.sent_of(ctx.to_folded(s)) for p in players for s, _e in p.mentions}
    for rank, (p, sents) in enumerate(ranked):
        primary = rank == 0
        pspans = [(ctx.to_folded(s), ctx.to_folded(e)) for s, e in p.mentions]
        window = primary_window(sents, n_sent) if primary else {s: 1.0 for s in sents}
        to, frm, seen = _scores(ctx, window, pspans, rw, near=None if primary else 14)
        if primary:
            to_club, from_club = _pick(to, frm, seen, fallback_from=True)
            if to_club is None:
                continue
            if from_club is None:
                from_club = _left_elsewhere(ctx, pspans, rw, to_club)
        else:
            to_club, from_club = _pick(to, frm, seen, fallback_from=False)
            if to_club is None or to[to_club] < 1.5 or to[to_club] <= frm[to_club]:
                continue
        order = sents if not primary else sorted(set(sents) | {0})
        stage, hedged = stage_of(ctx, order, neg)
        if stage is None and primary:
            stage, hedged = stage_of(ctx, sorted(window), neg)
        if stage is None:
            if not primary:
                continue
            stage = Stage.INTEREST
        if p.key in claimed_players:
            continue
        claimed_players.add(p.key)
        co = sorted({c.sent for c in ctx.clubs if c.name == to_club} & set(sents)) or sents
        claims.append(Claim(player=p.name, from_club=from_club, to_club=to_club, stage=stage,
                            fee=fee_of(sents, [ps for ps, _ in pspans], primary),
                            evidence=evidence_of(sents[0]), hedged=hedged,
                            primary=primary, background=background_only(ctx, co)))
        ev = {n: [round(to[n], 3), round(frm[n], 3), round(seen[n], 3)] for n in sorted(seen)}
        links.append(ev)
        if primary:  # other clubs the article says are after the same player
            for other in sorted(to, key=lambda n: -to[n]):
                if other in (to_club, from_club) or to[other] < 1.5 or frm[other] >= to[other]:
                    continue
                osents = sorted({c.sent for c in ctx.clubs if c.name == other and c.sent in window})
                ostage, ohedged = stage_of(ctx, osents, neg)
                if ostage in (None, Stage.DONE, Stage.MEDICAL, Stage.LOAN, Stage.AGREEMENT):
                    ostage = Stage.INTEREST
                claims.append(Claim(player=p.name, from_club=from_club, to_club=other, stage=ostage,
                                    evidence=evidence_of(osents[0] if osents else sents[0]), hedged=ohedged))
                links.append({})
            named = {c.to_club for c in claims if c.player == p.name} | {from_club}
            # and sentences naming no player at all that speak of interest ("He had also attracted interest
            # from several clubs, including Bayern Munich") are about the main player too
            unnamed = {i for i in range(n_sent) if i not in named_sents and any(
                ctx.has_cue(i, f"stage.{k}") for k in ("interest", "talks", "bid"))}
            for club in _suitors(ctx, set(window) | unnamed, rw, to_club):
                if club.name in named:
                    continue
                named.add(club.name)
                ostage, ohedged = stage_of(ctx, [club.sent], neg)
                if ostage not in (Stage.TALKS, Stage.BID):
                    ostage = Stage.INTEREST
                claims.append(Claim(player=p.name, from_club=from_club, to_club=club.name, stage=ostage,
                                    evidence=evidence_of(club.sent), hedged=ohedged))
                links.append({})
        if len(claims) >= MAX_CLAIMS:
            break
    return claims[:MAX_CLAIMS], links[:MAX_CLAIMS]
