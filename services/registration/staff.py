"""Staff pages of events: the annual clock dashboard (each series' forums a year), the
new-event form, publishing, the recording. Changing and cancelling a published event are in
:mod:`staff_changes`."""

import sqlalchemy as sa
from flask import flash, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from services.registration import forms, operations, policy, queries
from services.registration.cycle import clock, numbers, series
from services.registration.models import Event, EventKind, EventStatus, db
from services.registration.operations import PolicyViolation
from services.registration.public import page
from services.registration.staff_common import (
    event_form,
    event_page,
    get_or_404,
    load_event_form,
    secretary,
    to_event,
)
from shared.auth import current_staff
from shared.db import utcnow


def _clock_rows(events):
    """[(series or None, its Numbers, [(year, forums, verdict)])]: each series' forums published
    or held per Helsinki year against its own range; forums without a series against the
    settings'. A year shows when it has a forum (of any status) and, for active series, this one."""
    per_year = clock.forums_per_year()
    years = {}
    for item in series.all_series():
        years[item] = {clock.local_year(utcnow())} if item.active else set()
    by_id = {item.id: item for item in years}
    for series_id, year in per_year:
        years.setdefault(by_id.get(series_id), set()).add(year)
    for event in events:
        if event.kind == EventKind.FORUM:
            years.setdefault(by_id.get(event.series_id), set()).add(clock.local_year(event.starts_at))
    rows = []
    for item, found in years.items():
        n = numbers.of_series(item)
        counts = [(y, per_year.get((item.id if item else None, y), 0)) for y in sorted(found)]
        rows.append((item, n, [(y, c, clock.verdict(c, n)) for y, c in counts]))
    return [row for row in rows if row[2]]


@secretary
def list_events():
    """The dashboard: each series' forums per year against its range, and every event with its
    counts."""
    events = db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc())).all()
    return page("registration/staff/dashboard.html", events=events, clock=_clock_rows(events),
                counts=queries.counts_by_event([e.id for e in events]),
                is_admin=current_staff().has_role("admin"))


@secretary
def create_event():
    """A new event (a draft until published)."""
    if request.method == "GET":
        default = series.first_active()
        return event_form(None, {"kind": "forum", "theme": "budget", "onsite_capacity": 50,
                                 "series_id": default.id if default else ""})
    try:
        data = load_event_form()
    except ValidationError as err:
        return event_form(None, request.form, forms.form_errors(err.messages), 422)
    event = Event(**data)
    db.session.add(event)
    db.session.commit()
    flash(_("The event was created as a draft."), "success")
    return to_event(event)


@secretary
def show_event(event_id):
    """An event's staff page: agenda, questions, invitations, recording, publishing."""
    return event_page(get_or_404(Event, event_id))


def _lead(event):
    """(whole days until the start, the policy's lead days, whether that is too little)."""
    lead_days = policy.lead_days(event)
    remaining = event.starts_at - utcnow()
    return remaining.days, lead_days, remaining.total_seconds() < lead_days * 86400


def _publish_page(event, errors=None, status=200):
    """The publish page with the policy check."""
    days, lead_days, too_late = _lead(event)
    return page("registration/staff/publish.html", status, event=event, days=days,
                lead_days=lead_days, too_late=too_late, errors=errors or {},
                values=request.form, is_admin=current_staff().has_role("admin"))


@secretary
def publish_event(event_id):
    """GET shows the policy check; POST publishes (an admin may override with a reason)."""
    event = get_or_404(Event, event_id)
    if request.method == "GET":
        return _publish_page(event)
    if event.status != EventStatus.DRAFT:
        return _publish_page(event, {"publish": [_("Only a draft can be published.")]}, 409)
    try:
        reason = forms.PublishForm().load(forms.present(request.form, ["override_reason"]))["override_reason"]
    except ValidationError as err:
        return _publish_page(event, forms.form_errors(err.messages), 422)
    try:
        operations.publish(event, current_staff(), override_reason=reason or None)
    except PolicyViolation as exc:
        db.session.rollback()
        return _publish_page(event, _publish_refusal(event, exc), 422)
    db.session.commit()
    flash(_("The event was published."), "success")
    return to_event(event)


def _publish_refusal(event, exc):
    """The errors of a refused publication: an empty agenda, or too little lead time."""
    if str(exc) == "empty agenda":
        return {"agenda": [_("Add at least one agenda item first: the agenda is published with "
                             "the event.")]}
    days = policy.lead_days(event)
    if current_staff().has_role("admin"):
        return {"override_reason": [_("Less than %(days)s days before the start: give the reason "
                                      "for publishing anyway.", days=days)]}
    return {"publish": [_("The forum's policy requires publishing at least %(days)s days before "
                          "the start. Ask an administrator to publish it.", days=days)]}


@secretary
def set_recording(event_id):
    """Publish the recording link of a held forum; it shows on the event page for the policy's
    days from its first publication (replacing the link keeps that time)."""
    event = get_or_404(Event, event_id)
    try:
        data = forms.RecordingForm().load(forms.present(request.form, ["recording_url"]))
    except ValidationError as err:
        return event_page(event, forms.form_errors(err.messages), request.form, 422)
    try:
        operations.publish_recording(event, data["recording_url"], user=current_staff())
    except operations.NotHeld:
        db.session.rollback()
        return event_page(event, {"recording_url": [
            _("The recording can be published once the forum has been held.")]}, request.form, 409)
    db.session.commit()
    flash(_("The recording link was published."), "success")
    return to_event(event)
