"""The registration service's data: events, agenda, materials, questions, registrations, and
the recorded changes of published events."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Database, make_base, utcnow
from shared.outbox import outbox_models
from shared.tokens import spent_tokens_table

Base = make_base()
db = Database("registration", Base)
OutboxMessage, ProcessedMessage = outbox_models(Base)
spent_tokens = spent_tokens_table(Base.metadata)


class EventKind(enum.StrEnum):
    """An open forum, or an invite-only targeted session (single procurement, service voucher)."""

    FORUM = "forum"
    TARGETED = "targeted"


class EventStatus(enum.StrEnum):
    """Where an event is in its life."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    HELD = "held"


class Theme(enum.StrEnum):
    """The annual clock's recurring themes."""

    BUDGET = "budget"  # budget, procurement plan, general part of the service-voucher rulebooks
    STRATEGY = "strategy"  # strategy and futures work
    WELLBEING = "wellbeing"  # wellbeing report and plan, and their follow-up
    OTHER = "other"


class AttendanceMode(enum.StrEnum):
    """How a registrant attends."""

    ONSITE = "onsite"
    REMOTE = "remote"


class RegistrationStatus(enum.StrEnum):
    """A registration's state; only CONFIRMED on-site registrations take a seat."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class QuestionKind(enum.StrEnum):
    """The kinds of custom question a secretary can add to an event's form."""

    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    CHECKBOX = "checkbox"


def _enum(kind):
    """A portable string column for a StrEnum (no database enum types to migrate)."""
    return sa.Enum(kind, native_enum=False, length=20,
                   values_callable=lambda e: [m.value for m in e])


class Event(Base):
    """A forum or targeted session on the annual clock."""

    __tablename__ = "events"
    #: the event's id, used in URLs
    id: Mapped[int] = mapped_column(primary_key=True)
    #: open forum or invite-only targeted session
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind), default=EventKind.FORUM)
    #: the event's name as shown publicly
    title: Mapped[str] = mapped_column(sa.String(200))
    #: Markdown; rendered sanitized
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: the annual clock's theme
    theme: Mapped[Theme] = mapped_column(_enum(Theme), default=Theme.OTHER)
    #: start and end (UTC)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    #: where the on-site part takes place
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    #: on-site seats; remote has no cap
    onsite_capacity: Mapped[int] = mapped_column(default=0)
    #: the remote meeting link: never public, only remote attendees get it
    remote_join_url: Mapped[str] = mapped_column(sa.String(500), default="")
    #: registration is open between these times (UTC); NULL opens at publication / closes at start
    registration_opens_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    registration_closes_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: draft, published, cancelled, held
    status: Mapped[EventStatus] = mapped_column(_enum(EventStatus), default=EventStatus.DRAFT)
    #: when it was published (UTC)
    published_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: an admin's reason for publishing with less than the policy's lead time, and who gave it
    publish_override_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    publish_override_by: Mapped[str | None] = mapped_column(sa.String(254), default=None)
    #: the recording's link and when it was published; it shows for the policy's number of days
    recording_url: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    recording_published_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: bumped under the seat lock; also the row every seat change locks
    seat_version: Mapped[int] = mapped_column(default=0)
    #: goes up, in the same transaction, with every write of one of its agenda items or their
    #: background documents: database triggers of the migration ``event_agenda_version`` do it,
    #: so no writer can forget. The key of the cached public agenda (``public.agenda_html``).
    agenda_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: the iCalendar SEQUENCE of the event's .ics (same UID throughout): goes up by one with
    #: every change or cancellation told to the registrants, so calendars replace the old entry
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    #: the forum's published memo, as memo announced it (``memo.published``); shown on the
    #: event page outside the cached agenda fragment, so it needs no bump of ``agenda_version``
    memo_url: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    #: the forum series whose policy numbers apply (None: the settings' defaults)
    series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("series.id", ondelete="RESTRICT"), index=True, default=None)
    #: bookkeeping (UTC)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    series: Mapped["Series | None"] = relationship()  # noqa: F821 - cycle.models
    #: the forum's dated milestones (:mod:`services.registration.cycle.milestones`)
    milestones: Mapped[list["Milestone"]] = relationship(  # noqa: F821 - cycle.models
        back_populates="event", order_by="Milestone.id", cascade="all, delete-orphan")
    agenda_items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="event", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    questions: Mapped[list["Question"]] = relationship(
        back_populates="event", order_by="Question.position", cascade="all, delete-orphan"
    )
    changes: Mapped[list["EventChange"]] = relationship(
        back_populates="event", order_by="EventChange.id", cascade="all, delete-orphan"
    )
    #: the recording's caption file, if one was uploaded
    captions: Mapped["RecordingCaptions | None"] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    @property
    def year(self):
        """The annual clock year the event belongs to."""
        return self.starts_at.year


class ChangeAction(enum.StrEnum):
    """What a recorded change of a published event did."""

    CHANGED = "changed"  # rescheduled, moved, made remote-only or targeted: registrants told
    CANCELLED = "cancelled"  # cancelled: registrants told
    LATE_AGENDA = "late_agenda"  # an admin allowed agenda changes inside the lead time


