"""`python -m oracle.cli`: the `oracle` command."""

import sys

from oracle.cli import main

sys.exit(main())
