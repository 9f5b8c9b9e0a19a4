"""Write the third-party notices the built program bundles and its About box shows.

    python scripts/licences.py [FILE]      (default: build/THIRD-PARTY-NOTICES.txt)

build.spec runs it before bundling. The packages are those installed with the program
(`pip install -e .`), its runtime requirements and theirs; one missing stops the build.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's app, also beside another editable install
from app import notices  # noqa: E402


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else ROOT / "build" / notices.FILE_NAME
    packages, missing = notices.runtime_packages()
    if missing:
        print("Chưa cài các gói chương trình cần: " + ", ".join(missing)
              + ". Hãy chạy «pip install -e .» rồi thử lại.", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(notices.render(packages), encoding="utf-8")
    print(f"Đã ghi {target}: {len(packages)} gói phần mềm của bên thứ ba.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
