"""`python -m adtrace` — same as the `adtrace` command."""

from adtrace.cli.main import main

main()
