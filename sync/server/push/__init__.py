"""Applying a pushed batch: the idempotency ledger, the conflict policy and server_seq.

`ledger` runs a batch's transaction (its docstring tells the steps), `prepare` judges each op
before any lock, `batch` holds the transaction's records, `edits` judges creates and updates,
`records` the shapes they share.
"""

from sync.server.push.batch import Batch as Batch
from sync.server.push.ledger import apply_batch as apply_batch
from sync.server.push.records import Busy as Busy
from sync.server.push.records import Caller as Caller
from sync.server.push.records import NikRow as NikRow
from sync.server.push.records import Outcome as Outcome
from sync.server.push.records import Rec as Rec
from sync.server.push.records import outcome_json as outcome_json
