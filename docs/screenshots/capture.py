"""Screenshots of the instrument editor in the Django admin, taken with headless Chromium.

Run against a server of this checkout (any database; it needs the library and the demo accounts
that `make run` loads):

    make run PORT=8100 &                        # or any running server of this checkout
    .venv/bin/python docs/screenshots/capture.py --base http://127.0.0.1:8100

It gives `demo-librarian` a new random password (through `manage.py set_password`), makes sure a
draft of the PHQ-9 exists, signs in and writes three PNGs beside this file. Chromium is driven over
its DevTools protocol on a pipe (`--remote-debugging-pipe`), so nothing but the standard library
and `/usr/bin/chromium` (`apt-get install -y chromium`) is needed.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
WIDTH = 1400

PREPARE = """
from clients.models import User
from screening.models import Instrument, InstrumentVersion
from screening.services.instruments import instrument_version_create
phq9 = Instrument.objects.get(code="phq9")
draft = phq9.versions.filter(status="draft").first() or instrument_version_create(
    instrument=phq9, actor=None)
published = phq9.versions.filter(status="published").order_by("-published_at").first()
print(draft.pk, published.pk)
"""

# Three mistakes an editor could make in the draft: a misspelt option set, an item that does not
# exist, and a severity that is not one of the engine's.
BREAK_THE_DRAFT = """
(function () {
  var cm = document.querySelector('.CodeMirror').CodeMirror;
  var d = JSON.parse(cm.getValue());
  d.scales[0].items[8] = 'phq9-99';
  d.items[0].options = 'phq-frequenzy';
  d.rules[1].severity = 'critical';
  cm.setValue(JSON.stringify(d, null, 2));
  document.querySelector('input[name=_continue]').click();
})();
"""


class Chromium:
    """Chromium's DevTools protocol over the pipe of --remote-debugging-pipe (fd 3 in, fd 4 out),
    one page target."""

    def __init__(self, binary: str) -> None:
        to_browser, self._to_browser = os.pipe()
        self._from_browser, from_browser = os.pipe()
        # Chromium reads fd 3 and writes fd 4. The pipe ends are moved above 9 first, so putting
        # them at 3 and 4 in the child (the shell's redirections) cannot overwrite one another.
        high_in = fcntl.fcntl(to_browser, fcntl.F_DUPFD, 10)
        high_out = fcntl.fcntl(from_browser, fcntl.F_DUPFD, 10)
        os.close(to_browser)
        os.close(from_browser)
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [
                "/bin/bash",  # dash's redirections take no fd above 9
                "-c",
                f'exec "$@" 3<&{high_in} 4>&{high_out}',
                "bash",
                binary,
                *CHROMIUM_FLAGS,
                "about:blank",
            ],
            pass_fds=(high_in, high_out),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(high_in)
        os.close(high_out)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.page("Page.enable")
        self.page(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=1000,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        return self.call(method, session=self.session, **params)

    def wait_for_load(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while self._events:
                if self._events.pop(0).get("method") == "Page.loadEventFired":
                    time.sleep(0.3)  # let the page's scripts lay out the editor
                    return
            self._events.append(self._read())
        raise TimeoutError("the page did not load")

    def go(self, url: str) -> None:
        self._events.clear()
        self.page("Page.navigate", url=url)
        self.wait_for_load()

    def run(self, script: str) -> Any:
        result = self.page("Runtime.evaluate", expression=script, returnByValue=True)
        return result.get("result", {}).get("value")

    def shoot(self, path: Path, top_selector: str | None = None, height: int = 1150) -> None:
        top = 0
        if top_selector:
            top = self.run(
                f"Math.max(0, document.querySelector({json.dumps(top_selector)})"
                ".getBoundingClientRect().top + window.scrollY - 20)"
            )
        clip = {"x": 0, "y": top, "width": WIDTH, "height": height, "scale": 1}
        shot = self.page(
            "Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        print(f"wrote {path.relative_to(REPOSITORY)}")

    def close(self) -> None:
        try:
            self.call("Browser.close")
        finally:
            self.process.wait(timeout=10)


def manage(*args: str, **env: str) -> str:
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=REPOSITORY,
        env={"DEBUG": "1", "LOG_LEVEL": "WARNING", **os.environ, **env},  # as make run does
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8100", help="the running server")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    base = args.base.rstrip("/")

    password = secrets.token_urlsafe(16)
    manage("set_password", "demo-librarian", "--password-from-env", "SHOT_PASSWORD",
           SHOT_PASSWORD=password)  # fmt: skip
    draft, published = manage("shell", "-c", PREPARE).splitlines()[-1].split()

    browser = Chromium(args.chromium)
    try:
        browser.go(f"{base}/admin/login/?next=/admin/")
        browser.run(
            f"document.querySelector('#id_username').value = 'demo-librarian';"
            f"document.querySelector('#id_password').value = {json.dumps(password)};"
            "document.querySelector('#login-form').submit();"
        )
        browser.wait_for_load()

        browser.go(f"{base}/admin/screening/instrumentversion/{draft}/change/")
        browser.run(BREAK_THE_DRAFT)
        browser.wait_for_load()
        browser.shoot(HERE / "admin-draft-editor.png", top_selector="#definition-editor")

        browser.go(f"{base}/admin/screening/instrumentversion/{published}/change/")
        browser.shoot(HERE / "admin-published-version.png", top_selector=".definition-view")

        answers = "&".join(
            f"answer:phq9-{n}={v}" for n, v in enumerate((2, 2, 1, 2, 1, 1, 2, 0, 1), 1)
        )
        browser.go(f"{base}/admin/screening/instrumentversion/{draft}/change/?preview=1&{answers}")
        browser.shoot(HERE / "admin-score-preview.png", top_selector="#score-preview", height=880)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
