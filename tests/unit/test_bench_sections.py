"""`make bench` calls main(argv) of every section; each must accept it."""

from __future__ import annotations

import importlib
import inspect

import pytest

from bench.__main__ import SECTIONS


@pytest.mark.parametrize("module_name", [name for _, name in SECTIONS])
def test_every_bench_section_takes_an_argument_list(module_name: str) -> None:
    main = importlib.import_module(module_name).main
    inspect.signature(main).bind([])  # raises TypeError if main(argv) would fail
