"""Open the program on a demo data folder, creating it on first run.

    python scripts/open_demo.py [--cases N] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.paths import DataPaths
from app.services import accounts, demo, setup

DEMO_USER = "admin"
DEMO_PASSWORD = "demo-sen-hong-2026"


def main() -> int:
    parser = argparse.ArgumentParser(description="Mở chương trình trên thư mục dữ liệu mẫu.")
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parent.parent
                                                   / "demo-data"))
    parser.add_argument("--cases", type=int, default=3000)
    args = parser.parse_args()
    paths = DataPaths(Path(args.data_dir).resolve())
    if not paths.database.exists():
        print(f"Đang tạo dữ liệu mẫu ({args.cases} vụ việc) tại {paths.root} …")
        db = setup.init_data_folder(paths, DEMO_USER, DEMO_PASSWORD, "Quản trị viên (mẫu)")
        demo.add_demo_cases(db, accounts.authenticate(db, DEMO_USER, DEMO_PASSWORD), args.cases)
        db.dispose()
    print(f"Đăng nhập bằng người dùng «{DEMO_USER}», mật khẩu «{DEMO_PASSWORD}».")
    from app.ui.main import run_window

    return run_window(paths)


if __name__ == "__main__":
    sys.exit(main())
