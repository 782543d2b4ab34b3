"""The scenario planner connected to the registry, the API, the web app and the CLI."""
