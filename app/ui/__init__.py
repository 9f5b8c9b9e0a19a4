"""The desktop window. It only calls the services; no rule or SQL lives here."""
