"""Rendered page fragments kept per process, under keys that change whenever their content does.

A fragment's key must hold everything its HTML depends on: a version the database bumps in the
same transaction as every change (``feedback.models.Topic.comments_version``), the language, the
URL root the links are built under. A key is never re-used for other content, so nothing is
ever invalidated: an old key simply stops being asked for and falls out of the LRU. Each app has
caches of its own (:func:`app_cache`), since an app is bound to one set of databases.
"""

import threading
from collections import OrderedDict

from flask import current_app, request
from flask_babel import get_locale


class FragmentCache:
    """A thread-safe LRU of ``key -> value``, at most ``size`` entries."""

    def __init__(self, size):
        self.size = size
        self._items = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key, make):
        """The value under ``key``, made by ``make()`` (outside the lock) when it is missing."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def __len__(self):
        return len(self._items)


#: how many fragments of one name each app keeps (a topic's 200 comments are about 150 KiB)
FRAGMENTS_KEPT = 64


def cached(name, parts, make):
    """The fragment ``name`` for ``parts`` in this request's language and URL root.

    ``make()`` renders it when this app has not kept it; ``parts`` must hold everything else the
    fragment depends on, a version the database bumps with every change among them.
    """
    key = (name, *parts, str(get_locale()), request.script_root, request.host_url)
    return app_cache(name, FRAGMENTS_KEPT).get_or_make(key, make)


def app_cache(name, size):
    """The current app's FragmentCache called ``name``, made with ``size`` on first use."""
    caches = current_app.extensions.setdefault("fragments", {})
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, FragmentCache(size))
    return cache
