"""Importing this module registers every event type of every service."""

from jobdating.contracts import duplicates, identity, notifications, registration, scheduling, sites
from jobdating.contracts.registry import REGISTRY

__all__ = ["REGISTRY", "duplicates", "identity", "notifications", "registration", "scheduling", "sites"]
