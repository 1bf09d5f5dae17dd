"""MediSync benchmarks: `make bench` (or `python -m bench.run_all`); see docs/performance.md."""
