"""A DataTable whose cost per cell update does not grow with its number of rows.

Textual's ``DataTable`` keys its caches by one update counter that every ``update_cell``
bumps, so after changing one cell it rebuilds the list of every row (``ordered_rows``) and of
every line (``_y_offsets``, what maps a screen line to its row) and re-renders every visible
cell — with 4,000 rows, most of a key press in the sandbox. :class:`KeyedTable` keys those by
what they depend on instead: the rows' order and heights by a count of the changes that can
alter them (adding, removing, sorting, clearing), a cell's rendering by its value. What is
drawn is exactly what ``DataTable`` draws. Textual is pinned (8.2.8); these override its
private helpers, so a Textual upgrade must re-check them (the snapshot tests do).
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, Row, RowKey


class KeyedTable(DataTable):
    """``DataTable`` with its row layout cached by the rows' structure, cells by value."""

    def __init__(self, **kwargs: Any) -> None:
        # Before DataTable's own set-up, whose watchers already clear the caches.
        self._structure = 0
        """Bumped whenever rows can come, go, move or change height."""
        self._layout_key: tuple[int, int] | None = None
        self._layout: tuple[list[Row], list[tuple[RowKey, int]]] = ([], [])
        self._cells: dict[tuple[object, ...], Any] = {}
        super().__init__(**kwargs)

    # ---------------------------------------------------------------- structure changes

    def add_row(self, *cells: Any, **kwargs: Any) -> RowKey:
        self._structure += 1
        return super().add_row(*cells, **kwargs)

    def remove_row(self, row_key: RowKey | str) -> None:
        self._structure += 1
        super().remove_row(row_key)

    def clear(self, columns: bool = False) -> KeyedTable:
        super().clear(columns)
        self._structure += 1
        return self

    def sort(self, *columns: Any, **kwargs: Any) -> KeyedTable:
        self._structure += 1
        super().sort(*columns, **kwargs)
        self._structure += 1
        return self

    def _update_dimensions(self, new_rows: Any) -> None:
        super()._update_dimensions(new_rows)  # may set the height of auto-height rows
        self._structure += 1

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._structure += 1

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: Any, *,
                    update_width: bool = False) -> None:
        """As ``DataTable.update_cell``, but a cell that keeps its column's width repaints only
        its row (DataTable repaints the whole table)."""
        row_key = RowKey(row_key) if isinstance(row_key, str) else row_key
        column_key = ColumnKey(column_key) if isinstance(column_key, str) else column_key
        if update_width or row_key not in self._row_locations or column_key not in self._column_locations:
            super().update_cell(row_key, column_key, value, update_width=update_width)
            return
        self._data[row_key][column_key] = value
        self._update_count += 1
        row = self._row_locations.get(row_key)
        if row is not None:
            self.refresh_row(row)

    # ---------------------------------------------------------------- cached layout

    def _row_layout(self) -> tuple[list[Row], list[tuple[RowKey, int]]]:
        key = (self._structure, self.row_count)
        if key != self._layout_key:
            keys = self._row_locations
            rows = [self.rows[keys.get_key(i)] for i in range(self.row_count)]  # type: ignore[index]
            offsets = [(row.key, y) for row in rows for y in range(row.height)]
            self._layout_key, self._layout = key, (rows, offsets)
        return self._layout

    @property
    def ordered_rows(self) -> list[Row]:
        """The rows in the order they appear on screen (kept until the rows change)."""
        return self._row_layout()[0]

    @property
    def _y_offsets(self) -> list[tuple[RowKey, int]]:
        """For each line of the table, its row and the line within that row (kept until the
        rows change)."""
        return self._row_layout()[1]

    # ---------------------------------------------------------------- cells by value

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False):
        """DataTable re-renders every visible cell after any ``update_cell``; this cache is
        keyed by the cell's value instead, so a key press re-renders only the cells whose
        text changed."""
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        value = self._data[row_key][column_key]
        vkey = value if isinstance(value, str) else (
            (value.plain, str(value.style), tuple(value.spans)) if isinstance(value, Text) else id(value))
        key = (row_index, column_index, vkey, base_style, width, cursor, hover,
               self._show_hover_cursor, self._pseudo_class_state)
        hit = self._cells.get(key)
        if hit is None:
            if len(self._cells) > 20_000:
                self._cells.clear()
            hit = self._cells[key] = super()._render_cell(row_index, column_index, base_style,
                                                          width, cursor, hover)
        return hit
