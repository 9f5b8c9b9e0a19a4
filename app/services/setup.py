"""Creating a data folder: database, seeded lists and catalog, first administrator."""

from __future__ import annotations

from app.db import Database, open_database
from app.db.database import initialising
from app.domain.labels import Role
from app.domain.office import OfficeSettings
from app.errors import DataFolderError
from app.paths import DataPaths
from app.security import keys
from app.services import accounts, audit, legal_basis, settings, unit_keys, vault, vocabulary
from app.services.actor import SYSTEM
from app.services.audit import AuditAction


def init_data_folder(paths: DataPaths, admin_username: str, admin_password: str,
                     admin_full_name: str = "", *, recovery_key: str | None = None,
                     office: OfficeSettings | None = None) -> Database:
    """A new data folder with its own data key, sealed for the administrator's password and
    for `recovery_key` (from `keys.new_recovery_key()`; the caller shows it once), with the
    office's first settings (its unit). In server mode the register is made in the
    server's empty database, or in place of one that an init killed part-way left without
    an account (its steps commit one by one: `database.initialising`)."""
    (office := office or OfficeSettings()).validate()
    if paths.server is None and paths.database.exists():
        raise DataFolderError(
            f"Thư mục {paths.root} đã có dữ liệu; không khởi tạo lại để tránh mất dữ liệu."
        )
    if paths.keys.exists():  # left by an init that failed before its database was made
        paths.keys.unlink()
    with initialising(paths):  # on a server, one init at a time; an unfinished one removed
        db = open_database(paths, create=True)
        folder = vault.new_keys()
        assert folder.admin is not None  # a new folder has both keys
        # A data folder's key file comes first: a crash then leaves it without a database,
        # which the next init removes. A server keeps it in the schema that unlocking makes.
        if paths.server is None:
            vault.new_key_file(paths, folder)
        try:
            db.unlock(folder.data)
            if paths.server is not None:
                vault.new_key_file(paths, folder)
            db.hold_admin_key(folder.admin)  # the first administrator's wrap holds it
            if recovery_key is not None:
                vault.seal_for_recovery(paths, folder, recovery_key)
            with db.write() as session:
                vocabulary.seed(session)
                legal_basis.seed(session)
                settings.write_office(session, office)
                unit_keys.make_own_keys(session, folder.admin)
                audit.start_chain(session, SYSTEM.username, folder.admin)  # keyed from row 1
                audit.record(session, SYSTEM.username, AuditAction.INIT,
                             detail={"data_dir": str(paths.root)})
            accounts.create_user(db, SYSTEM, username=admin_username,
                                 full_name=admin_full_name or admin_username,
                                 role=Role.ADMIN, password=admin_password)
        except Exception:
            db.discard_new()  # on a server, its schema and the key file's row with it
            paths.keys.unlink(missing_ok=True)
            raise
        return db


def init_with_recovery_key(paths: DataPaths, admin_username: str, admin_password: str,
                           admin_full_name: str = "", *, office: OfficeSettings | None = None,
                           ) -> tuple[Database, str]:
    """A new data folder as the window and `init` make it, and its new recovery key, which
    the caller shows once and keeps nowhere."""
    recovery_key = keys.new_recovery_key()
    db = init_data_folder(paths, admin_username, admin_password, admin_full_name,
                          recovery_key=recovery_key, office=office)
    return db, recovery_key
