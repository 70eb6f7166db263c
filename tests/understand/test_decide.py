"""The learned decisions of :mod:`mercato.understand.decide` with small hand-made models (no corpus)."""

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
