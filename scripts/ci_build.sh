#!/usr/bin/env bash
# Build the one-folder program (build.spec, which also writes the third-party notices) and
# try it as an office gets it: `sovipham --selftest`, the notices bundled, then the window
# started offscreen on a new data folder.
#
#     scripts/ci_build.sh                  # with .venv, as .ci/run makes it
#     VENV=/path/to/venv scripts/ci_build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PROGRAM=dist/SoViPham
WINDOW_WAIT=60  # seconds; the window normally opens its data folder within a few

"$VENV/bin/python" -m pip install -q -e ".[build]"
started=$(date +%s)
"$VENV/bin/pyinstaller" build.spec --noconfirm --clean --log-level WARN
echo "Đóng gói xong trong $(($(date +%s) - started)) giây: $(du -sh "$PROGRAM" | cut -f1)," \
     "$(find "$PROGRAM" -type f | wc -l) tệp."

"$PROGRAM/sovipham" --selftest

# The notices the About box reads in the built program, with the LGPL Qt is shipped under.
notices=$(find "$PROGRAM" -name THIRD-PARTY-NOTICES.txt)
grep -q "GNU LESSER GENERAL PUBLIC LICENSE" "$notices"
echo "Giấy phép của bên thứ ba: $notices ($(grep -c "^Giấy phép / Licence:" "$notices") phần)."

# The window on a new data folder: it logs once its sign-in dialog is on screen and
# the data folder is open behind it.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/du-lieu"
log="$data/logs/sovipham.log"
echo "ci-tre-xanh-2026" | "$PROGRAM/sovipham" --data-dir "$data" init --admin admin \
  --password-stdin
QT_QPA_PLATFORM=offscreen "$PROGRAM/SoViPhamMXH" --data-dir "$data" &
window=$!
for _ in $(seq "$WINDOW_WAIT"); do
  if grep -q "sign-in window shown" "$log" 2>/dev/null; then
    kill "$window"
    wait "$window" || true
    echo "Cửa sổ chương trình đã mở (offscreen): $(grep "sign-in window shown" "$log")"
    exit 0
  fi
  if ! kill -0 "$window" 2>/dev/null; then
    wait "$window" && status=0 || status=$?
    echo "Cửa sổ chương trình đã thoát (mã $status) trước khi hiện." >&2
    cat "$log" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 1
done
kill "$window"
echo "Cửa sổ chương trình không hiện sau $WINDOW_WAIT giây." >&2
cat "$log" >&2 2>/dev/null || true
exit 1
