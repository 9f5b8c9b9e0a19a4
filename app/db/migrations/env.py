"""Alembic environment: always run on a connection handed in by app.db.migrate."""

from alembic import context

from app.db.text_index import is_text_index
from app.models import Base


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:
    # The full-text index is maintained by hand-written SQL, not by the models.
    return not (name is not None and is_text_index(type_, name))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
