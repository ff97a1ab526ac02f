"""Importing this module registers every event type of every service."""

from jobdating.contracts import notifications, registration, scheduling, sites
from jobdating.contracts.registry import REGISTRY

__all__ = ["REGISTRY", "notifications", "registration", "scheduling", "sites"]
