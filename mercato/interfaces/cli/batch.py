"""`mercato batch`: the pipeline on a Dask cluster (the ``mercato[batch]`` extra)."""

from __future__ import annotations

from typing import Annotated

import typer

from mercato.interfaces.cli._common import (
    DbOption,
    JsonOption,
    ReaderOption,
    console,
    err_console,
    fail,
    open_store,
    print_json,
    reading,
    show_llm_usage,
)
from mercato.stats import RunStats


def batch(
    archives: Annotated[list[str], typer.Argument(help="JSONL archives (plain or gzip) or directories of them.")],
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="A running Dask scheduler, tcp://HOST:8786.")]
    = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Local worker processes (default: cores).")]
    = None,
    partition_mb: Annotated[float, typer.Option("--partition-mb", min=0.001, help="Bytes per partition, in MB.")]
    = 8.0,
    batch_size: Annotated[int, typer.Option(help="Articles per transaction.", min=1)] = 500,
    reader: ReaderOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Process big JSONL archives on a Dask cluster (a local one unless --scheduler); re-runs add nothing twice."""
    from mercato.batch import cluster, run_batch
    from mercato.errors import MercatoError
    from mercato.interfaces.cli.ingest import _summary

    if scheduler and workers:
        raise typer.BadParameter("give --scheduler or --workers, not both")
    store = open_store(db)
    stats = RunStats()
    run_id = store.start_run("batch " + " ".join(archives))
    report = llm = None
    try:
        with reading(store, reader, db) as llm, stats.active(), _bar() as (on_plan, on_partition), \
                cluster(scheduler, workers) as client:
            # a model server is read from the client (bounded concurrency, the answer cache in this store)
            report = run_batch(store, archives, client=client, target_bytes=int(partition_mb * 1024 * 1024),
                               batch_size=batch_size, read_on_workers=llm is None, on_plan=on_plan,
                               on_partition=on_partition, stats=stats)
    except MercatoError as exc:
        fail(exc)
    finally:
        store.finish_run(run_id, stats.to_dict())
    if as_json:
        d = stats.to_dict()
        d["batch"] = {"partitions": report.partitions, "workers": report.workers, "writer": report.writer,
                      "sagas_touched": report.sagas_touched}
        print_json(d)
    else:
        _summary(stats, False)
        show_llm_usage(llm)
        console.print(f"{report.partitions} partitions on {report.workers} workers; written by the {report.writer};"
                      f" {report.sagas_touched} sagas touched")
    if stats.counts.get("rejected"):
        raise typer.Exit(1)


def _bar():
    """A progress bar over partitions whose total is known once the archives are planned."""
    import contextlib

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    @contextlib.contextmanager
    def bar():
        p = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                     TimeElapsedColumn(), console=err_console, transient=True, disable=not err_console.is_terminal)
        with p:
            task = p.add_task("partitions", total=None)
            yield (lambda n: p.update(task, total=n)), (lambda n: p.advance(task, n))

    return bar()
