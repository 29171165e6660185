"""The reference cache's entry format, shared by its SQLite (cache.py) and Redis (cache_redis.py)
stores: the format version (part of every key) and the checksum every stored value carries."""

from __future__ import annotations

import hashlib

FORMAT = 2  # 2: the checksum covers the key


def checksum(key: str, value: bytes) -> str:
    """Of the key and the value's bytes: a damaged value, or a value stored under another key, fails it."""
    return hashlib.sha256(key.encode() + b"\0" + value).hexdigest()


# Reused judgements (judge/reuse.py) share the reference cache; their keys start with this, so
# `oracle cache stats` counts each kind.
JUDGEMENT_PREFIX = "judgement-"
