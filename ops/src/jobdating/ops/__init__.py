"""Operator commands: provision the stream and consumers, run the tally projection."""
