"""The per-app LRU of rendered fragments."""

from flask import Flask

from shared.web.fragments import FragmentCache, app_cache


def test_a_value_is_made_once_per_key_and_the_oldest_key_goes_first():
    made = []
    cache = FragmentCache(size=2)

    def maker(value):
        return lambda: made.append(value) or value

    assert cache.get_or_make("a", maker("A")) == "A"
    assert cache.get_or_make("a", maker("other")) == "A"
    cache.get_or_make("b", maker("B"))
    cache.get_or_make("a", maker("A again"))  # a is now the newest
    cache.get_or_make("c", maker("C"))  # so b goes
    assert len(cache) == 2
    assert cache.get_or_make("b", maker("B again")) == "B again"
    assert made == ["A", "B", "C", "B again"]


def test_each_app_has_its_own_caches():
    first, second = Flask("first"), Flask("second")
    with first.app_context():
        app_cache("pages", 4).get_or_make("key", lambda: "first app's")
        assert app_cache("pages", 4) is app_cache("pages", 99)
    with second.app_context():
        assert app_cache("pages", 4).get_or_make("key", lambda: "second app's") == "second app's"
