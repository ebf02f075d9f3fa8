"""Where the server addresses and credentials come from, and the checks on them.

Sources, the most explicit first:

1. the file given with ``--config PATH``;
2. environment variables: ours (``COURSEKIT_*``), then olx-utils' names (``OLX_*``);
3. the default file ``$XDG_CONFIG_HOME/coursekit/import.toml``
   (``~/.config/coursekit/import.toml``), if it exists.

A config file must belong to the current user, must not be readable or
writable by group or others (``chmod 600``) and must not lie inside the
repository, where it could be committed. URLs must use HTTPS unless they
point to this machine (``localhost``, ``127.0.0.1``, ``::1``) or
``--allow-insecure-http`` is given.
"""

from __future__ import annotations

import ipaddress
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from coursekit.plural import plural
from coursekit.push.errors import ConfigError
from coursekit.push.redact import Secret, register_basic_auth

KEYS = ("cms_url", "lms_url", "client_id", "client_secret", "cms_token")
SECRET_KEYS = ("client_id", "client_secret", "cms_token")

ENV_NAMES: dict[str, tuple[str, ...]] = {
    "cms_url": ("COURSEKIT_CMS_URL", "OLX_CMS_URL"),
    "lms_url": ("COURSEKIT_LMS_URL", "OLX_LMS_URL"),
    "client_id": ("COURSEKIT_CLIENT_ID", "OLX_LMS_CLIENT_ID"),
    "client_secret": ("COURSEKIT_CLIENT_SECRET", "OLX_LMS_CLIENT_SECRET"),
    "cms_token": ("COURSEKIT_CMS_TOKEN", "OLX_CMS_TOKEN"),
}

CONFIG_HINT = ("a config file (~/.config/coursekit/import.toml, chmod 600) holds TOML string keys cms_url, "
               "lms_url, client_id and client_secret (or cms_token); see the release manager's guide in README.md")


@dataclass
class ImportSettings:
    cms_url: str
    lms_url: str | None
    client_id: Secret | None
    client_secret: Secret | None
    cms_token: Secret | None
    origin: dict[str, str] = field(default_factory=dict)  # key -> where it came from (never the value)
    config_file: Path | None = None

    @property
    def uses_client_credentials(self) -> bool:
        return bool(self.client_id and self.client_secret)

    def describe(self) -> list[str]:
        """Where each setting came from, for the user; values of secrets are never shown."""
        lines = [f"CMS  {self.cms_url}  (from {self.origin.get('cms_url', '?')})"]
        if self.lms_url:
            lines.append(f"LMS  {self.lms_url}  (from {self.origin.get('lms_url', '?')})")
        if self.uses_client_credentials:
            lines.append("auth OAuth2 client credentials (from "
                         f"{self.origin.get('client_id', '?')}, {self.origin.get('client_secret', '?')})")
        elif self.cms_token:
            lines.append(f"auth pre-issued JWT (from {self.origin.get('cms_token', '?')})")
        return lines


