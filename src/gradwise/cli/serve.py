"""``gradwise serve``: the web playground on this machine (127.0.0.1 unless told otherwise)."""

from __future__ import annotations

import contextlib
from typing import Any

import click

from gradwise.cli._common import fail


def _finite(value: float) -> float:
    if value != value:  # NaN passes FloatRange's comparisons
        fail(f"--timeout must be a number of seconds from 0.1 to 600; received {value!r}")
    return value


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 127.0.0.1 keeps the playground on this machine.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free one).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Sandboxed worker processes [default: 4 per CPU, 8 to 16].")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=5.0, show_default=True,
              callback=lambda ctx, param, value: _finite(value),
              help="Wall-clock seconds one computation may take.")
def serve(host: str, port: int, workers: int | None, timeout: float) -> None:
    """Serve the playground: a page for gradients and descent, and a JSON API under /api/.

    \b
    Example:
      gradwise serve --port 8000     # then open http://127.0.0.1:8000/
    """
    try:
        import uvicorn

        from gradwise.web.app import Settings, create_app
        from gradwise.web.workers import WorkerLimits
    except ModuleNotFoundError as error:
        fail(f"the web playground needs {error.name!r}. Fix: install it with "
             "pip install 'gradwise[web]'")
    limits = WorkerLimits(timeout=timeout, cpu_seconds=max(1, round(timeout)))
    app = create_app(Settings(workers=workers, limits=limits))
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", server_header=False)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C: uvicorn has shut down cleanly
        _announcing_server()(config).run()


def _announcing_server() -> Any:
    """uvicorn's Server, printing the banner only once the port accepts connections (after
    the workers have started and the socket is bound), with the port it really got."""
    import uvicorn

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                port = self.servers[0].sockets[0].getsockname()[1]
                host = self.config.host
                click.echo(f"gradwise playground on http://{host}:{port}/  (API: /api, "
                           "Ctrl+C stops)")

    return AnnouncingServer

