"""``python -m cortex_wrapper.cli``: the ``cortex-logs`` command."""

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
