"""Counsellors' accounts: argon2id-hashed passwords, roles and the languages each one speaks.

`sanad counsellor add NAME --languages fr,ar [--role counsellor|supervisor|admin]` creates one;
the password is read from stdin (one line) or prompted twice, never taken from the command line,
where it would stay in the shell history and the process list.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import hashlib
import hmac
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import SanadError
from bot.storage import Counsellor, utcnow

ROLES = ("counsellor", "supervisor", "admin")
SUPERVISING = ("supervisor", "admin")
MIN_PASSWORD = 10
_NAME = re.compile(r"^[\w][\w .'-]{0,79}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")

# argon2id with the library's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes).
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Checked when the name is unknown, so a wrong name takes as long as a wrong password."""
    return _hasher.hash("no such counsellor: this only evens out the timing")


class CounsellorError(SanadError):
    """A counsellor account cannot be created or changed as asked; the message says why."""


@dataclass(frozen=True)
class Identity:
    """Who is signed in to the console: enough to decide what they may see and do."""

    id: int
    name: str
    role: str
    languages: tuple[str, ...]
    on_duty: bool = False
    stamp: str = ""  # changes with the password: a new password ends the other sessions

    @property
    def supervises(self) -> bool:
        return self.role in SUPERVISING

    @property
    def admin(self) -> bool:
        return self.role == "admin"

    @property
    def actor(self) -> str:
        """How audit events name them (an id: names may change)."""
        return f"counsellor:{self.id}"


def identity(counsellor: Counsellor) -> Identity:
    return Identity(
        id=counsellor.id,
        name=counsellor.name,
        role=counsellor.role,
        languages=tuple(code for code in counsellor.languages.split(",") if code),
        on_duty=counsellor.on_duty,
        stamp=_stamp(counsellor.password_hash),
    )


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


# --- passwords --------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise CounsellorError(
            f"the password is too short: use at least {MIN_PASSWORD} characters "
            "(a few words make a strong one)"
        )
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- accounts ---------------------------------------------------------------------------------


def parse_languages(spec: str, known: Sequence[str] | None = None) -> tuple[str, ...]:
    """ "fr,ar" → ("fr", "ar"); each code must be a language of the content when `known`
    is given."""
    codes = tuple(dict.fromkeys(code.strip().lower() for code in spec.split(",") if code.strip()))
    if not codes:
        raise CounsellorError("give at least one language, e.g. --languages fr,ar")
    for code in codes:
        if not _LANGUAGE.match(code) or (known is not None and code not in known):
            choices = ", ".join(known) if known else "two-letter codes such as fr, ar, en"
            raise CounsellorError(f"unknown language {code!r}: choose among {choices}")
    return codes


def add(
    session: Session,
    name: str,
    languages: Sequence[str],
    role: str,
    password: str,
    now: datetime | None = None,
) -> Counsellor:
    """Create an account; the password is hashed here and never stored in clear."""
    name = name.strip()
    if not _NAME.match(name):
        raise CounsellorError(
            "a name is 1 to 80 letters, digits, spaces, dots, dashes or apostrophes"
        )
    if role not in ROLES:
        raise CounsellorError(f"unknown role {role!r}: choose counsellor, supervisor or admin")
    if session.scalar(select(Counsellor.id).where(Counsellor.name == name)) is not None:
        raise CounsellorError(
            f"a counsellor named {name!r} exists already: choose another name, "
            f"or change the password with `sanad counsellor password {name}`"
        )
    counsellor = Counsellor(
        name=name,
        password_hash=hash_password(password),
        languages=",".join(languages),
        role=role,
        active=True,
        on_duty=False,
        created_at=now or utcnow(),
    )
    session.add(counsellor)
    session.flush()
    return counsellor


def by_name(session: Session, name: str) -> Counsellor:
    counsellor = session.scalar(select(Counsellor).where(Counsellor.name == name.strip()))
    if counsellor is None:
        raise CounsellorError(
            f"no counsellor is named {name!r} (`sanad counsellor list` shows them)"
        )
    return counsellor


def set_password(session: Session, name: str, password: str) -> None:
    by_name(session, name).password_hash = hash_password(password)


def set_active(session: Session, counsellor_id: int, active: bool) -> Counsellor:
    counsellor = session.get(Counsellor, counsellor_id)
    if counsellor is None:
        raise CounsellorError("this account does not exist any more")
    counsellor.active = active
    if not active:
        counsellor.on_duty = False
    return counsellor


def set_duty(session: Session, counsellor_id: int, on: bool, now: datetime) -> None:
    """On duty: critical alerts sound in their console. Signing in puts a counsellor on duty."""
    counsellor = session.get(Counsellor, counsellor_id)
    if counsellor is not None:
        counsellor.on_duty, counsellor.last_seen_at = on, now


def is_on_duty(session: Session, counsellor_id: int) -> bool:
    counsellor = session.get(Counsellor, counsellor_id)
    return bool(counsellor and counsellor.active and counsellor.on_duty)


