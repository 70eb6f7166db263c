"""Role evidence of one club mention: is it where a player goes (``to``) or where a player is (``from``)?

All cues are per-language data (``roles.*`` lists of ``data/<lang>/cues.toml``) matched on folded words:
a preposition before the club ("al Milan", "to Liverpool", "zum FC Bayern", "from Newcastle", "dal Wolfsburg"),
a buying verb after it as the subject ("Milan want…", "Bayern holt…"), a buyer noun after a possessive
("Liverpool's bid"), a player noun after it ("Chelsea-Star Jackson", "Liverpool defender Gomez"), a player right
before it ("Gomez del Liverpool", "Woltemade (Stuttgart)"), and a headline pair ("Gomez-Milan").
"""

from __future__ import annotations

from typing import Any


def _ends(words: list[str], vocab: set[str], n: int = 3) -> bool:
    """The last 1…``n`` words form an entry of ``vocab``."""
    return any(" ".join(words[-k:]) in vocab for k in range(1, min(n, len(words)) + 1))


def _starts(words: list[str], vocab: set[str], n: int = 3) -> bool:
    """The first 1…``n`` words form an entry of ``vocab``."""
    return any(" ".join(words[:k]) in vocab for k in range(1, min(n, len(words)) + 1))


def _stems(rw: dict[str, set[str]], name: str) -> tuple[str, ...]:
    """The (non-empty) stems of list ``name``, for ``str.startswith``."""
    return tuple(filter(None, rw.get(name + "*", ())))


def _starts_stem(words: list[str], rw: dict[str, set[str]], name: str) -> bool:
    """The words start with an entry of list ``name`` (or a longer word of one of its stems)."""
    if _starts(words, rw.get(name, set())):
        return True
    return bool(words) and words[0].startswith(_stems(rw, name))


def _ends_stem(words: list[str], rw: dict[str, set[str]], name: str) -> bool:
    """The last word before the club is a longer form of a stem of list ``name`` ("lascia*" → "lasciato")."""
    return bool(words) and words[-1].startswith(_stems(rw, name))


def _is_player_end(ctx: Any, c: Any, pspans: list[tuple[int, int]], gap_words: int) -> bool:
    """A mention of the player ends right before the ``gap_words`` words that precede the club."""
    return any(0 <= c.start - pe <= 40 and len(ctx.folded[pe:c.start].split()) == gap_words for _ps, pe in pspans)


def _lead_words(ctx: Any, end: int, words: list[str], pspans: list[tuple[int, int]], n: int) -> list[str]:
    """The first ``n`` of ``words`` (the words after a club ending at ``end``), cut where a player's name begins."""
    stop = min((ps for ps, _pe in pspans if ps >= end), default=None)
    if stop is not None:
        k = len(ctx.folded[end:stop].split())
        words = words[:max(0, k - 1)]  # minus the possessive "s"
    return words[:n]


