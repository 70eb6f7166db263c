"""Role evidence of a club mention (:mod:`mercato.understand.roles`) on texts written for the tests."""

from __future__ import annotations

from mercato.understand import Reader
from mercato.understand import claims as cl
from tests.understand.conftest import art


def _evidence(text: str, club: str) -> tuple[float, float]:
    """The (to, from) evidence of the first mention of ``club`` for the article's main player."""
    from mercato.understand.roles import club_evidence

    got: list = []
    reader = Reader(models=None)
    reader.read(art(text), collect=got)
    ctx: cl.Context = got[0][0]
    pc = got[0][2][0]
    ref = next(c for c in ctx.clubs if c.name == club)
    pspans = [(ctx.to_folded(s), ctx.to_folded(e)) for s, e in pc.player.mentions]
    lang = reader.read(art(text)).lang
    return club_evidence(ctx, ref, pspans, reader._words(lang))


def test_a_locative_word_before_a_club_is_weaker_evidence_of_a_destination_than_a_word_of_movement() -> None:
    at, _ = _evidence("Lukas Brenner est relégué au second plan au Bayern Munich, selon la presse.", "Bayern Munich")
    to, _ = _evidence("Lukas Brenner se dirige vers Bayern Munich, selon la presse et les médias.", "Bayern Munich")
    assert 0 < at < to
    at, _ = _evidence("Lukas Brenner spielt seit drei Jahren bei Borussia Dortmund und will weg.", "Borussia Dortmund")
    to, _ = _evidence("Lukas Brenner wechselt nach Dortmund, berichtet die Zeitung heute.", "Borussia Dortmund")
    assert 0 < at < to
