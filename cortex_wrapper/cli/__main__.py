"""``python -m cortex_wrapper.cli``: the ``cortex-logs`` command."""

from . import console_main

if __name__ == "__main__":
    console_main()
