"""Forms of calls, one module per audience."""
