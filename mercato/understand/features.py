"""Features of candidate claims: language-independent descriptions of how a player and a club stand in a text.

A *candidate* is one (player, club) pair of an article: every club the article names, for each of its
likeliest players. Its features say what the per-language lexicons found around the two — role cues before
and after the club (:mod:`.roles`), stage and modality cue classes in the sentences they share, order and
distance, the headline, mention counts, and what the hand-written rules decided — never the words themselves,
so a model learned from some languages reads the others. The learned models (:mod:`.learned`) turn these
into decisions: is the pair a claim (the club the player's destination), which club is its origin, and its
stage.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from mercato.understand.lexicon import STAGES

MAX_PLAYERS = 6  # candidates are made for the likeliest players only
_MODALITIES = ("negation", "hedge", "past", "future")


@dataclass
class Candidate:
    """One (player, club) pair with its features; ``origin`` holds the features of each other club as its
    origin, filled for the pairs that become claims."""

    player: object  # players.Player
    rank: int
    club: str
    sents: list[int]  # the player's sentences
    co_sents: list[int]  # sentences naming both
    scores: tuple[float, float, float]  # to, from, seen (weighted role evidence around the player)
    features: dict[str, float] = field(default_factory=dict)


def _bucket(n: float, edges: tuple[float, ...]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def _latin(s: str) -> bool:
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in s)


def _log(x: float) -> float:
    return math.log1p(max(0.0, x))


def _sentence_kinds(ctx, s: int, neg: set[str]) -> frozenset[str]:
    """The cue classes of one sentence (kept on the context: each sentence is classified once)."""
    cache = ctx.__dict__.setdefault("_kinds", {})
    got = cache.get(s)
    if got is None:
        seen: set[str] = set()
        for c in ctx.cues_by_sent.get(s, []):
            k = c.kind
            if k.startswith("stage."):
                before = ctx.words_before(c.start, 5).split()
                if any(w in neg for w in before):
                    k = "neg." + k[6:]
            if k.startswith(("stage.", "neg.", "modality.", "topic.", "attribution.")):
                seen.add(k)
        got = cache[s] = frozenset(seen)
    return got


def sentence_classes(ctx, sents: list[int], neg: set[str]) -> Counter:
    """Cue classes present in the sentences (each counted once per sentence): ``stage.X``, ``neg.X`` (a stage
    cue with a negation word in the five words before it), ``modality.X``, ``topic.X``, ``attribution.*``."""
    out: Counter = Counter()
    for s in sents:
        out.update(_sentence_kinds(ctx, s, neg))
    return out


def _classes_features(prefix: str, cls: Counter, n: int) -> dict[str, float]:
    f: dict[str, float] = {}
    for k, v in cls.items():
        f[f"{prefix}:{k}"] = 1.0
        if n > 1:
            f[f"{prefix}:{k}:share"] = v / n
    return f


def _min_distance(ctx, pspans: list[tuple[int, int]], club_refs: list) -> tuple[int | None, int]:
    """Fewest words between a player mention and a mention of the club in one sentence, and which comes first
    there (1: the club before the player)."""
    best, before = None, 0
    for c in club_refs:
        for ps, pe in pspans:
            if ctx.sent_of(ps) != c.sent:
                continue
            lo, hi, b = (pe, c.start, 0) if pe <= c.start else (c.end, ps, 1)
            d = len(ctx.folded[lo:hi].split())
            if best is None or d < best:
                best, before = d, b
    return best, before


def near_cues(ctx, pspans: list[tuple[int, int]], neg: set[str], words: int = 8) -> dict[str, float]:
    """Stage cues close to the player's mentions: within ``words`` words in the same sentence (``near:``), and
    the class of the nearest one (``nearest:``) — the clause about him rather than the whole sentence."""
    f: dict[str, float] = {}
    best: tuple[int, str] | None = None
    for ps, pe in pspans:
        s = ctx.sent_of(ps)
        for c in ctx.cues_by_sent.get(s, []):
            if not c.kind.startswith(("stage.", "modality.")):
                continue
            lo, hi = (pe, c.start) if pe <= c.start else (c.end, ps)
            d = len(ctx.folded[lo:hi].split()) if hi > lo else 0
            k = c.kind
            if k.startswith("stage.") and any(w in neg for w in ctx.words_before(c.start, 5).split()):
                k = "neg." + k[6:]
            if d <= words:
                f[f"near:{k}"] = 1.0
            if k.startswith(("stage.", "neg.")) and (best is None or d < best[0]):
                best = (d, k)
    if best is not None:
        f[f"nearest:{best[1]}"] = 1.0
    return f


def _known(p) -> str:
    """How the player knowledge base knows the name: ``noted`` (a recent tournament's squad), ``known``, ``no``."""
    from mercato.understand.knowledge import knowledge

    kb = knowledge()
    k = kb.by_name(p.key) if " " in p.key else kb.by_mononym(p.key)
    return "no" if k is None else "noted" if k.noted else "known"


_KB_CLUBS: dict[str, str | None] = {}


def kb_club(p) -> str | None:
    """The player's club in the knowledge base (his latest tournament squad's, resolved to a gazetteer name):
    as of a past season, so the club a player in the news is often leaving; None when unknown."""
    from mercato.understand.gazetteer import load_clubs
    from mercato.understand.knowledge import knowledge

    kb = knowledge()
    k = kb.by_name(p.key) if " " in p.key else kb.by_mononym(p.key)
    if k is None or not k.club:
        return None
    if k.club not in _KB_CLUBS:
        g = load_clubs()
        _KB_CLUBS[k.club] = g.resolve(k.club) or g.fuzzy(k.club)
    return _KB_CLUBS[k.club]


def player_features(ctx, p, rank: int, sents: list[int]) -> dict[str, float]:
    words = p.name.split()
    return {
        f"p.kb={_known(p)}": 1.0,  # coaches, officials and stray capitalised words are seldom in the base
        f"p.words={min(len(words), 4)}": 1.0,
        "p.lowercase_word": float(any(w[:1].islower() for w in words)),  # a transliteration gone astray
        "p.transliterated": float(not any(ctx.original[s:e].isascii() or _latin(ctx.original[s:e])
                                          for s, e in p.mentions)),
        f"p.rank={min(rank, 3)}": 1.0,
        "p.mentions": _log(len(p.mentions)),
        "p.headline": float(sents[0] == 0),
        "p.lead": float(sents[0] <= 2),
        "p.multiword": float(len(p.key.split()) > 1),
        "p.past_share": sum(ctx.has_cue(s, "modality.past") for s in sents) / len(sents),
    }


def pair_features(ctx, cand: Candidate, club_refs: list, all_scores: dict[str, tuple[float, float, float]],
                  rule: dict[str, str], n_clubs: int, n_players: int, neg: set[str]) -> dict[str, float]:
    """The features of one (player, club) pair (``rule``: what the hand-written rules made of this club for
    this player: ``to``, ``from`` or ``suitor``)."""
    p = cand.player
    to, frm, seen = cand.scores
    f = dict(player_features(ctx, p, cand.rank, cand.sents))
    f.update({"to": _log(to), "from": _log(frm), "seen": _log(seen), "to-from": max(-3.0, min(3.0, to - frm))})
    f[f"to_rank={min(2, sum(s[0] > to for s in all_scores.values()))}"] = 1.0
    f[f"from_rank={min(2, sum(s[1] > frm for s in all_scores.values()))}"] = 1.0
    f[f"seen_rank={min(2, sum(s[2] > seen for s in all_scores.values()))}"] = 1.0
    if to > 0 and to >= max(s[0] for s in all_scores.values()):
        f["to_max"] = 1.0
    if frm > 0 and frm >= max(s[1] for s in all_scores.values()):
        f["from_max"] = 1.0
    if seen >= max(s[2] for s in all_scores.values()):
        f["seen_max"] = 1.0
    if not seen:
        f["unseen"] = 1.0
    role = rule.get(cand.club)
    if role:
        f[f"rule={role}"] = 1.0
    if not rule:
        f["rule=none_for_player"] = 1.0
    csents = sorted({c.sent for c in club_refs})
    f["c.mentions"] = _log(len(club_refs))
    f["c.headline"] = float(csents[0] == 0)
    f[f"c.first={_bucket(csents[0], (0, 2, 5))}"] = 1.0
    f["c.past_share"] = sum(ctx.has_cue(s, "modality.past") for s in csents) / len(csents)
    f["co"] = _log(len(cand.co_sents))
    f["co_headline"] = float(0 in cand.co_sents)
    d, club_first = _min_distance(ctx, [(ctx.to_folded(s), ctx.to_folded(e)) for s, e in p.mentions], club_refs)
    f[f"dist={'none' if d is None else _bucket(d, (1, 3, 8, 15))}"] = 1.0
    if d is not None:
        f["club_first"] = float(club_first)
    f.update(_classes_features("co", sentence_classes(ctx, cand.co_sents, neg), len(cand.co_sents)))
    f.update(_classes_features("cs", sentence_classes(ctx, csents, neg), len(csents)))
    f[f"n_clubs={_bucket(n_clubs, (1, 2, 3, 5))}"] = 1.0
    f[f"n_players={_bucket(n_players, (1, 2, 4))}"] = 1.0
    return f


def at_features(ctx, club_refs: list, psents: set[int], rw: dict[str, set[str]]) -> dict[str, float]:
    """A club named right after a word that says where a player is as much as where he goes (``roles.at``:
    "au", "bei", "no", "bij" — "relegated to the bench at Bayern"): the share of its mentions so named, in the
    player's sentences (``at:co``) and anywhere (``at:all``). Such a mention counts as ``to`` evidence too."""
    at = rw.get("at", set())
    if not at:
        return {}
    hits = [c for c in club_refs if any(" ".join(ctx.words_before(c.start, 2).split()[-k:]) in at for k in (1, 2))]
    f: dict[str, float] = {}
    if hits:
        f["at:all"] = len(hits) / len(club_refs)
        co = [c for c in club_refs if c.sent in psents]
        if co:
            f["at:co"] = sum(c in hits for c in co) / len(co)
    return f


def stage_features(ctx, cand: Candidate, rule_stage: str | None, rule_hedged: bool, neg: set[str],
                   primary: bool, has_fee: bool) -> dict[str, float]:
    """The features that decide a claim's stage: cue classes in the sentences about the player, those naming
    both, the first of them with a stage cue, the headline and the whole article, and the rules' reading."""
    f: dict[str, float] = {"primary": float(primary), "fee": float(has_fee)}
    # where the pair stands: the rules' role for the club, its rank among the player's clubs, the distance
    f.update({f"pair:{k}": v for k, v in cand.features.items()
              if k.startswith(("rule=", "to_rank=", "from_rank=", "dist=", "p.rank=", "c.first=", "co_headline"))})
    f[f"rule.stage={rule_stage or 'none'}"] = 1.0
    if rule_hedged:
        f["rule.hedged"] = 1.0
    f.update(_classes_features("ps", sentence_classes(ctx, cand.sents, neg), len(cand.sents)))
    f.update(_classes_features("co", sentence_classes(ctx, cand.co_sents, neg), len(cand.co_sents)))
    cofirst = next((s for s in cand.co_sents if any(c.kind.startswith("stage.") for c in ctx.cues_by_sent.get(s, []))),
                   None)
    if cofirst is not None:
        f.update(_classes_features("cofirst", sentence_classes(ctx, [cofirst], neg), 1))
    first = next((s for s in cand.sents if any(c.kind.startswith("stage.") for c in ctx.cues_by_sent.get(s, []))),
                 None)
    if first is not None:
        f.update(_classes_features("first", sentence_classes(ctx, [first], neg), 1))
    f.update(_classes_features("hl", sentence_classes(ctx, [0], neg), 1))
    art = ctx.__dict__.get("_art_features")
    if art is None:
        n = len(ctx.sent_spans)
        art = ctx.__dict__["_art_features"] = _classes_features("art", sentence_classes(ctx, list(range(n)), neg), n)
    f.update(art)
    return f


def origin_features(cand: Candidate, to_club: str, rule_from: str | None) -> dict[str, float]:
    """Features of club ``cand.club`` as the origin of the player's move to ``to_club``."""
    to, frm, seen = cand.scores
    f = {"from": _log(frm), "to": _log(to), "seen": _log(seen), "from-to": max(-3.0, min(3.0, frm - to)),
         "co": _log(len(cand.co_sents)), "co_headline": float(0 in cand.co_sents)}
    # the player's club in the knowledge base (a past season's): the club he leaves, more often than not
    kc = kb_club(cand.player)
    if kc is not None:
        if kc == cand.club:
            f["kb.club"] = 1.0
        elif kc == to_club:
            f["kb.to"] = 1.0
    if rule_from == cand.club:
        f["rule.from"] = 1.0
    if rule_from is None:
        f["rule.from=none"] = 1.0
    f.update({k: v for k, v in cand.features.items() if k.startswith(("dist=", "club_first", "c.", "p.rank"))})
    # where the club stands among the player's clubs: the most "from" evidence, the most named
    f.update({k: v for k, v in cand.features.items()
              if k.startswith(("from_rank=", "seen_rank=", "to_rank=", "from_max", "seen_max", "to_max"))})
    return f


STAGE_CLASSES = STAGES
