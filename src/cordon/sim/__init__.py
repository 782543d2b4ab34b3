"""Cordon's scenario planner: an agent-based, stochastic simulator of a city's outbreak under
the measures Hanoi used (docs/simulation.md). A library: it imports no web or database code
(a test proves it); ``cordon.scenarios`` connects it to the registry, the API and the CLI.
"""
