"""``python -m core``: see :mod:`core.cli`."""

import os
import sys

# A render is one short process whose few hundred MB are all freshly mapped. numpy asks the kernel
# for 2 MB pages for large arrays; on the 2-vCPU VMs we run on, fresh 2 MB pages are often ones
# the balloon driver handed back to the host, and touching them stalls (72 MB copied in 100-170
# ms instead of 7). With 4 kB pages a 24 MP render takes 0.69 s against 0.76 s, and its slowest
# runs 0.86 s against 1.17 s (12 runs each, alternating). Set before numpy is first imported.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

from core.cli import main  # noqa: E402

status = main()
# Everything is written by now: outputs are fsynced, closed and renamed into place. Skip the
# interpreter's teardown (freeing a render's few hundred MB of arrays, unloading modules:
# 30-40 ms of a 24 MP render of about 0.7 s); only Python's own buffers need flushing.
try:
    sys.stdout.flush()
    sys.stderr.flush()
except OSError:  # a closed pipe: there is nothing left to tell anyone
    status = status or 1
os._exit(status)
