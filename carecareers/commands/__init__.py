"""Sub-commands of the `carecareers` CLI."""
