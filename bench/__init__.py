"""foorumi's load benchmarks: ``bench/run`` measures the suite against the bare floor of its stack."""