def seen(session: Session, counsellor_id: int, now: datetime) -> None:
    """The console is open: the supervisors' view counts them online."""
    counsellor = session.get(Counsellor, counsellor_id)
    if counsellor is not None:
        counsellor.last_seen_at = now


def accounts(session: Session, *, active_only: bool = False) -> list[Counsellor]:
    query = select(Counsellor).order_by(Counsellor.name)
    if active_only:
        query = query.where(Counsellor.active.is_(True))
    return list(session.scalars(query))


def authenticate(session: Session, name: str, password: str) -> Identity | None:
    """The counsellor if the name and password match an active account; None otherwise.

    Slow on purpose (argon2): call it in a worker thread."""
    counsellor = session.scalar(
        select(Counsellor).where(Counsellor.name == name.strip(), Counsellor.active.is_(True))
    )
    if counsellor is None:
        _verify(_dummy_hash(), password)
        return None
    if not _verify(counsellor.password_hash, password):
        return None
    if _hasher.check_needs_rehash(counsellor.password_hash):  # parameters were raised since
        counsellor.password_hash = _hasher.hash(password)
    return identity(counsellor)


def current(session: Session, counsellor_id: int, stamp: str) -> Identity | None:
    """The signed-in counsellor, unless the account was deactivated or its password changed."""
    counsellor = session.get(Counsellor, counsellor_id)
    if counsellor is None or not counsellor.active:
        return None
    found = identity(counsellor)
    return found if hmac.compare_digest(found.stamp, stamp) else None


# --- `sanad counsellor …` ---------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Entry point of the `sanad.commands` group: `sanad counsellor add|list|password|…`."""
    parser = subparsers.add_parser("counsellor", help="counsellors' accounts for the console")
    actions = parser.add_subparsers(metavar="ACTION")

    add_parser = actions.add_parser(
        "add", help="create an account (password read from stdin or prompted)"
    )
    add_parser.add_argument("name")
    add_parser.add_argument("--languages", required=True, help="languages spoken, e.g. fr,ar")
    add_parser.add_argument("--role", choices=ROLES, default="counsellor")
    add_parser.set_defaults(func=_cmd_add)

    list_parser = actions.add_parser("list", help="list the accounts")
    list_parser.set_defaults(func=_cmd_list)

    password = actions.add_parser(
        "password", help="set a new password (read from stdin or prompted)"
    )
    password.add_argument("name")
    password.set_defaults(func=_cmd_password)

    for action, active in (("deactivate", False), ("activate", True)):
        toggle = actions.add_parser(action, help=f"{action} an account")
        toggle.add_argument("name")
        toggle.set_defaults(func=_cmd_toggle, active=active)


def _database():  # type: ignore[no-untyped-def]
    from bot.settings import Settings
    from bot.storage import Database

    settings = Settings.load()
    db = Database(settings.database_url)
    db.upgrade()  # a first `counsellor add` may come before the first `sanad run`
    return settings, db


def read_password(stdin: TextIO | None = None) -> str:
    """One line from a pipe, or typed twice (hidden) at a terminal."""
    stream = stdin or sys.stdin
    if not stream.isatty():
        line = stream.readline()
        if not line:
            raise CounsellorError("no password on stdin: pipe one line, or run this at a terminal")
        return str(line).rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise CounsellorError("the two passwords differ: run the command again")
    return first


def _cmd_add(args: argparse.Namespace) -> int:
    from bot.i18n import load_languages

    settings, db = _database()
    languages = parse_languages(args.languages, list(load_languages(settings.content_dir)))
    password = read_password()
    with db.session() as session:
        counsellor = add(session, args.name, languages, args.role, password)
        spoken = ", ".join(languages)
        print(
            f"Counsellor {counsellor.name!r} added ({args.role}; languages {spoken}). "
            "They sign in at /console."
        )
    db.dispose()
    return 0


def _cmd_list(_: argparse.Namespace) -> int:
    _, db = _database()
    with db.session() as session:
        rows = session.scalars(select(Counsellor).order_by(Counsellor.name)).all()
        if not rows:
            print("No counsellors yet: add one with `sanad counsellor add NAME --languages fr,ar`.")
        for c in rows:
            state = "active" if c.active else "deactivated"
            print(f"{c.name}\t{c.role}\t{c.languages}\t{state}")
    db.dispose()
    return 0


def _cmd_password(args: argparse.Namespace) -> int:
    _, db = _database()
    password = read_password()
    with db.session() as session:
        set_password(session, args.name, password)
    print(f"Password of {args.name!r} changed; their open console sessions are signed out.")
    db.dispose()
    return 0


def _cmd_toggle(args: argparse.Namespace) -> int:
    _, db = _database()
    with db.session() as session:
        set_active(session, by_name(session, args.name).id, args.active)
    print(f"{args.name!r} is {'active' if args.active else 'deactivated'}.")
    db.dispose()
    return 0
