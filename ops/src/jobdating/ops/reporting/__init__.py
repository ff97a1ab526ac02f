"""`jobdating report`: statistics as a projection over the stream, rendered as text, CSV or HTML.

`fold` folds recorded events into a `ReportState`, `sections` computes one `Report` from it (`figures`
says what a report holds, `timeline` makes its schedule); the three renderers (`render_text`,
`render_csv`, `render_html`) only format that same object, so their numbers agree by construction;
`source` reads the stream.
"""
