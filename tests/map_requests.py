"""What a seller asks for in tests that create a MAP: one builder, plausible values."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.services.provision import Contact, MapRequest

SELLER = "sam@vendor.example"
BUYER = "dana@acme.example"
ORG = "vendor.example"


def map_request(go_live: date, **overrides: Any) -> MapRequest:
    """A Create MAP request from the simple template for Acme Corp, shared with one buyer."""
    values: dict[str, Any] = {
        "template": "simple-close-plan",
        "account": "Acme Corp",
        "outcome": "Cut new-hire ramp time by half",
        "go_live": go_live,
        "buyers": (Contact("Dana Lee", BUYER),),
        "seller_owner": f"Sam Seller <{SELLER}>",
        "seller_email": SELLER,
        "org": ORG,
    }
    return MapRequest(**{**values, **overrides})
