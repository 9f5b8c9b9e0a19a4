"""Pure functions and constants: no database, no session, no Qt, no file layout.

Codes, labels, fields declared once, the rules a case and an event must satisfy, the
warnings, the deadlines, each legal figure with its source (docs/architecture.md, "Where a
rule lives").
"""
