"""The command line: ``tracker.cli.main`` parses and dispatches; the other modules are the commands."""
