"""Distillation: the LLM reader labels a sample of the user's own articles and the offline reader's models are
learned again from those labels (beside any labelled corpora), so the fast reader improves on the user's sources.

    mercato train [DIR…] --out FILE --teacher llm --teach ARTICLES… [--sample N]

The teacher's reading of an article becomes its label the way a labelled corpus' ``labels.jsonl`` row is: its
claims (player, from-club, to-club, stage) and whether it is transfer news. Articles the teacher could not read
(the offline fallback read them: server down, deadline, an answer off the schema) are left out and counted, so the
offline reader never learns from itself. The teacher's answers are cached in the store like any LLM reading, so a
second run asks the model nothing again.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mercato.errors import ConfigError, MercatoError
from mercato.training import Corpus, Labelled, fit, read_all

CHUNK = 16  # articles sent to the teacher per batch (its own concurrency applies inside a batch)


@dataclass
class Taught:
    """What the teacher labelled: the labelled items, and why others were left out."""

    items: list[Labelled] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def claims(self) -> int:
        return sum(len(i.label["claims"]) for i in self.items)


def sample(rows: Sequence[dict[str, Any]], n: int | None, seed: int = 0) -> list[dict[str, Any]]:
    """At most ``n`` of the rows, drawn at random (all of them when ``n`` is None or larger), in their order."""
    if n is None or n >= len(rows):
        return list(rows)
    keep = sorted(random.Random(seed).sample(range(len(rows)), n))
    return [rows[i] for i in keep]


def label_of(u: Any) -> dict[str, Any]:
    """A reading as a label row (the fields ``training.examples`` reads)."""
    return {"is_transfer_news": bool(u.is_transfer), "saga": None,
            "claims": [{"player": c.player, "from_club": c.from_club, "to_club": c.to_club,
                        "stage": c.stage.value if hasattr(c.stage, "value") else c.stage} for c in u.claims]}


def teach(rows: Sequence[dict[str, Any]], teacher: Any,
          on_progress: Callable[[int], None] | None = None) -> Taught:
    """Each article row (a JSONL record: id, text or html, title, url, date, outlet) read by ``teacher`` (an
    :class:`~mercato.understand.llm.LlmReader`) and turned into a labelled item."""
    from mercato.extract import extract
    from mercato.sources.jsonl import record_to_raw

    out = Taught()
    arts: list[tuple[dict[str, Any], Any]] = []
    for n, row in enumerate(rows):
        try:
            arts.append((row, extract(record_to_raw(row, f"teach:{n + 1}"))))
        except MercatoError:
            out.skipped["teacher/bad-article"] += 1
            if on_progress:
                on_progress(1)
    for start in range(0, len(arts), CHUNK):
        chunk = arts[start:start + CHUNK]
        got = teacher.read_many([a for _r, a in chunk])
        fell_back = set(getattr(teacher, "last_fallbacks", ()))
        for i, ((row, art), u) in enumerate(zip(chunk, got, strict=True)):
            if isinstance(u, BaseException):
                out.skipped["teacher/unreadable"] += 1
            elif i in fell_back:
                out.skipped["teacher/fallback"] += 1
            else:
                rid = f"teacher:{art.key}"
                clean = {k: v for k, v in row.items() if k != "lang"}
                out.items.append(Labelled(rid, clean, label_of(u), "teacher", None))
        if on_progress:
            on_progress(len(chunk))
    return out


def train(dirs: Sequence[str], taught: Taught, *, folds: int = 5, teacher_name: str = "",
          on_progress: Callable[[int], None] | None = None) -> Any:
    """The models learned from the labelled ``dirs`` (if any) and the teacher's labels together. The likelihood
    calibration is fitted on the labelled dirs' out-of-fold likelihoods (the teacher knows no outcomes); without
    labelled dirs the active models' calibration is kept."""
    from datetime import date

    from mercato import crossval, training
    from mercato.understand import learned
    from mercato.understand.learned import Models

    if not taught.items and not dirs:
        raise ConfigError("the teacher labelled no article (see the skipped counts) and no labelled DIR was given")
    if dirs:
        corpus, reads, _fold_of, raw = crossval.out_of_fold(dirs, folds, on_progress=on_progress)
        cal = training.platt(crossval.calibration_pairs(corpus, raw))
    else:
        corpus, reads = Corpus(), {}
        active = learned.active()
        cal = active.calibration if active is not None else None
    corpus.items.extend(taught.items)
    reads.update(read_all(taught.items, on_progress=on_progress))
    meta = {"trained_on": [str(d).rstrip("/").rsplit("/", 1)[-1] for d in dirs], "date": date.today().isoformat(),
            "calibration_folds": folds if dirs else None,
            "teacher": {"reader": teacher_name, "articles": len(taught.items), "claims": taught.claims,
                        "skipped": dict(sorted(taught.skipped.items()))}}
    m = fit(corpus, reads, corpus.ids(), meta=meta)
    return Models(m.claim, m.origin, m.stage, m.threshold, cal, m.meta)


def rows_of_store(store: Any, keys: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The stored articles as JSONL-style rows (what :func:`teach` reads)."""
    out = []
    for a in store.iter_articles():
        if keys is not None and a.key not in keys:
            continue
        out.append({"id": a.key, "url": a.url, "title": a.title, "text": a.text, "date": a.published,
                    "outlet": a.outlet})
    return out
