"""Command-line entry points, one module per command group.

Each module exposes ``add_parser(subparsers, name, help_text)`` which registers its
sub-command and sets ``handler`` (``args -> exit status``) as a parser default.
Modules import their heavy dependencies inside the handler, not at import time.
Errors a user can fix exit with status 2 and one line on stderr (see
:func:`service.cli.common.fail`).
"""
