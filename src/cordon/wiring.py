"""The program's start: what runs on every session, every event and every bulk insert,
installed in one visible place. The API (``create_app``), the ``cordon`` command (the
worker included) and the tests call ``start`` before anything else; nothing is wired by
importing a module.

- the reaction table (``cordon.reactions``) on the event bus (``core.events``);
- the audit log's listeners on every SQLAlchemy session (``audit.recorder.install``);
- the audit log told of every bulk insert (``core.bulk``);
- what holds an isolation order's release (``cordon.reactions.RELEASE_HOLDS``);
- the outbox's sender of the network channel (``network.delivery``);
- the worker's jobs by the clock (``outbox.jobs``): the daily situation report.
"""

from __future__ import annotations

from cordon.audit import recorder
from cordon.core import bulk, events
from cordon.isolation import release
from cordon.network import delivery, sitrep_schedule
from cordon.outbox import channels, jobs
from cordon.outbox.enums import Channel
from cordon.reactions import REACTIONS, RELEASE_HOLDS


def start() -> None:
    """Wire the process; calling it again changes nothing."""
    events.install(REACTIONS)
    recorder.install()
    bulk.tell_inserts_to(recorder.bulk_written)
    release.install_holds(RELEASE_HOLDS)
    channels.install_sender(Channel.network, delivery.sender)
    jobs.install_job(
        "network.sitrep-schedule",
        sitrep_schedule.send_scheduled,
        every_seconds=sitrep_schedule.EVERY_SECONDS,
    )
