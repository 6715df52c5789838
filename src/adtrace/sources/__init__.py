"""Readers that turn files into Documents, one streaming reader per format, chosen by a registry."""

from adtrace.sources.base import Format, Options, Reader, ReadError
from adtrace.sources.registry import READERS, read_paths, reader_for, register

__all__ = ["READERS", "Format", "Options", "ReadError", "Reader", "read_paths", "reader_for", "register"]
