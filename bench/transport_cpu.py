"""CPU per HTTP call of the gateway's transport, against the standard library's client.

Against the emulator (its own process, not counted), the two calls a sync makes most:
Drive's ``files.get`` for the file's version (a few hundred bytes) and the sync's read,
``spreadsheets.get`` of a 15-milestone MAP with grid data (about 100 KB). Each is sent
by:
- ``http.client``: one kept-alive ``HTTPConnection``, the reply read whole (what the
  transport was built on before: its header parsing goes through the ``email`` package);
- :class:`~service.sheets.transport.KeptConnections`: the request written in one piece,
  the reply parsed by llhttp (``httptools``).

Both send the same headers as the Google client does and read the same reply; neither
parses the JSON (the same for both). The two take turns over several rounds; the script
prints the median CPU microseconds of each and their ratio.

Run: PYTHONPATH=. .venv/bin/python bench/transport_cpu.py [--rounds 7] [--calls 300]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent))

from bench_sync import SERVICE_ACCOUNT, Harness, emulator_process

from service.runtime.start_up import settle
from service.services.coalesce import sync_coalesced
from service.sheets.transport import KeptConnections
from service.store import Store, migrate


def standard_library(url: str) -> Callable[[str, str, dict[str, str]], bytes]:
    connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=20)

    def call(method: str, target: str, headers: dict[str, str]) -> bytes:
        connection.request(method, target, headers=headers)
        reply = connection.getresponse()
        body = reply.read()
        assert reply.status == 200, reply.status
        return body

    return call


def kept_connections(url: str) -> Callable[[str, str, dict[str, str]], bytes]:
    client = KeptConnections(20)

    def call(method: str, target: str, headers: dict[str, str]) -> bytes:
        response, body = client.request(url + target, method, headers=headers)
        assert response.status == 200, response.status
        return body

    return call


def cpu_us(call: Callable[[], bytes], calls: int) -> float:
    call()
    start = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - start) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=300, help="calls per round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, emulator_process() as url:
        store = Store.from_url(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        migrate(store.engine)
        h = Harness(url, store)
        settle()
        spreadsheet_id = h.provision()
        sync_coalesced(h.backend, spreadsheet_id)
        gateway = h.gateways()
        # The requests exactly as google-api-python-client builds them for the gateway.
        requests = {
            "files.get (version)": gateway._files.get(
                fileId=spreadsheet_id, fields="version", supportsAllDrives=True
            ),
            "spreadsheets.get (the sync's read)": gateway._spreadsheets.get(
                spreadsheetId=spreadsheet_id,
                ranges=["Plan", "Timeline"],
                includeGridData=True,
                fields="sheets(data(rowData(values(userEnteredValue,formattedValue,"
                "note,userEnteredFormat(backgroundColor,numberFormat)))))",
            ),
        }
        token = h.token(SERVICE_ACCOUNT)
        clients = {"http.client": standard_library(url), "KeptConnections": kept_connections(url)}
        for label, request in requests.items():
            target = request.uri[len(url) :]
            headers = {**request.headers, "authorization": f"Bearer {token}"}
            size = len(clients["http.client"]("GET", target, headers))
            samples: dict[str, list[float]] = {name: [] for name in clients}
            for _ in range(args.rounds):
                for name, client in clients.items():
                    samples[name].append(
                        cpu_us(
                            partial(client, "GET", target, headers),
                            args.calls,
                        )
                    )
            medians = {name: statistics.median(values) for name, values in samples.items()}
            print(f"{label}, reply {size:,} bytes:")
            for name, value in medians.items():
                print(f"    {name:16} {value:7.1f} us CPU per call")
            ratio = medians["http.client"] / medians["KeptConnections"]
            print(f"    ratio            {ratio:7.2f}x less CPU with KeptConnections")


if __name__ == "__main__":
    main()
