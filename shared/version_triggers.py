"""Database triggers that bump a version counter whenever rows of a table change (for migrations).

A cached rendering keyed by such a version can never outlive a change, whoever makes it: the
ORM, a bulk ``UPDATE`` or psql. ``bump`` is the SQL that bumps, with ``{row}`` for ``NEW`` or
``OLD``; each event may carry a condition (``WHEN``) that limits it to changes that matter.
Works on PostgreSQL and SQLite, inside an Alembic migration.
"""

from alembic import op

#: (event, the row whose owner is bumped) of every trigger
EVENTS = (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))


def _postgresql():
    return op.get_bind().dialect.name == "postgresql"


def _name(table, event):
    return f"{table}_bump_on_{event.lower()}"


def create(table, bump, conditions=None):
    """Triggers on ``table`` that run ``bump`` after each insert, update and delete.

    ``conditions`` maps an event to a ``WHEN`` condition (no entry: every row counts).
    """
    conditions = conditions or {}
    if _postgresql():
        op.execute(f"""
            CREATE FUNCTION {table}_bump() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    {bump.format(row="OLD")};
                    RETURN OLD;
                END IF;
                {bump.format(row="NEW")};
                RETURN NEW;
            END $$""")
    for event, row in EVENTS:
        when = f"WHEN ({conditions[event]}) " if event in conditions else ""
        if _postgresql():
            op.execute(f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
                       f"FOR EACH ROW {when}EXECUTE FUNCTION {table}_bump()")
        else:
            op.execute(f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
                       f"FOR EACH ROW {when}BEGIN {bump.format(row=row)}; END")


def drop(table):
    """Drop the triggers :func:`create` made on ``table``."""
    on = f" ON {table}" if _postgresql() else ""
    for event, _row in EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}{on}")
    if _postgresql():
        op.execute(f"DROP FUNCTION IF EXISTS {table}_bump()")
