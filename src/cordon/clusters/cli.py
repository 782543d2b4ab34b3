def chain(case: str) -> None:
    """The chain of transmission of CASE."""


def cluster(name: str) -> None:
    """A cluster's summary."""
