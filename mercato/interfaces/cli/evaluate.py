"""`mercato evaluate DIR…`: the scorer's metrics on labelled corpora, as they stand or cross-validated by saga
(`mercato train`, which relearns the models, is in :mod:`.train`)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from mercato.errors import MercatoError
from mercato.interfaces.cli._common import (
    JsonOption,
    ReaderOption,
    console,
    err_console,
    fail,
    llm_reader,
    print_json,
    progress,
    show_llm_usage,
)

_MAIN = ("lang_acc", "transfer_acc", "negative_f1", "claim_pair_f1", "claim_pair_p", "claim_pair_r",
         "claim_triple_f1", "stage_acc", "fee_acc", "source_f1", "saga_bcubed_f1", "brier", "brier_skill")
_LANG_COLS = ("articles", "lang_acc", "transfer_acc", "claim_pair_f1", "claim_triple_f1", "stage_acc", "fee_acc",
              "source_f1")

Dirs = Annotated[list[Path], typer.Argument(help="Directories with articles.jsonl (and labels.jsonl, sagas.json).")]


def _gold_outcomes(directory: Path) -> dict[str, Any]:
    p = directory / "sagas.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}


def _check(dirs: list[Path], labelled: bool) -> None:
    for d in dirs:
        if not (d / "articles.jsonl").is_file():
            fail(f"{d} has no articles.jsonl")
        if labelled and not (d / "labels.jsonl").is_file():
            fail(f"{d} has no labels.jsonl (cross-validation and training need labelled articles)")


def evaluate(
    directories: Dirs,
    cv: Annotated[int, typer.Option("--cv", help="Cross-validate with K folds grouped by saga: the models are "
                                                 "learned again without each fold, and scored on it.")] = 0,
    rules: Annotated[bool, typer.Option("--rules", help="Read with the hand-written rules alone (the baseline).")]
    = False,
    predictions: Annotated[Path | None, typer.Option("--predictions", help="Write the predictions (JSONL) here.")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write predictions, metrics and a report here.")] = None,
    reader: ReaderOption = None,
    db: Annotated[str | None, typer.Option("--db", envvar="MERCATO_DB", help="With --reader llm: the store whose "
                                                                            "answer cache is used (or MERCATO_DB).")]
    = None,
    as_json: JsonOption = False,
) -> None:
    """Run the pipeline on DIR… in a temporary store (their `lang` field ignored) and score it when labelled.

    With --cv K the figures are on sagas the models never saw: the labelled articles of all DIRs are split into
    K folds by saga, each fold read by models trained on the others. With --reader llm the model server configured
    (MERCATO_LLM_URL, MERCATO_LLM_MODEL) reads the articles; its answers are kept in the --db store's cache, so a
    second evaluation asks nothing again."""
    from mercato import evaluation

    llm = llm_reader(reader, db, refuse="--reader llm reads with the model server: it goes with neither --rules nor "
                                        "--cv" if rules or cv else None)
    if cv or len(directories) > 1:
        _check(directories, labelled=True)
        return _evaluate_many(directories, cv, rules, predictions, as_json, llm)
    directory = directories[0]
    _check(directories, labelled=False)
    work = Path(tempfile.mkdtemp(prefix="mercato-eval-"))
    try:
        with progress("evaluating") as advance:
            from mercato.understand import Reader

            if llm is not None:
                llm.on_read = lambda _n, tokens: advance(0, tokens)
            preds, store = evaluation.predict_rows(evaluation._read_jsonl(directory / "articles.jsonl"),
                                                   work_dir=work, on_progress=advance,
                                                   reader=llm or (Reader(models=None) if rules else None))
        if predictions:
            evaluation.write_predictions(preds, predictions)
        result = evaluation.score(directory, preds)
        if report:
            report.mkdir(parents=True, exist_ok=True)
            evaluation.write_predictions(preds, report / "predictions.jsonl")
            (report / "metrics.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
            from mercato.stories import report as story_report

            story_report.write_report(store, report, _gold_outcomes(directory))
        store.engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    show_llm_usage(llm)
    if result is None:
        if as_json:
            print_json({"articles": len(preds), "labelled": False})
        else:
            err_console.print(f"{len(preds)} articles read; no labels.jsonl, nothing to score")
        return
    if llm is not None:
        result["reader"] = llm.name
        result["llm"] = {k.split("/", 1)[1]: v for k, v in sorted(llm.usage.items()) if k.startswith("llm/")}
    _show(result, f"evaluation of {directory}" + (f" read by {llm.name}" if llm else ""), as_json)


def _evaluate_many(dirs: list[Path], k: int, rules: bool, predictions: Path | None, as_json: bool,
                   llm=None) -> None:
    from mercato import crossval, evaluation, training

    try:
        if k:
            with progress(f"cross-validating ({k} folds by saga)") as advance:
                preds, result = crossval.run(dirs, k, on_progress=advance, learn=not rules)
        else:
            from mercato.understand import Reader

            corpus = training.load(dirs)
            with progress("evaluating") as advance:
                if llm is not None:
                    llm.on_read = lambda _n, tokens: advance(0, tokens)
                preds, store = evaluation.predict_rows([it.row for it in corpus.items], on_progress=advance,
                                                       reader=llm or (Reader(models=None) if rules else None))
                store.engine.dispose()
            result = crossval.score(corpus, preds, {}, 0)
            result.pop("cv", None)
            show_llm_usage(llm)
    except (MercatoError, ValueError) as exc:
        fail(exc)
    if predictions:
        evaluation.write_predictions(preds, predictions)
    title = (f"cross-validated by saga, {k} folds" if k else "evaluation") + f" over {', '.join(map(str, dirs))}"
    _show(result, title, as_json)


def _show(result: dict[str, Any], title: str, as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    t = Table(title=title)
    t.add_column("metric")
    t.add_column("value", justify="right")
    for k in _MAIN:
        if k in result:
            t.add_row(k, f"{result[k]:.3f}")
    console.print(t)
    for name, per in (("per corpus", result.get("per_corpus", {})), ("per language", result.get("per_language", {}))):
        if not per:
            continue
        pt = Table(title=name)
        pt.add_column("corpus" if name == "per corpus" else "lang")
        for c in _LANG_COLS:
            pt.add_column(c, justify="right")
        for key, m in per.items():
            pt.add_row(key, *[(str(m[c]) if c == "articles" else f"{m[c]:.2f}") if c in m else "-" for c in _LANG_COLS])
        console.print(pt)

