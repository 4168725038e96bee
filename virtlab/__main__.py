"""Allow ``python -m virtlab``."""

from virtlab.cli import main

raise SystemExit(main())
