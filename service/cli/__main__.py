"""``python -m jixiao.service.cli``: the ``jixiao`` command."""

import sys

from jixiao.service.cli import main

sys.exit(main())
