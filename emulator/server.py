"""Command line entry of the emulator: `emulator/serve --port PORT [--state-dir DIR]`.

Runs in the foreground, prints a line containing `ready` once it listens on 127.0.0.1:PORT, and on SIGTERM
(or Ctrl-C) stops, taking every MariaDB server it started with it.
"""

import argparse
import gc
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import EmulatorApp
from .mariadb import MariaDBFleet


class QuietHandler(WSGIRequestHandler):
    """No access log line per request: a restore drill makes thousands."""

    def log_request(self, code="-", size="-"):
        return None

    protocol_version = "HTTP/1.1"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="serve", description="Local AWS Backup restore emulator (moto + real MariaDB)")
    parser.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument("--state-dir", help="where MariaDB data directories and backup payloads live (default: a temporary folder, removed on exit)")
    parser.add_argument("--job-seconds", type=float, default=float(os.environ.get("RESTOREKIT_EMULATOR_JOB_SECONDS", "0")),
                        help="how long each backup, copy and restore job takes (default 0: near instant)")
    parser.add_argument("--no-strict", action="store_true", help="do not validate AWS Backup responses against botocore's shapes")
    parser.add_argument("--spare", action="store_true", default=os.environ.get("RESTOREKIT_EMULATOR_SPARE") == "1",
                        help="keep a MariaDB server started ahead for the next DB instance (RESTOREKIT_EMULATOR_SPARE=1)")
    args = parser.parse_args(argv)

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # The backup role attaches AWS managed policies (AWSBackupServiceRolePolicyForBackup, ...): moto loads them on request.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    state_dir = args.state_dir or tempfile.mkdtemp(prefix="restorekit-emulator-")
    owns_state = args.state_dir is None
    os.makedirs(state_dir, exist_ok=True)
    fleet = MariaDBFleet(state_dir, spare=args.spare)
    app = EmulatorApp(state_dir, fleet, job_seconds=args.job_seconds, strict=not args.no_strict)
    server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=QuietHandler)
    stopping = threading.Event()

    def stop(_signum=None, _frame=None):
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    # A server of many small requests on a large heap (moto's models, botocore's service models, AWS's managed
    # policies): what exists once it is built is frozen, out of the cyclic collector's walks, and the youngest
    # generation is collected every 20,000 allocations instead of 700. Seeding a world and two playbook runs spent
    # 0.6 s in 677 collections; now under 0.1 s in 22.
    gc.freeze()
    gc.set_threshold(20000, 10, 10)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("restorekit emulator ready on http://127.0.0.1:%d (state in %s)" % (server.server_port, state_dir), flush=True)
    try:
        server.serve_forever()
    finally:
        for world in list(app.worlds.values()):
            world.stop()
        fleet.shutdown()
        if owns_state:
            shutil.rmtree(state_dir, ignore_errors=True)
        print("restorekit emulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
