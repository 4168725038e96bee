"""The course layer: lessons, labs, goals, progress and UI strings.

Nothing here imports Textual or Rich; the UI reads and writes through these modules.
"""
