"""Newsletters that mention a forum which changed or was cancelled after they were written.

A newsletter *mentions* a forum when it was started from the forum's announcement
(``Campaign.announcement_id``) or when any of its versions (subject or body) contains the forum's
public URL (the upcoming-forums block writes it too). Cancelled newsletters are not looked at.

What happens, by the newsletter's state (the safer of "stop it" and "fix it", case by case):

===============================  ==========================================================
newsletter                       on ``event.changed`` / made targeted / ``event.cancelled``
===============================  ==========================================================
draft, awaiting approval,        back to DRAFT and flagged with the kind, the changed fields
scheduled, paused before it      and the reason; a scheduled time stays in ``scheduled_at`` as
started                          "was scheduled for"; an approval is void (approve again).
                                 On a change of time, the date line notify itself generated
                                 for the old time (the announcement's block, or the upcoming
                                 forums block, in any language; its title line too) is replaced,
                                 and the flag says so. Nothing is rewritten for a targeted session
                                 or a cancellation: what to say then is a person's decision.
sending, paused mid-way, sent    left alone (stopping it halfway would give half of the
                                 subscribers one text and half another); the flag is a note
                                 on its page that it went out with the old facts.
===============================  ==========================================================

Why a newsletter is never kept on its schedule, even after notify fixed its own line: notify can
only fix what it wrote. A hand-written "see you on Tuesday", a Swedish version translated by hand
or the venue (the generated blocks do not name it) would go out wrong, silently. So a person always
looks before it goes; the automatic update makes that look quick. A line is replaced only when it
is exactly as generated; one a person edited is theirs to fix.

The communications staff (and the newsletter's author) get one ``newsletter_needs_review`` email
per (newsletter, change message): its message id is derived from both and the address, and
``notify.send_email`` sends at most once per (message, recipient). A redelivered change is skipped
by the consumer's dedupe, and a change older than the newest applied one never reaches this module
(:mod:`forum_changes`). A change of a forum notify has not heard announced (its
``event.published`` is late) still stops a newsletter naming its URL; nothing is rewritten then.
The flag clears when the staff save the newsletter or send/schedule it again (:mod:`campaigns`).
Flush only.
"""

import re
import uuid
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, gettext

from services.notify import announcements, rendering
from services.notify.models import Campaign, CampaignStatus, OutboxMessage, db
from shared.auth import Role, StaffUser, accounts_db, staff_with_role
from shared.config import LANGUAGES
from shared.contracts import notify
from shared.db import utcnow
from shared.mail import format_period
from shared.outbox import emit

TEMPLATE = "newsletter_needs_review"
#: the namespace of the review emails' message ids
NAMESPACE = uuid.UUID("b0f3a9d2-6c1e-4e57-8a4b-2d9e7c5f1a36")
CHANGED, TARGETED, CANCELLED = "changed", "targeted", "cancelled"
#: states in which nothing has gone out yet: taken back to DRAFT
NOT_STARTED = (CampaignStatus.DRAFT, CampaignStatus.AWAITING_APPROVAL, CampaignStatus.SCHEDULED,
               CampaignStatus.PAUSED)


class Facts(NamedTuple):
    """What notify knew of a forum before a change: the generated text was written from it."""

    title: str
    starts_at: object
    ends_at: object
    url: str


def mentioning(event_id, urls):
    """The campaigns (not cancelled) that mention forum ``event_id`` or any of ``urls``, by id."""
    announcement = announcements.event_announcement(event_id)
    announcement_id = announcement.id if announcement is not None else None
    text = sa.cast(Campaign.content, sa.Text)
    where = [text.contains(url, autoescape=True) for url in urls if url]
    if announcement_id is not None:
        where.append(Campaign.announcement_id == announcement_id)
    if not where:
        return []
    rows = db.session.scalars(sa.select(Campaign).where(
        sa.or_(*where), Campaign.status != CampaignStatus.CANCELLED).order_by(Campaign.id))
    return [c for c in rows
            if (announcement_id is not None and c.announcement_id == announcement_id)
            or _contains_url(c, urls)]


def _contains_url(campaign, urls):
    """Whether a version's subject or body has one of ``urls`` (``/events/1`` is not ``/events/12``)."""
    patterns = [re.compile(re.escape(url) + r"(?![\w-])") for url in urls if url]
    texts = [part for version in (campaign.content or {}).values() for part in version.values()]
    return any(p.search(str(text)) for p in patterns for text in texts)


def forum_changed(data, before):
    """Flag the campaigns mentioning a changed forum; ``before`` is what notify knew before
    (None for a forum it has not heard announced: then nothing is rewritten).

    Returns how many campaigns were flagged.
    """
    kind = CHANGED if data["kind"] == announcements.PUBLIC_KIND else TARGETED
    found = mentioning(data["event_id"], {data["url"], before.url if before else ""})
    for campaign in found:
        _flag(campaign, kind, data, data["changed"], before if kind == CHANGED else None)
    return len(found)


def forum_cancelled(data):
    """Flag the campaigns mentioning a cancelled forum (nothing is rewritten); how many."""
    found = mentioning(data["event_id"], {data["url"]})
    for campaign in found:
        _flag(campaign, CANCELLED, data, [], None)
    return len(found)


