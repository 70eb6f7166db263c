"""The learned decisions of :mod:`mercato.understand.decide` with small hand-made models on texts written for the
tests (no corpus): the origin, and which of the rules' and the model's readings become claims."""

from __future__ import annotations

from mercato.understand import Reader
from mercato.understand.learned import Linear, Models
from tests.understand.conftest import art

TEXT = ("Roma have completed the signing of striker Mattia Rossi from Sassuolo. "
        "Rossi had played for Sassuolo and Empoli before the move.")


def _models(origin_bias: float, origin_threshold: float) -> Models:
    claim = Linear(("yes",), (-4.0,), {"rule=to": (9.0,)})  # the rules' destination only
    # the origin model prefers the club with the most "from" evidence, whatever the rules' origin
    origin = Linear(("yes",), (origin_bias,), {"from": (1.0,), "rule.from": (-3.0,)})
    stage = Linear(("done", "talks"), (1.0, 0.0), {})
    return Models(claim, origin, stage, 0.3, None, {}, origin_threshold)


def test_the_origin_is_the_origin_models_likeliest_club_above_its_threshold() -> None:
    low = Reader(models=_models(-2.0, 0.1)).read(art(TEXT))
    c = next(c for c in low.claims if "Roma" in (c.to_club or ""))
    # every other club is under 0.5, the likeliest above 0.1 is the origin (not left empty), and it is the
    # model's choice: the rules read Sassuolo, which this origin model weighs down
    assert c.from_club == "Empoli"
    high = Reader(models=_models(-2.0, 0.9)).read(art(TEXT))
    c = next(c for c in high.claims if "Roma" in (c.to_club or ""))
    assert c.from_club is None  # nothing passes the threshold: no origin rather than a guess


def test_the_origin_threshold_round_trips_and_old_files_keep_one_half(tmp_path) -> None:
    from mercato.understand import learned

    path = tmp_path / "m.json"
    _models(0.0, 0.15).save(path)
    assert learned.read(path).origin_threshold == 0.15
    d = _models(0.0, 0.15).to_dict()
    del d["origin_threshold"]
    assert Models.from_dict(d).origin_threshold == 0.5


CLAIM_TEXT = ("Everton want Lukas Brenner from Hoffenheim. Everton have made an offer for Lukas Brenner, "
        "who has played for Hoffenheim since 2021.")


def _reader(claim: Linear) -> Reader:
    origin = Linear(("yes",), (0.0,), {})
    stage = Linear(("interest", "bid"), (0.0, 0.0), {})
    return Reader(models=Models(claim, origin, stage, 0.3, None, {}))


def _targets(reader: Reader) -> set[str | None]:
    return {c.to_club for c in reader.read(art(CLAIM_TEXT)).claims if c.player == "Lukas Brenner"}


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


KB_TEXT = ("Southampton have completed the signing of goalkeeper Aaron Ramsdale. "
           "Ramsdale was also wanted by Chelsea, and Arsenal had kept him for years.")


def test_the_origin_model_reads_the_players_club_in_the_knowledge_base() -> None:
    # the player base holds Aaron Ramsdale's club of his latest tournament squad (Arsenal): the club a player in
    # the news is most often leaving, an origin feature ("kb.club") of that club only
    claim = Linear(("yes",), (-4.0,), {"rule=to": (9.0,)})
    origin = Linear(("yes",), (-2.0,), {"kb.club": (4.0,)})
    stage = Linear(("done", "talks"), (1.0, 0.0), {})
    read = Reader(models=Models(claim, origin, stage, 0.3, None, {}, 0.5)).read(art(KB_TEXT))
    c = next(c for c in read.claims if c.player == "Aaron Ramsdale")
    assert c.to_club == "Southampton"
    assert c.from_club == "Arsenal"
