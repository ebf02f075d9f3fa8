"""Run the fake Open edX standalone (used by tools/bench/bench_upload.py).

    PYTHONPATH=tests python -m fake_openedx --workdir ./fake-openedx --client ID:SECRET:USER --staff USER
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from fake_openedx.server import FakeOpenEdx, Limits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fake_openedx", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, required=True, help="where uploads are stored and unpacked")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--lms-port", type=int, default=0)
    parser.add_argument("--cms-port", type=int, default=0)
    parser.add_argument("--urls-file", type=Path, help="write {lms_url, cms_url} as JSON here once listening")
    parser.add_argument("--client", action="append", default=[], metavar="ID:SECRET:USER",
                        help="an OAuth2 application (repeatable); its user is created if needed")
    parser.add_argument("--staff", action="append", default=[], metavar="USER", help="make USER global staff")
    parser.add_argument("--course", action="append", default=[], metavar="COURSE_ID", help="an existing course")
    parser.add_argument("--max-upload-bytes", type=int, default=250_000_000,
                        help="reverse-proxy body limit (Tutor's Caddy: 250MB); 0 = no limit")
    parser.add_argument("--max-extracted-size", type=int, default=Limits.max_extracted_size)
    parser.add_argument("--max-files", type=int, default=Limits.max_files)
    parser.add_argument("--max-ratio", type=int, default=Limits.max_ratio)
    parser.add_argument("--discard-uploads", action="store_true", help="delete each upload once its task ends")
    args = parser.parse_args(argv)

    app = FakeOpenEdx(
        args.workdir,
        max_upload_bytes=args.max_upload_bytes or None,
        limits=Limits(args.max_extracted_size, args.max_files, args.max_ratio),
        keep_uploads=not args.discard_uploads,
    )
    for spec in args.client:
        client_id, secret, user = spec.split(":", 2)
        if user not in app.users:
            app.add_user(user)
        app.add_client(client_id, secret, user)
    for user in args.staff:
        app.users.setdefault(user, app.add_user(user)).is_staff = True
    for course_id in args.course:
        app.add_course(course_id)
    app.start(args.host, args.lms_port, args.cms_port)
    if args.urls_file:
        tmp = args.urls_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"lms_url": app.lms_url, "cms_url": app.cms_url}))
        tmp.replace(args.urls_file)
    print(f"fake Open edX: LMS {app.lms_url}  CMS {app.cms_url}", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    app.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
