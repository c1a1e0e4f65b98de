# SPDX-License-Identifier: GPL-3.0-or-later
"""python3 -m corpus (with tools/ on PYTHONPATH): see corpus.cli."""

from .cli import main

main()
