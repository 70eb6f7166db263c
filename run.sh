#!/usr/bin/env bash
# The main job on a fresh machine: make .venv, install Mercato, ingest the sources given
# (by default the labelled dev corpus beside this repo), show what is stored and the rumour
# board, then serve the dashboard on 127.0.0.1.
#   ./run.sh [PATH|URL ...]        MERCATO_DB=... to choose the store, MERCATO_NO_SERVE=1 to skip serving
set -uo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/mercato ] || [ pyproject.toml -nt .venv/.installed ]; then
  python3 -m venv .venv || exit 1
  .venv/bin/pip install -q --upgrade pip || exit 1
  .venv/bin/pip install -q -e '.[all]' || exit 1
  touch .venv/.installed
fi
sources=("$@")
if [ ${#sources[@]} -eq 0 ] && [ -f ../shared/corpus/dev/articles.jsonl ]; then
  sources=(../shared/corpus/dev/articles.jsonl)
fi
if [ ${#sources[@]} -eq 0 ]; then
  echo "usage: ./run.sh PATH|URL ...  (no default corpus found at ../shared/corpus/dev/articles.jsonl)" >&2
  exit 2
fi
m=.venv/bin/mercato
$m ingest "${sources[@]}" || echo "(some inputs were rejected; see above)"
$m stats
$m board --limit 30
if [ -z "${MERCATO_NO_SERVE:-}" ]; then
  exec $m serve --host 127.0.0.1 --port "${MERCATO_PORT:-8000}"
fi
