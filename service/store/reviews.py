"""Weekly reviews of each MAP."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, or_, select, update

from service.store.base import StoreBase
from service.store.records import Review
from service.store.tables import MapRow, ReviewRow


def _to_record(row: ReviewRow) -> Review:
    return Review(
        id=row.id,
        spreadsheet_id=row.spreadsheet_id,
        on=row.on_date,
        summary=row.summary,
        created_at=row.created_at,
    )


class Reviews(StoreBase):
    def record_review(self, spreadsheet_id: str, on: date, summary: dict[str, Any]) -> Review:
        """Records a review, replacing one recorded for the same day (one review a day),
        and, in the same transaction, moves the MAP's ``last_reviewed_on`` forward to
        ``on`` (never back). ``MapNotFound`` if there is no such MAP."""
        with self._writing() as session:
            self._require_map(session, spreadsheet_id)
            session.execute(
                delete(ReviewRow).where(
                    ReviewRow.spreadsheet_id == spreadsheet_id, ReviewRow.on_date == on
                )
            )
            row = ReviewRow(
                spreadsheet_id=spreadsheet_id, on_date=on, summary=summary, created_at=self._now()
            )
            session.add(row)
            session.flush()
            session.execute(
                update(MapRow)
                .where(
                    MapRow.spreadsheet_id == spreadsheet_id,
                    or_(MapRow.last_reviewed_on.is_(None), MapRow.last_reviewed_on < on),
                )
                .values(last_reviewed_on=on)
                .execution_options(synchronize_session=False)
            )
            return _to_record(row)

    def last_review(self, spreadsheet_id: str, *, before: date | None = None) -> Review | None:
        """The review with the latest date (the later recorded on a tie), or the latest
        one dated before ``before``."""
        with self._reading() as session:
            query = select(ReviewRow).where(ReviewRow.spreadsheet_id == spreadsheet_id)
            if before is not None:
                query = query.where(ReviewRow.on_date < before)
            row = session.scalar(
                query.order_by(ReviewRow.on_date.desc(), ReviewRow.id.desc()).limit(1)
            )
            return None if row is None else _to_record(row)
