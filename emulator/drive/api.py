"""The Drive v3 routes, at ``/drive/v3/...`` as Google serves them.

One blueprint, ``drive``, nests one per Drive resource (``files``, ``comments``,
``permissions``, ``revisions``, ``channels``), so every endpoint is named by Google's method id
(``drive.files.create``, ``drive.permissions.list``, ``drive.channels.stop``), which
the counters, faults and race hooks key on.
"""

from __future__ import annotations

from flask import Blueprint

from emulator.drive import files, permissions, push, revisions

blueprint = Blueprint("drive", __name__, url_prefix="/drive/v3")
for resource in (
    files.files,
    files.comments,
    permissions.blueprint,
    revisions.blueprint,
    push.channels,
):
    blueprint.register_blueprint(resource)
