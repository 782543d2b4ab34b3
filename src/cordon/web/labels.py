"""Words the templates show from data (statuses, settings …): listed here so that the
catalogue extraction finds them (``_(c.status.value)`` alone names no message)."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 — the gettext convention for "mark, don't translate"
    return message


LABELS = (
    # case statuses
    N_("suspected"),
    N_("confirmed"),
    N_("recovered"),
    N_("died"),
    N_("discarded"),
    # exposure settings
    N_("household"),
    N_("workplace"),
    N_("school"),
    N_("hospital"),
    N_("venue"),
    N_("transport"),
    N_("other"),
    # handover statuses
    N_("open"),
    N_("accepted"),
    N_("completed"),
    N_("declined"),
    N_("cancelled"),
    # cluster kinds (household and other above)
    N_("place"),
    N_("event"),
    N_("flight"),
)
