"""Demo data for a first look (``foorumi demo``, ``make run``): comments in every state.

:func:`seed` runs inside the feedback app's context after the demo forums were announced (see
``foorumi.demo``). On the first forum whose comment window is open it writes comments as the
moderation queue would hold them: approved ones (one with a reply), pending ones (one waiting
past the digest's limit, two flagged for possible personal data: an email address and a
henkilötunnus), a rejected one, a reported one, a hidden one, an unconfirmed one and an expired
one, with the moderation decisions of those decided. It runs once: a forum
that already has comments is left as it is. No emails go out for demo comments.
"""

import datetime as dt

import sqlalchemy as sa

from services.feedback import personal_data, topics
from services.feedback.models import (
    Comment,
    CommentStatus,
    Forum,
    ModerationAction,
    ModerationDecision,
    Report,
    ReportReason,
    Topic,
    db,
)
from shared.auth import Role, staff_with_role
from shared.db import utcnow

#: (status, days ago submitted, name, organisation, text)
COMMENTS = (
    (CommentStatus.APPROVED, 5, "Anna Aaltonen", "Hoivakoti Aalto Oy",
     "Hyvinvointikertomuksen mittarit kannattaisi jakaa myös **alueittain**, jotta pienet "
     "palveluntuottajat näkevät oman alueensa tilanteen."),
    (CommentStatus.APPROVED, 4, "Timo Tuominen", "Kotipalvelu Tuominen",
     "Kiitos selkeästä esityksestä. Miten palveluntuottajat voivat osallistua seurantaan?"),
    (CommentStatus.PENDING, 5, "Liisa Laine", "Laineen Avustajapalvelut",
     "Toivomme, että seurantaraportti julkaistaan myös ruotsiksi."),
    (CommentStatus.PENDING, 1, "Pekka Peltonen", "Peltosen Hoiva Ay",
     "Voitteko lähettää materiaalin minulle osoitteeseen pekka.peltonen@example.fi?"),
    (CommentStatus.PENDING, 0, "Sari Saarinen", "Saarisen Terapia",
     "Lasten ja nuorten hyvinvoinnin mittareihin toivoisin lisää terapiapalvelujen näkökulmaa."),
    (CommentStatus.REJECTED, 3, "Mainos Mies", "Halpa Oy",
     "Osta halvat palvelut meiltä! www.example.com"),
    (CommentStatus.UNCONFIRMED, 0, "Ville Virtanen", "Virtasen Kuntoutus",
     "Onko tilaisuuden tallenne saatavilla myöhemmin?"),
    (CommentStatus.PENDING, 0, "Kalle Korhonen", "Korhosen Kotihoito",
     "Asiakkaamme (hetu 131052-308T) ei saanut palveluseteliä ajoissa."),
    (CommentStatus.HIDDEN, 4, "Olli Ojala", "Ojalan Palvelut",
     "Tämä kommentti piilotettiin ilmoitusten jälkeen."),
    (CommentStatus.EXPIRED, 4, "Eeva Eskola", "Eskolan Hoiva",
     "Vahvistamaton kommentti, joka vanheni."),
)
REPLY = ("Helena Hyvä", "Hyvinvointialue",
         "Alueelliset luvut julkaistaan seuraavassa kertomuksessa.")
REPORTED = 1  # the index in COMMENTS of the approved comment somebody reported
REASONS = {CommentStatus.REJECTED: "Mainontaa, ei liity aiheeseen.",
           CommentStatus.HIDDEN: "Ilmoitettu ja tarkistettu: loukkaava."}


def _open_forum(now):
    """The first demo forum with an open comment window, or None."""
    for forum in db.session.scalars(sa.select(Forum).order_by(Forum.starts_at)):
        if any(topics.is_open(topic, now) for topic in topics.live(forum)):
            return forum
    return None


def _comment(topic, status, submitted, name, organisation, text, parent=None):
    """One demo comment in ``status``, submitted at ``submitted``."""
    comment = Comment(topic=topic, parent_id=parent, status=status, author_name=name,
                      organisation=organisation, body=text, locale="fi",
                      author_email=f"{name.split()[0].lower()}@example.fi",
                      personal_data_flag=personal_data.detect(text),
                      submitted_at=submitted,
                      approved_at=submitted + dt.timedelta(hours=3)
                      if status in (CommentStatus.APPROVED, CommentStatus.HIDDEN) else None,
                      created_at=submitted)
    if status in (CommentStatus.REJECTED, CommentStatus.HIDDEN):
        comment.decision_reason = REASONS[status]
    if status in (CommentStatus.UNCONFIRMED, CommentStatus.EXPIRED):
        comment.submitted_at = None
    db.session.add(comment)
    db.session.flush()
    return comment


#: the audit trail of a demo comment in each decided state
DECISIONS = {
    CommentStatus.APPROVED: (ModerationAction.APPROVE,),
    CommentStatus.REJECTED: (ModerationAction.REJECT,),
    CommentStatus.HIDDEN: (ModerationAction.APPROVE, ModerationAction.HIDE),
}


def _decide(comment, moderator):
    """The audit rows of a demo comment's decisions, an hour apart after its submission."""
    for hours, action in enumerate(DECISIONS.get(comment.status, ()), start=2):
        reason = "" if action == ModerationAction.APPROVE else (comment.decision_reason or "")
        db.session.add(ModerationDecision(
            comment_id=comment.id, action=action, reason=reason, moderator_id=moderator.id,
            moderator_email=moderator.email,
            decided_at=comment.submitted_at + dt.timedelta(hours=hours)))


def seed(now=None):
    """Write the demo comments once; returns a short summary (empty when nothing was made)."""
    now = now or utcnow()
    forum = _open_forum(now)
    if forum is None or db.session.scalar(sa.select(Comment.id).join(Topic).where(
            Topic.forum_id == forum.id).limit(1)):
        return {}
    topic = topics.live(forum)[0]
    moderator = next(iter(staff_with_role(Role.MODERATOR)), None)
    made = []
    for status, days, name, organisation, text in COMMENTS:
        made.append(_comment(topic, status, now - dt.timedelta(days=days, hours=2), name,
                             organisation, text))
    db.session.add(Report(comment_id=made[REPORTED].id, reason=ReportReason.OFF_TOPIC,
                          details="Ei liity hyvinvointikertomukseen.", created_at=now))
    made.append(_comment(topic, CommentStatus.APPROVED, now - dt.timedelta(days=3), *REPLY,
                         parent=made[0].id))
    if moderator is not None:
        for comment in made:
            _decide(comment, moderator)
    db.session.flush()
    return {"comments created": len(made)}
