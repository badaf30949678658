"""Public pages: the topic list, a topic with its approved comments and forms, the confirm link.

Views are thin: they load input through a schema, call :mod:`comments`, commit, and render or
redirect. Only approved comments are shown (:mod:`queries`); the author's email never is. Bad
input re-renders the topic page with 422 and the errors next to the fields of the form that was
sent; a closed topic answers 409 and says when it closed.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from marshmallow import ValidationError

from services.feedback import comments, queries, topics
from services.feedback.models import CommentStatus, ReportReason, db
from services.feedback.schemas import CommentSchema, ReportSchema
from shared import tokens
from shared.web import fragments
from shared.web.messages import translate_errors

#: the hidden field only bots fill in
HONEYPOT = "website"
TEXT_FIELDS = ("name", "organisation", "email", "text", "business_id")
CHECKED = ("y", "on", "true", "1", "yes")
REASON_LABELS = {
    ReportReason.OFF_TOPIC: _l("Off topic"),
    ReportReason.INAPPROPRIATE: _l("Inappropriate"),
    ReportReason.PERSONAL_DATA: _l("Contains personal data"),
    ReportReason.SPAM: _l("Spam or advertising"),
    ReportReason.OTHER: _l("Something else"),
}


def page(template, status=200, **context):
    """Render a feedback page with what every page uses."""
    context.setdefault("honeypot", HONEYPOT)
    return render_template(template, **context), status


def _reason_options():
    """(value, translated label) of the report reasons."""
    return [(reason.value, label) for reason, label in REASON_LABELS.items()]


def form_errors(messages):
    """A schema's error tree as {field: [messages]} in the user's language."""
    return {name: value if isinstance(value, list) else [str(value)]
            for name, value in translate_errors(messages).items()}


def index():
    """Forums with their topics, each with its window and number of public comments."""
    forums = queries.public_forums()
    live = {forum.id: topics.live(forum) for forum in forums}
    counts = queries.approved_counts([t.id for group in live.values() for t in group])
    return page("feedback/index.html", forums=forums, live=live, counts=counts,
                window_state=topics.window_state)


def _topic(topic_id):
    """A live topic, or 404."""
    return queries.public_topic(topic_id) or abort(404)


def comment_list(topic, state):
    """(HTML, count) of the topic's public comments, rendered once per ``comments_version``.

    The key holds all the list depends on: the version (bumped with every change of the topic's
    comments, in the same transaction), the window's state (open topics offer replies), the
    language and the URL root.
    """
    def render():
        threads = queries.threads(topic.id)
        html = render_template("feedback/public/_threads.html", threads=threads, state=state)
        return Markup(html), sum(1 + len(t.replies) for t in threads)  # noqa: S704 - rendered by Jinja

    return fragments.cached("topic-comments", (topic.id, topic.comments_version, state), render)


def _topic_page(topic, status=200, form="", values=None, errors=None):
    """The topic page; ``form`` names the form ("comment", "reply-<id>", "report-<id>") whose
    ``values`` and ``errors`` came back."""
    state = topics.window_state(topic)
    comments_html, count = comment_list(topic, state)
    return page(
        "feedback/public/topic.html", status, topic=topic, forum=topic.forum,
        comment_list=comments_html, comment_count=count, state=state, form=form,
        values=values or {}, errors=errors or {}, reason_options=_reason_options(),
    )


def show_topic(topic_id):
    """A topic: background, approved comments with replies, and the forms while it is open."""
    return _topic_page(_topic(topic_id))


def _comment_input(form):
    """The dict CommentSchema loads, from a posted comment or reply form."""
    data = {name: form.get(name, "") for name in TEXT_FIELDS}
    data["on_behalf_of_organisation"] = (form.get("on_behalf_of_organisation") or "").lower() in CHECKED
    return data


def _thanks(topic, anchor):
    """After a comment or reply: say what happens next and go back to the topic."""
    flash(_("Thank you! We have emailed you a link to confirm your comment. After you confirm "
            "it, a moderator checks it before it is published."), "success")
    return redirect(url_for(".show_topic", topic_id=topic.id, _anchor=anchor))


def _take(topic, form_name, parent=None):
    """Load the posted comment or reply, store it and email the confirmation link."""
    anchor = f"comment-{parent.id}" if parent is not None else form_name
    if request.form.get(HONEYPOT):
        return _thanks(topic, anchor)
    if not topics.is_open(topic):
        return _topic_page(topic, 409, form_name)
    try:
        data = CommentSchema().load(_comment_input(request.form))
    except ValidationError as err:
        if parent is not None:
            return _comment_form_page("reply", parent, 422, request.form, form_errors(err.messages))
        return _topic_page(topic, 422, form_name, request.form, form_errors(err.messages))
    try:
        comments.submit(topic, data, str(get_locale()), parent=parent)
    except comments.CommentError:
        db.session.rollback()
        return _topic_page(topic, 409, form_name)
    db.session.commit()
    return _thanks(topic, anchor)


def submit_comment(topic_id):
    """Take a new comment on a topic while its window is open."""
    return _take(_topic(topic_id), "comment")


def _comment_form_page(kind, comment, status=200, values=None, errors=None):
    """The page of one comment with its reply (``kind="reply"``) or report form."""
    return page("feedback/public/comment_form.html", status, kind=kind, comment=comment,
                topic=comment.topic, form=f"{kind}-{comment.id}", values=values or {},
                errors=errors or {}, reason_options=_reason_options())


def _repliable(comment_id):
    """An approved top-level comment on an open topic, or 404."""
    parent = queries.visible_comment(comment_id)
    if parent is None or not queries.can_reply_to(parent):
        abort(404)
    return parent


def reply_form(comment_id):
    """The reply form under the comment it answers (while the topic is open)."""
    parent = _repliable(comment_id)
    if not topics.is_open(parent.topic):
        abort(404)
    return _comment_form_page("reply", parent)


def report_form(comment_id):
    """The report form under the comment it is about."""
    return _comment_form_page("report", queries.visible_comment(comment_id) or abort(404))


def submit_reply(comment_id):
    """Take a reply to an approved top-level comment."""
    parent = _repliable(comment_id)
    return _take(parent.topic, f"reply-{parent.id}", parent)


def submit_report(comment_id):
    """Report a visible comment to the moderators."""
    comment = queries.visible_comment(comment_id) or abort(404)
    if not request.form.get(HONEYPOT):
        try:
            data = ReportSchema().load({"reason": request.form.get("reason", ""),
                                        "details": request.form.get("details", "")})
        except ValidationError as err:
            return _comment_form_page("report", comment, 422, request.form,
                                      form_errors(err.messages))
        comments.report(comment, data)
        db.session.commit()
    flash(_("Thank you. A moderator will look at the comment."), "success")
    return redirect(url_for(".show_topic", topic_id=comment.topic_id,
                            _anchor=f"comment-{comment.id}"))


def _notice(title, message, status):
    """A short page that says one thing."""
    return page("feedback/public/notice.html", status, title=title, message=message)


def _bad_link(exc):
    """An expired (410) or unusable (404) confirmation link."""
    if isinstance(exc, tokens.TokenExpired):
        return _notice(_("The link has expired"), _(
            "The confirmation link is valid for %(hours)s hours. Please write your comment "
            "again.", hours=comments.confirm_hours()), 410)
    return _notice(_("The link is not valid"), _(
        "Check that you copied the whole link from the email."), 404)


def confirm(token):
    """GET shows the comment and a button (mail scanners change nothing); POST confirms it."""
    try:
        comment, _data = comments.comment_for_token(token)
    except tokens.TokenInvalid as exc:
        return _bad_link(exc)
    if request.method == "POST" and comment.status == CommentStatus.UNCONFIRMED:
        try:
            comments.confirm(token)
        except (tokens.TokenInvalid, comments.NotConfirmable):
            db.session.rollback()
            db.session.refresh(comment)
        else:
            db.session.commit()
            return page("feedback/public/confirm.html", comment=comment, topic=comment.topic,
                        outcome="confirmed")
    outcome = "ask" if comment.status == CommentStatus.UNCONFIRMED else comment.status.value
    return page("feedback/public/confirm.html", comment=comment, topic=comment.topic,
                outcome=outcome)

