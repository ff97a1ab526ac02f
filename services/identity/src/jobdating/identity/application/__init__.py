"""Identity's use cases: commands through the command bus, invitations, sign-in; ports for the rest."""
