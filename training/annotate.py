"""``python -m training.annotate``: label the dyads of your own articles.

The command only; its code is :mod:`training.annotation.annotate`.
"""

import sys

from training.annotation.annotate import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
