"""Domain events a service announces to whoever listens (fanned out by the outbox relay)."""

from marshmallow import Schema, fields, validate

from shared.contracts.base import Payload

#: A forum or targeted session was published (or its published agenda changed).
EVENT_PUBLISHED = "event.published"

#: A published event was rescheduled, moved (venue, remote link, on-site or remote only) or
#: made a targeted session: every registrant and invitee was emailed an updated .ics.
EVENT_CHANGED = "event.changed"

#: A published event was cancelled: every registrant and invitee was emailed a cancelling .ics.
EVENT_CANCELLED = "event.cancelled"

#: A forum's last topic closed for comments: the memo can be drafted from its approved comments.
FEEDBACK_WINDOW_CLOSED = "feedback.window_closed"

#: A forum's topics opened for comments (at its start); sent once per forum.
FEEDBACK_WINDOW_OPENED = "feedback.window_opened"

#: A memo was drafted from a forum's discussion and approved comments.
MEMO_DRAFTED = "memo.drafted"

#: The working group's sign-off rule was met for a version of a memo (sent once per approval).
MEMO_APPROVED = "memo.approved"

#: A memo was published (or a correction of it) after the working group's sign-off.
MEMO_PUBLISHED = "memo.published"

#: A published memo reached (or failed to reach) one recipient: notify reports each delivery.
MEMO_DELIVERED = "memo.delivered"

#: A secretary updated a published memo's follow-up: notify tells the publication's recipients.
MEMO_FOLLOW_UP_UPDATED = "memo.follow_up_updated"

#: A newsletter campaign finished sending; it names the forums whose announcement it carried.
NEWSLETTER_SENT = "notify.newsletter_sent"

#: topic -> receiving task names. Receivers are added here as their services learn to listen.
RECEIVERS = {
    EVENT_PUBLISHED: ("feedback.sync_topics", "notify.announce_event", "memo.sync_forum"),
    EVENT_CHANGED: ("feedback.follow_event_change", "notify.follow_event_change",
                    "memo.follow_event_change"),
    EVENT_CANCELLED: ("feedback.close_cancelled_forum", "notify.withdraw_cancelled_forum",
                      "memo.close_cancelled_forum"),
    FEEDBACK_WINDOW_OPENED: ("registration.milestone_from_window_opened",),
    FEEDBACK_WINDOW_CLOSED: ("memo.draft_from_feedback",
                             "registration.milestone_from_window_closed"),
    MEMO_DRAFTED: ("registration.milestone_from_memo_drafted",),
    MEMO_APPROVED: ("registration.milestone_from_memo_approved",),
    MEMO_PUBLISHED: ("notify.announce_memo", "notify.deliver_memo", "registration.link_memo",
                     "feedback.link_memo", "registration.milestone_from_memo_published"),
    MEMO_DELIVERED: ("memo.record_delivery", "registration.milestone_from_memo_delivered"),
    MEMO_FOLLOW_UP_UPDATED: ("notify.send_follow_up_update",),
    NEWSLETTER_SENT: ("registration.milestone_from_newsletter_sent",),
}


class AgendaItemPayload(Schema):
    """One agenda item of a published event."""

    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(load_default="")
    presenter_name = fields.String(load_default="")
    #: where the memo is sent to the presenter (never shown publicly)
    presenter_email = fields.String(load_default="")
    material_urls = fields.List(fields.Url(require_tld=False), load_default=list)


class SeriesRecipientPayload(Schema):
    """A series' default memo recipient (a board, the regional government, another body)."""

    name = fields.String(load_default="")
    email = fields.Email(required=True)
    kind = fields.String(load_default="other", validate=validate.OneOf(
        ["board", "regional_government", "other"]))


class SeriesPartnerPayload(Schema):
    """A series' communication partner, emailed each announcement and memo."""

    name = fields.String(load_default="")
    email = fields.Email(required=True)


class SeriesPayload(Schema):
    """The forum's series as the other services need it: its numbers and who it reaches."""

    slug = fields.String(required=True)
    name = fields.String(required=True)
    working_body = fields.String(load_default="")
    #: notify's interest code the announcements go to; "" = every subscriber
    newsletter_segment = fields.String(load_default="")
    comment_window_days = fields.Integer(required=True, validate=validate.Range(min=0))
    recording_visible_days = fields.Integer(required=True, validate=validate.Range(min=0))
    memo_recipients = fields.List(fields.Nested(SeriesRecipientPayload), load_default=list)
    partners = fields.List(fields.Nested(SeriesPartnerPayload), load_default=list)


class EventPublishedPayload(Payload):
    """What feedback needs for its topics, notify for its announcements and memo for its copy.

    ``series`` is None for an event without a series (and from older senders): receivers then
    use the settings' policy numbers and no partners.
    """

    event_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    theme = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    url = fields.Url(require_tld=False, required=True)
    agenda = fields.List(fields.Nested(AgendaItemPayload), load_default=list)
    #: when the forum's recording was published (it is announced again then), or None
    recording_published_at = fields.AwareDateTime(load_default=None, allow_none=True)
    series = fields.Nested(SeriesPayload, load_default=None, allow_none=True)


