"""`mercato train [DIR…] --out FILE [--teacher llm --teach ARTICLES…]`: the reader's learned models relearned from
labelled corpora, and from a model server's readings of the user's own articles (distillation)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mercato.errors import MercatoError
from mercato.interfaces.cli._common import (
    DbOption,
    JsonOption,
    console,
    err_console,
    fail,
    llm_reader,
    open_store,
    print_json,
    progress,
    show_llm_usage,
)
from mercato.interfaces.cli.evaluate import _check


def _teach_rows(sources: list[str], db: str | None) -> list[dict]:
    """The articles the teacher reads: JSONL files, directories holding articles.jsonl, or ``store`` (the --db
    store's articles)."""
    from mercato import distill
    from mercato.errors import SourceError
    from mercato.sources import read_jsonl

    rows: list[dict] = []
    for src in sources:
        if src == "store":
            store = open_store(db)
            try:
                rows.extend(distill.rows_of_store(store))
            finally:
                store.close()
            continue
        path = Path(src)
        if path.is_dir():
            path = path / "articles.jsonl"
        if not path.is_file():
            fail(f"{src}: no such JSONL file (or directory with articles.jsonl); give a path or 'store'")
        bad: list[SourceError] = []
        try:
            for n, raw in enumerate(read_jsonl(path)):
                if isinstance(raw, SourceError):
                    bad.append(raw)
                    continue
                rows.append({"id": raw.external_id or f"{path.name}:{n + 1}", "url": raw.url, "title": raw.title,
                             "text": raw.text, "html": raw.html, "date": raw.date, "outlet": raw.outlet})
        except MercatoError as exc:
            fail(exc)
        if bad:
            err_console.print(f"{path}: {len(bad)} bad line(s) skipped (first: {bad[0]})", highlight=False,
                              markup=False, soft_wrap=True)
    return rows


def train(
    directories: Annotated[list[Path] | None, typer.Argument(
        help="Labelled directories (articles.jsonl, labels.jsonl, sagas.json); optional with --teacher.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Write the models (JSON weights) here.")] = Path("reader.json"),
    folds: Annotated[int, typer.Option("--folds", help="Folds (grouped by saga) for the out-of-fold likelihoods "
                                                       "the calibration is fitted on.")] = 5,
    teacher: Annotated[str | None, typer.Option("--teacher", help="llm: a model server (MERCATO_LLM_URL, "
                                                                  "MERCATO_LLM_MODEL) labels the --teach articles.")]
    = None,
    teach: Annotated[list[str] | None, typer.Option("--teach", help="Articles for the teacher: a JSONL file, a "
                                                                    "directory with articles.jsonl, or 'store' "
                                                                    "(the --db store's). Repeatable.")] = None,
    sample: Annotated[int | None, typer.Option("--sample", min=1, help="Label at most N of them, drawn at random.")]
    = None,
    seed: Annotated[int, typer.Option("--seed", help="The sample's random seed.")] = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Learn the reader's claim, origin and stage models from labelled DIR…, and the likelihood calibration from
    their out-of-fold predictions; write them as JSON weights to --out. With --teacher llm, a model server reads
    the --teach articles (a sample of your own) and its readings are learned from too, so the offline reader
    improves on your sources (the answers are cached in the --db store). Use the result with
    MERCATO_MODELS=FILE, or copy it over mercato/data/models/reader.json to ship it."""
    from mercato import distill, training

    dirs = list(directories or [])
    if teacher not in (None, "llm"):
        raise typer.BadParameter(f"--teacher must be llm, got {teacher!r}")
    if teacher and not teach:
        fail("--teacher llm needs the articles it labels: --teach FILE|DIR|store")
    if teach and not teacher:
        fail("--teach names articles for a teacher: add --teacher llm")
    if not dirs and not teacher:
        fail("give labelled DIR… to learn from, or --teacher llm --teach ARTICLES")
    _check(dirs, labelled=True)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        fail("training needs scikit-learn: pip install 'mercato[train]'")
    llm = None
    try:
        if teacher:
            rows = distill.sample(_teach_rows(teach or [], db), sample, seed)
            if not rows:
                fail("the --teach sources hold no article")
            llm = llm_reader("llm", db)
            with progress(f"labelling with {llm.name}", total=len(rows)) as advance:
                taught = distill.teach(rows, llm, on_progress=advance)
            show_llm_usage(llm)
            with progress("training") as advance:
                models = distill.train([str(d) for d in dirs], taught, folds=folds, teacher_name=llm.name,
                                       on_progress=advance)
        else:
            with progress("training") as advance:
                models = training.train(dirs, folds=folds, on_progress=advance)
    except (MercatoError, ValueError) as exc:
        fail(exc)
    out.parent.mkdir(parents=True, exist_ok=True)
    models.save(out)
    info = {"out": str(out), **models.meta, "threshold": models.threshold, "calibration": models.calibration}
    if as_json:
        print_json(info)
    else:
        console.print(f"models written to {out}: {json.dumps(info, default=str)}")
