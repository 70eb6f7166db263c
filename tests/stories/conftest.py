"""Small article sets built for the stories tests: articles and their understanding stored directly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from mercato.extract import extract
from mercato.models import Citation, Claim, Fee, RawArticle, Stage, Understanding
from mercato.store import Store


def claim(player: str, frm: str | None, to: str | None, stage: str, fee: float | None = None,
          primary: bool = False, evidence: str = "", background: bool = False) -> Claim:
    return Claim(player=player, from_club=frm, to_club=to, stage=Stage(stage),
                 fee=Fee(raw=f"{fee}m EUR", eur_m=fee, currency="EUR") if fee is not None else None,
                 evidence=evidence or f"{player} {stage}", primary=primary, background=background)


def put(store: Store, rid: str, *, claims: Sequence[Claim], outlet: str = "example.com", date: str | None = None,
        partial: str | None = None, text: str | None = None, cited: Sequence[tuple[str, str]] = (),
        lang: str = "en") -> str:
    """Store one article (with its understanding) and return its key."""
    body = text or f"Article {rid} from {outlet}: " + " ".join(c.evidence for c in claims) + f" ref {rid}."
    raw = RawArticle(origin=f"test:{rid}", url=f"https://{outlet}/news/{rid}", text=body, date=date,
                     outlet=outlet, external_id=rid, extra={"date_partial": partial} if partial else {})
    art = extract(raw)
    store.add_articles([art])
    u = Understanding(article_key=art.key, lang=lang, is_transfer=True, claims=tuple(claims),
                      citations=tuple(Citation(name=n, kind=k, surface=n) for n, k in cited),
                      pipeline_version="test")
    store.save_understanding([(u, 1)])
    return art.key


def saga_of(store: Store) -> dict[str, str]:
    """article external id -> primary saga id."""
    ext = {a.key: a.external_id for a in store.iter_articles()}
    return {ext[r["article_key"]]: r["saga_id"] for r in store.article_sagas() if r["role"] == "primary"}


def snapshot(store: Store) -> dict[str, Any]:
    """Sagas and memberships, without timestamps (to compare two stores)."""
    sagas = {s["id"]: (s["status"], s["resolved"], s["outcome"], s["n_articles"], s["from_club"], s["to_club"])
             for s in store.iter_sagas()}
    return {"sagas": sagas, "members": sorted((r["saga_id"], r["article_key"], r["role"])
                                              for r in store.article_sagas())}


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store.open("sqlite:///" + str(tmp_path / "stories.db"))
    yield s
    s.close()


@pytest.fixture
def new_store(tmp_path):
    made = []

    def make(name: str = "x") -> Store:
        s = Store.open("sqlite:///" + str(tmp_path / f"{name}.db"))
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()
