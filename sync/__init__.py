"""The sync module: the wire contract between the laptops and the central server.

`sync.protocol` is the contract in code (pydantic models shared by both ends), `sync.bundle`
the offline transfer file, `sync.server` the reference central server. The laptop side of this
package never imports `agent_app`; the server imports only its pure rules (`agent_app.domain`).
"""

PROTOCOL_VERSION = 1
