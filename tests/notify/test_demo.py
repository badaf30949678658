"""The notify demo data: subscribers in each language and a newsletter in the archive, once."""

import sqlalchemy as sa

from services.notify import demo
from services.notify.models import Campaign, Subscriber, db


def counts(app):
    """(subscribers, campaigns)."""
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)),
                db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)))


def test_the_seed_is_made_once_and_shows_in_the_archive(notify_app):
    for _ in range(2):
        with notify_app.app_context():
            demo.seed()
            db.session.commit()
    assert counts(notify_app) == (len(demo.SUBSCRIBERS), 1)
    page = notify_app.test_client().get("/archive", headers={"Accept-Language": "sv"})
    assert "Välkommen till serviceproducenternas nyhetsbrev" in page.get_data(as_text=True)
    with notify_app.app_context():
        locales = set(db.session.scalars(sa.select(Subscriber.locale)))
    assert locales == {"fi", "sv", "en"}
