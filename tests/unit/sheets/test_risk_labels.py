"""Every risk the engine can raise reads as words in the sheet, never as its code."""

from __future__ import annotations

from service.domain.model import RiskCode
from service.sheets.render import RISK_LABELS


def test_every_risk_code_has_a_label_in_words() -> None:
    missing = [code for code in RiskCode if not RISK_LABELS.get(code)]
    assert missing == []
    assert all(label != code and not label.isupper() for code, label in RISK_LABELS.items())
