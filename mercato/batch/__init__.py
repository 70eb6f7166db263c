"""Scale-out batch processing on Dask distributed (the ``mercato[batch]`` extra).

:func:`partition.plan` cuts JSONL archives into byte ranges; :func:`run.run_batch` runs extract and
understanding on the workers, stores in idempotent batches and folds the sagas. Dask is imported only
where a cluster is used, so importing this package needs no extra.
"""

from mercato.batch.partition import Partition, plan, read_partition
from mercato.batch.run import BatchReport, cluster, run_batch

__all__ = ["BatchReport", "Partition", "cluster", "plan", "read_partition", "run_batch"]
