"""cache stats/clear on a server whose SCAN never ends: bounded (issue 23 class 6). The server is a
deliberate hostile stand-in for the client's scan call; a real redis-server is in the integration
tests."""

from __future__ import annotations

import pytest

from oracle.infra.cache_redis import RedisCache
from oracle.model.errors import UsageError


class EndlessScan:
    def __init__(self, cursors):
        self.cursors, self.calls = cursors, 0

    def scan(self, cursor, match, count):
        self.calls += 1
        return self.cursors(self.calls), [b"oracle:ref:x"]

    def delete(self, *keys):
        return len(keys)

    def info(self, section):
        return {}

    def close(self):
        pass


@pytest.mark.parametrize("cursors", [lambda n: 7, lambda n: 1 + n % 3])
def test_a_scan_whose_cursor_comes_back_is_given_up_on(cursors):
    c = RedisCache("redis://127.0.0.1:1/0", key=b"k")
    c._client = EndlessScan(cursors)
    with pytest.raises(UsageError, match="SCAN does not end"):
        c.stats()
    with pytest.raises(UsageError, match="SCAN does not end"):
        c.clear()
    assert c._client.calls < 20


def test_a_scan_that_ends_counts_every_batch():
    c = RedisCache("redis://127.0.0.1:1/0", key=b"k")
    c._client = EndlessScan(lambda n: 0 if n >= 5 else n + 10)
    assert c.clear() == 5
