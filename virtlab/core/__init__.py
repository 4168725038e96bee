"""The pure simulation core: models, actions and the report.

Nothing here imports Textual or Rich; a test proves it.
"""
