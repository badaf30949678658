"""The communications plan for staff: each forum's milestones as registration records them, with
a link to act on each, and the plan as an iCal feed for staff calendars.

Nothing here decides whether a milestone is done (:mod:`services.notify.plan` reads it from
registration). The feed URL carries a signed token of the staff member (PLAN_ICAL_DAYS), since
a calendar application cannot log in.
"""

import datetime as dt

from flask import abort, current_app, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from icalendar import Calendar
from icalendar import Event as VEvent

from services.notify import plan
from services.notify.staff import communications, page
from shared import tokens
from shared.auth import current_staff
from shared.db import utcnow
from shared.web.app import suite_url
from shared.web.errors import error_response

ICAL_PURPOSE = "plan_ical"
PRODID = "-//foorumi//communications plan//FI"
#: what the plan says when registration did not answer (no state is guessed)
UNANSWERED = _l("The registration service did not answer, so the milestones cannot be shown "
                "now. Try again in a moment.")
#: seconds a calendar should wait before asking again when registration did not answer
RETRY_AFTER_SECONDS = 300
#: the milestones acted on in another service's staff pages (registration's are the rest)
ELSEWHERE = {"comments_open": "feedback/staff/forums", "comments_close": "feedback/staff/forums",
             "memo_drafted": "memo/", "memo_reviewed": "memo/", "memo_published": "memo/",
             "memo_delivered": "memo/"}


def act_url(forum, milestone, announcement_ids):
    """Where a staff member acts on a milestone: the composer for the newsletter, else the staff
    page of the service where it is done."""
    if milestone.key == "newsletter":
        announcement = announcement_ids.get(forum.id)
        return url_for(".new_campaign", announcement=announcement) if announcement else None
    return suite_url(ELSEWHERE.get(milestone.key, f"registration/staff/events/{forum.id}"))


@communications
def show_plan():
    """Every public forum's milestones and their states, with links to act and the iCal address.

    Answers 200 with a notice, and no milestones, when registration did not answer.
    """
    forums = plan.plan(language=str(get_locale()))
    ids = [forum.id for forum in forums or ()]
    token = tokens.sign(ICAL_PURPOSE, email=current_staff().email)
    return page("notify/staff/plan.html", forums=forums, unanswered=UNANSWERED,
                announcement_ids=plan.announcement_ids(ids), reasons=plan.cancel_reasons(ids),
                act_url=act_url, states=plan.STATES,
                ical_url=url_for("notify_public.plan_ical", token=token, _external=True))


def plan_ical(token):
    """The plan as iCalendar: one event per milestone with a due date (no login: the signed token
    is the key). 503 with Retry-After when registration did not answer, so a calendar keeps the
    entries it has rather than losing them to an empty feed."""
    try:
        tokens.load(ICAL_PURPOSE, token, max_age=current_app.config["PLAN_ICAL_DAYS"] * 86400)
    except tokens.TokenInvalid:
        abort(404)
    language = request.args.get("lang") or current_app.config["DEFAULT_LOCALE"]
    with force_locale(language):
        forums = plan.plan(language=language)
        if forums is None:
            response, code = error_response(503, UNANSWERED)
            return response, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("x-wr-calname", "Foorumi: viestintäsuunnitelma")
        for forum in forums:
            for milestone in forum.milestones:
                if milestone.due_at is not None:
                    cal.add_component(_vevent(forum, milestone))
    return cal.to_ical(), 200, {"Content-Type": "text/calendar; charset=utf-8"}


def _vevent(forum, milestone):
    """The VEVENT of one milestone: half an hour at its due time, its state in the description."""
    vevent = VEvent()
    vevent.add("uid", f"plan-{forum.id}-{milestone.key}@foorumi")
    vevent.add("dtstamp", utcnow())
    vevent.add("dtstart", milestone.due_at)
    vevent.add("dtend", milestone.due_at + dt.timedelta(minutes=30))
    vevent.add("summary", f"{milestone.label}: {forum.title}")
    vevent.add("description", f"{plan.STATES[milestone.state]} – {forum.url}")
    vevent.add("url", forum.url)
    return vevent
