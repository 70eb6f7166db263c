"""Shared bench helpers: peak RSS, timing, results written to ``bench/results/*.json``."""

from __future__ import annotations

import json
import platform
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parent.parent
DEV_CORPUS = REPO.parent / "shared" / "corpus" / "dev"


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 1024 / 1024
    except OSError:
        return peak_rss_mb()


@contextmanager
def timed() -> Iterator[dict[str, float]]:
    """``with timed() as t: …`` then ``t["s"]`` is the wall time and ``t["cpu_s"]`` the CPU time."""
    out: dict[str, float] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        yield out
    finally:
        out["s"] = time.perf_counter() - t0
        out["cpu_s"] = time.process_time() - c0


def write_results(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"bench": name, "when": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": platform.platform(),
            "python": platform.python_version(), **data}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path
