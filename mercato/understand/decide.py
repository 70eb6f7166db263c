"""Learned claim decisions: candidates from the players and clubs of an article, decided by the models.

:func:`candidates` makes one :class:`~.features.Candidate` per (player, club) for the article's likeliest
players, with the features of :mod:`.features` (the hand-written rules' own claims are features too);
:func:`decide` turns them into claims with the learned models of :mod:`.learned`: every pair above the
claim threshold is a claim, its origin the other club the origin model rates highest (above the origin
threshold), its stage the stage model's choice. Each claim keeps its strongest features as its reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mercato.models import Claim, Fee, Stage
from mercato.understand import claims as cl
from mercato.understand.features import (
    MAX_PLAYERS,
    Candidate,
    at_features,
    origin_features,
    pair_features,
    stage_features,
)
from mercato.understand.learned import Models


@dataclass
class PlayerCands:
    """The candidates of one player, with what the rules made of him."""

    rank: int
    player: object
    sents: list[int]
    pairs: list[Candidate] = field(default_factory=list)
    rule_from: str | None = None
    rule_stage: dict[str, tuple[str | None, bool]] = field(default_factory=dict)  # club -> (stage, hedged)


def candidates(ctx: cl.Context, ranked: list[tuple[object, list[int]]], rw: dict[str, set[str]], neg: set[str],
               rule_claims: list[Claim]) -> list[PlayerCands]:
    """Every (player, club) pair of the article's likeliest players, with features."""
    out: list[PlayerCands] = []
    if not ctx.clubs:
        return out
    n_sent = len(ctx.sent_spans)
    refs: dict[str, list[cl.ClubRef]] = {}
    for c in ctx.clubs:
        refs.setdefault(c.name, []).append(c)
    for rank, (p, sents) in enumerate(ranked[:MAX_PLAYERS]):
        pspans = [(ctx.to_folded(s), ctx.to_folded(e)) for s, e in p.mentions]
        window = cl.primary_window(sents, n_sent)
        to, frm, seen = cl._scores(ctx, window, pspans, rw)
        mine = [c for c in rule_claims if c.player == p.name]
        rule: dict[str, str] = {}
        pc = PlayerCands(rank, p, sents)
        for c in mine:
            if c.to_club:
                rule.setdefault(c.to_club, "to" if c is mine[0] else "suitor")
                pc.rule_stage[c.to_club] = (c.stage.value, c.hedged)
            if c.from_club:
                rule.setdefault(c.from_club, "from")
                pc.rule_from = pc.rule_from or c.from_club
        psents = set(sents)
        all_scores = {n: (to[n], frm[n], seen[n]) for n in refs}
        for name, rs in refs.items():
            co = sorted({r.sent for r in rs} & psents)
            cand = Candidate(p, rank, name, sents, co, all_scores[name])
            cand.features = pair_features(ctx, cand, rs, all_scores, rule, len(refs), len(ranked), neg)
            cand.features.update(at_features(ctx, rs, psents, rw))
            pc.pairs.append(cand)
        out.append(pc)
    return out


def rule_stage_for(ctx: cl.Context, pc: PlayerCands, cand: Candidate, neg: set[str]) -> tuple[str | None, bool]:
    """What the rules say of the stage of this pair: the rules' claim, else the cue reading of the sentences
    naming both (else the player's)."""
    if cand.club in pc.rule_stage:
        return pc.rule_stage[cand.club]
    st, hedged = cl.stage_of(ctx, cand.co_sents or pc.sents, neg)
    return (st.value if st else None), hedged


def origin_sets(pc: PlayerCands, cand: Candidate) -> list[tuple[Candidate, dict[str, float]]]:
    """The features of each other club of the player as the origin of a move to ``cand.club``."""
    return [(o, origin_features(o, cand.club, pc.rule_from)) for o in pc.pairs if o.club != cand.club]


def decide(ctx: cl.Context, cands: list[PlayerCands], models: Models, neg: set[str],
           fee_of: Callable[[list[int], list[int], bool], Fee | None], evidence_of: Callable[[int], str]
           ) -> tuple[list[Claim], list[dict[str, list[float]]]]:
    """Claims from the candidates: the pairs the claim model accepts (most probable first)."""
    scored = []
    main = None
    for pc in cands:
        rule_main = next(iter(pc.rule_stage), None) if pc.rank == 0 else None
        for cand in pc.pairs:
            p = models.claim.p(cand.features)
            if cand.club == rule_main:
                # the article's main claim: the rules' (sagas are grouped by it), kept whatever its probability
                main = (p, pc, cand)
            elif p >= models.threshold:
                scored.append((p, pc, cand))
    scored.sort(key=lambda t: -t[0])
    if main is not None and not any(q > main[0] and pc is main[1] for q, pc, _c in scored):
        scored.insert(0, main)
    claims: list[Claim] = []
    links: list[dict[str, list[float]]] = []
    primary_done = False
    for p, pc, cand in scored[:cl.MAX_CLAIMS]:
        # the origin: the other club the origin model rates likeliest (the rules' origin is one of its features)
        best, best_p = None, models.origin_threshold
        for o, of in origin_sets(pc, cand):
            q = models.origin.p(of)
            if q > best_p:
                best, best_p = o.club, q
        if any(c.player == pc.player.name and c.from_club == cand.club for c in claims):
            continue  # the origin of a likelier claim of the player's is not also where he goes
        rstage, rhedged = rule_stage_for(ctx, pc, cand, neg)
        primary = pc.rank == 0 and not primary_done
        pspans = [(ctx.to_folded(s), ctx.to_folded(e)) for s, e in pc.player.mentions]
        fee = fee_of(pc.sents, [ps for ps, _ in pspans], primary)
        sf = stage_features(ctx, cand, rstage, rhedged, neg, primary, fee is not None)
        probs = models.stage.proba(sf)
        stage = max(probs, key=probs.get)
        if rstage in models.rare_stages:
            stage = rstage  # a stage too rare in the training data to learn (a denial) is the rules' reading
        reasons = [f"claim {p:.2f}: " + ", ".join(f"{k} {v:+.2f}" for k, v in models.claim.explain(cand.features)),
                   f"stage {stage} {probs[stage]:.2f}: " + ", ".join(
                       f"{k} {v:+.2f}" for k, v in models.stage.explain(sf, stage))]
        if stage == rstage and rstage in models.rare_stages:
            reasons[-1] = f"stage {stage}: the rules' reading (too few labelled examples to learn it)"
        if best:
            reasons.append(f"origin {best} {best_p:.2f}")
        primary_done |= primary
        sent = cand.co_sents[0] if cand.co_sents else pc.sents[0]
        claims.append(Claim(player=pc.player.name, from_club=best, to_club=cand.club, stage=Stage(stage),
                            fee=fee, evidence=evidence_of(sent), hedged=rhedged, primary=primary,
                            confidence=round(p, 3), reasons=tuple(reasons),
                            background=cl.background_only(ctx, cand.co_sents or pc.sents)))
        # the role evidence, for the link reconciliation across articles, on the player's likeliest claim only
        # (it moves one claim per player to the club the other articles agree on; suitors stay as read)
        first = not any(c.player == pc.player.name for c in claims[:-1])
        links.append({o.club: [round(o.scores[0], 3), round(o.scores[1], 3), round(o.scores[2], 3)]
                      for o in pc.pairs if o.scores[2] > 0} if first else {})
    return claims, links
