"""Record the SQL an engine runs inside a block (N+1 checks in tests, statement counts in bench/)."""

import contextlib

import sqlalchemy as sa


@contextlib.contextmanager
def recording(engine):
    """Yield a list that holds ``(statement, parameters)`` of every statement ``engine`` runs."""
    seen = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
