"""`jobdating report`: statistics as a projection over the stream, rendered as text, CSV or HTML.

`projection` folds recorded events into a `ReportState` and computes one `Report`; the three renderers
(`render_text`, `render_csv`, `render_html`) only format that same object, so their numbers agree by
construction; `source` reads the stream.
"""