class EventChange(Base):
    """One recorded change of a published event: what, why, who and when (append only).

    A change that made the event (or its agenda) public less than the policy's lead time before
    its start carries ``override_reason``: an administrator's recorded override, like
    ``Event.publish_override_reason`` is for a late publication.
    """

    __tablename__ = "event_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    #: changed, cancelled, or the late agenda override
    action: Mapped[ChangeAction] = mapped_column(_enum(ChangeAction))
    #: the staff member's reason, plain text; a change's and a cancellation's is emailed to
    #: the registrants and invitees
    reason: Mapped[str] = mapped_column(sa.Text)
    #: an administrator's reason for overriding the policy's lead time with this change (never
    #: emailed); None when no override was needed
    override_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    #: the staff member's email at the time
    changed_by: Mapped[str] = mapped_column(sa.String(254))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: {field: [before, after]} of a CHANGED, as JSON values (times in ISO 8601 UTC)
    fields: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: the event's ``sequence`` after the change
    sequence: Mapped[int] = mapped_column(default=0)

    event: Mapped["Event"] = relationship(back_populates="changes")

    @property
    def late_override(self):
        """Whether an administrator overrode the lead time with this change."""
        return self.override_reason is not None


class AgendaItem(Base):
    """One item of an event's agenda; each becomes a feedback topic."""

    __tablename__ = "agenda_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    #: order on the agenda, from 1
    position: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(sa.String(200))
    #: Markdown; rendered sanitized
    description: Mapped[str] = mapped_column(sa.Text, default="")
    presenter_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: receives the memo; never shown publicly
    presenter_email: Mapped[str] = mapped_column(sa.String(254), default="")

    event: Mapped[Event] = relationship(back_populates="agenda_items")
    materials: Mapped[list["Material"]] = relationship(
        back_populates="agenda_item", order_by="Material.id", cascade="all, delete-orphan"
    )


class Material(Base):
    """A background document attached to an agenda item, stored in the database (stateless web)."""

    __tablename__ = "materials"
    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    #: the uploaded file's name, cleaned
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: one of the allowed document types (PDF, DOCX, PPTX, XLSX)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    #: bytes
    size: Mapped[int]
    #: the file itself, loaded only when downloaded
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="materials")


class RecordingCaptions(Base):
    """The WebVTT caption file of an event's recording (law 306/2019), one per event."""

    __tablename__ = "recording_captions"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the event whose recording it captions; one caption file per event (replacing keeps the row)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True
    )
    #: the file exactly as uploaded (valid UTF-8 WebVTT); served only as text/vtt, never as HTML
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    #: bytes
    size: Mapped[int]
    #: when the recording was first captioned, and by whom: what counts for the deadline
    captioned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    captioned_by: Mapped[str] = mapped_column(sa.String(254))
    #: the latest upload (a replacement), and by whom
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(sa.String(254))

    event: Mapped[Event] = relationship(back_populates="captions")


class Question(Base):
    """A custom question on an event's registration form."""

    __tablename__ = "questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=1)
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind))
    #: the question as asked
    label: Mapped[str] = mapped_column(sa.String(300))
    required: Mapped[bool] = mapped_column(default=False)
    #: the choices of single and multiple choice questions
    options: Mapped[list] = mapped_column(sa.JSON, default=list)

    event: Mapped[Event] = relationship(back_populates="questions")


class Invitation(Base):
    """An invitation to a targeted session; its token opens the registration form."""

    __tablename__ = "invitations"
    __table_args__ = (sa.UniqueConstraint("event_id", "email"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    #: the invitee's address, lowercased
    email: Mapped[str] = mapped_column(sa.String(254))
    #: the secret in the invitation link
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: the language the invitee is emailed in (the invitation, and any change or cancellation)
    locale: Mapped[str] = mapped_column(sa.String(2), default="fi", server_default="fi")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Registration(Base):
    """One person's registration for one event."""

    __tablename__ = "registrations"
    __table_args__ = (
        # one active registration per event and email: registering twice creates nothing new
        sa.Index(
            "uq_registrations_active_email", "event_id", "email", unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        ),
        sa.Index("ix_registrations_event_mode_status", "event_id", "attendance_mode", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    #: lowercased
    email: Mapped[str] = mapped_column(sa.String(254))
    organisation: Mapped[str] = mapped_column(sa.String(200))
    #: Y-tunnus, validated with its check digit; optional
    business_id: Mapped[str | None] = mapped_column(sa.String(9), default=None)
    municipality: Mapped[str] = mapped_column(sa.String(100))
    #: the organisation's industry, a code of ``shared.vocabulary.INDUSTRIES``; optional
    industry: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    #: the organisation's size class, a code of ``shared.vocabulary.SIZES``; optional
    organisation_size: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    #: the county's area the organisation works in, a code of ``shared.vocabulary.REGIONS``;
    #: optional
    region: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    attendance_mode: Mapped[AttendanceMode] = mapped_column(_enum(AttendanceMode))
    status: Mapped[RegistrationStatus] = mapped_column(_enum(RegistrationStatus))
    #: question id (as string) -> the answer (str, list of str, or bool)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    dietary_needs: Mapped[str] = mapped_column(sa.String(500), default="")
    accessibility_needs: Mapped[str] = mapped_column(sa.String(500), default="")
    #: when the registrant accepted the privacy notice (required)
    privacy_consent_at: Mapped[dt.datetime]
    newsletter_opt_in: Mapped[bool] = mapped_column(default=False)
    #: the language emails go out in
    locale: Mapped[str] = mapped_column(sa.String(2), default="fi")
    #: the secret of the manage link
    manage_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: waiting-list order: the time the registrant joined it (UTC)
    waitlisted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: set at the door by the check-in page
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: set when the day-before reminder was written to the outbox
    reminder_sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    event: Mapped[Event] = relationship()


# the forum cycle's tables share this Base and refer to Event: imported last, so both are mapped
# whichever of the two modules is imported first
from services.registration.cycle import models as cycle_models  # noqa: E402,F401
