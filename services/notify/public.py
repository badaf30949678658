"""Public pages: subscribe, confirm by the emailed link, preferences, unsubscribe.

Views are thin: they load input through a schema, call :mod:`subscribers`, commit, and render.
The subscribe answer is the same whoever the address belongs to (no one learns who subscribes).
Links carrying a token answer GET with a page and act on POST only; the unsubscribe POST also
takes RFC 8058's one-click body, without a CSRF token (the link's secret is the proof).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from services.notify import interests, subscribers
from services.notify.models import SubscriberStatus, db
from services.notify.schemas import PreferencesSchema, SubscribeSchema
from shared import tokens
from shared.web.i18n import LANGUAGE_LABELS
from shared.web.messages import translate_errors

#: the hidden field only bots fill in
HONEYPOT = "website"
TEXT_FIELDS = ("email", "name", "organisation", "locale")
LIST_FIELDS = tuple(interests.DIMENSIONS)


def page(template, status=200, **context):
    """Render a notify page with what every page uses."""
    context.setdefault("honeypot", HONEYPOT)
    context.setdefault("industry_options", interests.options(interests.INDUSTRIES))
    context.setdefault("region_options", interests.options(interests.REGIONS))
    context.setdefault("theme_options", interests.options(interests.THEMES))
    context.setdefault("language_options", list(LANGUAGE_LABELS.items()))
    return render_template(template, **context), status


def form_errors(messages):
    """A schema's error tree as {field: [messages]} in the user's language."""
    return {name: value if isinstance(value, list) else [str(value)]
            for name, value in translate_errors(messages).items()}


def form_input(form, fields=TEXT_FIELDS):
    """The dict a schema loads, from a posted form (interests as lists)."""
    data = {name: form.get(name, "") for name in fields if name in form}
    data.update({name: form.getlist(name) for name in LIST_FIELDS})
    return data


def index():
    """The newsletter's public page."""
    return page("notify/index.html")


def subscribe():
    """GET shows the form; POST takes the subscription and emails the confirmation link."""
    if request.method == "GET":
        return page("notify/public/subscribe.html", values={"locale": request.args.get("lang", "")})
    if request.form.get(HONEYPOT):
        return page("notify/public/notice.html", 202, title=_("Check your email"), message=_sent_message())
    try:
        data = SubscribeSchema().load(form_input(request.form))
    except ValidationError as err:
        return page("notify/public/subscribe.html", 422, values=request.form,
                    errors=form_errors(err.messages))
    subscribers.request(data, "subscribe-page")
    db.session.commit()
    return page("notify/public/notice.html", 202, title=_("Check your email"), message=_sent_message())


def _sent_message():
    """What the subscribe form answers, whoever the address belongs to."""
    return _("If the address can receive the newsletter, we have emailed it a link to confirm "
             "the subscription. Nothing is sent before you confirm.")


def _bad_link(exc):
    """An expired (410) or unusable (404) confirmation link."""
    if isinstance(exc, tokens.TokenExpired):
        return page("notify/public/notice.html", 410, title=_("The link has expired"), message=_(
            "The confirmation link is valid for %(hours)s hours. Please subscribe again.",
            hours=subscribers.confirm_hours()))
    return page("notify/public/notice.html", 404, title=_("The link is not valid"),
                message=_("Check that you copied the whole link from the email."))


def confirm_subscription(token):
    """GET shows a button (mail scanners change nothing); POST confirms the subscription."""
    try:
        subscriber, _data = subscribers.for_confirm_token(token)
    except tokens.TokenInvalid as exc:
        return _bad_link(exc)
    if request.method == "POST" and subscriber.status == SubscriberStatus.PENDING:
        try:
            subscribers.confirm(token)
        except (tokens.TokenInvalid, subscribers.NotConfirmable):
            db.session.rollback()
            db.session.refresh(subscriber)
        else:
            db.session.commit()
            return page("notify/public/confirm.html", subscriber=subscriber, outcome="confirmed")
    outcome = "ask" if subscriber.status == SubscriberStatus.PENDING else subscriber.status.value
    return page("notify/public/confirm.html", subscriber=subscriber, outcome=outcome)


def _subscriber(token):
    """The subscriber of a preferences or unsubscribe link, or 404."""
    return subscribers.by_token(token) or abort(404)


def _preference_values(subscriber):
    """The preferences form's values from the subscriber's row."""
    return {"name": subscriber.name, "organisation": subscriber.organisation,
            "locale": subscriber.locale, **{n: getattr(subscriber, n) for n in LIST_FIELDS}}


def preferences(token):
    """GET shows the subscriber's language and interests; POST changes them."""
    subscriber = _subscriber(token)
    if request.method == "GET":
        return page("notify/public/preferences.html", subscriber=subscriber,
                    values=_preference_values(subscriber))
    try:
        data = PreferencesSchema().load(form_input(request.form, ("name", "organisation", "locale")))
    except ValidationError as err:
        return page("notify/public/preferences.html", 422, subscriber=subscriber,
                    values=request.form, errors=form_errors(err.messages))
    subscribers.update_preferences(subscriber, data)
    db.session.commit()
    flash(_("Your choices are saved."), "success")
    return redirect(url_for(".preferences", token=token))


def unsubscribe(token):
    """GET asks; POST (a button or a mail client's one-click) unsubscribes at once."""
    subscriber = _subscriber(token)
    if request.method == "POST":
        subscribers.unsubscribe(subscriber)
        db.session.commit()
    return page("notify/public/unsubscribe.html", subscriber=subscriber,
                done=subscriber.status == SubscriberStatus.UNSUBSCRIBED)
