"""`jobdating report`: statistics as a projection over the stream, rendered as text, CSV or HTML.

The figures are computed by `jobdating.reporting` (shared with the console's statistics page): `fold`
folds recorded events into a `ReportState`, `sections` computes one `Report` from it; the three renderers
here (`render_text`, `render_csv`, `render_html`) only format that same object, so their numbers agree by
construction; `source` reads the stream.
"""
