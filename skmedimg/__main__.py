"""``python -m skmedimg``: the skmedimg command line (see :mod:`skmedimg.cli`)."""

import sys

from skmedimg.cli import main

if __name__ == "__main__":
    sys.exit(main())
