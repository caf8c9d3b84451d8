"""``python -m training.series``: time series and matrices of stance from a dyad table.

The command only; its code is :mod:`training.archive.series`.
"""

import sys

from training.archive.series import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
