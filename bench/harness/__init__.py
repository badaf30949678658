"""The benchmark harness: processes, databases, seed data, load drivers, figures and the report."""
