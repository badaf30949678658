"""The published memo's tagged PDF, rendered once and kept in the memo database.

A web process never keeps it on its own disk (web processes are stateless): the first request
renders it and stores the bytes, every later one, in any process, serves them. The follow-up
table can change after publication, so a rendering belongs to a publication *and* the number of
follow-up changes it shows; a newer one replaces the older.
"""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.memo.models.base import Base
from shared.db import utcnow


class MemoPdf(Base):
    """One publication's PDF as it was rendered with ``follow_up_revision`` follow-up changes."""

    __tablename__ = "memo_pdfs"
    __table_args__ = (sa.UniqueConstraint("publication_id", "follow_up_revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("publications.id", ondelete="CASCADE"))
    #: how many follow-up changes of the memo existed when it was rendered (the log only grows)
    follow_up_revision: Mapped[int]
    #: the PDF/UA-1 document
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    #: its number of pages and size in bytes
    pages: Mapped[int]
    size: Mapped[int]
    rendered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
