"""Run Ralph's LRS app for the cmi5 e2e tests: ``python run_ralph.py PORT``.

Configured by the RALPH_* environment variables test_cmi5_runtime.py sets (file-system backend,
Basic auth file). One change to Ralph's behaviour: its file-system LRS backend writes each
POST with operation type "create", which refuses to touch the existing statements file, so a
second POST fails (HTTP 500). The backend supports "append"; we make that its default here.
"""

from __future__ import annotations

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
