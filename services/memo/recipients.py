"""The recipient list every published memo goes to (boards, the regional government). Flush only."""

from services.memo.models import Recipient, db


def add(data):
    """Add an entry; the email is stored lowercased. Returns it."""
    entry = Recipient(**{**data, "email": data["email"].strip().lower()})
    db.session.add(entry)
    db.session.flush()
    return entry


def update(entry, data):
    """Change an entry (name, email, kind, active); returns it."""
    for name, value in data.items():
        setattr(entry, name, value.strip().lower() if name == "email" else value)
    db.session.flush()
    return entry


def remove(entry):
    """Take an entry off the list. Deliveries already made keep their name and address."""
    db.session.delete(entry)
    db.session.flush()
