"""Changes to staff accounts: create, authenticate, and the changes that end a user's sessions.

Changing a password, deactivating an account or taking a role away ends every open session of
that user at once (:func:`shared.auth.sessions.end_sessions_of`); the caller commits.
"""

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shared.auth.models import Role, StaffUser, accounts_db
from shared.auth.sessions import end_sessions_of
from shared.db import utcnow

hasher = PasswordHasher()
#: the shortest password a staff account may have
MIN_PASSWORD_LENGTH = 10


def by_email(email):
    """The user with this login email (any case), or None (a NUL, which no address has, too)."""
    if not isinstance(email, str) or "\x00" in email:
        return None
    return accounts_db.session.scalar(
        sa.select(StaffUser).where(StaffUser.email == (email or "").strip().lower()))


def create_user(email, name, password, roles):
    """Add a staff user (flush only). Raises ValueError for an unknown role."""
    roles = [Role(r).value for r in roles]
    user = StaffUser(email=email.strip().lower(), name=name, roles=",".join(roles),
                     password_hash=hasher.hash(password))
    accounts_db.session.add(user)
    accounts_db.session.flush()
    return user


def authenticate(email, password):
    """The active user with this email and password, or None. Rehashes outdated hashes.

    An unknown or deactivated account costs the same hashing work as a wrong password.
    """
    user = by_email(email)
    if user is None or not user.active:
        hasher.hash(password or "x")
        return None
    try:
        hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def password_matches(user, password):
    """Whether ``password`` is the user's current password."""
    try:
        return hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def set_password(user, password):
    """Give the user a new password and end all their sessions (flush only)."""
    user.password_hash = hasher.hash(password)
    end_sessions_of(user.id)


def set_roles(user, roles):
    """Replace the user's roles; taking any role away ends all their sessions (flush only)."""
    new = {Role(r) for r in roles}
    if user.role_set - new:
        end_sessions_of(user.id)
    user.roles = ",".join(sorted(r.value for r in new))


def set_active(user, active):
    """Activate or deactivate the account; deactivating ends all its sessions (flush only)."""
    user.active = bool(active)
    if not user.active:
        end_sessions_of(user.id)


def staff_with_role(role):
    """The active users who hold ``role`` themselves (not through admin), by email."""
    users = accounts_db.session.scalars(sa.select(StaffUser).where(StaffUser.active.is_(True))
                                        .order_by(StaffUser.email))
    return [user for user in users if Role(role) in user.role_set]
