"""Plain frozen records passed between the stages.

sources -> RawArticle -> extract -> Article -> understand -> Understanding (claims, citations)
-> stories -> Saga ... -> store.  Dicts only at the edges (JSON, SQL rows, templates).
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any


class Stage(enum.StrEnum):
    """Stage of a transfer claim, weakest to strongest; collapsed and denied end a saga badly."""

    INTEREST = "interest"
    TALKS = "talks"
    BID = "bid"
    AGREEMENT = "agreement"
    MEDICAL = "medical"
    DONE = "done"
    LOAN = "loan"
    COLLAPSED = "collapsed"
    DENIED = "denied"

    @classmethod
    def parse(cls, value: str) -> Stage:
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown stage {value!r}; allowed: {allowed}") from None


def _to_dict(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (list, tuple)):
        return [_to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _to_dict(v) for k, v in obj.items()}
    return obj


class _Record:
    """Mixin: ``to_dict()`` for JSON and SQL edges."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class RawArticle(_Record):
    """What a source yields: text or HTML plus whatever metadata the source had.

    ``origin`` names where it came from (``file.jsonl:12``, a path, a feed URL) for error messages.
    """

    origin: str
    url: str | None = None
    text: str | None = None
    html: str | None = None
    title: str | None = None
    author: str | None = None
    date: str | None = None
    external_id: str | None = None
    outlet: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RawArticle:
        return cls(**{k: d[k] for k in d if k in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True, kw_only=True)
class Article(_Record):
    """An extracted article: clean text and metadata, with a stable key.

    ``key`` is ``u:<hash of canonical URL>`` when there is a URL, else ``h:<hash of text>``.
    ``content_hash`` identifies a revision of the text.
    """

    key: str
    url: str | None
    canonical_url: str | None
    outlet: str | None
    title: str | None
    author: str | None
    published: str | None  # ISO date YYYY-MM-DD, or None
    date_partial: str | None  # YYYY-MM when only that is known
    text: str
    content_hash: str
    origin: str
    external_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        return cls(**{k: d[k] for k in d if k in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True, kw_only=True)
class Fee(_Record):
    """A transfer fee as the article states it.

    ``eur_m`` only for euro amounts (millions); ``raw`` always keeps the figure as written.
    """

    raw: str
    amount_m: float | None = None
    currency: str | None = None  # EUR, GBP, USD, ...
    eur_m: float | None = None
    addons_m: float | None = None
    up_to: bool = False
    kind: str = "fee"  # fee | loan_fee | option | release_clause | asking_price | free

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Fee:
        return cls(**{k: d[k] for k in d if k in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim(_Record):
    """One (player, from-club, to-club) the article asserts now, with its stage."""

    player: str
    from_club: str | None
    to_club: str | None
    stage: Stage
    fee: Fee | None = None
    contract_years: float | None = None
    evidence: str = ""
    hedged: bool = False
    primary: bool = False
    #: the claim model's probability (None: decided by the rules alone) and the strongest features behind
    #: each learned decision, e.g. ``"claim 0.91: to +1.20, co:stage.done +0.80"``
    confidence: float | None = None
    reasons: tuple[str, ...] = ()
    #: read only from background sentences ("came close to joining … last summer", ``modality.past`` or
    #: ``context.background`` cues): kept, but it sets no saga status
    background: bool = False
    #: which reader produced it: "rules" (the offline reader) or "llm:MODEL"
    reader: str = "rules"

    @property
    def fee_eur_m(self) -> float | None:
        return self.fee.eur_m if self.fee else None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        d = dict(d)
        d["stage"] = Stage.parse(d["stage"]) if isinstance(d.get("stage"), str) else d["stage"]
        if isinstance(d.get("fee"), dict):
            d["fee"] = Fee.from_dict(d["fee"])
        if isinstance(d.get("reasons"), list):
            d["reasons"] = tuple(d["reasons"])
        return cls(**{k: d[k] for k in d if k in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation(_Record):
    """An outlet, journalist, agency or club statement the article credits."""

    name: str  # canonical name
    kind: str = "outlet"  # outlet | journalist | agency | club | unnamed
    surface: str = ""  # as written
    evidence: str = ""

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Citation:
        return cls(**{k: d[k] for k in d if k in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention(_Record):
    """A span the understanding found: a club, a player, an outlet."""

    kind: str  # club | player | outlet
    name: str  # canonical
    surface: str
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Understanding(_Record):
    """What one article says, as read by the understanding stage."""

    article_key: str
    lang: str
    is_transfer: bool
    transfer_score: float = 0.0
    claims: tuple[Claim, ...] = ()
    citations: tuple[Citation, ...] = ()
    mentions: tuple[Mention, ...] = ()
    pipeline_version: str = ""
    #: per claim (same order), the role evidence of each club around its player: {club: [to, from, seen]};
    #: the link reconciliation across articles (mercato.understand.links) reads it
    links: tuple[dict[str, list[float]], ...] = ()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Understanding:
        d = dict(d)
        d["claims"] = tuple(Claim.from_dict(c) for c in d.get("claims", ()))
        d["citations"] = tuple(Citation.from_dict(c) for c in d.get("citations", ()))
        d["mentions"] = tuple(Mention(**m) for m in d.get("mentions", ()))
        d["links"] = tuple(d.get("links", ()))
        return cls(**{k: d[k] for k in d if k in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestOutcome(_Record):
    """What storing one article did: added | unchanged | revised."""

    key: str
    status: str
    revision: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Target(_Record):
    """Something a watchlist follows: a club (by its name) or a player (by the folded key of the name)."""

    kind: str  # club | player
    key: str
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SagaChange(_Record):
    """A change of a saga noted at the end of a run: it appeared, its status changed, or its likelihood moved."""

    saga_id: str
    kind: str  # new | status | likelihood
    old_status: str | None = None
    new_status: str | None = None
    old_likelihood: float | None = None
    new_likelihood: float | None = None
    at: str = ""
    id: int | None = None  # set once stored


@dataclass(frozen=True, slots=True, kw_only=True)
class Found(_Record):
    """What a finder made of a club, player or league as the reader typed it (``mercato.store.finders``)."""

    kind: str  # club | player | league
    query: str
    matches: tuple[str, ...] = ()  # what the sagas are filtered on: club names, player keys, or club names of a league
    names: tuple[str, ...] = ()  # the matches as shown (canonical club names, player names, the league's name)
    how: str = "none"  # exact | alias | knowledge | words | league | none
    also: tuple[str, ...] = ()  # names close to the query that were not taken ("Milan": Inter Milan)
    suggestions: tuple[str, ...] = ()  # "did you mean", when nothing matched
