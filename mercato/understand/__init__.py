"""Understand: what one article says — language, clubs, players, claims, fees, cited sources, topic.

``Reader`` loads the language data once; ``reader.read(article)`` returns an :class:`Understanding`.
Shape: normalise → language → sentences → fold once (offsets back to the text) → cues, clubs, outlets in one
pass each → players → claims per player window → fee → topic. Language knowledge is data under
``mercato/data/`` (see ``docs/languages.md``).
"""

from __future__ import annotations

import logging
from collections import Counter

from mercato.models import Article, Mention, Understanding
from mercato.understand.language import detect_language

PIPELINE_VERSION = "0.3.0"

__all__ = ["PIPELINE_VERSION", "Reader"]

log = logging.getLogger(__name__)


class Reader:
    """Reads articles; build once (loading the gazetteers), reuse for many."""

    _shared: Reader | None = None

    def __init__(self, models: object = "shipped") -> None:
        """``models``: the learned models (:class:`~mercato.understand.learned.Models`) that decide the claims;
        the ones shipped in ``data/models/`` by default; None: the hand-written rules alone."""
        from mercato.understand import learned
        from mercato.understand.clubs import ClubFinder
        from mercato.understand.gazetteer import load_outlets

        self.models = learned.shipped() if models == "shipped" else models
        self.clubs = ClubFinder()
        self.outlets = load_outlets()
        self._rw: dict[str, dict[str, set[str]]] = {}

    @classmethod
    def shared(cls) -> Reader:
        """One reader per process (the data is loaded once)."""
        if cls._shared is None:
            cls._shared = cls()
        return cls._shared

    def _words(self, lang: str) -> dict[str, set[str]]:
        if lang not in self._rw:
            from mercato.understand import lexicon
            from mercato.understand.fees import fee_words
            from mercato.understand.gazetteer import fold_key

            lex = lexicon.load(lang)
            d = {k.split(".", 1)[1]: {fold_key(w.rstrip("*")) for w in v} for k, v in lex.lists.items()
                 if k.startswith("roles.")}
            # stems ("want*") also match longer words: kept apart under "<list>*"
            for k, v in lex.lists.items():
                if k.startswith("roles."):
                    d[k.split(".", 1)[1] + "*"] = {fold_key(w[:-1]) for w in v if w.endswith("*") and " " not in w}
            for k in ("to", "from", "to_after", "from_after", "buyer", "seller", "player_of", "buyer_noun",
                      "new_player", "nonplayer", "aux", "suitors"):
                d.setdefault(k, set())
                d.setdefault(k + "*", set())
            d["negation"] = {fold_key(w) for w in lex.words("modality.negation")}
            d["stop"] = set(lex.words("names.stop"))
            d["particles"] = set(lex.words("names.particles"))
            # case endings of names (longest first), tried off a word to find a known surname ("Modrića")
            d["endings"] = tuple(sorted({fold_key(x) for x in lex.words("names.endings")}, key=len, reverse=True))  # type: ignore[assignment]
            d["_fee"] = fee_words(lex)  # type: ignore[assignment]
            d["_lex"] = lex  # type: ignore[assignment]
            self._rw[lang] = d
        return self._rw[lang]

    def read(self, article: Article, surnames: dict[str, str] | None = None,
             collect: list | None = None) -> Understanding:
        """What the article says. ``surnames`` (folded surname → canonical name, from the player registry)
        lets a surname alone ("Sancho") name a known player; ``collect`` receives the claim candidates with
        their features (for training)."""
        from mercato.understand import claims as cl
        from mercato.understand import fees, normalize, sentences, topic
        from mercato.understand.citations import find_citations
        from mercato.understand.gazetteer import fold
        from mercato.understand.players import find_players

        text = normalize.clean(article.text or "")
        if article.title and article.title not in text[:300]:
            text = article.title.strip() + "\n" + text
        lang = detect_language(text)
        w = self._words(lang)
        lex = w["_lex"]
        plain = fold(text)
        folded, index = normalize.fold_protected(text, plain)
        sent_o = sentences.spans(text)
        import bisect

        def to_f(o: int) -> int:
            return bisect.bisect_left(index, o)

        sent_f = [(to_f(s), to_f(e)) for s, e in sent_o] or [(0, len(folded))]
        cues = lex.find(folded)
        club_hits = self.clubs.find(text, folded, index, plain)
        ctx = cl.Context(folded, index, sent_f, cues, [])
        ctx.original = text
        outlet_hits = self.outlets.find(text, plain)
        if outlet_hits:  # "The Athletic", "Milan News": a club name inside an outlet's name is not a club
            spans = [(h.start, h.end) for h in outlet_hits]
            club_hits = [h for h in club_hits if not any(s <= h.start and h.end <= e and e - s > h.end - h.start
                                                         for s, e in spans)]
        ctx.clubs = [cl.ClubRef(h.name, to_f(h.start), to_f(h.end), ctx.sent_of(to_f(h.start))) for h in club_hits]
        blocked = [(h.start, h.end) for h in club_hits] + [(h.start, h.end) for h in outlet_hits]
        players = find_players(text, blocked, w["stop"], w["particles"], w["player_of"], lang=lang,
                               surnames=surnames, endings=w["endings"])
        cl.drop_name_parts(ctx, players)

        def evidence_of(sent_idx: int) -> str:
            if not sent_o:
                return ""
            s, e = sent_o[min(sent_idx, len(sent_o) - 1)]
            return text[s:e].strip()[:400]

        def evidence_at(opos: int) -> str:
            return evidence_of(ctx.sent_of(to_f(opos)))

        amounts = fees.find_amounts(text, folded, index, lex, w["_fee"])
        kinds = Counter(c.kind for c in cues)
        free = bool(kinds["fee.free"])

        def fee_of(sent_ids: list[int], anchors: list[int], primary: bool):
            return fees.fee_for(folded, amounts, ctx.sent_spans, sent_ids, anchors, free=free, fw=w["_fee"],
                                fallback=primary)

        neg = w["negation"]
        claims, links = cl.build(ctx, players, w, neg, fee_of, evidence_of, self.models, collect)
        citations = find_citations(text, folded, index, self.outlets, lex, evidence_at, club_hits, cues=cues,
                                   hits=outlet_hits)
        own = self.outlets.by_domain(article.url) if article.url else None
        if own:  # "apprende la redazione di MilanNews.it" on milannews.it: the article's own outlet is no source
            citations = [c for c in citations if c.name != own]
        is_transfer, score = topic.transfer_score(kinds, len(claims))
        if not is_transfer:  # a match report may mention a finished deal in passing, nothing weaker
            keep = [i for i, c in enumerate(claims) if c.stage in cl.SETTLED]
            claims, links = [claims[i] for i in keep], [links[i] for i in keep]
        mentions = [Mention(kind="club", name=h.name, surface=h.surface, start=h.start, end=h.end) for h in club_hits]
        mentions += [Mention(kind="player", name=p.name, surface=text[s:e], start=s, end=e)
                     for p in players for s, e in p.mentions[:3]]
        return Understanding(article_key=article.key, lang=lang, is_transfer=is_transfer, transfer_score=score,
                             claims=tuple(claims), citations=tuple(citations), mentions=tuple(mentions), links=tuple(links),
                             pipeline_version=PIPELINE_VERSION)
