"""Talking to a model: the HTTP client and the embedded llama-server."""

from outrigger.model.client import ChatReply, ModelClient, ModelStats
from outrigger.model.embedded import EmbeddedServer

__all__ = ["ChatReply", "EmbeddedServer", "ModelClient", "ModelStats"]
