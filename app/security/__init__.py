"""Encryption at rest: the file format (`cipher.py`), the data key and its wraps
(`keys.py`, `keyfile.py`) and what the administrators' key seals and signs (`sealing.py`).

Pure functions over bytes and streams: no database, no Qt.
"""
