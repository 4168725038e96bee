"""The smallest terminal the screens are laid out for.

Below it the screens show a "make the terminal bigger" banner (``TooSmall``) and the app has
the ``-cramped`` class. A module of its own so the app and the screens both read it without
importing each other.
"""

from __future__ import annotations

MIN_WIDTH = 80
"""Below this width (or MIN_HEIGHT) the screens show a "make the terminal bigger" notice."""
MIN_HEIGHT = 24
"""Below this height (or MIN_WIDTH) the screens show a "make the terminal bigger" notice."""
