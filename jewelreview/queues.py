"""The task queue name, shared by settings (TASKS, RQ_QUEUES) and the ``@task`` declarations.

A named queue (not RQ's "default") so several projects can share one Redis.
"""

TASK_QUEUE = "jewelreview"
