"""The storage domain: datastores, virtual disks and snapshots, their usage and rules.

It never imports the compute domain: functions take datastores and the disks on them.
"""
