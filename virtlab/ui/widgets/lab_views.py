"""The lab panel's lower views, registered as specs: which views exist, in what order, what
each is called, which widget draws it and which labs have it.

:data:`LAB_VIEWS` is an explicit tuple (no registration by import side effect). A lab shows
the views whose :attr:`LabView.applies` is true for its scenario; ``v`` cycles through them
in this order. A domain that adds a view (storage, network) adds a spec here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from virtlab.core.state import Datacenter
from virtlab.ui.widgets.contention_view import ContentionView
from virtlab.ui.widgets.host_bars import HostBars
from virtlab.ui.widgets.isolation_view import IsolationView
from virtlab.ui.widgets.lines_view import LinesView
from virtlab.ui.widgets.network_view import NetworkView
from virtlab.ui.widgets.storage_view import StorageView
from virtlab.ui.widgets.topology_view import TopologyView


def compute_lab(_state: Datacenter) -> bool:
    """The compute views apply to every compute lab (and the sandbox), even an empty one."""
    return True


def has_network(state: Datacenter) -> bool:
    """The network view applies to a lab whose scenario has a network."""
    return not state.network.empty


def has_stack(state: Datacenter) -> bool:
    """The storage view applies to a lab whose scenario has a storage stack."""
    return not state.storage.stack.empty


@dataclass(frozen=True, slots=True)
class LabView:
    """One lower view of the lab panel."""

    id: str
    """Short id: the widget is ``#lab-<id>`` inside the scroller ``#view-<id>``."""
    title: str
    """String key of the view's name in the status line (``labp.view.<id>``)."""
    widget: type[LinesView]
    """The widget that draws the view."""
    applies: Callable[[Datacenter], bool]
    """Whether a lab whose scenario is the given state has this view."""


LAB_VIEWS: tuple[LabView, ...] = (
    LabView("hosts", "labp.view.hosts", HostBars, compute_lab),
    LabView("isolation", "labp.view.isolation", IsolationView, compute_lab),
    LabView("contention", "labp.view.contention", ContentionView, compute_lab),
    LabView("storage", "labp.view.storage", StorageView, has_stack),
    LabView("network", "labp.view.network", NetworkView, has_network),
    LabView("topology", "labp.view.topology", TopologyView, has_network),
)
"""Every lab view, in the order ``v`` cycles through them."""


def views_for(state: Datacenter) -> tuple[LabView, ...]:
    """The views a lab over ``state`` shows, in cycle order; a lab about storage alone (a
    stack and no workloads) opens on the storage view."""
    views = tuple(view for view in LAB_VIEWS if view.applies(state))
    if has_stack(state) and not state.workload_names():
        views = tuple(sorted(views, key=lambda v: v.id != "storage"))
    return views
