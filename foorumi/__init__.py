"""The suite's composition root: the command line, the embedded all-in-one server, demo data.

This package may import every service; no service and nothing in ``shared`` imports it.
"""
