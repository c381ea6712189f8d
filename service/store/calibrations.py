"""Each organisation's calibration: what its finished MAPs say about how long steps take.

Built by the daily cron (``service.services.calibrate``) and read by every sync of the
organisation's MAPs. One row per organisation, replaced whole.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select

from service.store.base import StoreBase
from service.store.records import OrgCalibration
from service.store.tables import OrgCalibrationRow


def _to_record(row: Any) -> OrgCalibration:
    """The record of a calibration row (an ORM row or a result row with its columns)."""
    return OrgCalibration(
        org=row.org, plans=row.plans, calibration=row.calibration, built_at=row.built_at
    )


class Calibrations(StoreBase):
    def save_calibration(
        self, org: str, *, plans: int, calibration: dict[str, Any]
    ) -> OrgCalibration:
        """Stores ``org``'s calibration in place of the one it had (``org`` in lower case,
        as MAPs keep it)."""
        values = {
            "org": org.lower(),
            "plans": plans,
            "calibration": calibration,
            "built_at": self._now(),
        }
        statement = self._insert(OrgCalibrationRow).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[OrgCalibrationRow.org],
            set_={k: v for k, v in values.items() if k != "org"},
        )
        with self._writing() as session:
            session.execute(statement)
            row = session.get(OrgCalibrationRow, org.lower(), populate_existing=True)
            assert row is not None
            return _to_record(row)

    def get_calibration(self, org: str) -> OrgCalibration | None:
        with self._read_connection() as connection:
            row = connection.execute(_calibration_of(), {"org": org.lower()}).first()
            return None if row is None else _to_record(row)


@cache
def _calibration_of() -> Select[Any]:
    """An organisation's calibration row by ``org`` (a Core statement, built once)."""
    table = OrgCalibrationRow.__table__
    return select(table).where(table.c.org == bindparam("org"))
