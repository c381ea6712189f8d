"""Alembic environment of the store.

From code, ``service.store.migrate`` passes an open connection (in
``config.attributes["connection"]``). From Alembic's command line the database is
``DATABASE_URL``, else the service's default SQLite file; ``--sql`` prints the SQL
instead of running it.
"""

from __future__ import annotations

import logging.config
import os

from alembic import context
from sqlalchemy import Connection

from service.store.tables import Base

config = context.config


def _url_from_environment() -> str:
    from service.store.engine import store_url

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        from service.config import Settings

        url = Settings().resolved_database_url()
    return store_url(url).render_as_string(hide_password=False)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if config.config_file_name:
        logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = _url_from_environment()
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    from service.store.engine import create_store_engine, writing

    engine = create_store_engine(url)
    try:
        with writing(engine).connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


main()
