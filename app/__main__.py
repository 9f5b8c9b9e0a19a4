import multiprocessing
import sys

# The packaged program starts its workbook reader (app/importing/worker.py) as this same
# executable: such a start is handed over here, before the command line and all it loads.
multiprocessing.freeze_support()

from app.cli import main  # noqa: E402

sys.exit(main())
