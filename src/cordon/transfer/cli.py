def import_command(path: str) -> None:
    """Import a line list."""


def export_command(path: str) -> None:
    """Export a line list."""
