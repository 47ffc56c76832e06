"""Demo and synthetic data: the demo network, accounts and call of ``make run``, and the
reproducible synthetic network, call and jury of the tests and benchmarks.

The top layer of the project (docs/architecture.md): it builds on every app and no app
imports it. Its commands keep their names (``load-demo``, ``create-demo-accounts``,
``demo-totp``, ``load-demo-calls``, ``generate-network``, ``generate-call``,
``generate-jury``).
"""
