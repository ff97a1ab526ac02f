"""The sites service's pure core: commands, state, decisions and their rules. No I/O, clock, ids or logs."""
