"""Talking to a model: the HTTP client (`client`) and the embedded llama-server (`embedded`)."""

from outrigger.model.client import ChatReply, ModelClient, ModelStats

__all__ = ["ChatReply", "ModelClient", "ModelStats"]
