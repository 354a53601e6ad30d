"""Production smoke: the production settings, after collectstatic, under gunicorn, signed in
through a real browser as every demo role.

Run by .ci/run (issue 17, finding 1: under production settings every page was a 500 and CI
never rendered one). It needs a database with the demo users (DATABASE_URL), builds the static
files, starts gunicorn on a free loopback port, then drives Chromium through Playwright: sign
in (with the authenticator-app step for the roles that need it, from the secret the page
shows), open the home page, and fail on any 5xx response, a missing static file, or a page
without its heading. Prints one line per role and exits non-zero on any failure.

    DATABASE_URL=postgres://... .venv/bin/python scripts/production_smoke.py
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
USERS = [
    "sw",
    "manager",
    "performance",
    "healthadmin",
    "nurse",
    "adviser",
    "designated",
    "auditor",
    "admin",
]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def production_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(48),
        ALLOWED_HOSTS="localhost,127.0.0.1",
        # Plain HTTP on loopback: no TLS proxy in front here. Secure cookies still work,
        # since Chromium treats localhost as a secure context.
        SECURE_SSL_REDIRECT="false",
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds} s")


def totp_now(secret_text: str) -> str:
    from django_otp.oath import TOTP

    key = base64.b32decode(secret_text.replace(" ", ""))
    return f"{TOTP(key, step=30, digits=6).token():06d}"


def main() -> int:
    env = production_env()
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    port = free_port()
    base = f"http://localhost:{port}"
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
    )
    failures: list[str] = []
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        failures = drive_browser(base)
    finally:
        server.terminate()
        server.wait(timeout=20)
    if failures:
        print("Production smoke FAILED:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print(f"Production smoke passed: {len(USERS)} roles signed in under gunicorn, no 5xx.")
    return 0


def drive_browser(base: str) -> list[str]:
    from playwright.sync_api import sync_playwright

    password = os.environ.get("DEMO_PASSWORD", "demo")
    failures: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        # A wrong password first: the failure page was a 500 too.
        context = browser.new_context(base_url=base)
        page = context.new_page()
        page.goto("/login/")
        page.fill("#id_username", "sw")
        page.fill("#id_password", "not-the-password")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click("button[type=submit]")
        response = posted.value
        if response.status != 200 or "There is a problem" not in page.content():
            failures.append(f"wrong password: HTTP {response.status}, no error summary")
        else:
            print("  wrong password    -> 200, error summary shown")
        context.close()

        for username in USERS:
            context = browser.new_context(base_url=base)
            page = context.new_page()
            bad: list[str] = []
            page.on(
                "response",
                lambda r, bad=bad: bad.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )
            try:
                page.goto("/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", password)
                page.click("button[type=submit]")
                page.wait_for_url(lambda url: "/login/" not in url)
                if "/account/two-factor/" in page.url and page.locator("#id_code").count():
                    # First sign-in: the enrolment code from the administrator (the demo's).
                    page.fill("#id_code", os.environ.get("DEMO_ENROLMENT_CODE", "DEMO2FAX"))
                    page.get_by_role("button", name="Continue").click()
                    page.wait_for_selector("[data-testid=totp-secret]")
                if "/account/two-factor/" in page.url:
                    secret = page.get_by_test_id("totp-secret").inner_text()
                    page.fill("#id_token", totp_now(re.sub(r"\s+", "", secret)))
                    page.get_by_role("button", name="Continue").click()
                    page.wait_for_url(lambda url: "/account/two-factor/" not in url)
                heading = page.locator("h1").first.inner_text(timeout=10000)
                status = page.evaluate("() => document.readyState")
                if bad:
                    failures.append(f"{username}: {', '.join(bad)}")
                else:
                    print(
                        f"  {username:<17} -> {page.url.removeprefix(base)} '{heading}' ({status})"
                    )
            except Exception as error:  # report every role, not only the first failure
                failures.append(f"{username}: {type(error).__name__}: {error}".splitlines()[0])
            finally:
                context.close()
        browser.close()
    return failures


if __name__ == "__main__":
    sys.exit(main())
