"""The command line: ``virtlab`` and its sub-commands.

Exit codes: 0 ok, 1 invalid input (a file with problems, an unknown lesson), 2 usage, 3 a
traced packet that does not arrive.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import ipaddress
import json
import os
import secrets
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from virtlab.core.compute.actions import FaultKind

FAULTS: dict[str, FaultKind] = {
    "host": "host-down",
    "host-panic": "host-panic",
    "guest-panic": "guest-panic",
    "container": "crash",
    "power-off": "power-off",
    "disk-lost": "disk-lost",
}
#: Faults of the storage stack (a physical disk, a whole RAID group, an OSD, a Ceph host, a MON:
#: mon.0 …, a storage array, a fabric switch, one path from a host to an array).
STORAGE_FAULTS = ("disk", "raid", "osd", "ceph-host", "mon", "array", "fabric", "path")
#: Faults of the network (a cable, a host's NIC, a physical switch, a router, the SDN controller).
NETWORK_FAULTS = ("link", "uplink", "switch", "router", "controller")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="virtlab", description="A terminal learning lab for virtualization."
    )
    p.add_argument("--lang", choices=("en", "ko"), help="language (default: from the locale)")
    p.add_argument("--data-dir", type=Path, help="where progress is kept (or VIRTLAB_DATA_DIR)")
    p.add_argument("--lessons", type=Path, metavar="DIR",
                   help="the course to use: a folder with en/, ko/, labs/ (or VIRTLAB_LESSONS)")
    # The same options after the command too (`virtlab serve --data-dir DIR`).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("en", "ko"), default=argparse.SUPPRESS,
                        help="language (default: from the locale)")
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS,
                        help="where progress is kept (or VIRTLAB_DATA_DIR)")
    common.add_argument("--lessons", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                        help="the course to use: a folder with en/, ko/, labs/ (or VIRTLAB_LESSONS)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    o = sub.add_parser("open", parents=[common], help="open a lesson by id")
    o.add_argument("lesson", help="lesson id, e.g. l1-what-is-virtualization")

    s = sub.add_parser("sandbox", parents=[common], help="open a scenario or lab file with every action allowed")
    s.add_argument("file", nargs="?", type=Path)

    r = sub.add_parser("report", parents=[common], help="print the report of a scenario or lab file")
    r.add_argument("file", type=Path)
    r.add_argument("--json", action="store_true", help="print JSON for scripts")
    r.add_argument(
        "--fault", action="append", default=[], metavar="KIND:NAME",
        help="inject a fault first: host:NAME, host-panic:NAME, guest-panic:VM, container:NAME, "
        "power-off:VM, disk-lost:VM, in the storage stack disk:NAME, raid:NAME, osd:NAME, "
        "ceph-host:NAME, mon:mon.N, array:NAME, fabric:NAME, path:NAME, and in the network link:NAME, uplink:NAME, switch:NAME, "
        "router:NAME, controller:NAME (repeatable)",
    )
    r.add_argument("--pairs", action="store_true", help="always include the pairwise isolation view")
    r.add_argument("--width", type=int, metavar="COLUMNS",
                   help="width of the text report (default: the terminal's, 200 when piped)")

    tr = sub.add_parser("trace", parents=[common], help="trace a packet between two workloads of a scenario")
    tr.add_argument("file", type=Path)
    tr.add_argument("src", help="the sending workload (or vNIC)")
    tr.add_argument("dst", help="the receiving workload (or vNIC)")
    tr.add_argument("--proto", choices=("icmp", "tcp", "udp"), default="icmp")
    tr.add_argument("--port", type=int, help="destination port (tcp, udp)")
    tr.add_argument("--size", type=int, default=1500, help="IP packet size in bytes, DF set (default 1500)")
    tr.add_argument("--fault", action="append", default=[], metavar="KIND:NAME", help="inject a fault first")
    tr.add_argument("--json", action="store_true", help="print JSON for scripts")

    c = sub.add_parser("check", parents=[common], help="validate lessons, labs and scenarios")
    c.add_argument("paths", nargs="*", type=Path)
    c.add_argument("--list", choices=("checks", "actions"),
                   help="print the goal checks with their params, or the action kinds with their keys")

    from virtlab.cli_reports import add_parsers

    add_parsers(sub, common)

    v = sub.add_parser("serve", parents=[common], help="serve the app to a browser (textual-serve)")
    v.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    v.add_argument("--port", type=int, default=8000)
    v.add_argument("--token", help="an access token the page needs (?token=…); 'auto' makes one")
    v.add_argument("--max-sessions", type=int, default=40, help="concurrent sessions at most (default 40)")
    return p


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def _load_state(path: Path):
    """A datacenter from a scenario file or a lab file's scenario."""
    from virtlab.course.labs import load_any

    return load_any(path)


