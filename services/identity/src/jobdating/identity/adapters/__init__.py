"""Identity's adapters: HTTP, the store's tables, SMTP, argon2id, TOTP and the signing keys."""
