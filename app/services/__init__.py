"""Whatever needs a session, a permission or an audit row. Nothing here imports Qt.

One function per user operation: it applies the rules of `app.domain` to stored data,
opens and closes its own session and returns frozen records, so the window can call it
from a worker thread.
"""
