"""A real OpenID provider on loopback for the sign-on tests: the certified `oidc-provider`
package (tests/sign_on/provider/server.js), run by Node, not a hand-written stand-in.

    with OpenIdProvider(clients=[RegisteredClient(redirect_uris=[...])], accounts=[...]) as idp:
        idp.issuer  # http://127.0.0.1:PORT, discovery at /.well-known/openid-configuration

It behaves as a municipality's provider does for an app its administrators registered:
authorization code flow with PKCE (S256) required; the ID token, signed RS256 with a `kid`,
carries the person's claims; no consent screen; RP-initiated log-out (`end_session_endpoint`).

Scopes a client asks for, and the claims each puts in the ID token:
    openid   sub
    email    email, email_verified
    profile  name, employee_number
    groups   groups (a list of strings)
so a client asks for `openid email profile groups`. An account's missing fields are left out;
a login that is no configured account signs in all the same, with only its `sub`.

The provider's pages, for a browser test (any password is accepted; `login` is the `sub`):
    log-in form     input[name="login"], input[name="password"], button[type="submit"]
    log-out page    button[name="logout"] ("Yes, sign me out"; it submits form#op\\.logoutForm)

`complete_login` and `complete_logout` drive the same pages with httpx and stop at the redirect
back to the app, which they return without requesting it. Give them a plain `httpx.Client` as
the browser (a Litestar TestClient would send every request to the app). In a browser, serve
the app on `localhost`, not 127.0.0.1: cookies ignore ports, and the provider's are
`_session` and `_interaction`. `sign_id_token` forges the ID tokens refusal tests need.

Node and npm come from the system (`sudo apt-get install -y nodejs npm`, Node 18 or newer);
without them the tests skip, and under CI (env `CI` set) they fail. The first start runs
`npm ci` in tests/sign_on/provider when its node_modules is missing.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tests.servers import free_port

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
INSTALL_NODE = "sudo apt-get install -y nodejs npm"
STARTUP_SECONDS = 30
SCOPES = "openid email profile groups"
ANY_PASSWORD = "any password"


@dataclass(frozen=True)
class RegisteredClient:
    """An app registered at the provider (a confidential client, `client_secret_basic`)."""

    redirect_uris: list[str]
    post_logout_redirect_uris: list[str] = field(default_factory=list)
    client_id: str = "jobbank"
    client_secret: str = "jobbank-test-secret"


@dataclass(frozen=True)
class Account:
    """A person the provider knows; `sub` is also what they type as `login`."""

    sub: str
    email: str | None = None
    employee_number: str | None = None
    name: str | None = None
    groups: list[str] | None = None

    def claims(self) -> dict[str, object]:
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass
class OpenIdProvider:
    """`node server.js` on a free loopback port; `restart` keeps the port (and the issuer)."""

    clients: list[RegisteredClient]
    accounts: list[Account] = field(default_factory=list)
    id_token_ttl_seconds: int | None = None
    folder: Path | None = None
    port: int = field(default_factory=free_port)
    _keys: KeySet = field(init=False, repr=False)
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _own_folder: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self._keys = KeySet([new_signing_key()])
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="openid-provider-"))
            self._own_folder = True

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def signing_key(self) -> RSAKey:
        """The private key the ID tokens are signed with (to forge tokens in refusal tests)."""
        key = self._keys.keys[0]
        assert isinstance(key, RSAKey)
        return key

    @property
    def kid(self) -> str:
        return str(self.signing_key.kid)

    def sign_id_token(self, claims: dict[str, Any], key: RSAKey | None = None) -> str:
        """An ID token with exactly `claims`, signed as this provider signs (RS256, its `kid`),
        or by another `key` under its `kid`: the tokens a refusal test needs (a wrong audience,
        an expired token, another nonce, a bad signature) that the provider will not issue."""
        header = {"alg": "RS256", "kid": self.kid}
        return jwt.encode(header, claims, key or self.signing_key, algorithms=["RS256"])

    def start(self) -> OpenIdProvider:
        """Start Node and return once discovery answers."""
        node = require_node()
        folder = self._folder()
        config = folder / "config.json"
        config.write_text(json.dumps(self._config(folder)))
        with (folder / "provider.log").open("wb") as log:
            self._process = subprocess.Popen(
                [node, str(PROVIDER_DIR / "server.js"), str(config)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=log,
                cwd=PROVIDER_DIR,
            )
        self._await_discovery()
        return self

    def stop(self) -> None:
        """Stop Node: it exits when its stdin closes; a stuck one is killed."""
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def restart(self, rotate_keys: bool = False) -> None:
        """Stop and start on the same port; with `rotate_keys` it signs with a new key (and a
        new `kid`) and no longer publishes the old one. Sessions are forgotten either way."""
        self.stop()
        if rotate_keys:
            self._keys = KeySet([new_signing_key()])
        self.start()

    def close(self) -> None:
        """Stop, and remove the folder if the provider made it."""
        self.stop()
        if self._own_folder and self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> OpenIdProvider:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def log(self) -> str:
        """What the provider wrote to stderr (errors only)."""
        path = self._folder() / "provider.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _folder(self) -> Path:
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder

    def _config(self, folder: Path) -> dict[str, object]:
        keys_file = folder / "keys.json"
        keys_file.write_text(json.dumps(self._keys.as_dict(private=True)))
        config: dict[str, object] = {
            "port": self.port,
            "issuer": self.issuer,
            "keys_file": str(keys_file),
            "clients": [asdict(client) for client in self.clients],
            "accounts": [account.claims() for account in self.accounts],
        }
        if self.id_token_ttl_seconds is not None:
            config["id_token_ttl_seconds"] = self.id_token_ttl_seconds
        return config

    def _await_discovery(self) -> None:
        process = self._process
        assert process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the OpenID provider stopped at start:\n{self.log()}")
            try:
                if httpx.get(self.discovery_url, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"the OpenID provider did not answer in {STARTUP_SECONDS} s:\n{self.log()}")


def new_signing_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"alg": "RS256", "use": "sig"}, auto_kid=True)


def require_node() -> str:
    """The path of `node`, once the provider's packages are installed; skips the test where
    Node or npm is missing (fails under CI)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = "Node.js" if node is None else "npm"
        reason = f"the OpenID provider needs {missing}: run `{INSTALL_NODE}`"
        if os.environ.get("CI"):
            pytest.fail(f"sign-on tests cannot run under CI: {reason}")
        pytest.skip(reason)
    install_packages(npm)
    return node


