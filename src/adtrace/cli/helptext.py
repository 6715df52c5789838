"""`--help` in the CLI's language (ADTRACE_LANG, docs/i18n.md).

Typer reads help texts when the commands are defined, in English: the source of each text is its
`help=` string or the command's docstring, extracted for translators by adtrace.i18n.extract. Here the
built click command tree gets its texts translated in place, once, before it parses the command line.
"""

from __future__ import annotations

from typing import Any

import typer.rich_utils

from adtrace import i18n
from adtrace.i18n import N_

# Typer's own words around our texts (its module constants are read when the help is printed).
_PANELS = {"ARGUMENTS_PANEL_TITLE": N_("Arguments"), "OPTIONS_PANEL_TITLE": N_("Options"),
           "COMMANDS_PANEL_TITLE": N_("Commands"), "DEFAULT_STRING": N_("[default: {}]"),
           "REQUIRED_LONG_STRING": N_("[required]")}
_HELP_OPTION = N_("Show this message and exit.")


def plain_flags(command: Any) -> None:
    """No type after an on/off flag in `--help`: typer shows `--force  --no-force  <bool>`, which reads as
    "--force true" (then taken as a path). A flag takes no value, so its type column stays empty."""
    for param in getattr(command, "params", ()):
        if getattr(param, "is_flag", False) and getattr(param, "metavar", None) is None:
            param.metavar = ""
    for sub in (getattr(command, "commands", None) or {}).values():
        plain_flags(sub)


def translate(command: Any) -> None:
    """Put the current language's help on `command` (typer.main.get_command's), its parameters and its
    subcommands (English: no-op). Duck-typed: typer builds on its own copy of click (typer._click)."""
    if i18n.get_locale() == i18n.DEFAULT:
        return
    for name, message in _PANELS.items():
        if hasattr(typer.rich_utils, name):
            setattr(typer.rich_utils, name, i18n.gettext(message))
    _translate(command)


def _translate(command: Any) -> None:
    for attr in ("help", "short_help"):
        if getattr(command, attr, None):
            setattr(command, attr, i18n.gettext(getattr(command, attr)))
    for param in getattr(command, "params", ()):
        if getattr(param, "help", None):  # options and typer's arguments
            param.help = i18n.gettext(param.help)
    help_option = command.get_help_option(command.context_class(command))
    if help_option is not None:
        help_option.help = i18n.gettext(_HELP_OPTION)
    for sub in (getattr(command, "commands", None) or {}).values():
        _translate(sub)
