"""The one error family for "the input is wrong", with the path to what is wrong.

It imports nothing, so the start-up path (progress, lessons) can use it without pydantic.
"""

from __future__ import annotations


class InputError(ValueError):
    """The input is wrong: a file, a field or a value a student or author gave.

    ``where`` is the path to it (``file: section.field``) when known, so every such error can
    be said as ``where: problem``. Unit, schema and goal-parameter errors are of this family.
    """

    def __init__(self, message: str, where: str = "") -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
