"""``python variant_main.py VARIANT serve ...``: the reference integration with one defect."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from ri_variants import apply  # noqa: E402
from reference_integration.cli import main  # noqa: E402

apply(sys.argv[1])
sys.exit(main(sys.argv[2:]))
