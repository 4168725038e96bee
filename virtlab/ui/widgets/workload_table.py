"""The lab's workload table: one row per VM or container, updated cell by cell from the report.

Rows are keyed by workload name. :meth:`WorkloadTable.sync` compares each new row with the one
shown and updates only the cells that changed, so a key press on a large sandbox does not
rebuild thousands of rows; adding or removing a workload (a change of row order) rebuilds.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widgets.data_table import ColumnKey

from virtlab.core.compute.report import RowStatus, WorkloadReport
from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.course.i18n import t
from virtlab.ui.widgets.keyed_table import KeyedTable
from virtlab.ui.widgets.labtext import demand_label, ready_mark, status_text

#: Every column the table can show (a row holds a value for each, in this order).
COLUMNS = ("name", "status", "size", "cpu", "memory", "kind", "on", "demand", "qos")


def columns_for(dc: Datacenter, *, faults: bool = False) -> tuple[str, ...]:
    """The columns this state needs, most important first, so what a lesson talks about fits
    the lab pane (72 cells at 120×36) and the rest is a sideways scroll away.

    Kind only when VMs and containers are mixed; On only with several hosts or containers
    inside VMs (then early: where a workload runs is what a move changes); Shares / QoS only
    with containers or VMs whose shares were changed. Size and demand sit side by side (a
    lesson compares them); the status comes early when something can stop (containers, or a
    lab that allows faults), else after the numbers.
    """
    compute = dc.compute
    has_vms, has_ctrs = bool(compute.vms), bool(compute.containers)
    early = has_ctrs or faults
    cols = ["name"]
    if has_vms and has_ctrs:
        cols.append("kind")
    if early:
        cols.append("status")
    if len(dc.hosts) > 1 or any(c.vm for c in compute.containers):
        cols.append("on")
    cols += ["size", "demand", "cpu", "memory"]
    if not early:
        cols.append("status")
    if has_ctrs or any(v.cpu_shares != "normal" for v in compute.vms):
        cols.append("qos")
    return tuple(cols)


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


def mib(value: float, *, short: bool = False) -> str:
    """Memory for a table cell: 27 GiB, 4.5 GiB, 626 MiB (no ".0"); ``short``: two digits
    (13 GiB, 1.9 GiB), so a reclaimed amount keeps the column narrow."""
    if value < 1024:
        return f"{value:.0f} MiB"
    if short:
        return f"{value / 1024:.2g} GiB" if value < 10 * 1024 else f"{value / 1024:.0f} GiB"
    return f"{value / 1024:.3g} GiB"


def _unit_pair(req: float | None, lim: float | None, fmt) -> str:
    """A request/limit pair, each with its unit: 250m/500m, 2Gi/2Gi, —/128Mi (— not set)."""
    a, b = (fmt(v) if v is not None else None for v in (req, lim))
    return f"{''.join(a) if a else '—'}/{''.join(b) if b else '—'}"


def _m(v: float) -> tuple[str, str]:
    return f"{v:g}", "m"


def _mi(v: float) -> tuple[str, str]:
    return (f"{v:.0f}", "Mi") if v < 1024 else (f"{v / 1024:.3g}", "Gi")


def container_size(c) -> str:
    """``250m/500m 256Mi/512Mi``: CPU then memory, each request/limit (— when not set)."""
    return (f"{_unit_pair(c.cpu_request_m, c.cpu_limit_m, _m)} "
            f"{_unit_pair(c.mem_request_mib, c.mem_limit_mib, _mi)}")


class WorkloadTable(KeyedTable):
    """Workloads with their size, demand, CPU entitlement / ready and memory / OOM."""

    DEFAULT_CSS = """
    WorkloadTable { height: auto; max-height: 12; scrollbar-size-vertical: 1; }
    """

    def __init__(self, *, id: str | None = None, faults: bool = False) -> None:
        # One space between columns (the cells carry it) instead of DataTable's two.
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=0)
        self.faults = faults
        """Whether the lab allows faults (then the status column comes early)."""
        self._rows: dict[str, tuple] = {}
        self._order: list[str] = []
        self._dc: Datacenter | None = None
        self._report: Report | None = None
        self._lang = "en"
        self._styles: dict[str, Style] = {}
        self._cols: tuple[str, ...] = ()
        self._pick: tuple[int, ...] = ()

    # ------------------------------------------------------------------ public

    def selected(self) -> str | None:
        """The workload under the cursor, or None when the table is empty."""
        if not self._order or self.cursor_row < 0:
            return None
        return self._order[min(self.cursor_row, len(self._order) - 1)]

    def select(self, name: str) -> None:
        if name in self._rows:
            self.move_cursor(row=self._order.index(name))

    @property
    def column_keys(self) -> tuple[str, ...]:
        """The keys of the columns on show, left to right (see :func:`columns_for`)."""
        return self._cols

    def cell(self, name: str, column: str) -> str:
        """The plain text of one cell (``""`` for a column not on show)."""
        if column not in self._cols or name not in self._rows:
            return ""
        return str(self._rows[name][self._cols.index(column)]).strip()

    def as_text(self) -> str:
        """The plain-text twin: the header and every row, in aligned columns."""
        rows = [[str(c.label).strip() for c in self.columns.values()]]
        rows += [[str(v).strip() for v in self.get_row(key)] for key in self.rows]
        widths = [max(cell_len(r[i]) for r in rows) for i in range(len(rows[0]))] if rows[0] else []
        return "\n".join("  ".join(v + " " * (w - cell_len(v)) for v, w in zip(r, widths, strict=True))
                         .rstrip() for r in rows)

    def note(self, lang: str) -> str:
        """The line under the table: which columns are a sideways scroll away (empty when the
        table fits)."""
        hidden = self.hidden_columns()
        if not hidden:
            return ""
        names = ", ".join(str(self.columns[ColumnKey(k)].label).strip() for k in hidden)
        return t("labp.note.scroll", lang, columns=names)

    def hidden_columns(self) -> list[str]:
        """Keys of the columns not wholly in view (a sideways scroll away)."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return []
        left, right = self.scroll_x, self.scroll_x + width
        hidden, x = [], 0
        for key, column in zip(self._cols, self.columns.values(), strict=False):
            end = x + column.get_render_width(self)
            if x < left or end > right:
                hidden.append(key)
            x = end
        return hidden

    def sync(self, report: Report, dc: Datacenter, lang: str) -> bool:
        """Show ``report``: update changed cells, or rebuild when rows or columns came or went.
        Returns whether a column may have changed its width."""
        cols = columns_for(dc, faults=self.faults)
        if lang != self._lang or not self.columns or cols != self._cols:
            self._lang = lang
            self._rebuild(report, dc, columns=True)
            return True
        same_order = (self._report is not None and report._pos is not None
                      and report._pos is self._report._pos)  # built from it: the same rows
        if not same_order and [w.name for w in report.workloads] != self._order:
            self._rebuild(report, dc)
            return True
        resized = False
        for w in self._changed_rows(report, dc):
            row = self._row(w, dc)
            old = self._rows[w.name]
            if row != old:
                for key, new, was in zip(self._cols, row, old, strict=True):
                    if new != was:
                        # Relayout only when the column must grow.
                        wider = cell_len(str(new)) > self.columns[ColumnKey(key)].content_width
                        resized = resized or wider
                        self.update_cell(w.name, key, new, update_width=wider)
                self._rows[w.name] = row
        return resized

    def _changed_rows(self, report: Report, dc: Datacenter) -> Iterable[WorkloadReport]:
        """The rows that may differ from those shown: those of the hosts whose report part is
        not the very object shown before (a part is reused only for identical inputs, and a
        row reads nothing but its host's part and the models in it), else those of the hosts
        :func:`changed_hosts` names."""
        old, self._report = self._report, report
        old_dc, self._dc = self._dc, dc
        if (old is not None and len(old.parts) == len(report.parts) == len(report.hosts)
                and not report._lost and not old._lost):
            return [w for a, b in zip(old.parts, report.parts, strict=True) if a is not b
                    for w in b.rows.values()]
        dirty = changed_hosts(old_dc, dc) if old_dc is not None else None
        return [w for w in report.workloads if dirty is None or w.host in dirty]

    # ------------------------------------------------------------------ rows

    def _rebuild(self, report: Report, dc: Datacenter, *, columns: bool = False) -> None:
        keep = self.selected()
        where = self.cursor_row
        self._dc, self._report = dc, report
        self.clear(columns=columns)
        if columns or not self.columns:
            self._cols = columns_for(dc, faults=self.faults)
            self._pick = tuple(COLUMNS.index(k) for k in self._cols)
            boxed = bool(dc.compute.containers)
            for n, key in enumerate(self._cols):
                label = t(f"labp.col.{'size_req_lim' if key == 'size' and boxed else key}", self._lang)
                self.add_column(_plain(_pad(label) if n else label), key=key)
        self._rows = {w.name: self._row(w, dc) for w in report.workloads}
        self._order = list(self._rows)
        self.add_rows_keyed(self._rows)
        if keep in self._rows:
            self.move_cursor(row=self._order.index(keep), animate=False)
        elif self._order:  # the selected row went (removed): stay where it was, not at the top
            self.move_cursor(row=min(where, len(self._order) - 1), animate=False)

    def add_rows_keyed(self, rows: dict[str, tuple]) -> None:
        for name, row in rows.items():
            self.add_row(*row, key=name)

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
            size = f"{w.vcpus:g} vCPU {mib(w.memory_mib)}"
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
            memory = mib(m.consumed_mib) + (f" −{mib(taken, short=True)}" if taken > 0.5 else "")
            if m.shortfall_mib > 0.5:  # a working set that does not fit: the guest swaps
                memory = Text(t("labp.table.mem_short", lang, used=memory, short=mib(m.shortfall_mib)),
                              style=self._style("error"))
        elif w.container is not None:
            if w.container.killed is not None:
                memory = Text(t(f"labp.table.oom_{w.container.killed.value}", lang),
                              style=self._style("error"))
            else:
                memory = mib(w.container.usage_mib)
        full = (w.name, status, size, cpu, memory, t(f"labp.kind.{w.kind}", lang), w.parent,
                demand_label(dc, w.name, lang), qos)
        return tuple(_plain(_pad(full[i]) if n else full[i]) for n, i in enumerate(self._pick))


def _plain(value: Text | str) -> Text:
    """A cell or label as Text: ``DataTable`` parses a ``str`` as markup (with emoji codes),
    so a VM named ``db:smile:`` showed as "db😄", and parsing every cell cost time."""
    return value if isinstance(value, Text) else Text(value, no_wrap=True, end="")


def _pad(value: Text | str) -> Text | str:
    """A cell's value with the one space that separates it from the column on its left (the
    first column has none: it starts at the panel's edge)."""
    if isinstance(value, Text):
        return Text.assemble(" ", value)
    return f" {value}"
