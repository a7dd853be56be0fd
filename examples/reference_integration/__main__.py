"""Entry point: ``python -m reference_integration``."""

import sys

from .cli import main

sys.exit(main())
