"""Which cache a run uses: --cache, $ORACLE_CACHE, a folder or a redis:// URL (its password kept
out of everything recorded)."""

from __future__ import annotations

import pytest

from oracle.infra import cache, cache_redis
from oracle.model.errors import UsageError


@pytest.mark.parametrize("given, url, password", [
    ("redis://:pw@cache.example:6379/0", "redis://cache.example:6379/0", "pw"),
    ("redis://oracle:p%40ss@10.0.0.5:7000/3", "redis://oracle@10.0.0.5:7000/3", "p@ss"),
    ("redis://cache.example:6379", "redis://cache.example:6379/0", None),
    ("rediss://:pw@[::1]:6380/1", "rediss://[::1]:6380/1", "pw"),
])
def test_urls_lose_their_password(given, url, password):
    assert cache_redis.split_url(given) == (url, password)


@pytest.mark.parametrize("bad", ["redis://:pw@host:port/0", "redis:///0", "redis://host:6379/zero",
                                 "redis://host:6379/0?db=1"])
def test_bad_urls_are_one_line_usage_errors_without_the_password(bad):
    with pytest.raises(UsageError) as exc:
        cache_redis.split_url(bad)
    assert "bad --cache" in str(exc.value) and "\n" not in str(exc.value)
    assert ":pw@" not in str(exc.value)


def test_oracle_cache_names_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("ORACLE_CACHE", str(tmp_path / "shared"))
    assert cache.configured(None) == str(tmp_path / "shared" / "reference.sqlite")
    assert cache.configured(str(tmp_path / "mine")) == str(tmp_path / "mine" / "reference.sqlite")  # --cache wins


def test_a_redis_cache_needs_the_key(monkeypatch):
    monkeypatch.delenv("ORACLE_CACHE_KEY", raising=False)
    with pytest.raises(UsageError) as exc:
        cache.configured("redis://127.0.0.1:1/0")
    assert "ORACLE_CACHE_KEY" in str(exc.value)


def test_an_unreachable_server_is_no_error(monkeypatch):
    """Nothing listens on port 1: the run goes on with the local cache (the workers warn)."""
    monkeypatch.setenv("ORACLE_CACHE_KEY", "k")
    monkeypatch.delenv("ORACLE_CACHE_PASSWORD", raising=False)
    assert cache.configured("redis://127.0.0.1:1/0") == "redis://127.0.0.1:1/0"
