"""The effective reproduction number Rt by the method of Cori et al. (2013): ``estimate`` and
``serial_interval`` compute (no database, no web), ``service`` reads the registry's counts,
``plot`` draws, ``cli`` is ``cordon rt``. See docs/rt.md."""
