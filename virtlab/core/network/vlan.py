"""802.1Q VLANs and VXLAN overlays: the numbers a frame's path is judged by.

Sources:

- IEEE 802.1Q-2018, 9.6 (VLAN tag): a 4-byte tag (TPID 0x8100 + 16-bit TCI) with a 12-bit
  VID; VID 0 means "no VLAN" (a priority-tagged frame) and 4095 (0xFFF) is reserved, so 1–4094
  are usable. An access (untagged) port admits only untagged and priority-tagged frames
  (the "Admit only untagged and priority-tagged" acceptable-frame-types setting, 6.9); a trunk
  carries the VLANs it is a member of tagged, and its native (PVID) VLAN untagged.
- IEEE 802.3ac: the largest tagged Ethernet frame is 1522 bytes (1518 + the 4-byte tag), so
  the tag does not take from the 1500-byte IP MTU (RFC 894) a VLAN carries.
- VMware vSphere Networking guide, "VLAN Configuration": a port group's VLAN ID 0 is no tagging
  (External Switch Tagging), 1–4094 tags on the virtual switch (Virtual Switch Tagging), and
  4095 passes every tag to the guest (Virtual Guest Tagging, a trunk into the VM).
- RFC 7348 (VXLAN), section 5: a 24-bit VNI (16,777,216 segments), UDP destination port 4789;
  against the underlay's MTU the inner frame's Ethernet header (14, now payload) + outer IPv4
  (20) + UDP (8) + VXLAN (8) add 50 bytes (70 with an outer IPv6 header of 40; the outer
  Ethernet header, like any frame's own, is outside the MTU), and section 4.3: VTEPs must not
  fragment, so the underlay MTU must hold the inner packet plus that overhead — 1550 for a
  1500-byte inner MTU.
"""

from __future__ import annotations

from virtlab.core.base import refuse

__all__ = ["DEFAULT_MTU", "MAX_VNI", "MTU_MAX", "MTU_MIN", "mtu_problem", "vni_problem", "TAG_BYTES", "VID_MAX", "VID_MIN", "VXLAN_OVERHEAD_V4",
           "VXLAN_OVERHEAD_V6", "VXLAN_UDP_PORT", "check_vid", "check_vni", "vid_problem",
           "vxlan_overhead", "vxlan_underlay_needed"]

#: IEEE 802.1Q: the tag's size and the usable VIDs.
TAG_BYTES = 4
VID_MIN, VID_MAX = 1, 4094
#: RFC 7348: the VNI is 24 bits; VNI 0 is not used by this lab (a segment needs an ID).
MAX_VNI = 2**24 - 1
VXLAN_UDP_PORT = 4789
VXLAN_OVERHEAD_V4 = 14 + 20 + 8 + 8
VXLAN_OVERHEAD_V6 = 14 + 40 + 8 + 8
#: Ethernet's default IP MTU (RFC 894), what a vSwitch and a physical port start at.
DEFAULT_MTU = 1500
#: The MTUs a port takes: IPv4's minimum reassembly size (RFC 791: 576) up to a 9216-byte
#: jumbo frame (the largest most data-centre switches take; vSphere allows 9000).
MTU_MIN, MTU_MAX = 576, 9216


def mtu_problem(mtu: int) -> str | None:
    if not MTU_MIN <= mtu <= MTU_MAX:
        return f"MTU {mtu} is outside {MTU_MIN}–{MTU_MAX}"
    return None


def vni_problem(vni: int) -> str | None:
    if not 1 <= vni <= MAX_VNI:
        return f"VNI {vni} is outside 1–{MAX_VNI:,} (VXLAN's VNI has 24 bits, RFC 7348)"
    return None


def vid_problem(vid: int) -> tuple[str, str] | None:
    """Why ``vid`` cannot be an access VLAN or a port group's VLAN: ``(code, reason)``, or None."""
    if vid == 0:
        return ("vlan_reserved_0", "VLAN 0 is not a VLAN: it marks an untagged or priority-tagged "
                "frame (IEEE 802.1Q); usable VLANs are 1–4094")
    if vid == 4095:
        return ("vlan_reserved_4095", "VLAN 4095 is reserved (IEEE 802.1Q); in vSphere it makes a "
                "port group a trunk into the guest (Virtual Guest Tagging); usable VLANs are 1–4094")
    if not VID_MIN <= vid <= VID_MAX:
        return ("vlan_range", f"VLAN {vid} is outside 1–4094: the 802.1Q VID has 12 bits")
    return None


def check_vid(vid: int, subject: str) -> None:
    """Raise :class:`Refused` if ``vid`` is not a usable VLAN ID (1–4094)."""
    problem = vid_problem(vid)
    if problem is not None:
        code, reason = problem
        raise refuse(code, subject, f"{subject}: {reason}", vlan=vid)


def check_vni(vni: int, subject: str) -> None:
    """Raise :class:`Refused` if ``vni`` does not fit VXLAN's 24 bits (1–16,777,215)."""
    problem = vni_problem(vni)
    if problem is not None:
        raise refuse("vni_range", subject, f"{subject}: {problem}", vni=vni)


def vxlan_overhead(ipv6: bool = False) -> int:
    """Bytes VXLAN adds to an inner frame's IP packet: 50 over IPv4, 70 over IPv6 (RFC 7348)."""
    return VXLAN_OVERHEAD_V6 if ipv6 else VXLAN_OVERHEAD_V4


def vxlan_underlay_needed(inner_bytes: int, ipv6: bool = False) -> int:
    """The underlay MTU an inner IP packet of ``inner_bytes`` needs (DF set, VTEPs never
    fragment): ``inner + 50`` (``+ 70`` over IPv6) — 1550 for a 1500-byte packet."""
    return inner_bytes + vxlan_overhead(ipv6)

