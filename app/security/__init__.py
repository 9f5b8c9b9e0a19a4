"""Encryption at rest: the file format (`cipher.py`) and the data key (`keys.py`).

Pure functions over bytes and streams: no database, no Qt.
"""
