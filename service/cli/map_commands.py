"""``map``: create, sync, review and show MAP spreadsheets from the command line.

    python -m service map create --account "Acme Corp" --go-live 2027-03-31 \\
        --buyer "Dana Lee <dana@acme.com>" --seller "Sam Seller <sam@vendor.com>"
    python -m service map sync SPREADSHEET_ID
    python -m service map review SPREADSHEET_ID
    python -m service map show SPREADSHEET_ID
    python -m service map list --org vendor.com

By default it works against the local emulator (``MAP_EMULATOR_URL``, started by
``python -m service serve`` or ``python -m service emulator``) and the store under
``MAP_DATA_DIR``; with ``MAP_GOOGLE_MODE=google`` and credentials configured, against
Google (``create`` then needs the seller's OAuth access token in ``--seller-token`` or
``MAP_SELLER_TOKEN``). Bad input: one line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from typing import Any

from service.cli.common import fail


def add_parser(sub: Any, name: str, help_text: str) -> None:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    commands = parser.add_subparsers(dest="map_command", metavar="ACTION", required=True)

    create = commands.add_parser("create", help="create a MAP spreadsheet from a template")
    create.add_argument(
        "--template", default="enterprise", help="template name (default: enterprise)"
    )
    create.add_argument("--account", required=True, help="the buyer's company")
    create.add_argument("--outcome", default="", help='the "why": what the buyer gets')
    create.add_argument("--go-live", required=True, metavar="YYYY-MM-DD")
    create.add_argument(
        "--buyer",
        action="append",
        default=[],
        metavar='"NAME <EMAIL>"',
        help="a buyer contact (repeat)",
    )
    create.add_argument(
        "--seller", required=True, metavar='"NAME <EMAIL>"', help="the seller who owns the MAP"
    )
    create.add_argument("--country", default="US")
    create.add_argument("--signature-date", metavar="YYYY-MM-DD")
    create.add_argument("--spreadsheet-id", help="lay the MAP out in this existing spreadsheet")
    create.add_argument("--seller-token", help="the seller's OAuth access token (Google mode)")
    for action, text in (
        ("sync", "read the sheet, recompute and write what changed"),
        ("review", "run the weekly review"),
        ("show", "print health, slip, risks and milestones"),
    ):
        command = commands.add_parser(action, help=text)
        command.add_argument("spreadsheet_id")
    listing = commands.add_parser("list", help="the pipeline of an organisation's MAPs")
    listing.add_argument("--org", required=True, help="the organisation (email domain)")
    listing.add_argument(
        "--sort",
        default="risk",
        choices=["risk", "slip", "go_live", "account", "signature"],
        help="signature: most likely to sign this quarter first",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from service.cli.map_backend import BackendUnavailable, build_backend
    from service.cli.map_output import print_map, print_pipeline, print_review
    from service.config import Settings
    from service.sheets import SheetsError
    from service.store.errors import MapAlreadyExists, MapNotFound

    settings = Settings()
    try:
        backend = build_backend(settings)
    except BackendUnavailable as exc:
        fail(str(exc))
    try:
        if args.map_command == "create":
            return _create(args, settings, backend)
        if args.map_command == "list":
            from service.services.views import pipeline, rollup

            rows = pipeline(backend, args.org.lower(), args.sort)
            print_pipeline(rows, rollup(rows))
            return 0
        if args.map_command == "sync":
            from service.services.coalesce import sync_coalesced

            run = sync_coalesced(backend, args.spreadsheet_id)
            print(
                "synced" if run.syncs else "another worker is syncing it; it will cover this change"
            )
        elif args.map_command == "review":
            from service.services.review import run_review

            print_review(run_review(backend, args.spreadsheet_id).to_json())
            return 0
        from service.services.views import map_view

        print_map(map_view(backend, args.spreadsheet_id).to_json())
        return 0
    except (MapNotFound, MapAlreadyExists) as exc:
        fail(str(exc))
    except SheetsError as exc:
        fail(f"Google: {exc}")
    finally:
        backend.store.close()


def _create(args: argparse.Namespace, settings: Any, backend: Any) -> int:
    from service.cli.map_backend import seller_token_for
    from service.cli.map_output import print_map
    from service.domain.owners import parse_owner
    from service.services.provision import (
        Contact,
        MapConflict,
        MapRequest,
        NotAnEditor,
        ProvisionInputError,
        provision_map,
    )
    from service.services.views import map_view
    from service.templates import TemplateError

    go_live = _date(args.go_live, "--go-live")
    signature = _date(args.signature_date, "--signature-date") if args.signature_date else None
    buyers = []
    for text in args.buyer:
        name, email = parse_owner(text)
        if not email:
            fail(f'--buyer {text!r}: give an email, as "Name <email>"')
        buyers.append(Contact(name or email, email))
    _, seller_email = parse_owner(args.seller)
    if not seller_email:
        fail(f'--seller {args.seller!r}: give an email, as "Name <email>"')
    token = args.seller_token or os.environ.get("MAP_SELLER_TOKEN", "")
    if not token:
        if settings.google_mode != "local":
            fail("--seller-token (or MAP_SELLER_TOKEN) is needed to create a MAP in Google")
        token = seller_token_for(settings, seller_email)
    request = MapRequest(
        template=args.template,
        account=args.account,
        outcome=args.outcome,
        go_live=go_live,
        buyers=tuple(buyers),
        seller_owner=args.seller,
        seller_email=seller_email,
        org=seller_email.rsplit("@", 1)[1].lower(),
        country=args.country,
        signature_date=signature,
        spreadsheet_id=args.spreadsheet_id,
    )
    try:
        made = provision_map(backend, request, token)
    except ProvisionInputError as exc:
        fail(f"--{exc.field.replace('_', '-')}: {exc.message}")
    except (TemplateError, MapConflict, NotAnEditor) as exc:
        fail(str(exc))
    print(f"Created {made.url}")
    print_map(map_view(backend, made.spreadsheet_id).to_json())
    return 0


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r}: not a date (expected YYYY-MM-DD)")


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run as: python -m service map ...")
