"""Identity's pure core: who may create whom, what an account is; no I/O, clock or randomness."""
