"""The string tables kept between runs (``virtlab.course.parse_cache``): used while their
files are unchanged, parsed again otherwise, and never a reason for the app not to start."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from virtlab.course import i18n
from virtlab.course.parse_cache import CACHE_DIR_ENV, cached_table


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    return folder


def _source(tmp_path: Path, text: str = 'a = "1"\n') -> Path:
    path = tmp_path / "en.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _kept(cache: Path, name: str) -> Path:
    """The one cache file kept under ``name`` (its name ends with the folder's hash)."""
    found = list(cache.glob(f"{name}-*.json"))
    assert len(found) == 1, found
    return found[0]


def test_two_folders_keep_two_caches(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = _source(tmp_path / "a"), _source(tmp_path / "b", 'a = "2"\n')
    cached_table("t", [one], Builds({"a": "1"}))
    cached_table("t", [two], Builds({"a": "2"}))
    again = Builds({})
    assert cached_table("t", [one], again) == {"a": "1"} and again.calls == 0
    assert len(list(cache.glob("t-*.json"))) == 2


class Builds:
    def __init__(self, table: dict[str, str]) -> None:
        self.table, self.calls = table, 0

    def __call__(self) -> dict[str, str]:
        self.calls += 1
        return dict(self.table)


def test_a_second_read_comes_from_the_cache(cache: Path, tmp_path: Path) -> None:
    src, build = _source(tmp_path), Builds({"a": "1", "b": "가나"})
    assert cached_table("t", [src], build) == {"a": "1", "b": "가나"}
    assert cached_table("t", [src], build) == {"a": "1", "b": "가나"}
    assert build.calls == 1
    assert json.loads(_kept(cache, "t").read_text(encoding="utf-8"))["table"]["b"] == "가나"


def test_a_changed_file_is_read_again(cache: Path, tmp_path: Path) -> None:
    src, build = _source(tmp_path), Builds({"a": "1"})
    cached_table("t", [src], build)
    src.write_text('a = "22"\n', encoding="utf-8")  # another size
    cached_table("t", [src], build)
    info = src.stat()
    os.utime(src, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))  # same size, touched
    cached_table("t", [src], build)
    assert build.calls == 3


@pytest.mark.parametrize("kept", [b"", b"\xff\xfe not json", b"[]", b'{"format": 1}',
                                  b'{"format": 1, "sources": [], "table": {"a": 1}}'])
def test_a_broken_cache_is_rebuilt(cache: Path, tmp_path: Path, kept: bytes) -> None:
    src, build = _source(tmp_path), Builds({"a": "1"})
    cached_table("t", [src], build)
    data = json.loads(_kept(cache, "t").read_bytes())
    if kept.startswith(b'{"format": 1, "sources": []'):  # the right sources, a wrong table
        kept = json.dumps({**data, "table": {"a": 1}}).encode()
    _kept(cache, "t").write_bytes(kept)
    assert cached_table("t", [src], build) == {"a": "1"}
    assert build.calls == 2
    assert json.loads(_kept(cache, "t").read_bytes()) == data  # and written again


def test_a_cache_that_cannot_be_written_costs_only_time(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))
    src, build = _source(tmp_path), Builds({"a": "1"})
    assert cached_table("t", [src], build) == {"a": "1"}
    assert cached_table("t", [src], build) == {"a": "1"}
    assert build.calls == 2


def test_a_broken_strings_file_still_says_so(cache: Path, tmp_path: Path) -> None:
    src = _source(tmp_path)

    def broken() -> dict[str, str]:
        raise ValueError(f"{src}: keys defined in another strings file too: a")

    with pytest.raises(ValueError, match="defined in another"):
        cached_table("t", [src], broken)
    assert not cache.exists() or not list(cache.iterdir())


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_cached_strings_are_the_files_strings(cache: Path, lang: str) -> None:
    files = [i18n.STRINGS_DIR / f"{lang}.toml", *sorted(i18n.STRINGS_DIR.glob(f"{lang}-*.toml"))]
    parsed = i18n._read_strings(files)
    i18n.catalog.cache_clear()
    try:
        assert i18n.catalog(lang) == parsed  # parsed, and kept
        assert _kept(cache, f"strings-{lang}").exists()
        i18n.catalog.cache_clear()
        assert i18n.catalog(lang) == parsed  # read back
    finally:
        i18n.catalog.cache_clear()


def test_a_fifo_where_the_cache_goes_does_not_hang_the_start(cache: Path, tmp_path: Path) -> None:
    src, build = _source(tmp_path), Builds({"a": "1"})
    cached_table("t", [src], build)
    kept = _kept(cache, "t")
    kept.unlink()
    os.mkfifo(kept)  # nothing ever writes to it: reading it would block for ever
    assert cached_table("t", [src], build) == {"a": "1"}
    assert build.calls == 2
