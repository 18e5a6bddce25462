"""Database classes for URLs: PostgreSQL that reconnects after a lost connection.

A read outside a transaction is retried once on a new connection (a server restart, an idle
connection closed by a firewall). A write is never retried: it runs in a transaction, whose
failure is reported to the caller (the window keeps it off the undo stack).
"""
from __future__ import annotations

from peewee import InterfaceError, OperationalError, PostgresqlDatabase
from playhouse.db_url import connect, register_database
from playhouse.shortcuts import ReconnectMixin


class ReconnectingPostgresqlDatabase(ReconnectMixin, PostgresqlDatabase):
    reconnect_errors = (  # what psycopg2 says when the connection is gone
        (OperationalError, "server closed the connection"),
        (OperationalError, "terminating connection"),
        (OperationalError, "connection not open"),
        (OperationalError, "could not receive data"),
        (OperationalError, "ssl connection has been closed"),
        (InterfaceError, "connection already closed"),
    )


register_database(ReconnectingPostgresqlDatabase, "postgres", "postgresql")


def connect_url(url: str):
    """The database a URL names (playhouse.db_url), PostgreSQL reconnecting."""
    return connect(url)
