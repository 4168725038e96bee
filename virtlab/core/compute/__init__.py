"""The compute domain: VMs and containers, capacity, contention, isolation and lifecycle.

Models in :mod:`.models`, rules in :mod:`.rules`, actions in :mod:`.actions` and
:mod:`.lifecycle` (each exports an ``ACTIONS`` tuple), the report part in :mod:`.report`.
"""
