"""The one-line error report every command shares."""

import functools

import click

from app.services.drafts.importer import ImportFormatError
from app.services.errors import DomainError


def reports_errors(command):
    """Turn the errors a user can cause into a one-line message and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DomainError as error:
            raise click.ClickException(str(error.message)) from None
        except ImportFormatError as error:
            raise click.ClickException(str(error.args[0])) from None
        except OSError as error:
            raise click.ClickException(f"{error.strerror or error}: {error.filename}") from None

    return wrapper
