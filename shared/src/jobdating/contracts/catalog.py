"""Importing this module registers every event type of every service."""

from jobdating.contracts import identity, notifications, registration, scheduling, sites
from jobdating.contracts.registry import REGISTRY

__all__ = ["REGISTRY", "identity", "notifications", "registration", "scheduling", "sites"]
