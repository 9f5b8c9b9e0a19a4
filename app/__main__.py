import multiprocessing
import sys

# The packaged program starts its import's workbook reader (app/importing/worker.py) and a
# long report's workbook writer (app/reports/workbook_process.py) as this same executable:
# such a start is handed over here, before the command line and all it loads.
multiprocessing.freeze_support()

from app.cli import main  # noqa: E402

sys.exit(main())
