"""Demo data of the notify service: subscribers in each language and one newsletter in the archive.

``foorumi demo`` calls :func:`seed` inside the notify app (after delivering the demo forums'
announcements to :func:`services.notify.tasks.announce_event`). Running it again adds nothing.
"""

import sqlalchemy as sa

from services.notify import rendering
from services.notify.models import (
    Campaign,
    CampaignStatus,
    Subscriber,
    SubscriberStatus,
    db,
)
from shared.db import utcnow
from shared.tokens import random_token

#: (email, name, organisation, language, industries, regions, themes, status)
SUBSCRIBERS = (
    ("liisa.lukija@example.fi", "Liisa Lukija", "Hoivakoti Kotiranta Oy", "fi",
     ["elderly_care"], ["north"], ["budget"], SubscriberStatus.CONFIRMED),
    ("sven.svensson@example.fi", "Sven Svensson", "Omsorg Ab", "sv",
     ["disability"], ["west"], ["strategy"], SubscriberStatus.CONFIRMED),
    ("rita.reader@example.fi", "Rita Reader", "Care Services Ltd", "en",
     ["home_care", "health_care"], ["south"], ["wellbeing"], SubscriberStatus.CONFIRMED),
    ("odottaa.vahvistusta@example.fi", "Olli Odottaja", "Apu ja Tuki ry", "fi",
     [], [], [], SubscriberStatus.PENDING),
)

WELCOME = {
    "fi": {"subject": "Tervetuloa palveluntuottajien uutiskirjeeseen",
           "body": "Uutiskirje kertoo **foorumien** ajankohdat, asialistat ja muistiot.\n\n"
                   "- Ilmoittaudu foorumeihin kalenterissa\n- Kommentoi aiheita viikon ajan"},
    "sv": {"subject": "Välkommen till serviceproducenternas nyhetsbrev",
           "body": "Nyhetsbrevet berättar om **forumens** tider, föredragningslistor och "
                   "promemorior."},
    "en": {"subject": "Welcome to the providers' newsletter",
           "body": "The newsletter announces the **forums'** dates, agendas and memos."},
}


def _add_subscribers(now):
    """The demo subscribers that do not exist yet; returns how many were added."""
    known = set(db.session.scalars(sa.select(Subscriber.email)))
    added = 0
    for email, name, organisation, locale, industries, regions, themes, status in SUBSCRIBERS:
        if email in known:
            continue
        db.session.add(Subscriber(
            email=email, name=name, organisation=organisation, locale=locale,
            industries=industries, regions=regions, themes=themes, status=status,
            token=random_token(), source="demo",
            confirmed_at=now if status == SubscriberStatus.CONFIRMED else None))
        added += 1
    return added


def _add_welcome(now):
    """The welcome newsletter in the archive, once."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)):
        return 0
    campaign = Campaign(content=WELCOME, segment={}, created_by="viestinta@foorumi.example",
                        status=CampaignStatus.SENT, scheduled_at=now, started_at=now,
                        finished_at=now, recipients_frozen_at=now)
    db.session.add(campaign)
    db.session.flush()
    rendering.archive(campaign.id)
    return 1


def seed(now=None):
    """Add the demo subscribers and the welcome newsletter (flush only); returns a summary."""
    now = now or utcnow()
    subscribers = _add_subscribers(now)
    newsletters = _add_welcome(now)
    db.session.flush()
    return {"newsletter subscribers added": subscribers, "newsletters added": newsletters}
