"""The layout of a file: the case workbook of shared/spec/import-template.md (template,
import checks, export), its labels and rules taken from `app.domain`.

Plain Python over python-calamine (reading) and `app.reports.spreadsheet` (writing);
nothing here imports Qt. The operations that open the database are in
`app.services.importing` and `app.services.exporting`.
"""
