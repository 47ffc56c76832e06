"""The registered answer types: one module a type, each imported by the registry."""
