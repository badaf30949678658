"""Staff pages (role ``communications``): compose, preview, test send, approve, send or schedule,
pause and resume a newsletter, and follow its deliveries recipient by recipient.

Views are thin: they load the form through a schema, call :mod:`campaigns`, commit, and then ask a
worker to start the sending (beat's tick does it anyway if the broker is away).
"""

import uuid

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError

from services.notify import announcements, campaigns, forums, interests, rendering, tasks
from services.notify.mailbox import sanitize_email_html
from services.notify.models import (
    Announcement,
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    EmailStatus,
    OutgoingEmail,
    Subscriber,
    db,
)
from services.notify.public import form_errors
from services.notify.schemas import CampaignSchema
from shared.auth import Role, current_staff, login_required
from shared.db import utcnow
from shared.localtime import LocalDateTime
from shared.mail import PermanentFailure, SMTPConnection, TransientFailure
from shared.web.fields import Id

communications = login_required(Role.COMMUNICATIONS)
PAGE_SIZE = 100
LANGS = ("fi", "sv", "en")

STATUS_LABELS = {
    CampaignStatus.DRAFT: _l("Draft"),
    CampaignStatus.AWAITING_APPROVAL: _l("Waiting for approval"),
    CampaignStatus.SCHEDULED: _l("Scheduled"),
    CampaignStatus.SENDING: _l("Sending"),
    CampaignStatus.PAUSED: _l("Paused"),
    CampaignStatus.SENT: _l("Sent"),
    CampaignStatus.CANCELLED: _l("Cancelled"),
}
DELIVERY_LABELS = {
    DeliveryStatus.QUEUED: _l("Queued"),
    DeliveryStatus.SENDING: _l("Being sent"),
    DeliveryStatus.SENT: _l("Sent"),
    DeliveryStatus.RETRYING: _l("Soft failure, retrying"),
    DeliveryStatus.BOUNCED: _l("Hard bounce"),
    DeliveryStatus.SUPPRESSED: _l("Suppressed"),
    DeliveryStatus.FAILED: _l("Failed"),
}


class ScheduleSchema(Schema):
    """When to send: empty is now."""

    send_at = LocalDateTime(load_default=None, allow_none=True)


class QueryIds(Schema):
    """Ids in the pages' query strings: ``?announcement=`` and ``?after=`` (bad ones are a 422)."""

    class Meta:
        unknown = EXCLUDE

    announcement = Id(strict=False, load_default=None)
    after = Id(strict=False, load_default=None)


def page(template, status=200, **context):
    """Render a staff page with the labels every page uses."""
    context.update(status_labels=STATUS_LABELS, delivery_labels=DELIVERY_LABELS,
                   industry_options=interests.options(interests.INDUSTRIES),
                   region_options=interests.options(interests.REGIONS),
                   theme_options=interests.options(interests.THEMES),
                   segment_labels=interests.DIMENSIONS,
                   approval_required=campaigns.approval_required())
    return render_template(template, **context), status


def _campaign(campaign_id):
    """The campaign, or 404."""
    return db.session.get(Campaign, campaign_id) or abort(404)


def _form_input(form):
    """The dict CampaignSchema loads from the composer."""
    data = {f"{part}_{lang}": form.get(f"{part}_{lang}", "")
            for lang in LANGS for part in ("subject", "body")}
    data["segment"] = {name: form.getlist(name) for name in interests.DIMENSIONS}
    data["announcement_id"] = form.get("announcement_id") or None
    return data


def _values(campaign):
    """The composer's values of a stored campaign."""
    values = {}
    for lang in LANGS:
        version = campaign.content.get(lang, {})
        values[f"subject_{lang}"] = version.get("subject", "")
        values[f"body_{lang}"] = version.get("body", "")
    values.update({name: campaign.segment.get(name, []) for name in interests.DIMENSIONS})
    values["announcement_id"] = campaign.announcement_id or ""
    return values


