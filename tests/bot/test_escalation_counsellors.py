"""`sanad counsellor add|list|password|deactivate`: accounts for the console, from the shell."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.storage import Counsellor, Database

from ..conftest import FIXTURE_CONTENT
from .test_escalation import fast_passwords  # noqa: F401 - an autouse fixture


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    url = f"sqlite:///{tmp_path}/sanad.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SANAD_CONTENT_DIR", str(FIXTURE_CONTENT))
    db = Database(url)
    yield db
    db.dispose()


def run(monkeypatch: pytest.MonkeyPatch, stdin: str, *argv: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(argv))


def test_adding_a_counsellor_reads_the_password_from_stdin_and_hashes_it(
    shell: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            monkeypatch,
            "a long password here\n",
            "counsellor",
            "add",
            "Amina",
            "--languages",
            "fr,ar",
            "--role",
            "supervisor",
        )
        == 0
    )
    assert "Counsellor 'Amina' added (supervisor; languages fr, ar)" in capsys.readouterr().out
    with shell.session() as s:
        amina = s.scalars(select(Counsellor)).one()
        assert (amina.role, amina.languages, amina.active) == ("supervisor", "fr,ar", True)
        assert (
            amina.password_hash.startswith("$argon2id$")
            and "long password" not in amina.password_hash
        )
    assert run(monkeypatch, "", "counsellor", "list") == 0
    assert "Amina\tsupervisor\tfr,ar\tactive" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "stdin", "error"),
    [
        (
            ["--languages", "fr,xx"],
            "a long password\n",
            "unknown language 'xx': choose among fr, ar, en",
        ),
        (["--languages", "fr"], "short\n", "at least 10 characters"),
        (["--languages", "fr"], "", "no password on stdin"),
    ],
)
def test_a_bad_account_is_refused_with_what_to_do(
    shell: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    stdin: str,
    error: str,
) -> None:
    assert run(monkeypatch, stdin, "counsellor", "add", "Omar", *argv) == 1
    assert error in capsys.readouterr().err


def test_a_name_is_unique_and_a_password_can_be_changed_or_an_account_deactivated(
    shell: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run(monkeypatch, "a long password\n", "counsellor", "add", "Omar", "--languages", "ar")
    assert (
        run(monkeypatch, "another password\n", "counsellor", "add", "Omar", "--languages", "ar")
        == 1
    )
    assert "exists already" in capsys.readouterr().err
    with shell.session() as s:
        before = s.scalar(select(Counsellor.password_hash))
    assert run(monkeypatch, "another password\n", "counsellor", "password", "Omar") == 0
    assert run(monkeypatch, "", "counsellor", "deactivate", "Omar") == 0
    with shell.session() as s:
        omar = s.scalars(select(Counsellor)).one()
        assert omar.password_hash != before and not omar.active
