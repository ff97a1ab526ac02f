"""The pure core of scheduling: commands, states, decisions and folds; no I/O, clock, ids or logging."""
