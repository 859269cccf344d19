"""Ship the schemas and metadata.yml inside wheels (an editable install reads them from the repository)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithData(build_py):
    """build_py that also copies schemas/ and metadata.yml to converter/_data/ in the build."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "converter" / "_data"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(ROOT / "schemas", target / "schemas")
        shutil.copy2(ROOT / "metadata.yml", target / "metadata.yml")


setup(cmdclass={"build_py": BuildWithData})