@communications
def list_campaigns():
    """Every campaign, the newest first."""
    rows = db.session.scalars(sa.select(Campaign).order_by(Campaign.id.desc()).limit(200)).all()
    return page("notify/staff/campaigns.html", campaigns=rows, drafts=announcements.drafts())


def _with_forums_block(values):
    """``values`` with the upcoming forums appended to the Finnish text (``?block=forums``)."""
    if request.args.get("block") != "forums":
        return values
    events = forums.upcoming()
    if events is None:
        flash(_("The registration service did not answer; try again in a moment."), "error")
        return values
    body = values.get("body_fi", "")
    return {**values, "body_fi": (body.rstrip() + "\n\n" if body else "") + forums.block(events)}


def _starting_values():
    """The composer's first values: empty, or a forum's announcement as a Markdown block."""
    announcement_id = QueryIds().load(request.args)["announcement"]
    if announcement_id is None:
        return _with_forums_block({})
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or announcement.withdrawn_at is not None:
        abort(404)
    return _with_forums_block({"subject_fi": announcement.title,
                               "body_fi": announcements.block(announcement),
                               "announcement_id": announcement.id, **(announcement.segment or {})})


@communications
def new_campaign():
    """GET shows the composer (from an announcement with ``?announcement=``); POST stores a draft."""
    if request.method == "GET":
        return page("notify/staff/compose.html", campaign=None, values=_starting_values(),
                    errors={})
    try:
        data = CampaignSchema().load(_form_input(request.form))
    except ValidationError as err:
        return page("notify/staff/compose.html", 422, campaign=None, values=request.form,
                    errors=form_errors(err.messages))
    campaign = campaigns.create(data, current_staff().email)
    db.session.commit()
    flash(_("The newsletter is saved as a draft."), "success")
    return redirect(url_for(".show_campaign", campaign_id=campaign.id))


@communications
def edit_campaign(campaign_id):
    """GET shows the composer with the draft; POST saves it (only drafts can be edited)."""
    campaign = _campaign(campaign_id)
    if campaign.status not in campaigns.EDITABLE:
        abort(409)
    if request.method == "GET":
        return page("notify/staff/compose.html", campaign=campaign,
                    values=_with_forums_block(_values(campaign)), errors={})
    try:
        data = CampaignSchema().load(_form_input(request.form))
    except ValidationError as err:
        return page("notify/staff/compose.html", 422, campaign=campaign, values=request.form,
                    errors=form_errors(err.messages))
    campaigns.update(campaign, data)
    db.session.commit()
    flash(_("The newsletter is saved."), "success")
    return redirect(url_for(".show_campaign", campaign_id=campaign.id))


def _deliveries(campaign_id, status, after):
    """One page of (delivery, email) rows, keyset by id, optionally of one status."""
    query = (sa.select(Delivery, Subscriber.email).join(Subscriber)
             .where(Delivery.campaign_id == campaign_id, Delivery.id > after)
             .order_by(Delivery.id).limit(PAGE_SIZE))
    if status:
        query = query.where(Delivery.status == status)
    return db.session.execute(query).all()


@communications
def show_campaign(campaign_id):
    """A campaign: its status, progress by delivery status, actions, recipients page by page."""
    campaign = _campaign(campaign_id)
    status = request.args.get("status", "")
    if status and status not in {s.value for s in DeliveryStatus}:
        abort(404)
    after = QueryIds().load(request.args)["after"] or 0
    rows = _deliveries(campaign.id, status, after)
    counts = campaigns.delivery_counts(campaign.id)
    return page("notify/staff/campaign.html", campaign=campaign, counts=counts,
                total=sum(counts.values()), rows=rows, shown_status=status,
                next_after=rows[-1][0].id if len(rows) == PAGE_SIZE else None,
                me=current_staff().email)


