"""The disk cache of values costly to build at start: built once, read back equal, rebuilt when damaged."""

from __future__ import annotations

import pickle

from converter import diskcache, places


def test_a_value_is_built_once_then_read_back_and_rebuilt_when_damaged(tmp_path, monkeypatch):
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(tmp_path / "cache"))
    builds = []

    def build():
        builds.append(1)
        return {"会计": [1, 2]}

    def get(key=b"k1"):
        return diskcache.load_or_build("demo", key, build, pickle.dumps, pickle.loads)

    assert get() == get() == {"会计": [1, 2]} and len(builds) == 1
    (stored,) = (tmp_path / "cache").iterdir()
    stored.write_bytes(b"\x80damaged")
    assert get() == {"会计": [1, 2]} and len(builds) == 2
    assert get(b"k2") == {"会计": [1, 2]} and len(builds) == 3  # another key: another file
    assert len(list((tmp_path / "cache").iterdir())) == 2  # no temporary files left


def test_an_unwritable_cache_folder_is_not_used(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(blocker / "cache"))
    assert diskcache.load_or_build("demo", b"k", lambda: 7, pickle.dumps, pickle.loads) == 7


def test_the_places_index_read_from_the_cache_equals_the_one_built(tmp_path, monkeypatch):
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(tmp_path))
    places.divisions_by_name.cache_clear()
    try:
        built = places.divisions_by_name()
        places.divisions_by_name.cache_clear()
        read = places.divisions_by_name()
        assert read == built == places._build_divisions() and read is not built
        (putuo_sh,) = [d for d in read["普陀区"] if d.code == "310107"]
        assert putuo_sh.ancestor("province").name == "上海市"
    finally:
        places.divisions_by_name.cache_clear()
