"""Shared fixtures: the seed reports and packages converted from them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEEDS = EXAMPLES / "seeds"
SAMPLES = EXAMPLES / "samples"
SEED_FILES = {path.name[:3]: path for path in sorted(SEEDS.glob("*.txt"))}


def seed(number: str) -> Path:
    """Path of a seed report by its number ('000' … '004')."""
    return SEED_FILES[number]


@pytest.fixture(scope="session")
def seed_packages(tmp_path_factory) -> dict[str, Path]:
    """The five seeds converted once per session: seed number → package folder."""
    from converter.convert import convert_file
    from converter.package import write_package

    out = tmp_path_factory.mktemp("packages")
    return {number: write_package(convert_file(path), out) for number, path in SEED_FILES.items()}


@pytest.fixture
def package_copy(seed_packages, tmp_path) -> Path:
    """A writable copy of seed 000's package."""
    target = tmp_path / seed_packages["000"].name
    shutil.copytree(seed_packages["000"], target)
    return target
