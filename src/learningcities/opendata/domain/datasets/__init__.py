"""The datasets of the open data page: each defined once, in the modules of this package."""

from .base import DATASETS, Dataset, Field, dataset, register

__all__ = ["DATASETS", "Dataset", "Field", "dataset", "register"]
