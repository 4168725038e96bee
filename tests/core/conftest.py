"""Shared set-up for the core tests.

The builders live in :mod:`corekit` (next to this file) so test modules can import them by
name; this conftest makes sure the folder is importable whatever pytest's import mode.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
