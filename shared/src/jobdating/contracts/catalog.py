"""Importing this module registers every event type of every service."""

from jobdating.contracts import registration, scheduling, sites
from jobdating.contracts.registry import REGISTRY

__all__ = ["REGISTRY", "registration", "scheduling", "sites"]
