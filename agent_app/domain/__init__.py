"""Pure business rules of Perisai Agent: records, keys, identity checks and contribution quotes.

Nothing here imports Qt or SQL. The central server imports this package too, so that the
laptop and the server judge a NIK, a phone number or a quote the same way.
"""
