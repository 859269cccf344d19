"""datapackage/ in the repository is exactly what `juesuan convert examples/seeds/*.txt` produces."""

from __future__ import annotations

from pathlib import Path

from conftest import SEED_FILES

SHIPPED = Path(__file__).resolve().parent.parent / "datapackage"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_shipped_packages_equal_a_fresh_conversion_of_the_seeds(seed_packages):
    shipped = sorted(p.name for p in SHIPPED.iterdir() if p.is_dir())
    assert shipped == sorted(p.name for p in seed_packages.values())
    assert len(shipped) == len(SEED_FILES) == 5
    for folder in seed_packages.values():
        assert _files(SHIPPED / folder.name) == _files(folder), (
            f"datapackage/{folder.name} is stale: run `juesuan convert examples/seeds/*.txt --out datapackage`"
        )
