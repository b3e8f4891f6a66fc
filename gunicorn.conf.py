"""Gunicorn settings for the portal: `gunicorn scrutiny.wsgi` picks this file up by itself.

Everything can be changed from the environment (the names are below); the defaults suit a
small virtual machine behind nginx or a load balancer. See docs/deploy.md.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


# Where to listen: a loopback port or a Unix socket that nginx proxies to.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers: the portal's views are short database reads; PDFs are served by
# nginx (DOCUMENT_SERVING=x-accel-redirect) and packs are built by the task worker, so a
# worker is never tied up for long. 2 x cores + 1 is gunicorn's own rule of thumb.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

# Database connections. Each worker thread holds at most one connection per database alias
# (the primary, plus the read replica when DATABASE_REPLICA_URL is set), reused between
# requests for DATABASE_CONN_MAX_AGE seconds (default 60; health-checked before reuse) and
# closed after that or when the worker exits. So one app server opens at most
# workers x threads connections to the primary (and as many to the replica): size
# PostgreSQL's max_connections for the sum over app servers plus task workers, see
# docs/deploy.md "Database connections".
database_connections = workers * threads


def on_starting(server):
    server.log.info(
        "%d worker(s) x %d thread(s): up to %d connection(s) to each PostgreSQL database",
        workers,
        threads,
        database_connections,
    )


# A request that takes longer than this is killed and logged: no request should.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so a slow leak can never grow without bound; the jitter
# keeps them from all restarting at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)

# Load the application once in the master and fork: less memory per worker, faster start.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes"}

# Request size limits (Django limits bodies; these bound the request line and headers).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Logs to standard output/error, for the service manager or container to collect.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client address as the proxy saw it, request, status, bytes, time taken in microseconds.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'

# Trust X-Forwarded-* only from the proxy in front (the load balancer's address or nginx).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Temporary files of workers in memory rather than on a possibly slow disk.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm")  # noqa: S108 - heartbeat files only

wsgi_app = "scrutiny.wsgi:application"
