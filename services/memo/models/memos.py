"""Memos, their versions, their publications and their history.

A memo's life (:class:`MemoState`)::

    draft ──submit──> in_review ──rule met──> approved ──publish──> published
      ^                  │ request changes       │ new version        │ correct
      │                  v                       │                    v
      └──new version── changes_requested <──────-┘        draft (correction) … ──> corrected

Versions and publications are append-only: a published text never changes; a correction is a
new version through the same review, published as a new publication that links the earlier one.
"""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.memo.models.base import Base, enum_column, refuse_changes
from services.memo.models.forums import Forum
from shared.db import utcnow


class MemoState(enum.StrEnum):
    """Where a memo is in its life."""

    DRAFT = "draft"  # the secretary edits it (also while a correction is prepared)
    IN_REVIEW = "in_review"  # a version is with the working group
    CHANGES_REQUESTED = "changes_requested"  # a member asked for changes; a new version is due
    APPROVED = "approved"  # the sign-off rule was met for the newest version
    PUBLISHED = "published"  # public; immutable
    CORRECTED = "corrected"  # public as a correction of an earlier publication; immutable


class PublicationKind(enum.StrEnum):
    """The first publication of a memo, or a correction of it."""

    PUBLISHED = "published"
    CORRECTED = "corrected"


class RecordIsAppendOnly(RuntimeError):
    """Something tried to change or delete a version, publication or history entry."""


class Memo(Base):
    """The memo (muistio) of one forum."""

    __tablename__ = "memos"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: one memo per forum
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forums.id", ondelete="RESTRICT"),
                                          unique=True)
    state: Mapped[MemoState] = mapped_column(enum_column(MemoState), default=MemoState.DRAFT)
    #: the language the memo is written and published in
    locale: Mapped[str] = mapped_column(sa.String(2), default="fi")
    #: the header's people (editable; the secretary defaults to whoever drafted it)
    chair_name: Mapped[str] = mapped_column(sa.String(200), default="")
    secretary_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: {"onsite", "remote", "checked_in"} from registration's API at drafting; None: unknown
    attendance: Mapped[dict | None] = mapped_column(sa.JSON, default=None)
    #: approved comments and commenting organisations the draft was made from
    comment_count: Mapped[int] = mapped_column(default=0)
    organisation_count: Mapped[int] = mapped_column(default=0)
    #: goes up each time a sign-off takes the memo's lock (the SQLite write lock is this UPDATE)
    lock_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    forum: Mapped[Forum] = relationship()
    versions: Mapped[list["MemoVersion"]] = relationship(
        back_populates="memo", order_by="MemoVersion.number")
    publications: Mapped[list["Publication"]] = relationship(order_by="Publication.id")
    history: Mapped[list["HistoryEntry"]] = relationship(order_by="HistoryEntry.id")

    @property
    def latest(self):
        """The newest version."""
        return self.versions[-1]

    @property
    def publication(self):
        """The publication in force (the newest), or None."""
        return self.publications[-1] if self.publications else None


class MemoVersion(Base):
    """One saved text of a memo; never changed after it is written."""

    __tablename__ = "memo_versions"
    __table_args__ = (sa.UniqueConstraint("memo_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(sa.ForeignKey("memos.id", ondelete="CASCADE"))
    #: 1, 2, 3 … per memo
    number: Mapped[int]
    #: the text in Markdown (rendered through the sanitizer wherever shown)
    body: Mapped[str] = mapped_column(sa.Text)
    #: the staff member who saved it (None: the drafting task)
    author_id: Mapped[int | None] = mapped_column(default=None)
    author_name: Mapped[str] = mapped_column(sa.String(200))
    #: the version whose text this one restored, if it was a restore
    restored_from: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    memo: Mapped[Memo] = relationship(back_populates="versions")

    @property
    def paragraphs(self):
        """The text's paragraphs (blocks between blank lines), numbered from 1 in sign-offs."""
        return [block.strip() for block in self.body.split("\n\n") if block.strip()]


class Publication(Base):
    """A version made public: the first publication, or a correction linking the one it corrects."""

    __tablename__ = "publications"
    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(sa.ForeignKey("memos.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("memo_versions.id"), unique=True)
    kind: Mapped[PublicationKind] = mapped_column(enum_column(PublicationKind))
    #: the earlier publication this one corrects (kept, and still readable)
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("publications.id"), default=None)
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: the secretary who published it
    published_by_id: Mapped[int]
    published_by_name: Mapped[str] = mapped_column(sa.String(200))

    version: Mapped[MemoVersion] = relationship()


class HistoryEntry(Base):
    """One thing that happened to a memo: every state change, with who and when."""

    __tablename__ = "memo_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(sa.ForeignKey("memos.id", ondelete="CASCADE"), index=True)
    #: drafted, version_saved, restored, in_review, changes_requested, approved, published,
    #: correction_started, corrected, delivered, follow_up_updated
    action: Mapped[str] = mapped_column(sa.String(30))
    from_state: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    to_state: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    #: the version concerned, if any
    version_number: Mapped[int | None] = mapped_column(default=None)
    #: the staff member (None: the system, e.g. the drafting task or a delivery report)
    actor_id: Mapped[int | None] = mapped_column(default=None)
    actor_name: Mapped[str] = mapped_column(sa.String(200), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


for _model in (MemoVersion, Publication, HistoryEntry):
    refuse_changes(_model, RecordIsAppendOnly)
