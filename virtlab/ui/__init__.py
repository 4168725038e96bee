"""The Textual shell of virtlab: screens, dialogs and the lab panel widgets.

Only this package (and the CLI) imports Textual; it builds on :mod:`virtlab.course` and never
touches disk from a widget.
"""
