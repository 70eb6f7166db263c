"""Stores with sagas for the interface tests, and a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mercato.settings import Settings
from mercato.store import Store

REPO = Path(__file__).resolve().parents[2]
DEV = REPO.parent / "shared" / "corpus" / "dev" / "articles.jsonl"
TOKEN = "test-token-0123456789"


def open_store(path: Path) -> Store:
    return Store.open("sqlite:///" + str(path))


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Sample sagas written straight into the tables (the shape the stories stage writes), plus hostile ones."""
    from mercato.interfaces.web.sample import write_sample

    store = open_store(tmp_path_factory.mktemp("sample") / "sample.db")
    write_sample(store, 24, seed=7, prefix="sample")
    write_sample(store, 8, seed=11, prefix="hostile", hostile=True)
    yield store
    store.close()


@pytest.fixture(scope="session")
def dev_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The dev corpus ingested through the real pipeline (understanding and stories included)."""
    if not DEV.is_file():
        pytest.skip(f"the shared dev corpus is absent ({DEV})")
    from mercato.pipeline import ingest
    from mercato.sources import read_jsonl

    store = open_store(tmp_path_factory.mktemp("dev") / "dev.db")
    ingest(store, read_jsonl(DEV))
    yield store
    store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app served by uvicorn in a thread, on a free loopback port."""

    def __init__(self, store: Store, settings: Settings) -> None:
        import uvicorn

        from mercato.interfaces.api import create_app

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(store, settings), host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def settings_for_tests(**changes: object) -> Settings:
    return Settings(api_token=TOKEN, api_max_body=64 * 1024).replace(**changes)
