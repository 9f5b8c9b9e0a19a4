"""Every rule, validation and count of the program. Nothing here imports Qt.

Each operation opens and closes its own session and returns frozen records,
so the window can call it from a worker thread.
"""