@communications
def preview_campaign(campaign_id):
    """The newsletter as a subscriber of ``?lang=`` sees it: HTML (sanitized) and plain text."""
    campaign = _campaign(campaign_id)
    lang = request.args.get("lang", "fi")
    if lang not in LANGS:
        abort(404)
    _lang, msg = rendering.test_message(campaign, current_staff().email, "", lang)
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    return page("notify/staff/preview.html", campaign=campaign, lang=lang, used=_lang,
                subject=str(msg["Subject"]), html=sanitize_email_html(html), text=text)


@communications
def test_campaign(campaign_id):
    """Send the newsletter (marked as a test) to the logged-in staff member, in ``lang``."""
    campaign = _campaign(campaign_id)
    lang = request.form.get("lang", "fi")
    if lang not in LANGS:
        abort(422)
    staff = current_staff()
    used, msg = rendering.test_message(campaign, staff.email, staff.name, lang)
    try:
        _deliver_test(used, msg, staff.email)
    except (PermanentFailure, TransientFailure) as exc:
        flash(_("The test could not be sent: %(error)s", error=str(exc)), "error")
    else:
        flash(_("A test was sent to %(email)s.", email=staff.email), "success")
    return redirect(url_for(".show_campaign", campaign_id=campaign.id))


def _deliver_test(lang, msg, email):
    """Send a test now: over SMTP, or into the dev mailbox."""
    if current_app.config["MAIL_BACKEND"] == "devmailbox":
        db.session.add(OutgoingEmail(
            message_id=str(uuid.uuid4()), recipient=email, template="newsletter_test",
            locale=lang, subject=str(msg["Subject"]), mime=msg.as_bytes(),
            status=EmailStatus.SENT, attempts=1, sent_at=utcnow()))
        db.session.commit()
        return
    connection = SMTPConnection(current_app.config)
    try:
        connection.send(msg, email)
    finally:
        connection.close()


def _act(campaign_id, action, message, kick=False):
    """Run a campaigns operation, commit, maybe start the sending, and go back to the campaign."""
    campaign = _campaign(campaign_id)
    try:
        action(campaign)
    except campaigns.SelfApproval:
        db.session.rollback()
        flash(_("Someone else than the author must approve the newsletter."), "error")
        return redirect(url_for(".show_campaign", campaign_id=campaign_id))
    except campaigns.CampaignError:
        db.session.rollback()
        abort(409)
    db.session.commit()
    if kick:
        tasks.kick(campaign_id)
    flash(message, "success")
    return redirect(url_for(".show_campaign", campaign_id=campaign_id))


@communications
def send_campaign(campaign_id):
    """Send now (empty time) or schedule at the Helsinki time given; may wait for approval."""
    try:
        at = ScheduleSchema().load({"send_at": request.form.get("send_at") or None})["send_at"]
    except ValidationError as err:
        flash(" ".join(form_errors(err.messages).get("send_at", [])), "error")
        return redirect(url_for(".show_campaign", campaign_id=campaign_id))
    now = at is None or at <= utcnow()
    return _act(campaign_id, lambda c: campaigns.request_send(c, at),
                _("The newsletter is on its way.") if now else _("The newsletter is scheduled."),
                kick=now)


@communications
def approve_campaign(campaign_id):
    """The second approver lets the newsletter go out."""
    return _act(campaign_id, lambda c: campaigns.approve(c, current_staff().email),
                _("The newsletter is approved."), kick=True)


@communications
def pause_campaign(campaign_id):
    """Stop sending after the messages in flight."""
    return _act(campaign_id, campaigns.pause, _("The newsletter is paused."))


@communications
def resume_campaign(campaign_id):
    """Continue from where the sending stopped."""
    return _act(campaign_id, campaigns.resume, _("Sending continues."), kick=True)


@communications
def cancel_campaign(campaign_id):
    """Give the newsletter up."""
    return _act(campaign_id, campaigns.cancel, _("The newsletter is cancelled."))
