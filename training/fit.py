"""``python -m training.fit``: train the stance model.

The command only; its code is :mod:`training.fitting.fit`.
"""

import sys

from training.fitting.fit import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
