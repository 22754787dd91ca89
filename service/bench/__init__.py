"""make bench: the benchmark and the load generator (``python -m jixiao.service.bench``,
``python -m jixiao.service.bench.loadgen``). The product never imports this package."""
