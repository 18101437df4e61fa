"""The server secret that keys API-key digests.

`MAESTRO_SECRET_KEY` wins; otherwise a random secret is generated once into
`<data_dir>/server.secret`, created with O_EXCL and mode 0600 so that two workers starting together
agree on one secret and no other user can read it. Losing the file invalidates every API key.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from maestro_graph.config import Settings

SECRET_FILE = "server.secret"


def server_secret(settings: Settings) -> bytes:
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        return settings.secret_key.get_secret_value().encode()
    path = Path(settings.data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process won the race; read its secret
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    for _ in range(100):  # the winner of a race may not have written yet
        text = path.read_text().strip()
        if text:
            return text.encode()
        time.sleep(0.01)
    raise OSError(f"empty server secret file {path}")
