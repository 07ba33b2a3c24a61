#!/usr/bin/env bash
# Usage: mkova.sh ISO OUT.ova NAME MEM_MB NIC
# An OVA for VMware and VirtualBox from the appliance's hybrid ISO: the ISO's bytes as the
# appliance's disk (a streamOptimized VMDK, which both import), an OVF 1.0 descriptor (one CPU,
# MEM_MB of memory, a PIIX4 IDE controller with the disk, one Ethernet adapter of type NIC:
# E1000 (82540EM: VirtualBox's "Intel PRO/1000 MT Desktop", VMware's e1000) or E1000e (82574L,
# VMware's e1000e), a serial port) and a manifest of SHA-256 sums, in a ustar archive with the
# descriptor first, as the OVF specification orders it. Equal inputs give equal archives (fixed
# owner and times). Needs qemu-img (qemu-utils).
set -euo pipefail

[ $# -eq 5 ] || { echo "usage: $0 ISO OUT.ova NAME MEM_MB NIC" >&2; exit 2; }
iso=$1 out=$2 name=$3 mem=$4 nic=$5
case $nic in
e1000) subtype=E1000 ;;
e1000e) subtype=E1000e ;;
*) echo "mkova.sh: NIC must be e1000 or e1000e, not '$nic'" >&2; exit 2 ;;
esac
work=$(mktemp -d "${TMPDIR:-/tmp}/mkova.XXXXXX")
trap 'rm -rf "$work"' EXIT
disk=$name-disk1.vmdk

qemu-img convert -q -f raw -O vmdk -o subformat=streamOptimized "$iso" "$work/$disk"
capacity=$(qemu-img info --output=json "$work/$disk" | sed -n 's/.*"virtual-size": *\([0-9]*\).*/\1/p' | head -n 1)
disk_size=$(stat -c %s "$work/$disk")
[ -n "$capacity" ] || { echo "mkova.sh: qemu-img did not say the disk's size" >&2; exit 1; }

# rasd elements in the schema's (alphabetical) order: VMware checks it.
cat >"$work/$name.ovf" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- ringvisor appliance (image/deploy/mkova.sh): import into VirtualBox or VMware. -->
<Envelope ovf:version="1.0" xml:lang="en-US" xmlns="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
    <File ovf:href="$disk" ovf:id="file1" ovf:size="$disk_size"/>
  </References>
  <DiskSection>
    <Info>The appliance's disk: the hybrid ISO image (GRUB, hypervisor, guest kernel, initramfs)</Info>
    <Disk ovf:capacity="$capacity" ovf:capacityAllocationUnits="byte" ovf:diskId="vmdisk1" ovf:fileRef="file1"
        ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection>
    <Info>The network the appliance serves on (port 80)</Info>
    <Network ovf:name="NAT">
      <Description>The appliance's network</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="$name">
    <Info>The ringvisor appliance</Info>
    <Name>$name</Name>
    <OperatingSystemSection ovf:id="1">
      <Info>The guest: ringvisor (its own hypervisor, 32-bit x86)</Info>
      <Description>Other</Description>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>One CPU, $mem MB, an IDE disk, an Intel Ethernet adapter, a serial port</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>$name</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-10 virtualbox-2.2</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:Description>Number of virtual CPUs</rasd:Description>
        <rasd:ElementName>1 virtual CPU</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>1</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:Description>Memory size</rasd:Description>
        <rasd:ElementName>$mem MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>$mem</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Description>IDE Controller</rasd:Description>
        <rasd:ElementName>ideController0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>PIIX4</rasd:ResourceSubType>
        <rasd:ResourceType>5</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>disk1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>NAT</rasd:Connection>
        <rasd:Description>$subtype ethernet adapter on "NAT"</rasd:Description>
        <rasd:ElementName>ethernet0</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>$subtype</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
      <Item ovf:required="false">
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Description>Serial port: the console (115200 baud)</rasd:Description>
        <rasd:ElementName>serial0</rasd:ElementName>
        <rasd:InstanceID>6</rasd:InstanceID>
        <rasd:ResourceType>21</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
EOF

(cd "$work" && for f in "$name.ovf" "$disk"; do
    echo "SHA256($f)= $(sha256sum "$f" | cut -d' ' -f1)"
done) >"$work/$name.mf"
find "$work" -exec touch -h -d @946684800 {} +
mkdir -p "$(dirname "$out")"
tar --format=ustar --owner=0 --group=0 --numeric-owner -C "$work" -cf "$out.tmp" \
    "$name.ovf" "$name.mf" "$disk"
mv "$out.tmp" "$out"
