"""Alembic is the only way the schema is made: the migrations must build exactly the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
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
    assert sex_given_to_a_person_inserted_without(engine) == "unknown"


def test_a_person_written_without_a_sex_is_of_unknown_sex_after_each_way(engine: Engine) -> None:
    """Migration 0022 gives ``people.sex`` its default in place (on SQLite by rewriting the
    table's definition, not by copying the registry): a row written by hand gets it, the
    database stays sound, and going back removes it."""
    assert sex_given_to_a_person_inserted_without(engine) == "unknown"
    downgrade(engine, "0021")
    assert sex_given_to_a_person_inserted_without(engine) is None
    upgrade(engine)
    assert sex_given_to_a_person_inserted_without(engine) == "unknown"
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def sex_given_to_a_person_inserted_without(engine: Engine) -> str | None:
    """The sex the database writes for a person whose insert names none (rolled back); None
    when the column has no default and refuses the row."""
    with engine.connect() as conn:
        try:
            conn.execute(
                text("INSERT INTO people (full_name, name_folded, version) VALUES ('A', 'a', 1)")
            )
        except Exception:  # NOT NULL refused: no default
            conn.rollback()
            return None
        sex = conn.execute(text("SELECT sex FROM people WHERE name_folded = 'a'")).scalar()
        conn.rollback()
        return str(sex)


def test_going_down_and_up_keeps_a_registry_with_rows_pointing_at_each_other(
    engine: Engine,
) -> None:
    """Migrations that rebuild a table (SQLite's batch mode: copy, drop, rename) run on a
    registry whose rows point at the rebuilt table — a case's source at the case, through the
    rebuild of ``cases`` going down past 0021 — and keep every row."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO people (id, full_name, name_folded, version) VALUES (91, 'A', 'a', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO cases (id, code, person_id, status, version) "
                "VALUES (92, 'MIG-1', 91, 'confirmed', 1)"
            )
        )
        conn.execute(
            text("INSERT INTO infection_sources (id, case_id, kind) VALUES (93, 92, 'unknown')")
        )
    try:
        downgrade(engine, "0020")
        upgrade(engine)
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT case_id FROM infection_sources WHERE id = 93"))
            assert kept.scalar() == 92
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM infection_sources WHERE id = 93"))
            conn.execute(text("DELETE FROM cases WHERE id = 92"))
            conn.execute(text("DELETE FROM people WHERE id = 91"))
