"""`adtrace` entry point: registers the commands and maps errors to exit codes (DESIGN §3)."""

from __future__ import annotations

import importlib
import sys

import typer

from adtrace import __version__, errors, i18n
from adtrace.cli import helptext
from adtrace.cli.io import err_console, say_hint

app = typer.Typer(
    name="adtrace",
    help="Find likely human trafficking in online ads: extract entities, fire indicators, score, link.\n\n"
    "Flags mean 'indicators present', never a verdict on a person. "
    "US National Human Trafficking Hotline: 1-888-373-7888 (text 233733).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"adtrace {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    pass


# Each command module adds itself to `app` on import; `--help` lists commands in this order (README's).
COMMAND_MODULES = ("demo", "synth", "extract", "score", "store", "link", "serve", "users", "crawl", "exchange",
                   "banks", "engine", "graph", "stix", "drafts", "evidence", "holds", "tips")


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"adtrace.cli.{name}")


def main() -> None:
    i18n.set_locale(i18n.from_environment())  # ADTRACE_LANG=es|zh_Hans: messages in that language (docs/i18n.md)
    _register()
    command = typer.main.get_command(app)
    helptext.plain_flags(command)
    helptext.translate(command)  # --help too: typer fixed its texts in English when the commands were defined
    try:
        # Standalone mode: typer/click print usage errors themselves and exit 2.
        command()
    except errors.AdtraceError as exc:
        label = i18n.gettext("error")
        err_console.print(f"[red]{label}[/] {exc}", highlight=False)
        if i18n.get_locale() != i18n.DEFAULT and exc.code in errors.CATALOGUE:  # what the code means, translated
            err_console.print(f"  {exc.code}: {i18n.gettext(errors.CATALOGUE[exc.code].meaning)}", highlight=False)
        say_hint(exc.cli_hint)  # what to do at this shell: a command (web pages show exc.web_hint instead)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
