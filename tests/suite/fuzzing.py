"""Helpers of the API fuzz test: the operations an OpenAPI document lists, hostile request bodies
drawn from their schemas, and a digest of every row in every component database.
"""

import hashlib
import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from hypothesis import strategies as st

from shared.db import engine_for

#: numbers no field takes: past PostgreSQL's integer, past 64 bits, past a float, not numbers
ODD_NUMBERS = [2**31, 2**63, -(2**63) - 1, 10**400, -1, 0, 1.5, 1e308, float("inf"),
               float("-inf"), float("nan"), True, False, None]
#: characters a name must not have, and some it may
CONTROL_ALPHABET = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9b\u2028\r\n\t aä<>\"'\\"
#: texts just past the schemas' limits, and one past the JSON body limit
LONG_TEXTS = ["x" * 201, "x" * 2001, "x" * 5001, "ä" * 50_001, "x" * 70_000]
#: bodies that are not a JSON object, or not JSON at all
ODD_BODIES = [b"", b"[]", b"1", b'"x"', b"null", b'{"a": ', b"\xff\xfe{}", b'{"a": "\xe4"}',
              b'{"a": NaN}', b'{"a": 1e400}', b'{"a": -Infinity}', b"a=1&b=2"]
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
#: stand-ins of a string's formats
FORMATTED = {"email": ["maija@example.fi", "MAIJA@Example.FI "], "date-time": [
    "2031-03-01T07:00:00+00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"],
    "url": ["https://example.fi/x"], "uri": ["https://example.fi/x"]}


@dataclass
class Operation:
    """One endpoint of a document: method, path template, JSON body schema, path parameters."""

    service: str
    method: str
    path: str
    body: dict | None
    #: {name: OpenAPI schema} of the path's parameters
    params: dict = field(default_factory=dict)

    def __str__(self):
        """``POST /feedback/api/v1/...``: the operation as the suite serves it."""
        return f"{self.method.upper()} /{self.service}{self.path}"


def resolve(schema, doc):
    """``schema`` with its ``$ref`` followed (one level; nested ones are followed as reached)."""
    while isinstance(schema, dict) and "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema or {}


def operations(service, doc):
    """The operations of ``doc`` that take a JSON body or an integer in their path."""
    found = []
    for path, item in doc["paths"].items():
        shared = item.get("parameters", [])
        for method, spec in item.items():
            if method not in HTTP_METHODS:
                continue
            params = {p["name"]: p.get("schema", {}) for p in [*shared, *spec.get("parameters", [])]
                      if p.get("in") == "path"}
            content = spec.get("requestBody", {}).get("content", {})
            body = resolve(content["application/json"]["schema"], doc) if "application/json" in content \
                else None
            if body is not None or any(s.get("type") == "integer" for s in params.values()):
                found.append(Operation(service, method, path, body, params))
    return found


def odd_values():
    """Values no field should take: odd numbers, control characters, long texts, nesting."""
    nested = st.recursive(st.none() | st.integers() | st.text(max_size=5),
                          lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)
    return st.one_of(
        st.sampled_from(ODD_NUMBERS), st.sampled_from(LONG_TEXTS), nested,
        st.text(alphabet=CONTROL_ALPHABET, min_size=1, max_size=20),
        st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30),
    )


def fair_value(schema, doc, known):
    """A value that fits ``schema`` (so validation goes further), from ``known`` where it can."""
    schema = resolve(schema, doc)
    kind = schema.get("type")
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if kind == "string":
        return st.sampled_from(FORMATTED.get(schema.get("format"), ["Maija", "Hoiva Oy", "0112038-9"]))
    if kind == "integer":
        return st.sampled_from(known) if known else st.integers(0, 1000)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(value(schema.get("items", {}), doc, known), max_size=3)
    if kind == "object" and "properties" in schema:
        return json_object(schema, doc, {})
    if kind == "object":
        return st.dictionaries(st.sampled_from(known) if known else st.text(max_size=5),
                               odd_values() | st.sampled_from(["Budget", "Elderly care", True]),
                               max_size=4)
    return odd_values()


def value(schema, doc, known=()):
    """A fair value or an odd one for a field of ``schema``."""
    return st.one_of(fair_value(schema, doc, list(known)), odd_values())


def json_object(schema, doc, known):
    """An object with some of the schema's properties (fair or odd) and now and then a stranger."""
    props = resolve(schema, doc).get("properties", {})
    fields = st.fixed_dictionaries({}, optional={
        name: value(prop, doc, known.get(name, ())) for name, prop in props.items()})
    strangers = st.dictionaries(st.text(max_size=8), odd_values(), max_size=1)
    return st.builds(lambda given, extra: {**extra, **given}, fields, strangers)


def deep(depth):
    """A JSON text whose arrays and objects nest ``depth`` deep."""
    half = depth // 2
    return ('{"a":[' * half + "1" + "]}" * half).encode()


def body(operation, doc, known):
    """The bytes of a request body for ``operation``: mostly a drawn object, else something odd."""
    schema = operation.body or {"type": "object", "properties": {}}
    encoded = st.builds(lambda obj, ascii_only: json.dumps(obj, ensure_ascii=ascii_only).encode(),
                        json_object(schema, doc, known), st.booleans())
    strange = st.one_of(st.sampled_from(ODD_BODIES), st.sampled_from([33, 1000, 50_000]).map(deep),
                        odd_values().map(lambda v: json.dumps(v).encode()))
    return st.one_of(encoded, encoded, encoded, strange)


def path_value(name, schema, known):
    """A path parameter: a known id or token, or one that names nothing (huge, odd, NUL)."""
    if schema.get("type") == "integer":
        odd = st.sampled_from([0, 2**31 - 1, 2**31, 2**63, 10**30, "9" * 5000, "abc", "1.5", "-1",
                               "%00"])
        mine = st.sampled_from(known.get(name) or [1])
        return st.one_of(mine, mine, mine, st.integers(0, 10**6), odd)  # mostly one that exists
    odd = st.text(alphabet=CONTROL_ALPHABET, max_size=10) | st.sampled_from(["%00", "x" * 500])
    mine = st.sampled_from(known.get(name) or ["x"])
    return st.one_of(mine, mine, odd)


class Digest:
    """A hash of every row of every table in every component database, read when called.

    ``skip`` holds (table, column) pairs left out: bookkeeping that is not the input's effect.
    """

    def __init__(self, urls, skip=frozenset()):
        #: {engine: [(table name, the query of its rows)]}
        self.queries = {}
        for url in urls.values():
            engine, meta = engine_for(url), sa.MetaData()
            meta.reflect(engine)
            self.queries[engine] = [
                (table.name, sa.select(*[c for c in table.columns if (table.name, c.name) not in skip]))
                for table in meta.sorted_tables]

    def __call__(self):
        """{(database, table): hash of its rows}."""
        hashes = {}
        for engine, queries in self.queries.items():
            with engine.connect() as conn:
                for name, query in queries:
                    rows = sorted(repr(tuple(row)) for row in conn.execute(query))
                    hashes[engine.url.database, name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return hashes
