"""Take the README's two pictures of the web playground: a desktop and a phone.

Starts ``gradwise serve`` on a free loopback port, opens two views in headless Chromium
(Debian's, through Playwright), waits until their runs have been drawn, and writes
``docs/playground-desktop.png`` and ``docs/playground-phone.png`` as palette PNGs (each well
under 200 KB).

    .venv/bin/python docs/make_playground_screenshots.py
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
VIEWS = {
    "desktop": ({"viewport": {"width": 1100, "height": 1000}},
                {"f": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "start": "x=-0.5,y=0.5",
                 "eta": "0.01", "compare": "momentum,adam", "steps": "200"}),
    "phone": ({"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
               "device_scale_factor": 1},
              {"f": "(1 - x)^2 + 100(y - x^2)^2", "start": "x=-1.2,y=1", "eta": "0.001",
               "steps": "2000"}),
}
SCROLL = {"desktop": "header", "phone": "#play-first"}  # the top of each picture


def shoot(base: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader"])
        for name, (device, settings) in VIEWS.items():
            page = browser.new_context(**device).new_page()
            page.goto(f"{base}/?{urlencode(settings)}")
            deadline = time.monotonic() + 60
            while not page.evaluate("document.getElementById('steps-table').dataset.run"
                                    " === runKey() && !player.playing && !player.drawing"):
                if time.monotonic() > deadline:
                    raise TimeoutError(name)
                time.sleep(0.1)
            page.evaluate(f"document.querySelector('{SCROLL[name]}').scrollIntoView()")
            save(page.screenshot(), DOCS / f"playground-{name}.png")
        browser.close()


def save(png: bytes, path: Path) -> None:
    picture = Image.open(io.BytesIO(png)).convert("RGB").quantize(
        colors=256, method=Image.Quantize.FASTOCTREE)
    picture.save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KB")


def main() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "gradwise", "serve", "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True)
    try:
        assert server.stdout is not None
        server.stdout.readline()  # the banner: the port accepts connections
        shoot(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
