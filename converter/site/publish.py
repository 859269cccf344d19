"""`datasette publish` with the site's metadata, plugin, downloads, settings and pinned package versions."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from converter.site.database import FILES_MOUNT
from converter.site.serve import PLUGINS, Site, setting_options

TARGETS = ("cloudrun", "fly", "vercel", "heroku")
GENERATE_DIR = {"fly", "vercel", "heroku"}  # targets whose publisher can write files without deploying
SETTING_OPTION = {"fly", "vercel"}  # the others take settings through --extra-options
APP_OPTION = {"fly": "--app", "vercel": "--project", "heroku": "--name", "cloudrun": "--service"}  # the app's name
NEEDS_APP = {"fly"}  # publishers that refuse to run without a name


class PublishError(Exception):
    """A publish request that cannot work (unknown target, missing publisher plugin)."""


def pinned(package: str) -> str:
    """`package==<installed version>`."""
    try:
        return f"{package}=={version(package)}"
    except PackageNotFoundError:
        raise PublishError(f"{package} is not installed") from None


def publish_command(
    target: str, site: Site, generate_dir: Path | None, extra: list[str], app: str | None = None
) -> list[str]:
    """`datasette publish <target>` with the site's files, pinned packages, settings and the app's name."""
    if target not in TARGETS:
        raise PublishError(f"unknown target {target!r}: use one of {', '.join(TARGETS)}")
    if app is None and target in NEEDS_APP and APP_OPTION[target] not in extra and "-a" not in extra:
        raise PublishError(f"{target} needs an app name: juesuan publish {target} --app NAME")
    if generate_dir is not None and target not in GENERATE_DIR:
        raise PublishError(f"{target} cannot --generate-dir; use one of {', '.join(sorted(GENERATE_DIR))}")
    if target in ("fly", "vercel"):
        pinned(f"datasette-publish-{target}")  # the publisher plugin must be installed
    command = [
        sys.executable, "-m", "datasette", "publish", target, str(site.db),
        "--metadata", str(site.metadata), "--plugins-dir", str(site.plugins_dir),
        "--template-dir", str(site.templates_dir),
        "--static", f"{FILES_MOUNT}:{site.files}",
        "--install", pinned("datasette"),
    ]  # fmt: skip
    for plugin in PLUGINS:
        command += ["--install", pinned(plugin)]
    if target in SETTING_OPTION:
        command += setting_options()
    else:
        command += ["--extra-options", " ".join(setting_options())]
    if app is not None:
        command += [APP_OPTION[target], app]
    if generate_dir is not None:
        command += ["--generate-dir", str(generate_dir.resolve())]
    return command + list(extra)


def run_command(command: list[str]) -> int:
    return subprocess.call(command)
