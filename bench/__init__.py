"""The benchmark suite (`make bench`, entry point `bench/run.py`): load client, servers, measures, results."""
