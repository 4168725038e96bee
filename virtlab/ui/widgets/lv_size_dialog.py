"""The exact-size dialog of the storage key: grow an LV or a thin pool to a size the student
types, read as LVM reads it (``lvextend -L 15G``: a bare K, M, G, T is a power of 1024;
``15 GB`` is decimal), dismissed with the :class:`~virtlab.core.storage.actions.LvExtend`
to apply (the engine refuses a shrink or more extents than the VG has free).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Static

from virtlab.core.storage.actions import LvExtend
from virtlab.core.units import UnitError, fmt_mib, parse_cgroup_mib
from virtlab.course.i18n import t
from virtlab.ui.widgets.form_dialog import FormDialog


def lvm_size(mib: float) -> str:
    """A size as lvextend takes it back: whole GiB as ``10G``, else MiB as ``10244M``."""
    return f"{mib / 1024:g}G" if mib % 1024 == 0 else f"{mib:g}M"


class LvSizeDialog(FormDialog):
    """Dismisses with an :class:`LvExtend` to the size typed, or None."""

    TITLE_KEY = "labp.storage_menu.size_title"

    def __init__(self, lang: str, name: str, size_mib: float) -> None:
        super().__init__(lang)
        self.lv_name = name
        self.current_mib = size_mib

    def fields(self) -> ComposeResult:
        yield self.row("labp.storage_menu.size_field", Input(lvm_size(self.current_mib), id="f-lv-size"))

    def on_mount(self) -> None:
        self.query_one("#form-preview", Static).update(
            t("labp.storage_menu.size_now", self.lang, name=self.lv_name, size=fmt_mib(self.current_mib)))
        self.query_one("#f-lv-size", Input).focus()

    def build(self) -> LvExtend:
        raw = self.value("f-lv-size")
        try:
            mib = parse_cgroup_mib(raw)
        except UnitError:
            mib = -1.0
        if not mib > 0:
            raise ValueError(t("labp.storage_menu.size_bad", self.lang, value=raw))
        return LvExtend(name=self.lv_name, size_mib=mib)
