"""Fixtures shared by the web test modules: one real worker pool, and the app served over it."""

import pytest

from _web_support import served


@pytest.fixture(scope="module")
def pool():
    """A real worker pool of two, for one test module."""
    from gradwise.web.workers import WorkerPool

    with WorkerPool(size=2) as started:
        yield started


@pytest.fixture(scope="module")
def client(pool):
    """An HTTP client of the app served on loopback over ``pool``."""
    from gradwise.web.app import create_app

    with served(create_app(pool=pool)) as http:
        yield http
