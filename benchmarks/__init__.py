"""Benchmarks of cortex-wrapper against FakeCortex: ratios measured side by side in one run."""
