"""Pure domain knowledge: codes, labels, fields and rules. No database, no Qt."""
