"""The LSP adapter: `server.py` (thin pygls handlers), `convert.py` (core ↔ lsprotocol)."""
