"""Fixtures for the browser tests: a real ``recommender serve`` on 127.0.0.1 with a temporary database,
Debian's Chromium driven by Playwright, axe-core injected from the vendored copy.

Chromium is ``/usr/bin/chromium`` (``.ci/run`` installs Debian's package when it is missing); the
tests never run ``playwright install``. Without Chromium the tests are skipped on a developer's machine
and FAIL in CI (``CI=true``): a skipped browser test does not count.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "tests" / "assets" / "axe-core" / "axe.min.js"
ARTEFACTS = ROOT / "test-artefacts" / "web"  # screenshots of every page (.gitignore covers it)
GUIDE = ROOT / "docs" / "adviser-guide.md"
GUIDE_IMG = ROOT / "docs" / "img"
WRITE_GUIDE = os.environ.get("RECOMMENDER_WRITE_SCREENSHOTS") == "1"  # rewrite docs/img, the guide's blocks
USER, PASSWORD, MUNICIPALITY = "anna.adviser", "correct horse battery staple", "Aarhus"
CONTACT = "Jobcenter Aarhus, tlf. 89 40 00 00, jobcenter@aarhus.dk"  # the letter's contact (a setting)
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def require_chromium() -> None:
    if not Path(CHROMIUM).is_file():
        message = f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (the browser tests must run in CI)")
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running ``recommender serve`` and how to reach it."""

    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "recommender", *args],
            input=stdin,
            text=True,
            capture_output=True,
            env=self.env,
            timeout=300,
            check=False,
        )


def start_server(tmp: Path) -> Server:
    """A temporary database with one adviser (made with the CLI), then ``recommender serve``."""
    env = {
        **os.environ,
        "RECOMMENDER_DATA_DIR": str(tmp / "data"),
        "RECOMMENDER_DATABASE_URL": f"sqlite:///{tmp / 'web.sqlite3'}",
        "RECOMMENDER_LETTER_CONTACT": CONTACT,
    }
    env.pop("RECOMMENDER_CONFIG", None)
    added = subprocess.run(
        [
            sys.executable,
            "-m",
            "recommender",
            "users",
            "add",
            USER,
            "--role",
            "adviser",
            "--municipality",
            MUNICIPALITY,
        ],
        input=PASSWORD + "\n",
        text=True,
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    port = free_port()
    log = tmp / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "recommender", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, env, log)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"recommender serve exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise AssertionError(f"recommender serve did not answer: {log.read_text(errors='replace')[-2000:]}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory, default_model) -> Iterator[Server]:
    """``default_model`` first: the server then reads the built model from the same cache."""
    require_chromium()
    running = start_server(tmp_path_factory.mktemp("web"))
    try:
        yield running
    finally:
        stop_server(running)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser context (no cookies) at 1366×900; CSP bypassed only so axe can be injected."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True, base_url=server.url, locale="da-DK")
    context.set_default_timeout(30_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def guide_screenshot(page, name: str, full_page: bool = True, element: str | None = None) -> Path:
    """A screenshot for docs/adviser-guide.md: always under test-artefacts/web/guide/, and into docs/img/
    when ``RECOMMENDER_WRITE_SCREENSHOTS=1`` (the guide's pictures come from this run, never by hand)."""
    folder = GUIDE_IMG if WRITE_GUIDE else ARTEFACTS / "guide"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    if element is not None:
        page.locator(element).screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=full_page)
    return path


def guide_block(name: str, text: str) -> tuple[str, str]:
    """The guide's generated block ``name`` (between ``<!-- generated:NAME -->`` and
    ``<!-- /generated:NAME -->``) and ``text``, the block as this run makes it; with
    ``RECOMMENDER_WRITE_SCREENSHOTS=1`` the guide is rewritten first, so the two are equal."""
    guide = GUIDE.read_text(encoding="utf-8")
    pattern = re.compile(rf"(<!-- generated:{name} [^\n]*-->\n)(.*?)(<!-- /generated:{name} -->)", re.S)
    found = pattern.search(guide)
    assert found, f"docs/adviser-guide.md has no generated block {name!r}"
    if WRITE_GUIDE:
        guide = guide[: found.start(2)] + text + guide[found.end(2) :]
        GUIDE.write_text(guide, encoding="utf-8")
        return text, text
    return found.group(2), text


def pdf_pages(data: bytes) -> int:
    """The number of pages of a PDF that Chromium printed (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(
            n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5]
        )
        for v in result["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def log_in(page, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", password)
    page.click("form.login button[type=submit]")


def fill_intake(page, record: dict[str, object]) -> None:
    """Fill the intake form as an adviser would: radio buttons, selects, text and number fields."""
    from recommender.web.intake import CONTROLS

    for control in CONTROLS:
        if control.name not in record:
            continue
        value = record[control.name]
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        if control.kind == "radio":
            page.check(f"#{control.name}-{text}")
        elif control.kind == "select":
            page.select_option(f"select[name={control.name}]", text)
        else:
            page.fill(f"input[name={control.name}]", text)
