"""Forum series as an admin defines them: create and change one, and the lists pages choose from.

Operations flush and never commit (the view commits). A slug is unique: a taken one raises
:class:`SlugTaken` and changes nothing.
"""

import sqlalchemy as sa

from services.registration.cycle.models import Series
from services.registration.models import db
from shared.web.fields import ID_MAX


class SlugTaken(Exception):
    """Another series has this slug already."""


def all_series():
    """Every series, active ones first, then by name."""
    return db.session.scalars(sa.select(Series).order_by(Series.active.desc(), Series.name)).all()


def active_series():
    """The series that take new forums, oldest first (the first is the default)."""
    return db.session.scalars(
        sa.select(Series).where(Series.active.is_(True)).order_by(Series.id)).all()


def first_active():
    """The default series of a new forum (the oldest active one), or None."""
    found = active_series()
    return found[0] if found else None


def by_slug(slug):
    """The series of ``slug``, or None."""
    return db.session.scalar(sa.select(Series).where(Series.slug == slug))


def options(current_id=None):
    """(id, name) of the active series, and of ``current_id`` (an id, or its text as posted) if
    it is retired, for a select."""
    found = active_series()
    text = str(current_id or "")
    current = db.session.get(Series, int(text)) if text.isdigit() and int(text) <= ID_MAX else None
    if current is not None and current not in found:
        found = [*found, current]
    return [(s.id, s.name) for s in found]


def _check_slug(slug, series=None):
    """Raise SlugTaken when another series than ``series`` has ``slug``."""
    other = by_slug(slug)
    if other is not None and other is not series:
        raise SlugTaken(slug)


def create(data):
    """A new series from SeriesForm's data (``forms.series_data``); flushes and returns it."""
    _check_slug(data["slug"])
    series = Series(**data)
    db.session.add(series)
    db.session.flush()
    return series


def update(series, data):
    """Change ``series`` to SeriesForm's data; flushes. Its forums follow its new numbers."""
    _check_slug(data["slug"], series)
    for name, value in data.items():
        setattr(series, name, value)
    db.session.flush()
    return series
