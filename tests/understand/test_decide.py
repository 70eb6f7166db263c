"""The learned claim decision (:mod:`mercato.understand.decide`) with small hand-made models on texts written for
the tests: which of the rules' and the model's readings become claims."""

from __future__ import annotations

from mercato.understand import Reader
from mercato.understand.learned import Linear, Models
from tests.understand.conftest import art

TEXT = ("Everton want Lukas Brenner from Hoffenheim. Everton have made an offer for Lukas Brenner, "
        "who has played for Hoffenheim since 2021.")


def _reader(claim: Linear) -> Reader:
    origin = Linear(("yes",), (0.0,), {})
    stage = Linear(("interest", "bid"), (0.0, 0.0), {})
    return Reader(models=Models(claim, origin, stage, 0.3, None, {}))


def _targets(reader: Reader) -> set[str | None]:
    return {c.to_club for c in reader.read(art(TEXT)).claims if c.player == "Lukas Brenner"}


def test_the_rules_main_claim_gives_way_to_a_club_the_model_rates_higher() -> None:
    # the rules read Everton as the destination and Hoffenheim as the origin; a model that rates the rules'
    # origin (0.88) far above their destination (0.12) decides the player's claim
    reader = _reader(Linear(("yes",), (-2.0,), {"rule=from": (4.0,)}))
    assert _targets(reader) == {"TSG Hoffenheim"}


def test_the_rules_main_claim_is_kept_when_the_model_rates_no_club_of_the_player_higher() -> None:
    reader = _reader(Linear(("yes",), (-2.0,), {}))  # every pair at 0.12: below the threshold
    assert _targets(reader) == {"Everton"}
    reader = _reader(Linear(("yes",), (-2.0,), {"rule=to": (1.0,), "rule=from": (0.5,)}))  # 0.27 > 0.18
    assert _targets(reader) == {"Everton"}


def test_a_club_named_after_a_locative_word_is_told_to_the_claim_model() -> None:
    from mercato.understand import claims as cl

    got: list = []
    reader = Reader(models=None)
    reader.read(art("Relégué au second plan au Bayern Munich, Lukas Brenner devrait rejoindre Everton. Lukas "
                    "Brenner discute avec Everton."), collect=got)
    assert isinstance(got[0][0], cl.Context)
    pairs = {c.club: c.features for pc in got[0][2] if pc.player.name == "Lukas Brenner" for c in pc.pairs}
    assert pairs["Bayern Munich"]["at:co"] == 1.0 and pairs["Bayern Munich"]["at:all"] == 1.0
    assert not any(k.startswith("at:") for k in pairs["Everton"])
