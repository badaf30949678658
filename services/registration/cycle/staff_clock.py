"""Admin pages of the annual clock: the series' year plans, and a plan's editor (themes, the
decision calendar, planned forums, and a draft forum created from a slot).

Only admins plan the year. Each sub-form posts to its own URL; bad input re-renders the editor
with 422 and the error next to its field, in the user's language, and changes nothing. Creating
a forum from a slot twice creates one forum.
"""

from flask import abort, flash, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from marshmallow import ValidationError

from services.registration import forms as registration_forms
from services.registration.cycle import clock, forms, numbers, series
from services.registration.cycle.models import (
    DecisionBody,
    DecisionMeeting,
    PlannedSlot,
    PlanTheme,
    Series,
    YearPlan,
)
from services.registration.models import db
from services.registration.public import page
from services.registration.staff_common import get_or_404
from shared.auth import Role, login_required
from shared.db import utcnow
from shared.web.fields import UNKNOWN

admin = login_required(Role.ADMIN)


def _index(errors=None, values=None, status=200):
    """The clock's front page: every series with its year plans, and a form for a new plan."""
    found = series.all_series()
    return page("registration/cycle/clock_index.html", status, series_list=found,
                series_options=[(s.id, s.name) for s in found], errors=errors or {},
                values=values or {"year": utcnow().year + 1})


def _editor(plan, errors=None, status=200):
    """A year plan's editor, with the errors of the sub-form that came back."""
    counted, planned, verdict = clock.plan_count(plan.series, plan.year, plan)
    return page("registration/cycle/plan.html", status, plan=plan, errors=errors or {},
                values=request.form if errors else {}, counted=counted, planned=planned,
                verdict=verdict, months=forms.month_names(), day=format_date,
                numbers=numbers.of_series(plan.series),
                theme_options=registration_forms.options("theme"),
                body_options=[(b.value, forms.BODY_LABELS[b]) for b in DecisionBody],
                body_labels=forms.BODY_LABELS, extra=clock.extra_slots(plan))


def _to_plan(plan):
    """Redirect to a plan's editor."""
    return redirect(url_for(".show_plan", series_id=plan.series_id, year=plan.year))


@admin
def clock_index():
    """Every series and its year plans."""
    return _index()


@admin
def create_plan():
    """A new year plan of a series, with the policy's default themes."""
    try:
        data = forms.PlanForm().load(registration_forms.present(request.form, ["series_id", "year"]))
        item = db.session.get(Series, data["series_id"])
        if item is None:
            raise clock.PlanRefused("series_id", UNKNOWN)
        plan = clock.create_plan(item, data["year"])
    except ValidationError as err:
        return _index(registration_forms.form_errors(err.messages), request.form, 422)
    except clock.PlanRefused as exc:
        db.session.rollback()
        return _index({exc.field: [str(exc.message)]}, request.form, exc.status)
    db.session.commit()
    flash(_("The year plan was created with the policy's themes."), "success")
    return _to_plan(plan)


@admin
def show_plan(series_id, year):
    """A series' year plan editor."""
    plan = clock.plan_of(get_or_404(Series, series_id), year)
    if plan is None:
        abort(404)
    return _editor(plan)


def _add(plan_id, schema, read, operation, done):
    """Load one sub-form of the editor and apply ``operation(plan, data)``; commit or re-render."""
    plan = get_or_404(YearPlan, plan_id)
    try:
        operation(plan, schema.load(read(request.form)))
    except ValidationError as err:
        return _editor(plan, registration_forms.form_errors(err.messages), 422)
    except clock.PlanRefused as exc:
        db.session.rollback()
        return _editor(plan, {exc.field: [str(exc.message)]}, exc.status)
    db.session.commit()
    flash(done, "success")
    return _to_plan(plan)


@admin
def add_theme(plan_id):
    """A theme on the plan."""
    return _add(plan_id, forms.ThemeForm(), forms.theme_input, clock.add_theme,
                _("The theme was added."))


@admin
def add_meeting(plan_id):
    """A meeting of the decision calendar."""
    return _add(plan_id, forms.MeetingForm(), forms.meeting_input, clock.add_meeting,
                _("The decision meeting was added."))


@admin
def add_slot(plan_id):
    """A planned forum."""
    return _add(plan_id, forms.SlotForm(), forms.slot_input, clock.add_slot,
                _("The forum was planned."))


def _remove(model, row_id):
    """Take a row off its plan, or re-render the editor saying why not."""
    row = get_or_404(model, row_id)
    plan = row.plan
    try:
        clock.remove(row)
    except clock.PlanRefused as exc:
        db.session.rollback()
        return _editor(plan, {exc.field: [str(exc.message)]}, exc.status)
    db.session.commit()
    flash(_("Removed from the plan."), "success")
    return _to_plan(plan)


@admin
def delete_theme(theme_id):
    """Take a theme off the plan."""
    return _remove(PlanTheme, theme_id)


@admin
def delete_meeting(meeting_id):
    """Take a decision meeting off the plan."""
    return _remove(DecisionMeeting, meeting_id)


@admin
def delete_slot(slot_id):
    """Take a planned forum off the plan (not one a forum was created from)."""
    return _remove(PlannedSlot, slot_id)


@admin
def create_forum(slot_id):
    """The draft forum of a slot (its theme, title, times and milestones filled in); a second
    submit finds the forum the first made."""
    slot = db.session.get(PlannedSlot, slot_id, with_for_update=True) or abort(404)
    existed = slot.event is not None
    event = clock.create_forum(slot)
    db.session.commit()
    flash(_("The forum was created from the plan already.") if existed
          else _("The forum was created as a draft from the plan."), "success")
    return redirect(url_for("registration_staff.show_event", event_id=event.id))
