"""Scheduling service: job datings, interview plans, repair on the day, check-in, outcomes, workshops."""
