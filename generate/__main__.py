"""``python -m generate``: see generate/cli.py."""

import sys

from generate.cli import main

sys.exit(main())
