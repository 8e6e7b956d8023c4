"""The ``smartcity`` command line (Typer + Rich), one module per group of commands."""
