"""A small thread-safe LRU of rendered page bodies, bounded by their total size in bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from ._replies import Reply


class PageCache:
    """Rendered 200 replies by request key; the least recently used go first once over ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Reply] = OrderedDict()
        self._size = 0

    def get(self, key: Hashable) -> Reply | None:
        """The cached reply for ``key``, if any."""
        with self._lock:
            reply = self._entries.get(key)
            if reply is not None:
                self._entries.move_to_end(key)
            return reply

    def put(self, key: Hashable, reply: Reply) -> None:
        """Remember ``reply`` (unless it alone exceeds the budget)."""
        if len(reply.body) > self.max_bytes:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._size -= len(previous.body)
            self._entries[key] = reply
            self._size += len(reply.body)
            while self._size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted.body)
