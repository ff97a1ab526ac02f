"""Identity service: organisations, accounts and roles, sign-in, and the keys signing access tokens."""