def _with_faults(args: argparse.Namespace):
    """The file's datacenter with ``--fault``s injected, or ``(None, exit code)``."""
    from virtlab.core.actions import apply
    from virtlab.core.base import ActionBase, Refused
    from virtlab.core.compute.actions import Fail
    from virtlab.core.network.faults import NetFail
    from virtlab.core.storage.actions import StorageFail

    dc, problems = _load_state(args.file)
    if dc is None:
        for line in problems:
            _err(line)
        return None, 1
    kinds = [*FAULTS, *STORAGE_FAULTS, *NETWORK_FAULTS]
    for spec in args.fault:
        kind, _, name = spec.partition(":")
        if kind not in kinds or not name:
            _err(f"--fault {spec}: expected KIND:NAME with KIND one of {', '.join(kinds)}")
            return None, 2
        action: ActionBase = (StorageFail(name=name) if kind in STORAGE_FAULTS else NetFail(name=name)
                              if kind in NETWORK_FAULTS else Fail(name=name, fault=FAULTS[kind]))
        try:
            dc = apply(dc, action)
        except Refused as e:
            _err(f"--fault {spec}: {e}")
            return None, 1
    return dc, 0


def cmd_report(args: argparse.Namespace) -> int:
    from virtlab.core.report import build_report, to_jsonable

    dc, code = _with_faults(args)
    if dc is None:
        return code
    report = build_report(dc, pairs=True if args.pairs else None)
    if args.json:
        print(json.dumps(to_jsonable(report), indent=2, ensure_ascii=False, allow_nan=False))
        return 0
    from rich.console import Console

    from virtlab.reportview import PLAIN_ABOVE, plain_report, render_report

    if len(report.workloads) > PLAIN_ABOVE:
        print(plain_report(report))
        return 0
    width = args.width or (None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200)
    Console(width=width).print(render_report(report))
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    """``virtlab trace FILE SRC DST``: the packet's path hop by hop, or the hop that drops it."""
    from virtlab.core.network.trace import trace, where_of
    from virtlab.course.i18n import t
    from virtlab.course.trace_text import hop_text, trace_reason

    dc, code = _with_faults(args)
    if dc is None:
        return code
    lang = getattr(args, "lang", None) or _env_lang() or "en"
    net = dc.network
    for name in (args.src, args.dst):
        if name not in net.vnic_index and name not in net.vnics_of:
            _err(f"{args.file}: no workload or vNIC named {name!r} has a vNIC in its network")
            return 1
    port = args.port if args.proto != "icmp" else None
    tr = trace(net, where_of(dc), args.src, args.dst, args.proto, port, args.size)
    if args.json:
        print(json.dumps(tr.as_json(), indent=2, ensure_ascii=False))
        return 0 if tr.ok else 3
    what = f"{args.proto}/{port}" if port is not None else args.proto
    print(t("net.cli.head", lang, src=args.src, dst=args.dst, what=what, size=args.size))
    for leg, title in ((tr, "net.cli.request"), (tr.reply, "net.cli.reply")):
        if leg is None:
            continue
        print(t(title, lang))
        for i, hop in enumerate(leg.hops, 1):
            print(f"  {i:2}. {hop_text(hop, lang)}")
    print(t("net.cli.ok", lang) if tr.ok else t("net.cli.dropped", lang, reason=trace_reason(tr, lang)))
    return 0 if tr.ok else 3


def cmd_check(args: argparse.Namespace) -> int:
    from virtlab.course.checker import check_paths

    if args.list:
        from virtlab.course.reference import actions_reference, checks_reference

        print(checks_reference() if args.list == "checks" else actions_reference())
        if not args.paths:
            return 0
    if not args.paths:
        _err("check: name the lessons folder, labs or scenarios to check (or --list checks|actions)")
        return 2
    problems, checked = check_paths(args.paths)
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s) in {checked} file(s) checked.", file=sys.stderr)
        return 1
    print(f"OK: {checked} file(s) checked, no problems.")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    # Pydantic looks for plugins in every installed package's metadata when the first model
    # is built — on the way to a lesson's first frame. virtlab's models use none; a user who
    # sets the variable keeps their choice.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # Start-up makes hundreds of thousands of objects that live as long as the app, and
    # every full pass of the collector walks them all (about 50 ms each, two or three of
    # them before the lab shows); the app's warm-up thread turns it back on once they are
    # made, and freezes them out of its sight.
    gc.disable()
    try:
        return _run_app(args)
    finally:
        gc.enable()


