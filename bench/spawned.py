"""Bench scripts start the program's processes as the program does.

The program's own main module (`app.__main__`, or the packaged executable) is not run
again in the processes it spawns (the workbook's writer, the import's reader):
multiprocessing leaves a `__main__` of a package alone. A script's main module is run
again in each, with everything it imports (here: SQLAlchemy, openpyxl, reportlab, the
services), which would add a second and tens of MB to each start the program never pays.
"""

from __future__ import annotations

import sys


def as_the_program() -> None:
    """Called first in a script's `main`: its processes will not import it again."""
    main = sys.modules["__main__"]
    main.__spec__ = None
    main.__dict__.pop("__file__", None)
