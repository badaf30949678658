"""The communications plan for staff: each forum's milestones with a link to act, marking the
recording and the memo done, and the plan as an iCal feed for staff calendars.

The feed URL carries a signed token of the staff member (PLAN_ICAL_DAYS), since a calendar
application cannot log in.
"""

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from services.notify import plan
from services.notify.models import PlannedForum, db
from services.notify.staff import communications, page
from shared import tokens
from shared.auth import current_staff
from shared.db import utcnow
from shared.web.app import suite_url

ICAL_PURPOSE = "plan_ical"
PRODID = "-//foorumi//communications plan//FI"


def act_url(forum, milestone, announcement_ids):
    """Where a staff member acts on a milestone (another service's staff page, or the composer)."""
    if milestone.key == "announcement":
        announcement = announcement_ids.get(forum.id)
        return url_for(".new_campaign", announcement=announcement) if announcement else None
    if milestone.key == "comments_open":
        return suite_url("feedback/staff/forums")
    if milestone.key == "memo":
        return suite_url("memo/")
    return suite_url(f"registration/staff/events/{forum.id}")


@communications
def show_plan():
    """Every forum's milestones, done, due or late, with links to act and the iCal address."""
    rows = plan.plan()
    ids = plan.announcement_ids([forum.id for forum, _steps in rows])
    token = tokens.sign(ICAL_PURPOSE, email=current_staff().email)
    ical_url = url_for("notify_public.plan_ical", token=token, _external=True)
    return page("notify/staff/plan.html", rows=rows, announcement_ids=ids, act_url=act_url,
                states=plan.STATES, markable=plan.MARKABLE, ical_url=ical_url)


@communications
def mark_milestone(forum_id, key):
    """Mark the recording or the memo of a forum done."""
    forum = db.session.get(PlannedForum, forum_id) or abort(404)
    try:
        plan.mark_done(forum, key)
    except KeyError:
        abort(404)
    db.session.commit()
    flash(_("The milestone is marked done."), "success")
    return redirect(url_for(".show_plan"))


def plan_ical(token):
    """The plan as iCalendar: one event per milestone (no login: the signed token is the key)."""
    try:
        tokens.load(ICAL_PURPOSE, token, max_age=current_app.config["PLAN_ICAL_DAYS"] * 86400)
    except tokens.TokenInvalid:
        abort(404)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Foorumi: viestintäsuunnitelma")
    with force_locale(request.args.get("lang") or current_app.config["DEFAULT_LOCALE"]):
        for forum, steps in plan.plan():
            for milestone in steps:
                cal.add_component(_vevent(forum, milestone))
    return cal.to_ical(), 200, {"Content-Type": "text/calendar; charset=utf-8"}


def _vevent(forum, milestone):
    """The VEVENT of one milestone: half an hour at its time, its state in the description."""
    vevent = VEvent()
    vevent.add("uid", f"plan-{forum.id}-{milestone.key}@foorumi")
    vevent.add("dtstamp", utcnow())
    vevent.add("dtstart", milestone.at)
    vevent.add("dtend", milestone.at + dt.timedelta(minutes=30))
    vevent.add("summary", f"{milestone.label}: {forum.title}")
    vevent.add("description", f"{plan.STATES[milestone.state]} – {forum.url}")
    vevent.add("url", forum.url)
    return vevent