def _run_app(args: argparse.Namespace) -> int:
    try:
        from virtlab.ui.app import make_app
    except ImportError as e:  # pragma: no cover - until the app lands
        _err(f"the app is not available: {e}")
        return 1
    from virtlab.course import paths
    from virtlab.course.i18n import detect_lang

    lang = args.lang or _env_lang() or detect_lang()
    data_dir = args.data_dir
    sessions = os.environ.get(paths.SESSIONS_ENV, "").strip()
    if data_dir is None and sessions:  # one app process of `virtlab serve`: its own progress
        data_dir = paths.new_session_dir(Path(sessions))
    kwargs: dict = {"lang": lang, "data_dir": data_dir}
    if args.command == "open":
        from virtlab.course.lessons import load_catalog
        from virtlab.course.paths import lessons_dir

        root = lessons_dir()
        catalog, errors = load_catalog(root)
        if catalog.get(args.lesson, lang) is None:
            twin = next((catalog.get(args.lesson, other) for other in ("en", "ko")
                         if other != lang and catalog.get(args.lesson, other)), None)
            if twin is not None:  # it exists in the other language: say what is wrong here
                path = root / lang / twin.path.name
                problems = [str(e) for e in errors if e.path == path] or [
                    f"{path}: file: not found (the {twin.lang} lesson is {twin.path})"]
                _err(f"lesson {args.lesson!r} cannot open in {lang}:")
                for line in problems:
                    _err(line)
                return 1
            near = [n for n in catalog.nearest_ids(args.lesson) if n != args.lesson]
            hint = (f"; did you mean {', '.join(near)}?" if near
                    else f"; known lessons: {', '.join(sorted(catalog.ids()))}")
            _err(f"unknown lesson id {args.lesson!r}{hint}")
            return 1
        kwargs["open_lesson"] = args.lesson
        kwargs["catalog"] = (catalog, errors)  # read once
    if args.command == "sandbox":
        if args.file is not None:
            dc, problems = _load_state(args.file)
            if dc is None:
                for line in problems:
                    _err(line)
                return 1
            kwargs["sandbox"] = (args.file, dc)
        else:
            kwargs["sandbox"] = (None, None)
    app = make_app(**kwargs)
    app.collect_after_warm_up = True
    app.run()
    return app.return_code or 0


def _env_lang() -> str | None:
    from virtlab.course import paths

    value = os.environ.get(paths.LANG_ENV, "").strip()
    return value if value in ("en", "ko") else None


def serve_command() -> str:
    """The command textual-serve runs (through a shell) for every browser session: constant,
    with nothing taken from the user; settings reach the app through the environment."""
    return f"{shlex.quote(sys.executable)} -m virtlab"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    from virtlab import serve
    from virtlab.course import paths

    # Each session's app process keeps its progress in a folder of its own under this one.
    os.environ[paths.SESSIONS_ENV] = str(paths.data_dir(args.data_dir).resolve() / "sessions")
    os.environ.pop(paths.DATA_DIR_ENV, None)
    if args.lang:
        os.environ[paths.LANG_ENV] = args.lang
    if not is_loopback(args.host):
        _err(f"warning: serving on {args.host}, not only this machine: anyone who can reach "
             f"port {args.port} there can open the lab (use --host 127.0.0.1 to keep it local)")
    token = secrets.token_urlsafe(12) if args.token == "auto" else args.token
    where = f"http://{args.host}:{args.port}/" + (f"?token={token}" if token else "")
    print(f"Serving virtlab on {where} (Ctrl+C to stop; at most {args.max_sessions} sessions)")
    serve.ClassServer(serve_command(), sessions_root=Path(os.environ[paths.SESSIONS_ENV]), token=token,
                      max_sessions=args.max_sessions, host=args.host, port=args.port, title="virtlab").serve()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader went away (e.g. `virtlab report … | head`): say nothing more.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 1


def _use_lessons(folder: Path | None) -> bool:
    """``--lessons DIR``: every command (and every session ``serve`` starts) reads that course."""
    if folder is None:
        return True
    from virtlab.course import paths

    if not ((folder / "en").is_dir() or (folder / "ko").is_dir()):
        _err(f"--lessons {folder}: not a course folder (it needs en/ or ko/, with labs/ beside them)")
        return False
    os.environ[paths.LESSONS_ENV] = str(folder.resolve())
    return True


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    if not _use_lessons(getattr(args, "lessons", None)):
        return 2
    if args.command == "report":
        return cmd_report(args)
    if args.command == "check":
        return cmd_check(args)
    if args.command == "trace":
        return cmd_trace(args)
    if args.command == "serve":
        return cmd_serve(args)
    if args.command in ("export", "verify", "new", "present"):
        from virtlab.cli_reports import cmd_export, cmd_new, cmd_present, cmd_verify

        commands = {"export": cmd_export, "verify": cmd_verify, "new": cmd_new, "present": cmd_present}
        return commands[args.command](args)
    return cmd_app(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
