"""The memo's history: every state change (and every save, restore and delivery) with who and when."""

from services.memo.models import HistoryEntry, db


def actor_fields(actor):
    """(id, name) of a staff user, or of the system when ``actor`` is None."""
    if actor is None:
        return None, "foorumi"
    return actor.id, actor.name


def record(memo, action, actor=None, *, to_state=None, version=None, note=""):
    """Append one history entry; a state change moves ``memo.state`` to ``to_state``. Flush only."""
    actor_id, actor_name = actor_fields(actor)
    from_state = memo.state.value if memo.state else None
    if to_state is not None:
        memo.state = to_state
    entry = HistoryEntry(memo_id=memo.id, action=action, from_state=from_state,
                         to_state=to_state.value if to_state is not None else None,
                         version_number=version.number if version is not None else None,
                         actor_id=actor_id, actor_name=actor_name, note=note)
    db.session.add(entry)
    db.session.flush()
    return entry
