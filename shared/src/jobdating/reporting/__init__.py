"""Statistics as a projection over the stream: `fold` folds recorded events into a `ReportState`,
`sections` computes one `Report` from it (`figures` says what a report holds, `timeline` makes its
schedule). Shared so that the operator's `jobdating report` and the console's statistics page compute the
same figures with the same code; each only reads the stream and renders the `Report` its own way.
"""
