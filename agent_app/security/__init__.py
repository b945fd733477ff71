"""Key slots, login and roles of the laptop's accounts. No Qt.

The local database is encrypted with one random 256-bit key; each account holds its own copy,
wrapped by a key derived from that account's password (see `keyslots`).
"""
