"""Batch conversion: many report files → packages, in a process pool or on a Dask cluster.

`run_batch` is the library behind `juesuan convert`: every input ends in exactly one `FileResult` (converted,
unchanged, failed or skipped), whatever happens to the file or to the worker converting it.
"""

from converter.batch.inputs import expand_inputs
from converter.batch.result import FileResult, Summary
from converter.batch.runner import BatchOptions, run_batch
from converter.batch.work import Limits, convert_one

__all__ = ["BatchOptions", "FileResult", "Limits", "Summary", "convert_one", "expand_inputs", "run_batch"]
