"""Who is asking: the conversation and the network address behind a request, as the use cases
need them for rate limits and for tying stored data to its conversation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

# Metadata key under which the Rasa server's door (rasa_ext/inbound.py) passes the client pseudonym.
CLIENT_METADATA_KEY = "client"


@dataclass(frozen=True)
class Requester:
    conversation_id: Optional[str] = None  # channel-namespaced sender id ("web:…", "telegram:…")
    client: Optional[str] = None  # pseudonym of the network address (never the address)


STAFF = Requester()  # staff commands and tests: no conversation, no address, no chat limits