class EventChangedPayload(Payload):
    """A published event's new facts after a change that reaches its registrants.

    Receivers apply it as the event's newest state (an older, late message changes nothing):
    feedback moves its comment windows or, for a targeted session, hides the topics; notify
    updates the feed item and the plan row, or withdraws them for a targeted session.
    """

    event_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["forum", "targeted"]))
    title = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    venue = fields.String(load_default="")
    url = fields.Url(require_tld=False, required=True)
    #: the event's iCalendar SEQUENCE after the change (goes up with every change sent)
    sequence = fields.Integer(required=True, validate=validate.Range(min=1))
    #: what changed: some of "starts_at", "ends_at", "venue", "remote_join_url", "mode", "kind"
    changed = fields.List(fields.String(), required=True)
    #: the staff member's reason, as told to the registrants (plain text)
    reason = fields.String(required=True)
    #: the change moved the event inside the policy's lead time, under an admin's override
    late_override = fields.Boolean(load_default=False)


class EventCancelledPayload(Payload):
    """A published event was cancelled: feedback closes its topics, notify marks the feed item
    and the plan row cancelled. Cancelling is final; later messages about the event change
    nothing."""

    event_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["forum", "targeted"]))
    title = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    url = fields.Url(require_tld=False, required=True)
    sequence = fields.Integer(required=True, validate=validate.Range(min=1))
    reason = fields.String(required=True)
    cancelled_at = fields.AwareDateTime(required=True)


class ClosedTopicPayload(Schema):
    """One topic of a forum whose comment window closed."""

    topic_id = fields.Integer(required=True)
    agenda_item_id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    approved_comments = fields.Integer(required=True)


class WindowClosedPayload(Payload):
    """A forum's comments are final. The comments themselves are fetched from ``comments_url``
    (feedback's ``GET /api/v1/forums/<id>/comments``), so the message stays small."""

    event_id = fields.Integer(required=True)
    title = fields.String(required=True)
    closed_at = fields.AwareDateTime(required=True)
    comments_url = fields.Url(require_tld=False, required=True)
    topics = fields.List(fields.Nested(ClosedTopicPayload), required=True)


class WindowOpenedPayload(Payload):
    """A forum's comment windows opened: registration records its "comments open" milestone."""

    event_id = fields.Integer(required=True)
    opened_at = fields.AwareDateTime(required=True)
    #: how many topics (agenda items) opened
    topics = fields.Integer(required=True, validate=validate.Range(min=0))


class MemoDraftedPayload(Payload):
    """A memo's first draft exists (from the closed comment window, or started by hand)."""

    memo_id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    title = fields.String(required=True)
    #: the memo's staff page
    url = fields.Url(require_tld=False, required=True)
    comments = fields.Integer(required=True)


class MemoApprovedPayload(Payload):
    """The working group approved a version of a memo; it may now be published."""

    memo_id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    title = fields.String(required=True)
    version = fields.Integer(required=True)
    approvals = fields.Integer(required=True)


class MemoRecipientPayload(Schema):
    """Someone a published memo goes to: a board, the regional government or a presenter."""

    email = fields.Email(required=True)
    name = fields.String(load_default="")
    kind = fields.String(required=True, validate=validate.OneOf(
        ["board", "regional_government", "other", "presenter"]))


class MemoPublishedPayload(Payload):
    """A published memo: notify announces it in the feed, marks the forum's plan milestone and
    delivers it to ``recipients`` (each reported back as ``memo.delivered``)."""

    memo_id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    title = fields.String(required=True)
    url = fields.Url(require_tld=False, required=True)
    published_at = fields.AwareDateTime(required=True)
    #: "published" the first time, "corrected" for a correction of a published memo
    kind = fields.String(load_default="published", validate=validate.OneOf(["published", "corrected"]))
    publication_id = fields.Integer(load_default=None, allow_none=True)
    version = fields.Integer(load_default=None, allow_none=True)
    #: the publication's tagged PDF (notify fetches it to attach it); None from older senders
    pdf_url = fields.Url(require_tld=False, load_default=None, allow_none=True)
    #: the memo's language (the delivery's too); None from older senders: the default language
    locale = fields.String(load_default=None, allow_none=True)
    recipients = fields.List(fields.Nested(MemoRecipientPayload), load_default=list)


class MemoDeliveredPayload(Payload):
    """One recipient's delivery of a publication: sent, or failed with the error."""

    memo_id = fields.Integer(required=True)
    publication_id = fields.Integer(required=True)
    email = fields.Email(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["sent", "failed"]))
    error = fields.String(load_default="")


class MemoFollowUpUpdatedPayload(Payload):
    """A published memo's follow-up after an update: notify emails it to each recipient the
    publication ``publication_id`` was delivered to."""

    memo_id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    publication_id = fields.Integer(required=True)
    #: the forum's title
    title = fields.String(required=True)
    agenda_item_title = fields.String(required=True)
    handling_body = fields.String(load_default="")
    handled_on = fields.Date(load_default=None, allow_none=True)
    outcome = fields.String(load_default="")
    decision_url = fields.String(load_default="")
    #: the public memo's page
    url = fields.Url(require_tld=False, required=True)
    #: the memo's language; None: the default language
    locale = fields.String(load_default=None, allow_none=True)


class NewsletterSentPayload(Payload):
    """A newsletter finished sending: registration records the "announced in a newsletter"
    milestone of each forum in ``event_ids`` (the forums whose announcement it carried)."""

    campaign_id = fields.Integer(required=True)
    #: the newsletter's Finnish subject
    subject = fields.String(required=True)
    finished_at = fields.AwareDateTime(required=True)
    event_ids = fields.List(fields.Integer(), required=True)
    #: how many subscribers it was sent to
    recipients = fields.Integer(required=True, validate=validate.Range(min=0))
