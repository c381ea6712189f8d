"""The outbox: a decision recorded with its keys at most once, messages claimed under a
lease, sent once, claimed again when their sender died; settings, opt-outs, used links."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from service.store import MapNotFound, NewOutboxMessage, Store
from tests.db_fixtures import make_map
from tests.integration.store.fake_clock import FakeClock

DAY = date(2026, 11, 23)
LEASE = timedelta(minutes=5)


def _message(
    clock: FakeClock, recipient: str = "dana@acme.com", **fields: object
) -> NewOutboxMessage:
    values: dict[str, object] = {
        "spreadsheet_id": "sheet-1",
        "purpose": "reminders",
        "recipient": recipient,
        "day": DAY,
        "content": {"subject": "Due soon"},
        "send_after": clock.now,
    }
    values.update(fields)
    return NewOutboxMessage(**values)  # type: ignore[arg-type]


def test_a_decision_is_recorded_once_per_key(clocked_store: Store, clock: FakeClock) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    key = ("m1", "upcoming", DAY)

    first = clocked_store.record_decision(_message(clock), [key])
    again = clocked_store.record_decision(_message(clock, day=DAY + timedelta(days=1)), [key])

    assert first is not None and again is None
    assert clocked_store.decided_keys("sheet-1", [key, ("m2", "upcoming", DAY)]) == {key}
    assert [m.id for m in clocked_store.outbox_messages("sheet-1")] == [first.id]


def test_one_message_per_person_per_map_per_day(clocked_store: Store, clock: FakeClock) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    make_map(clocked_store, spreadsheet_id="sheet-2")

    assert clocked_store.record_decision(_message(clock), [("m1", "upcoming", DAY)])
    assert clocked_store.record_decision(_message(clock), [("m2", "upcoming", DAY)]) is None
    # The refused decision left no key behind: it is decided again another day.
    assert clocked_store.decided_keys("sheet-1", [("m2", "upcoming", DAY)]) == set()
    assert clocked_store.record_decision(_message(clock, recipient="priya@acme.com"))
    assert clocked_store.record_decision(_message(clock, spreadsheet_id="sheet-2"))
    assert clocked_store.record_decision(_message(clock, day=DAY + timedelta(days=1)))


def test_a_decision_for_no_map_is_refused(clocked_store: Store, clock: FakeClock) -> None:
    with pytest.raises(MapNotFound):
        clocked_store.record_decision(_message(clock, spreadsheet_id="nope"))


def test_claim_send_and_reclaim_after_a_dead_sender(clocked_store: Store, clock: FakeClock) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    later = clocked_store.record_decision(
        _message(clock, recipient="later@acme.com", send_after=clock.now + timedelta(hours=2))
    )
    now = clocked_store.record_decision(_message(clock))
    assert now is not None and later is not None

    claimed = clocked_store.claim_messages(lease=LEASE)
    assert [m.id for m in claimed] == [now.id]
    # Held: nobody else gets it while the lease runs.
    assert clocked_store.claim_messages(lease=LEASE) == []
    # The sender died; once the lease is over the message is claimed again.
    clock.advance(minutes=6)
    again = clocked_store.claim_messages(lease=LEASE)
    assert [(m.id, m.attempts) for m in again] == [(now.id, 2)]
    clocked_store.mark_sent(now.id)
    clock.advance(minutes=6)
    assert clocked_store.claim_messages(lease=LEASE) == []
    sent = clocked_store.get_outbox_message(now.id)
    assert sent is not None and sent.sent_at is not None
    # Its time comes.
    clock.advance(hours=2)
    assert [m.id for m in clocked_store.claim_messages(lease=LEASE)] == [later.id]
    assert clocked_store.pending_count() == 1


def test_a_failed_delivery_is_retried_later(clocked_store: Store, clock: FakeClock) -> None:
    make_map(clocked_store, spreadsheet_id="sheet-1")
    message = clocked_store.record_decision(_message(clock))
    assert message is not None
    clocked_store.claim_messages(lease=LEASE)
    clocked_store.release_message(
        message.id, error="421 try later", retry_at=clock.now + timedelta(minutes=10)
    )
    assert clocked_store.claim_messages(lease=LEASE) == []
    clock.advance(minutes=10)
    (again,) = clocked_store.claim_messages(lease=LEASE)
    assert again.last_error == "421 try later"


def test_concurrent_senders_never_claim_the_same_message(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    now = store._now()
    for i in range(40):
        store.record_decision(
            NewOutboxMessage("sheet-1", "reminders", f"p{i}@acme.com", DAY, {}, now)
        )
    claimed: list[int] = []
    lock = threading.Lock()

    def sender() -> None:
        while batch := store.claim_messages(limit=3, lease=timedelta(hours=1)):
            with lock:
                claimed.extend(m.id for m in batch)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(claimed) == 40 == len(set(claimed))


def test_settings_default_on_and_can_be_turned_off(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    make_map(store, spreadsheet_id="sheet-2")
    assert store.reminder_settings("sheet-1").enabled
    assert store.maps_with_reminders() == ["sheet-1", "sheet-2"]

    store.set_reminder_settings("sheet-1", enabled=False)
    store.set_reminder_settings("sheet-2", chat_webhook="https://chat.example/hook")

    assert store.maps_with_reminders() == ["sheet-2"]
    assert store.reminder_settings("sheet-2").chat_webhook == "https://chat.example/hook"
    assert store.reminder_settings("sheet-2").enabled
    with pytest.raises(MapNotFound):
        store.set_reminder_settings("nope", enabled=False)


def test_an_opt_out_sticks_until_opted_in(store: Store) -> None:
    store.opt_out("Dana@Acme.com")
    store.opt_out("dana@acme.com")
    assert store.opted_out(["DANA@acme.com", "priya@acme.com"]) == {"dana@acme.com"}
    store.opt_in("dana@ACME.com")
    assert store.opted_out(["dana@acme.com"]) == set()


def test_a_link_is_used_once(store: Store) -> None:
    make_map(store, spreadsheet_id="sheet-1")
    assert not store.link_used("n1")
    assert store.use_link("sheet-1", "n1")
    assert not store.use_link("sheet-1", "n1")
    assert store.link_used("n1")
