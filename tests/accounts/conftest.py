"""A real OpenID provider for the sign-in tests: tests/accounts/oidc_provider/server.mjs
(the npm package oidc-provider, OpenID Certified) run with Node on a free 127.0.0.1 port.

Outside CI the tests skip when Node or the package is missing; with CI=true they fail."""

import json
import os
import secrets
import select
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from apps.accounts.oidc import providers as provider_config

ROOT = Path(__file__).resolve().parents[2]
SERVER = Path(__file__).resolve().parent / "oidc_provider" / "server.mjs"
PACKAGE = ROOT / "node_modules" / "oidc-provider" / "package.json"
CLIENT_ID = "lac-health-tests"
SECRET_VARIABLE = "OIDC_TEST_PROVIDER_SECRET"


def _node_or_skip() -> str:
    node = shutil.which("node")
    missing = (
        "node is not installed"
        if node is None
        else f"{PACKAGE.parent} is missing: run npm ci"
        if not PACKAGE.exists()
        else ""
    )
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"The OpenID provider for the sign-in tests cannot start: {missing}")
        pytest.skip(f"The OpenID provider for the sign-in tests cannot start: {missing}")
    return node


@dataclass
class Account:
    login: str
    sub: str
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    amr: list[str] | None = None
    acr: str | None = None
    claims: dict = field(default_factory=dict)


@dataclass
class RunningProvider:
    issuer: str
    port: int
    client_secret: str
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self, **overrides) -> dict:
        """This provider as an OIDC_PROVIDERS entry (discovery unless endpoints are given)."""
        return {
            "key": "test-idp",
            "label": "Test ID",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret_env": SECRET_VARIABLE,
            "organisations": ["886"],
            **overrides,
        }


@pytest.fixture
def start_identity_provider(live_server, settings, tmp_path):
    """Start an OpenID provider for this test: ``start(accounts, id_token=..., issuer=...)``
    runs one and makes it the app's only identity provider (``configure`` replaces it)."""
    node = _node_or_skip()
    running: list[RunningProvider] = []

    def configure(*entries: dict) -> None:
        secret_by_variable = {SECRET_VARIABLE: running[-1].client_secret} if running else {}
        settings.OIDC_PROVIDERS = provider_config.parse_providers(list(entries), secret_by_variable)
        provider_config._discovered.clear()

    def start(accounts: list[Account], *, id_token: str = "genuine", issuer: str | None = None):
        client_secret = secrets.token_urlsafe(24)
        env = {
            **os.environ,
            "OP_CLIENT": json.dumps(
                {
                    "client_id": CLIENT_ID,
                    "client_secret": client_secret,
                    "redirect_uris": [f"{live_server.url}/oidc/callback/"],
                }
            ),
            "OP_ACCOUNTS": json.dumps([account.__dict__ for account in accounts]),
        }
        arguments = [node, str(SERVER), "--id-token", id_token]
        if issuer:
            arguments += ["--issuer", issuer]
        log = tmp_path / f"identity-provider-{len(running) + 1}.log"
        with log.open("w") as stderr:
            process = subprocess.Popen(
                arguments,
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        ready, _, _ = select.select([process.stdout], [], [], 20)
        line = process.stdout.readline() if ready else ""
        if not line:
            process.kill()
            raise RuntimeError(f"The OpenID provider did not start: {log.read_text()}")
        started = json.loads(line)
        provider = RunningProvider(
            issuer=started["issuer"],
            port=started["port"],
            client_secret=client_secret,
            process=process,
        )
        running.append(provider)
        configure(provider.config())
        return provider

    start.configure = configure
    yield start
    for provider in running:
        provider.process.terminate()
        try:
            provider.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            provider.process.kill()
        provider.process.stdin.close()
        provider.process.stdout.close()


def wait_for(condition, timeout: float = 5.0):
    """For rows written by the live server's thread just after the browser moved on."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            return result
        time.sleep(0.05)
    return result
