"""This PC's connection to a register on a database server («Kết nối máy chủ»).

The address (host, port, database, login) is a local setting of this PC, kept in the data
folder beside the window's preferences, never in the register it points to; the password
is kept in the operating system's credential store (Windows' Credential Manager, the
desktop's Secret Service) through `keyring`, never in a file nor in the stored address.

The window uses the stored connection when started without `--database` or
`SOVIPHAM_DATABASE_URL`, which take precedence. The commands do not read it: cli.md
names those two as server mode's only switch, with PostgreSQL's own conventions for the
password (`PGPASSWORD`, the password file), so a script never lands on a server it did not
name.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

from app.errors import DataFolderError, UserError
from app.paths import DataPaths, make_private

if TYPE_CHECKING:
    from app.db.database import ServerSchema

SETTINGS_FILE = "ket-noi-may-chu.json"
# The credential store's entries are filed under the program, one per server address.
CREDENTIAL_SERVICE = "SoViPhamMXH"
DEFAULT_PORT = 5432
CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int = DEFAULT_PORT
    database: str = "sovipham"
    login: str = "sovipham"

    @property
    def credential_name(self) -> str:
        """The password's entry in the credential store: which login on which server."""
        return f"{self.login}@{self.host}:{self.port}/{self.database}"

    def url(self, password: str | None) -> str:
        """The URL `--database` would take, with the password when one is kept."""
        from sqlalchemy.engine import URL

        # A server that does not answer is reported after a while, not after the system's
        # TCP timeout (minutes).
        query = {"connect_timeout": str(CONNECT_TIMEOUT_S)}
        host: str | None = self.host
        if self.host.startswith("/"):  # a Unix socket's folder (a server on this machine)
            query["host"], host = self.host, None
        return URL.create("postgresql", username=self.login, password=password or None,
                          host=host, port=self.port, database=self.database, query=query,
                          ).render_as_string(hide_password=False)

    def problems(self) -> list[str]:
        missing = [label for label, value in (("máy chủ", self.host),
                                              ("tên cơ sở dữ liệu", self.database),
                                              ("tên đăng nhập", self.login))
                   if not value.strip()]
        found = [f"Hãy nhập {', '.join(missing)}."] if missing else []
        if not 0 < self.port < 65536:
            found.append("Cổng phải là số từ 1 đến 65535 (PostgreSQL thường dùng 5432).")
        return found


@dataclass(frozen=True)
class CheckResult:
    """What «Kiểm tra kết nối» found on a server that answered."""

    schema: ServerSchema
    message: str


def stored(paths: DataPaths) -> ServerAddress | None:
    """This PC's server address, if one is set (a damaged file counts as none)."""
    try:
        values = json.loads((paths.root / SETTINGS_FILE).read_text(encoding="utf-8"))
        address = ServerAddress(**values)
    except (OSError, ValueError, TypeError):
        return None
    return address if not address.problems() else None


def stored_password(address: ServerAddress) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(CREDENTIAL_SERVICE, address.credential_name)
    except KeyringError:  # no store on this PC: libpq's own means remain (cli.md)
        return None


