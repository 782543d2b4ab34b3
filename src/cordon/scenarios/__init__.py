"""The scenario planner's side of Cordon: the outbreak simulator (``cordon.sim``, a library
that knows nothing of the registry) connected to the command line and the city's data."""
