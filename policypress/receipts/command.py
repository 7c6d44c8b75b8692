"""`policypress receipts`: serve, verify, export, show, purge.

Every subcommand reads the same database: --database, else POLICYPRESS_RECEIPTS_DB, else
receipts.sqlite3 in the current folder. The service's libraries (the `receipts` extra) are
imported only when a subcommand runs, so the rest of policypress works without them.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any, TextIO

DEFAULT_PORT = 8127


def register(commands: Any) -> None:
    """Adds `receipts` and its subcommands to the command line's subparsers."""
    receipts = commands.add_parser("receipts", help="the consent-receipt service and its records",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument("--database", metavar="URL", default=None,
                          help="a SQLite file or URL, or postgresql://user@host/db (default: $POLICYPRESS_RECEIPTS_DB, "
                               "else receipts.sqlite3 here)")
    site = argparse.ArgumentParser(add_help=False)
    site.add_argument("--site", "-f", "--config-file", dest="site", type=Path, default=Path("mkdocs.yml"),
                      help="the policy site's mkdocs.yml: which revisions, categories, languages and origins receipts "
                           "may have (default: mkdocs.yml)")
    sub = receipts.add_subparsers(dest="receipts_command", required=True)

    serve = sub.add_parser("serve", parents=[database, site], help="receive the banner's receipts (ASGI, uvicorn)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=port_number, default=DEFAULT_PORT,
                       help=f"port (default: {DEFAULT_PORT}; 0: any free port, printed when listening)")
    serve.add_argument("--origin", action="append", default=[], metavar="URL",
                       help="another origin whose pages may send receipts (CORS); site_url's origin always may")
    serve.add_argument("--path", default=None, help="where receipts are taken (default: the path of consent.endpoint)")
    serve.add_argument("--client-ip", choices=("none", "truncated"), default="none",
                       help="what is stored of the sender's address: none (default), or its /24 (IPv4) or /48 (IPv6)")
    serve.add_argument("--rate", type=float, default=60, metavar="N",
                       help="receipts a minute per client address after the burst (default: 60; 0: no limit)")
    serve.add_argument("--burst", type=int, default=30, help="receipts a client may send at once (default: 30)")
    serve.add_argument("--max-bytes", type=count, default=8192, help="largest receipt accepted (default: 8192)")
    serve.add_argument("--forwarded-allow-ips", default="127.0.0.1",
                       help="proxies whose X-Forwarded-For is trusted for the client's address (default: 127.0.0.1)")
    serve.add_argument("--read-timeout", type=seconds, default=10.0, metavar="SECONDS",
                       help="time a request has to arrive whole, however slowly it comes (default: 10)")
    serve.add_argument("--db-timeout", type=seconds, default=5.0, metavar="SECONDS",
                       help="longest wait for the database before answering 503 (default: 5)")

    sub.add_parser("verify", parents=[database], help="check the hash chain; name the first broken row")

    export = sub.add_parser("export", parents=[database], help="write receipts received in a period")
    export.add_argument("--from", dest="start", type=moment, metavar="WHEN", help="from this day or time (UTC)")
    export.add_argument("--to", dest="end", type=moment_end, metavar="WHEN",
                        help="up to this time, or to the end of this day (UTC)")
    export.add_argument("--format", choices=("csv", "jsonl", "jsonld"), default="jsonl")
    export.add_argument("--output", "-o", type=Path, default=None, help="a file (default: standard output)")
    export.add_argument("--controller", default=None, help="the controller's name, for JSON-LD")
    export.add_argument("--site-url", default=None, help="the policy site's URL, for the controller's id in JSON-LD")

    show = sub.add_parser("show", parents=[database], help="every receipt of one consent id: what the visitor chose")
    show.add_argument("consent_id", help="the id the banner's settings show (32 hex digits)")
    show.add_argument("--json", action="store_true", help="as JSON")

    purge = sub.add_parser("purge", parents=[database], help="delete receipts received before a period")
    purge.add_argument("--older-than", required=True, metavar="DURATION",
                       help="an ISO 8601 duration, such as P13M (13 months)")


def port_number(value: str) -> int:
    """--port: 0 to 65535."""
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535 (0: any free port), found {value!r}")
    return int(value)


def count(value: str) -> int:
    """A whole number above 0."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, found {value!r}")
    return int(value)


def seconds(value: str) -> float:
    """A number of seconds above 0."""
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0 < number < 86400:
        raise argparse.ArgumentTypeError(f"expected seconds above 0 and below a day, such as 10 or 0.5, found {value!r}")
    return number


def moment(value: str) -> str | None:
    """--from: a day (its start) or a time; as stored, UTC text. None (no lower bound) for a time
    before the first the calendar has in UTC."""
    when = _parse_moment(value)
    try:
        return _stored(when)
    except OverflowError:
        return None if when.year == 1 else _stored(dt.datetime.max.replace(tzinfo=dt.timezone.utc))


def moment_end(value: str) -> str | None:
    """--to: a time, or a whole day (up to the start of the next). None (no upper bound) for the
    end of 9999-12-31, after which the calendar has no time."""
    when = _parse_moment(value)
    try:
        return _stored(when + dt.timedelta(days=1) if _is_day(value) else when)
    except OverflowError:
        return _stored(dt.datetime.min.replace(tzinfo=dt.timezone.utc)) if when.year == 1 else None


def _is_day(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _parse_moment(value: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a day (2026-01-31) or a time (2026-01-31T12:00:00Z), found {value!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _stored(when: dt.datetime) -> str:
    from .store import now_text

    return now_text(when)


def before(now: dt.datetime, duration: Any) -> dt.datetime:
    """`now` less an ISO 8601 duration; months and years by the calendar (P13M from 22 November
    2026 is 22 October 2025), the last day of a shorter month where the day does not exist."""
    months = now.month - 1 - duration.months - 12 * duration.years
    year, month = now.year + months // 12, months % 12 + 1
    day = min(now.day, calendar.monthrange(year, month)[1])
    return now.replace(year=year, month=month, day=day) - dt.timedelta(
        weeks=duration.weeks, days=duration.days, hours=duration.hours, minutes=duration.minutes)


def run(args: argparse.Namespace) -> int:
    """Runs a `receipts` subcommand; 0 done, 1 a broken chain, 2 could not run."""
    try:
        from .site import SiteError
        from .store import StoreError
    except ImportError as error:  # pragma: no cover - the extra is not installed
        return _fail(f"`policypress receipts` needs the receipts extra ({error.name} is missing): "
                     f"pip install 'policypress[receipts]'")
    database = args.database or os.environ.get("POLICYPRESS_RECEIPTS_DB") or None
    try:
        if args.receipts_command == "serve":
            return serve(args, database)
        return _offline(args, database)
    except (SiteError, StoreError) as error:
        return _fail(str(error))


def _fail(message: str) -> int:
    print(f"policypress: {message}", file=sys.stderr)
    return 2


def _offline(args: argparse.Namespace, database: str | None) -> int:
    from .store import open_store

    store = open_store(database)
    try:
        if args.receipts_command == "verify":
            return verify(store)
        if args.receipts_command == "show":
            return show(store, args.consent_id, args.json)
        if args.receipts_command == "purge":
            return purge(store, args.older_than)
        return export(store, args)
    finally:
        store.close()


def serve(args: argparse.Namespace, database: str | None) -> int:
    from .app import Options, create_app
    from .availability import limit_statements, with_connect_timeout
    from .server import Limits, ServeError, listen, run, url_of
    from .site import load_facts
    from .store import database_url, open_store, shown

    facts = load_facts(args.site, args.origin)
    if args.path:
        from dataclasses import replace

        from .site import endpoint_path

        facts = replace(facts, path=endpoint_path(args.path))
    from .gitcheck import check_not_committable

    check_not_committable(database)  # visitors' records never inside a repository that would commit them
    url = with_connect_timeout(database_url(database), args.db_timeout)  # a URL it cannot use: refused first
    try:
        sock = listen(args.host, args.port)
    except ServeError as error:
        return _fail(str(error))
    try:
        store = open_store(url, create=True)
    except BaseException:
        sock.close()
        raise
    limit_statements(store, args.db_timeout)
    app = create_app(facts, store, Options(client_ip=args.client_ip, per_minute=args.rate, burst=args.burst,
                                           max_bytes=args.max_bytes, db_timeout=args.db_timeout))
    # The address really listened on (with --port 0, the port the system gave), once it listens.
    print(f"policypress: receipts for {', '.join(sorted(facts.revisions))} at {url_of(sock)}{facts.path} "
          f"from {', '.join(facts.origins) or 'the same origin only'}; database {shown(store.url)}", flush=True)
    try:
        run(app, sock, limits=Limits(read_timeout=args.read_timeout), forwarded_allow_ips=args.forwarded_allow_ips)
    finally:
        store.close()
    return 0


def verify(store: Any) -> int:
    from .export import escaped

    result = store.verify()
    if not result.ok:
        where = f" at row {result.broken}" if result.broken is not None else ""
        print(f"policypress: the receipts chain is broken{where}: {escaped(result.problem)}", file=sys.stderr)
        return 1
    print(f"policypress: the receipts chain is intact: {result.rows} receipts, up to row {result.head_seq} "
          f"(head {result.head_hash}); keep this head elsewhere to tell later that nothing before it changed")
    return 0


def show(store: Any, consent_id: str, as_json: bool) -> int:
    from .export import escaped, escaped_json, plain, purposes_shown

    rows = store.for_consent(consent_id.strip().lower())
    if as_json:
        print(escaped_json([plain(row) for row in rows]))
        return 0 if rows else 1
    if not rows:
        print(f"policypress: no receipts for consent id {escaped(consent_id)}", file=sys.stderr)
        return 1
    # Every stored value is printed with control and bidirectional characters escaped: a
    # terminal shows what is in the database, not what a value makes it show.
    print(escaped(f"consent {consent_id}: {len(rows)} receipt{'s' if len(rows) != 1 else ''}, "
                  f"first choice {rows[0].first_given_at}"))
    for row in rows:
        print(escaped(f"\n  {row.given_at}  {row.method}  {row.revision}  ({row.language}, {row.jurisdiction}; "
                      f"received {row.received_at}, row {row.seq})", keep="\n"))
        for line in purposes_shown(row):
            print(escaped(f"    {line}"))
    return 0


def purge(store: Any, older_than: str) -> int:
    from ..core.types import parse_duration
    from .store import now_text

    try:
        duration = parse_duration(older_than)
    except Exception:  # noqa: BLE001 - the parser's own error type is pydantic's
        return _fail(f"--older-than: expected an ISO 8601 duration such as P13M (13 months) or P30D, found {older_than!r}")
    try:
        cutoff = now_text(before(dt.datetime.now(dt.timezone.utc), duration))
    except (ValueError, OverflowError):
        return _fail(f"--older-than: {older_than} reaches back before the year 1; expected a retention period "
                     f"such as P13M (13 months) or P3Y")
    deleted = store.purge(cutoff)
    print(f"policypress: deleted {deleted} receipt{'s' if deleted != 1 else ''} received before {cutoff}")
    return 0


def export(store: Any, args: argparse.Namespace) -> int:
    from .export import write

    def write_to(out: TextIO) -> int:
        return write(store.between(args.start, args.end), args.format, out, controller=args.controller,
                     site_url=args.site_url, history=store.for_consent)

    if args.output is None:
        count = write_to(sys.stdout)
        sys.stdout.flush()  # a closed pipe is noticed here, not at exit
    else:
        try:
            count = _to_file(args.output, write_to)
        except OSError as error:
            return _fail(f"--output {args.output}: cannot write it: {error.strerror or error}")
    print(f"policypress: exported {count} receipt{'s' if count != 1 else ''}", file=sys.stderr)
    return 0


def _to_file(path: Path, write_to: Any) -> int:
    """Writes a file whole or not at all: into a temporary file beside it, renamed over it once
    complete, so an export that fails half-way leaves an earlier file as it was."""
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            count = int(write_to(out))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def main(argv: list[str] | None = None) -> int:
    """`python -m policypress.receipts.command`: the same subcommands, without the rest."""
    parser = argparse.ArgumentParser(prog="policypress")
    register(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
