"""What the tests share: the objectives they descend and search, the web fixtures (a worker
pool and the app over it; for the browser tests one server and one Chromium per module, and
pages on a desktop or a phone, see ``_web_browser``), and the GPU the CUDA tests run on.

matplotlib draws with its Agg backend in every test (no window, no display), and the CUDA
kernels run on numba's simulator (CI has no GPU), both set here once before anything imports
matplotlib or numba.cuda; ``NUMBA_ENABLE_CUDASIM=0`` runs the CUDA tests on a real GPU.

The compiled interval kernels (``numeric._numba_intervals``) are compiled, or loaded from
numba's cache, once when the session starts, and used in every test
(``GRADWISE_COMPILE=now``): the tests that compare them with their NumPy twins then compare
two implementations, and no test waits for a compilation. ``test_compile_policy.py`` runs
the NumPy twins and the background compilation on their own.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("NUMBA_ENABLE_CUDASIM", "1")
os.environ.setdefault("GRADWISE_COMPILE", "now")

from _cuda_support import cuda_device  # noqa: E402, F401 - the CUDA tests' fixture
from _slow import (  # noqa: E402, F401 - pytest hooks
    pytest_collection_modifyitems,
    pytest_terminal_summary,
)


def pytest_sessionstart(session):
    """The interval kernels, compiled before the first test (seconds on a fresh clone)."""
    from gradwise.numeric.tapes import warm

    warm()


# -- objectives: (function, start, minimum) --------------------------------------------------

NOTES_COST = "C(w) = (1 - w)^2"
"""The notes' cost with x = y = 1 and b = 0: from w = 3, η = 0.1 gives 3 → 2.6 → 2.28."""

ROSENBROCK = ("f(x, y) = (1 - x)^2 + 100(y - x^2)^2", {"x": -1.2, "y": 1}, (1, 1))
"""Rosenbrock's valley from its classic start (Rosenbrock 1960); minimum 0 at (1, 1)."""

BOOTH = ("f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2", {"x": 0, "y": 0}, (1, 3))
"""Booth's function; minimum 0 at (1, 3)."""

BEALE = ("f(x, y) = (1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2",
         {"x": 1, "y": 1}, (3, 0.5))
"""Beale's function; minimum 0 at (3, 0.5)."""

HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
"""Himmelblau's function (Applied Nonlinear Programming, 1972): four minima of value 0, a
local maximum near (−0.271, −0.923) and four saddles in [−5, 5]²."""


# -- the web: one real worker pool per module, and the app served over it ---------------------

@pytest.fixture(scope="module")
def pool():
    """A real worker pool of two, for one test module."""
    from gradwise.web.workers import WorkerPool

    with WorkerPool(size=2) as started:
        yield started


@pytest.fixture(scope="module")
def client(pool):
    """An HTTP client of the app served on loopback over ``pool``."""
    from _web_support import served  # httpx: only the web tests need it (a GPU box may lack it)
    from gradwise.web.app import create_app

    with served(create_app(pool=pool)) as http:
        yield http


# -- the browser tests: one server and one Chromium per module, pages on a desktop or a phone ---

@pytest.fixture(scope="module")
def site():
    """``gradwise serve`` with two workers, for one browser test module; its base URL."""
    from _web_support import running_server

    with running_server(workers=2) as (base, _process):
        yield base


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a test module (skipped without one, except in CI)."""
    from _web_browser import launch, sync_api

    with sync_api.sync_playwright() as playwright:
        launched = launch(playwright)
        yield launched
        launched.close()


@pytest.fixture
def pages(browser, site, request):
    """Opens pages: ``pages.open("phone", "/?f=x^2")``; screenshots and checks them at the end."""
    from _web_browser import Pages

    opened = Pages(browser, site, request.node.name)
    yield opened
    opened.finish()
