"""The `Báo cáo` screen (`screen.py`) and its parts: the period picker, the forms as
tables, the report's text, the actions (export, mark as sent, the register of sent
reports) and the rows about children read once more before the figures are frozen."""
