"""The lab's workload table: one row per VM or container, updated cell by cell from the report.

Rows are keyed by workload name. :meth:`WorkloadTable.sync` compares each new row with the one
shown and updates only the cells that changed, so a key press on a large sandbox does not
rebuild thousands of rows; adding or removing a workload (a change of row order) rebuilds.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from virtlab.core.compute.report import RowStatus, WorkloadReport
from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.course.i18n import t
from virtlab.ui.widgets.labtext import demand_label, ready_mark, status_text

#: What matters most comes first and fits ~70 columns: name, status, size, CPU, memory.
COLUMNS = ("name", "status", "size", "cpu", "memory", "kind", "on", "demand", "qos")


def changed_hosts(old: Datacenter, new: Datacenter) -> set[str] | None:
    """Hosts whose workloads' rows may differ between two states (None: assume all).

    States share unchanged models (actions rebuild only what they touch), so a host whose host
    model, VMs and containers are the very same objects computes the same rows.
    """
    if old.policy is not new.policy or len(old.hosts) != len(new.hosts):
        return None
    out: set[str] = set()
    o_vms, n_vms = old.compute.vms_by_host, new.compute.vms_by_host
    o_ctr, n_ctr = old.compute.containers_by_parent, new.compute.containers_by_parent
    empty: list = []
    for h in new.hosts:
        name = h.name
        if old.host_index.get(name) is not h:
            out.add(name)
            continue
        a, b = o_vms.get(name, empty), n_vms.get(name, empty)
        keys = [("host", name)] + [("vm", v.name) for v in b]
        if len(a) != len(b) or any(x is not y for x, y in zip(a, b, strict=True)) or any(
            len(o_ctr.get(k, empty)) != len(n_ctr.get(k, empty))
            or any(x is not y for x, y in zip(o_ctr.get(k, empty), n_ctr.get(k, empty), strict=True))
            for k in keys
        ):
            out.add(name)
    return out


def mib(value: float) -> str:
    """Memory for a table cell: 27 GiB, 4.5 GiB, 626 MiB (no ".0")."""
    if value < 1024:
        return f"{value:.0f} MiB"
    return f"{value / 1024:.3g} GiB"


def _unit_pair(req: float | None, lim: float | None, fmt) -> str:
    """A request/limit pair with the unit said once when they share it: 250/500m, 256/512Mi."""
    a, b = (fmt(v) if v is not None else None for v in (req, lim))
    if a and b:
        num_a, unit_a = a
        num_b, unit_b = b
        if unit_a == unit_b:
            return f"{num_a}/{num_b}{unit_b}"
        return f"{num_a}{unit_a}/{num_b}{unit_b}"
    return f"{''.join(a) if a else '—'}/{''.join(b) if b else '—'}"


def _m(v: float) -> tuple[str, str]:
    return f"{v:g}", "m"


def _mi(v: float) -> tuple[str, str]:
    return (f"{v:.0f}", "Mi") if v < 1024 else (f"{v / 1024:.3g}", "Gi")


def container_size(c) -> str:
    """``250/500m 256/512Mi``: CPU then memory, each request/limit (— when not set)."""
    return (f"{_unit_pair(c.cpu_request_m, c.cpu_limit_m, _m)} "
            f"{_unit_pair(c.mem_request_mib, c.mem_limit_mib, _mi)}")


class WorkloadTable(DataTable):
    """Workloads with their size, demand, CPU entitlement / ready and memory / OOM."""

    DEFAULT_CSS = """
    WorkloadTable { height: auto; max-height: 12; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._rows: dict[str, tuple] = {}
        self._order: list[str] = []
        self._dc: Datacenter | None = None
        self._cells: dict = {}
        self._lang = "en"
        self._styles: dict[str, Style] = {}

    # ------------------------------------------------------------------ public

    def selected(self) -> str | None:
        """The workload under the cursor, or None when the table is empty."""
        if not self._order or self.cursor_row < 0:
            return None
        return self._order[min(self.cursor_row, len(self._order) - 1)]

    def select(self, name: str) -> None:
        if name in self._rows:
            self.move_cursor(row=self._order.index(name))

    def sync(self, report: Report, dc: Datacenter, lang: str) -> None:
        """Show ``report``: update changed cells, or rebuild when rows came or went."""
        if lang != self._lang or not self.columns:
            self._lang = lang
            self._rebuild(report, dc, columns=True)
            return
        names = [w.name for w in report.workloads]
        if names != self._order:
            self._rebuild(report, dc)
            return
        dirty = changed_hosts(self._dc, dc) if self._dc is not None else None
        self._dc = dc
        for w in report.workloads:
            if dirty is not None and w.host not in dirty:
                continue
            row = self._row(w, dc)
            old = self._rows[w.name]
            if row != old:
                for key, new, was in zip(COLUMNS, row, old, strict=True):
                    if new != was:
                        # Relayout only when the column must grow.
                        wider = cell_len(str(new)) > self.columns[ColumnKey(key)].content_width
                        self.update_cell(w.name, key, new, update_width=wider)
                self._rows[w.name] = row

    # ------------------------------------------------------------------ rows

    def _rebuild(self, report: Report, dc: Datacenter, *, columns: bool = False) -> None:
        keep = self.selected()
        self._dc = dc
        self.clear(columns=columns)
        if columns or not self.columns:
            for key in COLUMNS:
                self.add_column(t(f"labp.col.{key}", self._lang), key=key)
        self._rows = {w.name: self._row(w, dc) for w in report.workloads}
        self._order = list(self._rows)
        self.add_rows_keyed(self._rows)
        if keep in self._rows:
            self.move_cursor(row=self._order.index(keep), animate=False)

    def add_rows_keyed(self, rows: dict[str, tuple]) -> None:
        for name, row in rows.items():
            self.add_row(*row, key=name)

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False):
        """DataTable re-renders every visible cell after any ``update_cell`` (its caches are
        keyed by an update counter); this cache is keyed by the cell's value instead, so a key
        press re-renders only the cells whose text changed. Textual is pinned (8.2.8)."""
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

    def _style(self, token: str) -> Style:
        """A theme colour (``error``, ``warning`` …) as a Rich style for a table cell."""
        if token not in self._styles:
            try:
                value = self.app.get_css_variables().get(token, "")
                self._styles[token] = Style(color=value) if value else Style(bold=True)
            except Exception:  # no app or an unparsable colour: fall back on emphasis
                self._styles[token] = Style(bold=True)
        return self._styles[token]

    def _row(self, w: WorkloadReport, dc: Datacenter) -> tuple:
        lang = self._lang
        status_style = ("" if w.status is RowStatus.RUNNING else "warning" if w.status is RowStatus.OFF
                        else "error")
        status = Text(status_text(w.status, lang),
                      style=self._style(status_style) if status_style else "")
        if w.kind == "vm":
            size = f"{w.vcpus:g} vCPU · {mib(w.memory_mib)}"
            vm = dc.compute.vm_index.get(w.name)
            shares: str | int = vm.cpu_shares if vm else "—"
            if isinstance(shares, str) and shares in ("low", "normal", "high"):
                shares = t(f"labp.shares.{shares}", lang)
            qos = t("labp.table.shares", lang, level=shares)
        else:
            c = dc.compute.container_index.get(w.name)
            size = container_size(c) if c else "—"
            qos = f"{w.container.qos.value} · {w.container.oom_score_adj}" if w.container else "—"
        cpu: Text | str = "—"
        killed = w.container is not None and w.container.killed is not None
        if w.cpu is not None and not killed:  # an OOM-killed container uses no CPU
            if w.kind == "vm":
                mark, _style, band = ready_mark(w.cpu.wait_pct)
                token = {"healthy": "success", "warning": "warning", "problem": "error"}[band]
                got = Text(f"{w.cpu.entitlement_mhz:.0f}/{w.cpu.need:.0f} ",
                           style=self._style("error") if w.starved else "")
                cpu = Text.assemble(
                    got,
                    (f"{mark} {w.cpu.wait_pct:.1f}%", self._style(token)),
                )
            else:
                cpu = Text(f"{w.cpu.entitlement_mhz:.0f}/{w.cpu.need:.0f} {w.cpu.ready_pct:.0f}%",
                           style=self._style("error") if w.starved else "")
        memory: Text | str = "—"
        if w.kind == "vm" and w.vm_memory is not None:
            m = w.vm_memory
            taken = m.balloon_mib + m.compressed_mib + m.swapped_mib
            memory = mib(m.consumed_mib) + (f" −{mib(taken)}" if taken > 0.5 else "")
            if m.shortfall_mib > 0.5:  # a working set that does not fit: the guest swaps
                memory = Text(t("labp.table.mem_short", lang, used=memory, short=mib(m.shortfall_mib)),
                              style=self._style("error"))
        elif w.container is not None:
            if w.container.killed is not None:
                memory = Text(t(f"labp.table.oom_{w.container.killed.value}", lang),
                              style=self._style("error"))
            else:
                memory = mib(w.container.usage_mib)
        return (
            w.name, status, size, cpu, memory, t(f"labp.kind.{w.kind}", lang), w.parent,
            demand_label(dc, w.name, lang), qos,
        )
