"""``python -m training.evaluate``: evaluate a saved model on labelled-pair files.

The command only; its code is :mod:`training.fitting.evaluate`.
"""

import sys

from training.fitting.evaluate import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
