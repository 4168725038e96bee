"""The network domain: physical and virtual switches, 802.1Q VLANs, VXLAN overlays, an SDN
controller's flow tables, security groups, learning switches, the packet trace and the
reachability matrix."""
