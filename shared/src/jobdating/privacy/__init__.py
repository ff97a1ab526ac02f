"""Cryptography for personal data in transit: sealed boxes for request-reply answers."""
