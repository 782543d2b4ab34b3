"""Who reacts to what: the one place where cross-feature reactions are wired.

A case confirmed or discarded, an exposure recorded or removed, two people merged, a registry
loaded: each moves the F-tiers (``cordon.tracing``). Later features (isolation orders,
messages, public aggregates) subscribe here too.
"""

from __future__ import annotations
