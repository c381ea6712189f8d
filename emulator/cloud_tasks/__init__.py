"""A local Cloud Tasks (v2) emulator: the gRPC API the ``google-cloud-tasks`` client
speaks, and a dispatcher that calls each task's HTTP target.

    queues.py     queues and tasks: names that deduplicate, retries with backoff, the
                  queue's rate limits (max dispatches per second, max concurrent)
    dispatch.py   the HTTP call of one task, with an OIDC token from the sign-in emulator
    grpc_api.py   the ``google.cloud.tasks.v2.CloudTasks`` service over an insecure port
    __main__.py   ``python -m emulator.cloud_tasks --port 0 --oidc-issuer URL``

What it keeps of Cloud Tasks (the parts the backend relies on): a task named like one
that exists, or that ran or was deleted within the last hour, is refused with
ALREADY_EXISTS; a task runs at or after its ``schedule_time``; a non-2xx answer is retried
after ``min_backoff`` doubled up to ``max_doublings`` times (at most ``max_backoff``),
up to ``max_attempts``; a queue never has more than ``max_concurrent_dispatches`` calls
in flight nor starts more than ``max_dispatches_per_second``. ``oidc_token`` is honoured
by asking the sign-in emulator for an ID token of that service account, for the
audience given (or the target URL), as Cloud Tasks asks Google's.
"""
