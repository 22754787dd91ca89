"""``python -m jixiao.ingest.synthetic DIR --triples N [--seed S]``: write a corpus."""

import sys

from jixiao.ingest.synthetic import main

sys.exit(main())