def club_evidence(ctx: Any, c: Any, pspans: list[tuple[int, int]], rw: dict[str, set[str]]) -> tuple[float, float]:
    """``(to, from)`` evidence of club mention ``c`` (folded offsets), given the player's mention spans."""
    before = ctx.words_before(c.start, 5).split()
    after = ctx.words_after(c.end, 5).split()
    to = frm = 0.0
    to_words, from_words = rw.get("to", set()), rw.get("from", set())
    new_player = rw.get("new_player", set())
    # prepositions and verbs right before the club
    if _ends(before, to_words, 2) or _ends_stem(before, rw, "to"):
        # a word that says where a player is as much as where he goes ("au Bayern", "bei Bayern") weighs less
        weak = bool(before) and before[-1] in rw.get("at", set()) and not _ends(before[-2:], to_words - {before[-1]}, 2) \
            and not _ends_stem(before, rw, "to")
        to += 1.0 if weak else 2.0
    elif len(before) >= 3 and any(_ends(before[:-k], to_words, 1) for k in (1, 2)) and not _ends(before, from_words, 2):
        to += 1.0  # "zum englischen Meister Liverpool", "all'ambizioso Al Hilal"
    if _ends(before, from_words, 2) or _ends_stem(before, rw, "from"):
        if _ends(before[:-1], new_player, 3) or _ends(before, new_player, 3):
            to += 2.0  # "sarà un nuovo giocatore del Milan", "será jugador del FC Barcelona"
        else:
            frm += 2.0
    elif _ends(before, new_player, 3):
        to += 2.0
    elif _ends(before, rw.get("of", set()), 2):
        # "of" is the club's genitive: whose player ("Sancho del Manchester United", "l'esterno del Milan")
        # or whose move ("il mercato della Juventus", "l'offerta del Milan")
        k = 1 if _ends(before, rw.get("of", set()), 1) else 2
        head = before[:-k]
        pl = rw.get("player_of", set())
        if head and (head[-1] in pl or _is_player_end(ctx, c, pspans, len(before) - len(head))):
            frm += 2.0
        elif _ends(head, rw.get("buyer_noun", set()), 2) or _ends_stem(head, rw, "buyer_noun"):
            to += 1.5
        else:
            frm += 0.5
    prefix_to = to
    # what follows the club
    if after[:1] == ["s"]:  # English possessive
        rest = after[1:]
        # "Liverpool's bid", "Newcastle's late signing of", "City's £100m record swoop": a buyer noun within a few
        # modifier words, before any player named ("Stuttgart's Nick Woltemade" is whose player)
        lead = _lead_words(ctx, c.end, rest, pspans, 4)
        if any(_starts_stem(lead[k:], rw, "buyer_noun") for k in range(len(lead))) and not any(
                w in rw.get("player_of", set()) for w in lead[:1]):
            to += 2.0
        else:
            frm += 1.5
        after = rest
    elif _starts_stem(after, rw, "buyer_noun"):
        to += 1.0  # "Man Utd talks for…", "Juventus offer for…"
    if _starts(after, rw.get("to_after", set())):
        to += 1.5
    if _starts(after, rw.get("from_after", set())):
        frm += 1.5
    aux = rw.get("aux", set())
    verb = after[1:] if len(after) > 1 and after[0] in aux else after
    if len(verb) > 1 and verb[0] in aux:
        verb = verb[1:]
    if _starts_stem(verb, rw, "buyer"):
        to += 1.5
    if _starts_stem(verb, rw, "seller"):
        frm += 1.0
    # "Liverpool defender Joe Gomez", "Chelsea-Star Nicolas Jackson": the player's current club
    for ps, pe in pspans:
        if 0 <= ps - c.end <= 40:
            gap = ctx.folded[c.end:ps].split()
            if len(gap) <= 3 and not ctx.punct_between(c.end, ps) and (
                    not gap or any(g in rw.get("player_of", set()) for g in gap)):
                frm += 1.5
                if gap:  # "signing Crystal Palace captain Marc Guehi": the verb before is about the player
                    to -= prefix_to
                    prefix_to = 0.0
        if 0 <= c.start - pe <= 14:
            gap = ctx.folded[pe:c.start].split()
            seg = ctx.original[ctx.index[pe - 1] + 1 if pe else 0:ctx.index[c.start]] if c.start < len(ctx.index) else ""
            if not gap and "(" in seg:
                frm += 1.5  # "Woltemade (Stuttgart)"
            elif not gap and "-" in seg and ctx.sent_of(c.start) == 0:
                to += 2.0  # headline "Gomez-Milan"
        if 0 <= ps - c.end <= 2 and ctx.sent_of(c.start) == 0:
            seg = ctx.original[ctx.index[c.end - 1] + 1:ctx.index[ps]] if ps < len(ctx.index) else ""
            if seg.strip() == "-":
                to += 2.0  # headline "Milan-Gomez"
    return to, frm
