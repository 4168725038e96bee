"""The lab panel's widgets: one panel per module (host bars, workload table, isolation,
contention), the dialogs they open, and the quiz panel.

Import from the modules directly (``virtlab.ui.widgets.lab_panel``); this package only names
them.
"""

__all__ = [
    "lab_panel", "quiz_panel", "host_bars", "workload_table", "isolation_view",
    "contention_view", "refused_dialog", "lab_views", "lines_view", "safe_option_list",
]