def default_config_path(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "coursekit" / "import.toml"


def find_repo_root(start: Path) -> Path | None:
    """The enclosing git work tree of ``start`` (the folder holding ``.git``), if any."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


def check_config_file(path: Path, repo_roots: list[Path]) -> None:
    """Refuse config files that others can read or that could end up in git."""
    resolved = path.resolve()
    for root in repo_roots:
        if resolved.is_relative_to(root):
            raise ConfigError(
                f"refusing to read credentials from {path}: it is inside the repository {root}",
                "a file there can be committed by accident; move it to ~/.config/coursekit/import.toml "
                "(or elsewhere outside the repository) and pass --config with the new path",
            )
    try:
        info = resolved.stat()
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"config file {path} is not a regular file")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise ConfigError(f"refusing to read credentials from {path}: it belongs to another user",
                          "the file with your credentials must be your own")
    if info.st_mode & 0o077:
        mode = stat.filemode(info.st_mode)
        raise ConfigError(
            f"refusing to read credentials from {path}: group or others have access to it ({mode})",
            f"make it private first:  chmod 600 {path}",
        )


def read_config_file(path: Path) -> dict[str, str]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        # the message names a line and column, never the value
        raise ConfigError(f"config file {path} is not valid TOML: {exc}", CONFIG_HINT) from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError(f"config file {path}: unknown {plural('key', len(unknown))} {', '.join(unknown)}",
                          f"allowed keys: {', '.join(KEYS)}")
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise ConfigError(f"config file {path}: {key} must be a string")
        out[key] = value.strip()
    return out


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, what: str, origin: str, allow_insecure_http: bool) -> str:
    """Validate a base URL; return it without a trailing slash."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"the {what} URL from {origin} is not an http(s) URL: {url!r}",
                          "write it like https://studio.example.org")
    if parts.username or parts.password:
        raise ConfigError(f"the {what} URL from {origin} contains a user name or password",
                          "put credentials in COURSEKIT_CLIENT_ID / COURSEKIT_CLIENT_SECRET, not in the URL")
    if parts.query or parts.fragment:
        raise ConfigError(f"the {what} URL from {origin} must not have a query or fragment: {url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname) and not allow_insecure_http:
        raise ConfigError(
            f"the {what} URL {url} uses plain HTTP: tokens and course content would travel unencrypted",
            "use https://, or pass --allow-insecure-http if this is a trusted local network "
            "(e.g. a Tutor dev install)",
        )
    return url.rstrip("/")


def load_settings(
    config_path: Path | None,
    repo_roots: list[Path],
    env: Mapping[str, str] | None = None,
    allow_insecure_http: bool = False,
) -> ImportSettings:
    env = os.environ if env is None else env
    values: dict[str, str] = {}
    origin: dict[str, str] = {}
    config_file: Path | None = None

    default_file = default_config_path(env)
    if config_path is None and default_file.exists():
        check_config_file(default_file, repo_roots)
        for key, value in read_config_file(default_file).items():
            values[key], origin[key] = value, str(default_file)
        config_file = default_file
    for key, names in ENV_NAMES.items():
        for name in reversed(names):  # ours win over olx-utils'
            if env.get(name, "").strip():
                values[key], origin[key] = env[name].strip(), name
    if config_path is not None:
        check_config_file(config_path, repo_roots)
        for key, value in read_config_file(config_path).items():
            values[key], origin[key] = value, str(config_path)
        config_file = config_path

    secrets = {key: Secret(values[key]) for key in SECRET_KEYS if values.get(key)}
    if "client_id" in secrets and "client_secret" in secrets:
        register_basic_auth(secrets["client_id"].reveal(), secrets["client_secret"].reveal())

    if not values.get("cms_url"):
        raise ConfigError(
            "no CMS (Studio) URL: set COURSEKIT_CMS_URL (or OLX_CMS_URL), or cms_url in a config file",
            CONFIG_HINT,
        )
    cms_url = check_url(values["cms_url"], "CMS", origin["cms_url"], allow_insecure_http)
    lms_url = None
    if values.get("lms_url"):
        lms_url = check_url(values["lms_url"], "LMS", origin["lms_url"], allow_insecure_http)

    has_pair = "client_id" in secrets and "client_secret" in secrets
    if ("client_id" in secrets) != ("client_secret" in secrets):
        missing = "client_secret" if "client_id" in secrets else "client_id"
        raise ConfigError(f"{missing} is not set, but its partner is",
                          f"set {ENV_NAMES[missing][0]} (or {missing} in the config file)")
    if has_pair and not lms_url:
        raise ConfigError("client credentials are set but not the LMS URL, where tokens are issued",
                          "set COURSEKIT_LMS_URL (or OLX_LMS_URL), e.g. https://lms.example.org")
    if not has_pair and "cms_token" not in secrets:
        raise ConfigError(
            "no credentials: set COURSEKIT_CLIENT_ID and COURSEKIT_CLIENT_SECRET (an OAuth2 application "
            "with the client-credentials grant), or a pre-issued JWT in COURSEKIT_CMS_TOKEN / OLX_CMS_TOKEN",
            "see README.md, 'Release manager's guide', 'One-time setup'",
        )
    return ImportSettings(
        cms_url=cms_url,
        lms_url=lms_url,
        client_id=secrets.get("client_id"),
        client_secret=secrets.get("client_secret"),
        cms_token=secrets.get("cms_token"),
        origin=origin,
        config_file=config_file,
    )
