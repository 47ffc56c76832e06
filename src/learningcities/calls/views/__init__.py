"""Views of calls, one module per audience."""
