"""Errors that are the user's to fix: shown as one short line, exit code 2, no traceback."""


class UserError(Exception):
    """Bad input: unknown name, missing file or key, inconsistent options."""


class DataError(UserError):
    """A local data copy that cannot be read, or a row that breaks the task's schema: the
    message names the file (or dataset), the row and the column."""


class RunFailed(Exception):
    """The run itself failed (for example too many samples errored): exit code 1."""
