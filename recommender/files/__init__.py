"""Files in and out: one guard on where output may go, one atomic write, one capped reading layer."""

from recommender.files.output import (
    atomic_output,
    check_output,
    check_output_dir,
    spreadsheet_safe,
    write_bytes_atomic,
)
from recommender.files.reading import InputSource, open_input, read_input

__all__ = [
    "InputSource",
    "atomic_output",
    "check_output",
    "check_output_dir",
    "open_input",
    "read_input",
    "spreadsheet_safe",
    "write_bytes_atomic",
]