def save(paths: DataPaths, address: ServerAddress, password: str) -> None:
    """Use this server from now on: the address in the data folder, the password in the
    credential store (an empty one removes what was kept: libpq's password file or the
    server's trust then applies)."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    problems = address.problems()
    if problems:
        raise UserError(" ".join(problems))
    address = replace(address, host=address.host.strip(), database=address.database.strip(),
                      login=address.login.strip())
    try:
        if password:
            keyring.set_password(CREDENTIAL_SERVICE, address.credential_name, password)
        else:
            with suppress(PasswordDeleteError):  # none kept
                keyring.delete_password(CREDENTIAL_SERVICE, address.credential_name)
    except KeyringError as exc:
        raise UserError(
            "Không lưu được mật khẩu vào kho mật khẩu của hệ điều hành, nên kết nối chưa "
            f"được lưu ({exc}). Chương trình không lưu mật khẩu vào tệp thường.") from exc
    paths.root.mkdir(parents=True, exist_ok=True)
    target = paths.root / SETTINGS_FILE
    target.write_text(json.dumps(asdict(address), ensure_ascii=False), encoding="utf-8")
    make_private(target)


def forget(paths: DataPaths) -> None:
    """Back to the data folder on this PC; the kept password is removed too."""
    import keyring
    from keyring.errors import KeyringError

    address = stored(paths)
    (paths.root / SETTINGS_FILE).unlink(missing_ok=True)
    if address is not None:
        with suppress(KeyringError):  # none kept, or no store
            keyring.delete_password(CREDENTIAL_SERVICE, address.credential_name)


def place(url: str) -> str:
    """A server database as the user knows it (its name on its host), never the password."""
    from sqlalchemy.engine import make_url

    found = make_url(url)
    return f"{found.database} trên {found.host or str(found.query.get('host', '')) or 'máy này'}"


def command_url(url: str) -> str:
    """The server database as `--database` takes it in a command shown to the user: without
    the password, which a command takes by PostgreSQL's conventions (`PGPASSWORD`)."""
    from sqlalchemy.engine import URL, make_url

    found = make_url(url).difference_update_query(["connect_timeout"])
    return URL.create(found.drivername, username=found.username, host=found.host,
                      port=found.port, database=found.database, query=found.query,
                      ).render_as_string()


def window_paths(paths: DataPaths) -> DataPaths:
    """The register the window opens: `--database` or `SOVIPHAM_DATABASE_URL` when given
    (already in `paths`), else this PC's stored server, else the data folder."""
    if paths.server is not None:
        return paths
    address = stored(paths)
    if address is None:
        return paths
    return DataPaths(paths.root, address.url(stored_password(address)))


def has_register(url: str) -> bool:
    """Whether the server database holds a register (else the window's first run makes
    one, also in place of an unfinished one); refused when the server cannot be reached."""
    from app.db.database import ServerSchema, server_schema

    return server_schema(url) not in (ServerSchema.EMPTY, ServerSchema.UNFINISHED)


def check(address: ServerAddress, password: str) -> CheckResult:
    """Connect as the program would and say what is there; refused with a `UserError`
    saying what is wrong (server not answering, wrong password, no such database)."""
    from app.db.database import ServerSchema, server_schema

    problems = address.problems()
    if problems:
        raise UserError(" ".join(problems))
    schema = server_schema(address.url(password))
    messages = {
        ServerSchema.CURRENT: "Kết nối được: cơ sở dữ liệu sẵn sàng. Lưu để dùng trên máy này.",
        ServerSchema.EMPTY: (
            "Kết nối được, nhưng cơ sở dữ liệu còn trống. Lưu kết nối rồi tạo dữ liệu (người "
            "quản trị đầu tiên) ở bước sau; chỉ làm việc này trên một máy."),
        ServerSchema.UNFINISHED: (
            "Kết nối được, nhưng dữ liệu trên máy chủ chưa khởi tạo xong (lần tạo trước bị "
            "ngắt giữa chừng, chưa có người dùng nào). Lưu kết nối rồi tạo lại dữ liệu ở bước "
            "sau: phần dở dang được xóa rồi làm lại từ đầu."),
        ServerSchema.OLDER: (
            "Kết nối được: dữ liệu do phiên bản cũ hơn của chương trình tạo, sẽ được nâng "
            "cấp khi đăng nhập, sau khi chương trình chép một bản (mã hóa) vào thư mục "
            "backups của máy này."),
    }
    if schema is ServerSchema.NEWER:
        raise DataFolderError(
            "Dữ liệu trên máy chủ do một phiên bản mới hơn của chương trình tạo. Hãy cài "
            "phiên bản mới nhất trên máy này.")
    return CheckResult(schema, messages[schema])
