"""The command-line shell: parse options, call the core, print. No logic lives here."""
