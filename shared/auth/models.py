"""The staff accounts database: users with roles, and their server-side sessions."""

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Database, make_base, utcnow


class Role(enum.StrEnum):
    """What a staff member may do; ``admin`` may do everything."""

    ADMIN = "admin"
    SECRETARY = "secretary"
    MODERATOR = "moderator"
    WORKING_GROUP = "working_group"
    COMMUNICATIONS = "communications"


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.SECRETARY: _l("Secretary"),
    Role.MODERATOR: _l("Moderator"),
    Role.WORKING_GROUP: _l("Working group member"),
    Role.COMMUNICATIONS: _l("Communications"),
}

Base = make_base()
accounts_db = Database("accounts", Base)


class StaffUser(Base):
    """A member of the county's staff (or of the working group) who logs in."""

    __tablename__ = "staff_users"
    #: the user's id
    id: Mapped[int] = mapped_column(primary_key=True)
    #: login name, lowercased
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    #: shown in audit trails and sign-offs
    name: Mapped[str] = mapped_column(sa.String(200))
    #: argon2id hash of the password
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    #: comma-separated Role values
    roles: Mapped[str] = mapped_column(sa.String(200))
    #: a deactivated user cannot log in and loses open sessions
    active: Mapped[bool] = mapped_column(default=True)
    #: when the account was made (UTC)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: the last successful login (UTC)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    @property
    def role_set(self):
        """The user's roles as a set of Role."""
        return {Role(r) for r in self.roles.split(",") if r}

    def has_role(self, *roles):
        """Whether the user has any of ``roles`` (admins have every role)."""
        mine = self.role_set
        return Role.ADMIN in mine or any(Role(r) in mine for r in roles)


class StaffSession(Base):
    """One logged-in browser. The cookie carries a random token; only its hash is stored here,
    so deleting the row ends the session on every service and process at once."""

    __tablename__ = "staff_sessions"
    #: SHA-256 (hex) of the token in the signed session cookie
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    #: whose session it is; deleting the user deletes their sessions
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="CASCADE"),
                                         index=True)
    #: when the user logged in (UTC): the absolute lifetime counts from here
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: the last request seen, to the minute (UTC): the idle timeout counts from here
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
