"""Response and request bodies of the JSON API (pydantic, so the OpenAPI schema matches what is sent)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SagaSort = Literal["last_date", "first_date", "likelihood", "n_sources", "n_articles", "player", "status",
                   "updated_at"]
OutletSort = Literal["reliability", "resolved", "hits", "originals", "rereports", "source"]
Order = Literal["asc", "desc"]


class LastReport(BaseModel):
    article_key: str | None = None
    date: str | None = None
    outlet: str | None = None
    stage: str | None = None
    title: str | None = None


class Saga(BaseModel):
    id: str
    player: str
    player_key: str | None = None
    from_club: str | None = None
    to_club: str | None = None
    status: str
    resolved: bool
    outcome: str | None = None
    likelihood: float | None = None
    first_date: str | None = None
    last_date: str | None = None
    n_articles: int
    n_sources: int
    langs: list[str]
    updated_at: str | None = None
    last_report: LastReport | None = None
    stale_after: str | None = Field(None, description="A live saga with no report after this day is stale.")


class SagaArticle(BaseModel):
    article_key: str
    role: str | None = None
    stage: str | None = None
    date: str | None = None
    outlet: str | None = None
    is_original: bool | None = None
    title: str | None = None
    url: str | None = None


class SagaDetail(Saga):
    as_of: str | None = None
    timeline: list[dict[str, Any]]
    provenance: dict[str, Any]
    contradictions: list[dict[str, Any]]
    explanation: list[dict[str, Any]]
    likelihood_history: list[dict[str, Any]]
    status_evidence: dict[str, Any] | None = None
    superseded_by: dict[str, Any] | None = Field(
        None, description="The player's done move that superseded this saga: {id, to_club, date}.")
    articles: list[SagaArticle]


class Found(BaseModel):
    """What a finder made of a club, player or league as typed (see mercato.store.finders)."""

    kind: str
    query: str
    matches: list[str]
    names: list[str]
    how: str
    also: list[str]
    suggestions: list[str]


class SagaPage(BaseModel):
    items: list[Saga]
    found: dict[str, Found] = {}
    next: str | None = Field(None, description="Cursor of the next page (pass it as ?cursor=); null at the end.")


class ArticleBrief(BaseModel):
    key: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    date: str | None = None
    external_id: str | None = None


class ArticlePage(BaseModel):
    items: list[ArticleBrief]
    next: str | None = None


class ArticleDetail(ArticleBrief):
    text: str
    author: str | None = None
    date_partial: str | None = None
    understanding: dict[str, Any] | None = None


class Reliability(BaseModel):
    """A source's record. ``reliability`` is null until a saga it reported has resolved (``estimate`` "prior":
    only the prior is known); then it is the record shrunk toward the prior, with a 95 % Wilson ``interval``
    and its ``sample`` of resolved sagas."""

    source: str
    name: str | None = None
    kind: str
    resolved: int
    hits: int
    originals: int
    rereports: int
    prior: float | None = None
    reliability: float | None = None
    updated_at: str | None = None
    estimate: str | None = None
    label: str | None = None
    value: float | None = None
    interval: list[float] | None = None
    sample: int | None = None


class OutletPage(BaseModel):
    items: list[Reliability]
    next: str | None = None


class OutletDetail(BaseModel):
    """One source under every spelling (``source`` is its key, ``name`` its display name)."""

    source: str
    name: str | None = None
    known: bool = False
    kind: str | None = None
    country: str | None = None
    domain: str | None = None
    tier: int | None = None
    reliability: Reliability | None = None
    n_articles: int
    n_cited: int
    hosts: list[str] = []
    cited_as: list[str] = []
    sagas: list[dict[str, Any]]
    called_right: list[dict[str, Any]] = []
    called_wrong: list[dict[str, Any]] = []
    history: list[dict[str, Any]]
    articles: list[dict[str, Any]]


class Club(BaseModel):
    club: str
    selling: int
    buying: int
    sagas: int


class ClubDetail(BaseModel):
    club: str
    buying: list[Saga]
    selling: list[Saga]


class Player(BaseModel):
    player_key: str | None = None
    player: str
    sagas: int
    last_date: str | None = None


class PlayerDetail(BaseModel):
    player_key: str
    player: str
    aliases: list[Any]
    clubs: list[Any]
    n_articles: int | None = None
    sagas: list[Saga]


class Feed(BaseModel):
    url: str
    name: str | None = None
    lang: str | None = None
    last_polled: str | None = None
    last_ok: str | None = None
    next_poll: str | None = None
    last_status: int | None = None
    error_count: int
    consecutive_errors: int
    last_error: str | None = None
    entries_seen: int
    entries_added: int
    added_at: str


class SearchResult(BaseModel):
    q: str
    sagas: list[Saga]
    players: list[Player]
    clubs: list[Club]
    found: dict[str, Found] = {}
    suggestions: list[str] = []


class IngestArticle(BaseModel):
    """An article sent in the request body (text or HTML, with whatever metadata is known)."""

    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(None, max_length=4096)
    text: str | None = None
    html: str | None = None
    title: str | None = Field(None, max_length=2000)
    author: str | None = Field(None, max_length=500)
    date: str | None = Field(None, max_length=40)
    outlet: str | None = Field(None, max_length=255)
    external_id: str | None = Field(None, max_length=255)

    @model_validator(mode="after")
    def _has_body(self) -> IngestArticle:
        if not (self.text or self.html):
            raise ValueError("an article needs 'text' or 'html'")
        return self


class IngestRequest(BaseModel):
    """Exactly one of: ``url`` (a page to fetch), ``feed`` (a feed to poll), ``article`` (the article itself)."""

    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(None, max_length=4096)
    feed: str | None = Field(None, max_length=4096)
    article: IngestArticle | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> IngestRequest:
        given = [k for k in ("url", "feed", "article") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'url', 'feed' or 'article'")
        return self


class IngestResult(BaseModel):
    added: int
    unchanged: int
    revised: int
    rejected: int
    skipped: int
    counts: dict[str, int]
    reasons: dict[str, int]
    errors: list[str]
