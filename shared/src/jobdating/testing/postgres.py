"""A fresh PostgreSQL database per test: the local server when one answers, else testcontainers."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg

from jobdating.runtime.ids import new_id

LOCAL_DSN = os.environ.get("JOBDATING_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


class NoPostgres(RuntimeError):
    """Neither a local PostgreSQL nor a Docker engine is reachable."""


def _local_ok(dsn: str) -> bool:
    try:
        with psycopg.connect(dsn, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def _docker_ok() -> bool:
    if not shutil.which("docker"):
        return False
    return (
        subprocess.run(["docker", "info"], capture_output=True, timeout=10, check=False).returncode  # noqa: S607
        == 0
    )


@contextmanager
def server_dsn() -> Iterator[str]:
    """A DSN of a server we may create databases on; the fixture picks the local one first."""
    if _local_ok(LOCAL_DSN):
        yield LOCAL_DSN
        return
    if _docker_ok():
        os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
        from testcontainers.postgres import PostgresContainer

        image = os.environ.get("JOBDATING_PG_IMAGE", "postgres:15")
        with PostgresContainer(image, driver=None) as pg:
            yield pg.get_connection_url()
        return
    raise NoPostgres(f"no PostgreSQL at {LOCAL_DSN} and no Docker engine for testcontainers")


def with_database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path="/" + name))


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """Create an empty database with a unique name; drop it afterwards."""
    name = "jd_test_" + new_id().replace("-", "")[-20:]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server, name)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
