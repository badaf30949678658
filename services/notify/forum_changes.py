"""A forum's change and cancellation in the feed and the communications plan.

* ``event.cancelled``: the forum's feed item says it is cancelled, and why; its plan row shows
  it cancelled, with no milestone due or late. Later announcements of it change nothing.
* ``event.changed`` into a targeted session: the feed item and the plan row are withdrawn
  (targeted sessions are never announced in public).
* ``event.changed`` otherwise: the plan row and the feed item follow the new time and title.

Newsletters that mention the forum and have not gone out yet are taken off the schedule and
flagged for the communications staff, who are emailed (:mod:`campaign_review`): on a change, on
the change into a targeted session, and on the cancellation (once, by the message that cancels).

A message older than the newest change applied (``PlannedForum.changed_at``) changes nothing,
newsletters included; the consumer's dedupe makes a redelivery a no-op. Flush only.
"""

from flask_babel import force_locale, gettext

from services.notify import announcements, campaign_review
from services.notify.models import PlannedForum, db
from shared.mail import format_period

#: the feed's language (the summaries are written in it)
FEED_LOCALE = "fi"


def _forum(data):
    """The plan row of the message's forum, or None."""
    return db.session.get(PlannedForum, data["event_id"])


def cancel(data):
    """Mark a cancelled forum in the plan and the feed; returns the plan row, or None.

    A forum the plan never had (its announcement has not arrived) gets a row, cancelled, so
    that a late announcement is ignored.
    """
    if data["kind"] != announcements.PUBLIC_KIND and _forum(data) is None:
        return None
    forum = _forum(data) or _new_row(data)
    if forum.cancelled_at is None:
        forum.cancelled_at, forum.cancel_reason = data["cancelled_at"], data["reason"]
        campaign_review.forum_cancelled(data)
    announcement = announcements.event_announcement(data["event_id"])
    if announcement is not None and announcement.withdrawn_at is None:
        with force_locale(FEED_LOCALE):
            announcement.title = gettext("Cancelled: %(title)s", title=data["title"])[:300]
            announcement.summary = "\n".join([
                gettext("The event has been cancelled."),
                gettext("Reason for the cancellation:") + " " + data["reason"]])
    db.session.flush()
    return forum


def _new_row(data):
    """A plan row for a forum first heard of by its cancellation."""
    forum = PlannedForum(id=data["event_id"], title=data["title"][:200], theme="other",
                         starts_at=data["starts_at"], ends_at=data["ends_at"],
                         url=data["url"][:500])
    db.session.add(forum)
    return forum


def follow(data):
    """Apply a changed event: withdraw a forum made targeted, else follow its new time.

    Returns the plan row, or None when the message was ignored (unknown, cancelled, stale).
    """
    forum = _forum(data)
    if forum is None:  # not announced here (yet): a newsletter naming its URL is still stopped
        campaign_review.forum_changed(data, None)
        return None
    if forum.cancelled_at is not None or (
            forum.changed_at and data["occurred_at"] < forum.changed_at):
        return None
    before = _facts(forum)
    forum.changed_at = data["occurred_at"]
    if data["kind"] != announcements.PUBLIC_KIND:
        announcements.withdraw(forum.id, data["occurred_at"])
        campaign_review.forum_changed(data, before)
        return forum
    forum.title, forum.url = data["title"][:200], data["url"][:500]
    forum.starts_at, forum.ends_at = data["starts_at"], data["ends_at"]
    announcement = announcements.event_announcement(forum.id)
    if announcement is not None:
        announcement.title = data["title"][:300]
        announcement.summary = _moved_summary(announcement.summary, data)
    campaign_review.forum_changed(data, before)
    db.session.flush()
    return forum


def _facts(forum):
    """What notify knew of the forum before this change (its newsletters were written from it)."""
    announcement = announcements.event_announcement(forum.id)
    title = announcement.title if announcement is not None else forum.title
    return campaign_review.Facts(title, forum.starts_at, forum.ends_at, forum.url)


def _moved_summary(summary, data):
    """The announcement's summary with its first line (when) for the new time."""
    with force_locale(FEED_LOCALE):
        when = format_period(data["starts_at"], data["ends_at"])
    return "\n".join([when, *summary.splitlines()[1:]])
