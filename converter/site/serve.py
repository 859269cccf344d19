"""The Datasette site of a built database: its metadata, static downloads and settings, served or in-process.

The plugin (converter.site.plugin) is loaded through the `datasette` entry point of the juesuan distribution."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from converter.site import metadata as site_metadata
from converter.site.database import FILES_MOUNT, files_dir
from converter.site.plugin import SITE_SETTINGS

PLUGIN_PACKAGE = Path(__file__).with_name("plugin")
PLUGIN_NAME = "juesuan_site"  # the plugin package's name in a published site's plugins folder
LOADER = f'''"""Loads the juesuan site plugin shipped beside this file, unless juesuan is installed (entry point)."""

import sys
from pathlib import Path

try:
    import converter.site.plugin  # noqa: F401  (installed: Datasette loads it through its entry point)
except ImportError:
    sys.path.insert(0, str(Path(__file__).parent))
    from {PLUGIN_NAME} import *  # noqa: F401,F403
'''
SETTINGS = SITE_SETTINGS  # also applied by the plugin at startup under plain `datasette`
PLUGINS = ("datasette-dashboards",)  # installed with the site wherever it is published


@dataclass(frozen=True)
class Site:
    """Everything Datasette needs besides the database: written into one folder."""

    db: Path
    metadata: Path
    plugins_dir: Path  # for publishing: a loader plus the plugin package (the entry point serves locally)
    templates_dir: Path
    files: Path


def prepare(db: Path, folder: Path) -> Site:
    """Write the site's metadata (named for this database) and a publishable copy of the plugin into `folder`."""
    db = db.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    plugins = folder / "plugins"
    shutil.rmtree(plugins, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "templates")
    shutil.copytree(PLUGIN_PACKAGE, plugins / PLUGIN_NAME, ignore=ignore)
    (plugins / f"{PLUGIN_NAME}_loader.py").write_text(LOADER, encoding="utf-8")
    metadata_path = folder / "metadata.json"
    data = site_metadata.for_database(site_metadata.load(), db.stem)
    metadata_path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return Site(
        db=db, metadata=metadata_path, plugins_dir=plugins, templates_dir=PLUGIN_PACKAGE / "templates",
        files=files_dir(db),
    )  # fmt: skip


def setting_options() -> list[str]:
    options = []
    for name, value in SETTINGS.items():
        options += ["--setting", name, str(value).lower() if isinstance(value, bool) else str(value)]
    return options


def plugin_registered() -> bool:
    """Whether the installed juesuan distribution registers the plugin (its `datasette` entry point)."""
    return any(ep.value == "converter.site.plugin" for ep in entry_points(group="datasette"))


def plugin_options(site: Site) -> list[str]:
    """Nothing when the entry point loads the plugin; else the plugin's copy and templates (a source checkout)."""
    return (
        []
        if plugin_registered()
        else ["--plugins-dir", str(site.plugins_dir), "--template-dir", str(site.templates_dir)]
    )


def serve_command(site: Site, host: str, port: int) -> list[str]:
    """`datasette serve` of the site: immutable database, local host, bounded queries."""
    return [
        sys.executable, "-m", "datasette", "serve", "--immutable", str(site.db),
        "--host", host, "--port", str(port),
        "--metadata", str(site.metadata),
        "--static", f"{FILES_MOUNT}:{site.files}",
        *plugin_options(site),
        *setting_options(),
    ]  # fmt: skip


def run(site: Site, host: str, port: int) -> int:
    """Serve until interrupted or terminated; Datasette's exit code. The server never outlives this process."""
    server = subprocess.Popen(serve_command(site, host, port))

    def stop(signum, frame) -> None:
        server.terminate()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait(timeout=10)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if server.poll() is None:
            server.kill()


def app(site: Site):
    """The site as an in-process Datasette instance (tests, benchmarks)."""
    from datasette.app import Datasette

    registered = plugin_registered()
    return Datasette(
        immutables=[str(site.db)],
        metadata=json.loads(site.metadata.read_text(encoding="utf-8")),
        static_mounts=[(FILES_MOUNT, str(site.files))],
        settings=SETTINGS,
        plugins_dir=None if registered else str(site.plugins_dir),
        template_dir=None if registered else str(site.templates_dir),
    )
