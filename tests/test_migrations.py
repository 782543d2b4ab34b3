"""Alembic is the only way the schema is made: the migrations must build exactly the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from cordon.core.migrate import downgrade, upgrade
from cordon.models import Base


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_latest_migration_goes_down_and_up_again(engine: Engine) -> None:
    downgrade(engine, "0001")
    upgrade(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
