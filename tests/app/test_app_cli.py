"""`adtrace serve` refuses a taken port with exit code 3; `adtrace user` manages accounts."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adtrace import errors
from adtrace.cli.main import _register
from adtrace.cli.main import app as cli_app
from adtrace.cli.serve import PORT_IN_USE, check_port


def test_port_in_use_is_an_environment_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(errors.ConfigError) as info:
            check_port("127.0.0.1", port)
    assert info.value.code == PORT_IN_USE and info.value.exit_code == 3 and "--port" in info.value.message


def test_user_commands(db_path: Path) -> None:
    _register()
    runner = CliRunner()
    db = str(db_path)
    out = runner.invoke(cli_app, ["user", "add", "newbie", "--role", "reviewer", "--random-password", "--db", db])
    assert out.exit_code == 0 and "shown once" in out.output
    again = runner.invoke(cli_app, ["user", "add", "newbie", "--role", "reviewer", "--random-password", "--db", db])
    assert again.exit_code != 0
    bad_role = runner.invoke(cli_app, ["user", "add", "x1", "--role", "boss", "--random-password", "--db", db])
    assert bad_role.exit_code != 0
    assert runner.invoke(cli_app, ["user", "disable", "newbie", "--db", db]).exit_code == 0
    listed = runner.invoke(cli_app, ["user", "list", "--db", db]).output
    assert "newbie\treviewer\tdisabled" in listed
    assert runner.invoke(cli_app, ["user", "reset", "newbie", "--random-password", "--db", db]).exit_code == 0
    assert "newbie\treviewer\tactive" in runner.invoke(cli_app, ["user", "list", "--db", db]).output


def test_user_role_command_and_the_last_admin(db_path: Path) -> None:
    _register()
    runner = CliRunner()
    db = str(db_path)
    assert runner.invoke(cli_app, ["user", "role", "reviewer", "analyst", "--db", db]).exit_code == 0
    assert "reviewer\tanalyst\tactive" in runner.invoke(cli_app, ["user", "list", "--db", db]).output
    assert runner.invoke(cli_app, ["user", "role", "reviewer", "boss", "--db", db]).exit_code != 0
    # The fixture store has one admin: it can be neither demoted nor disabled (AT320).
    for args in (["user", "role", "admin", "analyst"], ["user", "disable", "admin"]):
        out = runner.invoke(cli_app, [*args, "--db", db])
        assert out.exit_code != 0 and getattr(out.exception, "code", "") == errors.LAST_ADMIN, out
