"""Reports: CSV / XLSX exports, the printable enrollment receipt and the daily summary.

Qt-free. Each report is built here as plain data (and, for the printable ones, as HTML in
Bahasa Indonesia); `agent_app.ui.printing` turns that HTML into a PDF or sends it to a printer.
`python -m agent_app.reports` is the command-line face (exports).
"""
