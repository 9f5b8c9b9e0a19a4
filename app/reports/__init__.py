"""Monthly (or any period) report: figures, masking, narrative, Excel and PDF. No Qt."""