def _not_started(campaign):
    """Whether nothing of the campaign has gone out (it can be taken back to a draft)."""
    return campaign.status in NOT_STARTED and campaign.started_at is None


def _flag(campaign, kind, data, changes, before):
    """Take a campaign that has not started back to DRAFT, fix notify's own date line from
    ``before`` (when given), record why, and tell the staff."""
    action = "left_alone"
    if _not_started(campaign):
        action = "unscheduled" if _to_draft(campaign) else "flagged"
    if _not_started(campaign):  # a campaign beat started meanwhile is left alone
        fixed = before is not None and _replace_generated(campaign, before, data)
    else:
        action, fixed = "left_alone", False
    if (campaign.review_kind == CHANGED == kind
            and campaign.review_event_id == data["event_id"]):  # changed again before a look
        changes = list(dict.fromkeys([*(campaign.review_changes or []), *changes]))
        fixed = fixed or campaign.review_block_updated
    campaign.review_kind, campaign.review_flagged_at = kind, utcnow()
    campaign.review_event_id, campaign.review_forum_title = data["event_id"], data["title"][:300]
    campaign.review_changes, campaign.review_reason = list(changes), data["reason"]
    campaign.review_block_updated = bool(fixed)
    db.session.flush()
    _tell_staff(campaign, data, action)


def _to_draft(campaign):
    """Move a campaign that has not started back to DRAFT; whether it was waiting to go out.

    Guarded in the database: a campaign beat started meanwhile is not touched (then it is left
    alone like any campaign that is sending).
    """
    if campaign.status == CampaignStatus.DRAFT:
        return False
    result = db.session.execute(
        sa.update(Campaign).where(Campaign.id == campaign.id, Campaign.status.in_(NOT_STARTED),
                                  Campaign.started_at.is_(None))
        .values(status=CampaignStatus.DRAFT, approved_by=None)
        .execution_options(synchronize_session=False))
    db.session.refresh(campaign)
    return result.rowcount == 1


def _replace_generated(campaign, before, data):
    """Replace the lines notify generated from ``before`` with ``data``'s; whether any were."""
    lines = _generated_lines(before, data)
    changed = False
    content = {}
    for lang, version in (campaign.content or {}).items():
        body = version.get("body", "")
        new_body = "\n".join(lines.get(line.strip(), line) for line in body.split("\n"))
        changed = changed or new_body != body
        content[lang] = {**version, "body": new_body}
    if changed:
        campaign.content = content
    return changed


def _generated_lines(before, data):
    """{old line: new line} of the text notify generates for a forum's time and title."""
    lines = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            old = format_period(before.starts_at, before.ends_at)
            new = format_period(data["starts_at"], data["ends_at"])
            lines[old] = new
            lines[gettext("%(when)s (Finnish time)", when=old)] = gettext(
                "%(when)s (Finnish time)", when=new)
    if before.title != data["title"]:
        lines.update({f"{h} {before.title}": f"{h} {data['title']}" for h in ("##", "###")})
    return {old: new for old, new in lines.items() if old and old != new}


def clear(campaign):
    """The staff saved or rescheduled the campaign: they have seen the flag (flush only)."""
    campaign.review_kind = campaign.review_flagged_at = None
    campaign.review_event_id = campaign.review_forum_title = None
    campaign.review_changes = campaign.review_reason = None
    campaign.review_block_updated = False


def message_id(campaign_id, change_message_id, email):
    """The review email's message id: one per (campaign, change message, address)."""
    key = f"newsletter-review:{campaign_id}:{change_message_id}:{email.strip().lower()}"
    return str(uuid.uuid5(NAMESPACE, key))


def recipients(campaign):
    """(email, name) of every active communications staff member, and the author if active."""
    people = {user.email.lower(): user.name for user in staff_with_role(Role.COMMUNICATIONS)}
    author = campaign.created_by.strip().lower()
    if author not in people:
        user = accounts_db.session.scalar(sa.select(StaffUser).where(
            sa.func.lower(StaffUser.email) == author, StaffUser.active.is_(True)))
        if user is not None:
            people[author] = user.name
    return sorted(people.items())


def _tell_staff(campaign, data, action):
    """Write one review email per recipient to the outbox (sent after the commit, once)."""
    context = {
        "newsletter": campaign.content.get("fi", {}).get("subject", ""),
        "event_title": data["title"], "kind": campaign.review_kind,
        "changes": campaign.review_changes, "reason": data["reason"], "action": action,
        "block_updated": campaign.review_block_updated,
        "was_scheduled_for": campaign.scheduled_at.isoformat() if campaign.scheduled_at else "",
        "starts_at": data["starts_at"].isoformat(), "ends_at": data["ends_at"].isoformat(),
        "campaign_url": rendering.staff_campaign_url(campaign.id)}
    for email, name in recipients(campaign):
        emit(db.session, OutboxMessage, notify.SEND_EMAIL, to=email, to_name=name,
             locale=current_app.config["DEFAULT_LOCALE"], template=TEMPLATE,
             context={**context, "name": name},
             message_id=message_id(campaign.id, data["message_id"], email))
