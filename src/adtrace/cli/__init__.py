"""The command-line shell: thin typer commands over functions that return data."""
