"""`mercato evaluate DIR`: the whole pipeline on a temporary store, predictions and the scorer's metrics."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from mercato.interfaces.cli._common import JsonOption, console, err_console, fail, print_json, progress

_MAIN = ("lang_acc", "transfer_acc", "negative_f1", "claim_pair_f1", "claim_pair_p", "claim_pair_r",
         "claim_triple_f1", "stage_acc", "fee_acc", "source_f1", "saga_bcubed_f1", "brier", "brier_skill")


def _gold_outcomes(directory: Path) -> dict[str, Any]:
    p = directory / "sagas.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}


def evaluate(
    directory: Annotated[Path, typer.Argument(help="A directory with articles.jsonl (and labels.jsonl, sagas.json).")],
    predictions: Annotated[Path | None, typer.Option("--predictions", help="Write the predictions (JSONL) here.")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write predictions, metrics and a report here.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Run the pipeline on DIR in a temporary store (its `lang` field ignored) and score it when labelled."""
    from mercato import evaluation

    if not (directory / "articles.jsonl").is_file():
        fail(f"{directory} has no articles.jsonl")
    work = Path(tempfile.mkdtemp(prefix="mercato-eval-"))
    try:
        with progress("evaluating") as advance:
            preds, store = evaluation.predict(directory, work_dir=work, on_progress=advance)
        if predictions:
            evaluation.write_predictions(preds, predictions)
        result = evaluation.score(directory, preds)
        if report:
            report.mkdir(parents=True, exist_ok=True)
            evaluation.write_predictions(preds, report / "predictions.jsonl")
            (report / "metrics.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
            from mercato import stories

            writer = getattr(getattr(stories, "report", None), "write_report", None)
            if writer is None:
                try:
                    from mercato.stories import report as story_report

                    writer = getattr(story_report, "write_report", None)
                except ImportError:
                    writer = None
            if writer is not None:
                writer(store, report, _gold_outcomes(directory))
        store.engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if result is None:
        if as_json:
            print_json({"articles": len(preds), "labelled": False})
        else:
            err_console.print(f"{len(preds)} articles read; no labels.jsonl, nothing to score")
        return
    if as_json:
        print_json(result)
        return
    t = Table(title=f"evaluation of {directory}")
    t.add_column("metric")
    t.add_column("value", justify="right")
    for k in _MAIN:
        if k in result:
            t.add_row(k, f"{result[k]:.3f}")
    console.print(t)
    per = result.get("per_language", {})
    if per:
        cols = ("articles", "lang_acc", "transfer_acc", "claim_pair_f1", "claim_triple_f1", "stage_acc", "fee_acc",
                "source_f1")
        pt = Table(title="per language")
        pt.add_column("lang")
        for c in cols:
            pt.add_column(c, justify="right")
        for lang, m in per.items():
            pt.add_row(lang, *[(str(m[c]) if c == "articles" else f"{m[c]:.2f}") if c in m else "-" for c in cols])
        console.print(pt)
