"""County-level outputs built from plain data: the status chart (PNG), the summed tables
(.xlsx and a chat text) and the blank report template (.docx).

Import the submodules directly (``from nianbao.reports.chart import status_chart``): they are
kept apart so that making a blank template does not import matplotlib.
"""