def install_packages(npm: str) -> None:
    """`npm ci` once, when node_modules is missing; a lock keeps parallel workers from
    installing over each other."""
    installed = PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json"
    if installed.exists():
        return
    with (PROVIDER_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if installed.exists():
            return
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=PROVIDER_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"`npm ci` in {PROVIDER_DIR} failed:\n{done.stdout}{done.stderr}")


def complete_login(
    client: httpx.Client, authorize_url: str, login: str, password: str = ANY_PASSWORD
) -> str:
    """Log in at the provider as `login` (a `sub`), starting from the app's authorization URL,
    and return the redirect back to the app (`...?code=...&state=...&iss=...`, or `?error=...`
    when the provider refuses the request) without requesting it."""
    issuer = _origin(authorize_url)
    response = client.get(authorize_url, follow_redirects=False)
    for _ in range(10):
        if response.is_redirect:
            target = urljoin(str(response.url), response.headers["location"])
            if _origin(target) != issuer:
                return target
            response = client.get(target, follow_redirects=False)
            continue
        form = _only_form(response)
        if "login" not in form.fields:  # a consent screen, which the app must never meet
            raise AssertionError(f"expected the provider's log-in form:\n{response.text}")
        fields = form.fields | {"login": login, "password": password}
        response = client.post(form.action, data=fields, follow_redirects=False)
    raise AssertionError(f"the log-in did not return to the app; last page:\n{response.text}")


def complete_logout(client: httpx.Client, end_session_url: str) -> str:
    """Confirm the provider's log-out page and return where it sends the browser next (the
    app's post_logout_redirect_uri, or the provider's own "signed out" page) without
    requesting it."""
    form = _only_form(client.get(end_session_url, follow_redirects=False))
    response = client.post(form.action, data=form.fields | {"logout": "yes"})
    if not response.is_redirect:
        raise AssertionError(f"the log-out was not confirmed:\n{response.text}")
    return urljoin(str(response.url), response.headers["location"])


@dataclass
class _Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    """The forms on a page with their hidden and prefilled fields."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url
        self.forms: list[_Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = urljoin(self.base_url, attributes.get("action", ""))
            self.forms.append(_Form(action))
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1].fields[attributes["name"]] = attributes.get("value", "")


def _only_form(response: httpx.Response) -> _Form:
    if response.status_code != 200:
        raise AssertionError(f"the provider answered {response.status_code}:\n{response.text}")
    parser = _FormParser(str(response.url))
    parser.feed(response.text)
    if len(parser.forms) != 1:
        raise AssertionError(f"expected one form on the provider's page:\n{response.text}")
    return parser.forms[0]


def _origin(url: str) -> str:
    parsed = httpx.URL(url)
    return f"{parsed.scheme}://{parsed.netloc.decode()}"
