#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the fixtures of tests/import/scvmm/ that no public project holds,
# in the shapes Windows PowerShell 5.1's ConvertTo-Json gives VMM objects
# (README.md says which shape each file has and where it comes from):
# four spaces of indent, '"key":  value', CRLF line ends, enums as
# integers beside VMM's *String properties, System.Version as an object,
# objects past -Depth as their name and arrays past it as one string.
# Run from the project's root: python3 tests/import/scvmm/make-fixtures.py
import json
import os
import zlib

here = os.path.dirname(os.path.abspath(__file__))


def ps(v, ind=0):
    """ConvertTo-Json's layout (Windows PowerShell 5.1)."""
    pad = ' ' * ind
    if isinstance(v, dict):
        if not v:
            return '{\n\n' + pad + '}'
        items = [pad + '    ' + json.dumps(k) + ':  ' + ps(x, ind + 4)
                 for k, x in v.items()]
        return '{\n' + ',\n'.join(items) + '\n' + pad + '}'
    if isinstance(v, list):
        if not v:
            return '[\n\n' + pad + ']'
        items = [pad + '    ' + ps(x, ind + 4) for x in v]
        return '[\n' + ',\n'.join(items) + '\n' + pad + ']'
    if isinstance(v, str) and v.startswith('/Date('):
        return '"\\' + v[:-1] + '\\/"'   # "\/Date(...)\/"
    return json.dumps(v, ensure_ascii=False)


def write(name, v, enc):
    text = ps(v).replace('\n', '\r\n') + '\r\n'
    data = {'utf-16-le': b'\xff\xfe' + text.encode('utf-16-le'),
            'utf-8-sig': b'\xef\xbb\xbf' + text.encode('utf-8'),
            'utf-8': text.encode('utf-8')}[enc]
    with open(os.path.join(here, name), 'wb') as f:
        f.write(data)


def version(s):
    p = [int(x) for x in s.split('.')] + [-1, -1]
    return {'Major': p[0], 'Minor': p[1], 'Build': p[2], 'Revision': p[3],
            'MajorRevision': p[3] >> 16 if p[3] >= 0 else -1,
            'MinorRevision': p[3] & 0xffff if p[3] >= 0 else -1}


def host(name, cluster, maker, cpus, sockets, mem_gb, hv, responding=True,
         maintenance=False, vms='', cpu_pct=12, avail_mb=40960):
    short = name.split('.')[0]
    ok = responding
    return {
        'OverallStateString': 'OK' if ok else 'Not Responding',
        'OverallState': 0 if ok else 2,
        'CommunicationStateString': 'Responding' if ok else 'Not Responding',
        'CommunicationState': 0 if ok else 1,
        'Name': name,
        'FullyQualifiedDomainName': name,
        'ComputerName': short,
        'DomainName': 'contoso.com',
        'Description': '',
        'MaintenanceHost': maintenance,
        'AvailableForPlacement': not maintenance,
        'LogicalProcessorCount': cpus if ok else 0,
        'PhysicalCPUCount': sockets if ok else 0,
        'CoresPerCPU': cpus // sockets if ok else 0,
        'ProcessorSpeed': 2933 if ok else 0,
        'ProcessorModel': ('Xeon' if maker == 'Intel' else 'Opteron') if ok else '',
        'ProcessorManufacturer': maker if ok else '',
        'ProcessorArchitecture': 9 if ok else 0,
        'ProcessorFamily': ('179' if maker == 'Intel' else '56') if ok else '',
        'TotalMemory': mem_gb * 1024 ** 3 if ok else 0,
        'AvailableMemory': avail_mb if ok else 0,
        'CpuUtilization': cpu_pct if ok else 0,
        'OperatingSystem': {'Name': 'Windows Server 2008 R2 Enterprise ',
                            'Version': version('6.1.7601'),
                            'Architecture': 1},
        'VirtualizationPlatformString': 'Microsoft Hyper-V',
        'VirtualizationPlatform': 2,
        'VMHostGroup': {'Name': 'All Hosts', 'Path': 'All Hosts',
                        'ParentHostGroup': None,
                        'ServerConnection': 'Microsoft.SystemCenter.VirtualMachineManager.Remoting.ServerConnection'},
        'HostCluster': {'Name': cluster, 'ClusterName': cluster.split('.')[0],
                        'Nodes': 'hv-01.contoso.com hv-02.contoso.com hv-amd-01.contoso.com',
                        'ServerConnection': 'Microsoft.SystemCenter.VirtualMachineManager.Remoting.ServerConnection'} if cluster else None,
        'HyperVState': 3 if ok else 0,
        'HyperVStateString': 'Running' if ok else 'Unknown',
        'HyperVVersion': version(hv if ok else '0.0'),
        'HyperVVersionState': 0,
        'VirtualServerState': 0,
        'VirtualServerStateString': 'NotInstalled' if ok else 'Unknown',
        'VirtualServerVersion': version('0.0'),
        'VirtualServerVersionState': 0,
        'Agent': {'Name': name, 'ComputerName': name,
                  'Version': version('2.0.4521.0') if ok else version('0.0'),
                  'VersionState': 0,
                  'ServerConnection': 'Microsoft.SystemCenter.VirtualMachineManager.Remoting.ServerConnection'},
        'ComputerState': 2 if ok else 3,
        'VMs': vms,
        'DiskVolumes': 'C:\\ D:\\' if ok else '',
        'ModifiedTime': '/Date(1579058571826)/',
        'ServerConnection': {'Name': 'vmm01.contoso.com', 'Port': 8100,
                             'IsConnected': True,
                             'ServerInterfaceVersion': '2.0.4271.0',
                             'UserRole': 'Administrator'},
        'ID': '%08x-52c1-4c7e-9d3a-1f2e3d4c5b6a' % zlib.crc32(name.encode()),
        'ObjectType': 9,
    }


def vm(name, hostobj, state, state_s, ncheck, limit, cpus, mem, status=None):
    return {
        'Name': name,
        'Description': '',
        'HostName': hostobj['Name'],
        'VMHost': {k: hostobj[k] for k in (
            'Name', 'FullyQualifiedDomainName', 'ComputerName',
            'CommunicationState', 'ProcessorManufacturer')} | {
            'VMHostGroup': 'All Hosts', 'HostCluster': 'east-cluster.contoso.com',
            'ServerConnection': 'Microsoft.SystemCenter.VirtualMachineManager.Remoting.ServerConnection'},
        'ComputerName': name + '.contoso.com',
        'Status': state,
        'StatusString': state_s,
        'VirtualMachineState': state,
        'VirtualMachineStateString': state_s,
        'CPUCount': cpus,
        'CPUType': {'Name': '2.40 GHz Xeon (2 MB L2 cache)',
                    'ServerConnection': 'Microsoft.SystemCenter.VirtualMachineManager.Remoting.ServerConnection'},
        'LimitCPUFunctionality': False,
        'LimitCPUForMigration': limit,
        'Memory': mem,
        'DynamicMemoryEnabled': False,
        'VMCheckpoints': [
            {'Name': '%s - (1/%d/2020 - 9:12:0%d AM)' % (name, i + 14, i),
             'CheckpointID': 'A1B2C3D4-0000-4000-8000-00000000000%d' % i,
             'ParentCheckpointID': None if i == 0 else 'A1B2C3D4-0000-4000-8000-00000000000%d' % (i - 1),
             'VM': name,
             'ServerConnection': 'Microsoft.SystemCenter.VirtualMachineManager.Remoting.ServerConnection'}
            for i in range(ncheck)],
        'LastRestoredVMCheckpoint': None,
        'OperatingSystem': {'Name': 'Windows Server 2008 R2 Standard',
                            'Version': '6.1', 'Architecture': 1},
        'ModifiedTime': '/Date(1579058571826)/',
        'ObjectType': 1,
    }


hv01 = host('hv-01.contoso.com', 'east-cluster.contoso.com', 'Intel', 16, 2, 64,
            '6.1.7601.17514', vms='web-01 web-02 db-01', cpu_pct=23)
hv02 = host('hv-02.contoso.com', 'east-cluster.contoso.com', 'Intel', 16, 2, 64,
            '6.1.7601.17514', vms='app-01', cpu_pct=41)
amd = host('hv-amd-01.contoso.com', 'east-cluster.contoso.com', 'AMD', 12, 2, 32,
           '6.1.7601.17514', avail_mb=20480)
down = host('hv-03.contoso.com', None, 'Intel', 8, 1, 32, '6.1.7601.17514',
            responding=False)
maint = host('hv-04.contoso.com', None, 'Intel', 16, 2, 64, '6.1.7601.17514',
             maintenance=True)

# Get-SCVMHost | ConvertTo-Json > hosts.json  (Windows PowerShell 5.1: '>'
# writes UTF-16LE with a BOM)
write('hosts.json', [hv01, hv02, amd, down, maint], 'utf-16-le')

vms = [
    vm('web-01', hv01, 3, 'Saved', 0, False, 2, 4096),
    vm('web-02', hv01, 1, 'PowerOff', 0, False, 2, 4096),
    vm('db-01', hv01, 3, 'Saved', 0, True, 4, 8192),
    vm('app-01', hv02, 0, 'Running', 2, False, 2, 2048),
]
# Get-SCVirtualMachine | ConvertTo-Json | Set-Content -Encoding UTF8 vms.json
# (UTF-8 with a BOM)
write('vms.json', vms, 'utf-8-sig')

# Get-SCVirtualMachine -Name web-02 | ConvertTo-Json -Depth 0: one object,
# bare; its objects written as their names, its arrays as one string.
bare = vm('web-02', hv01, 1, 'PowerOff', 0, False, 2, 4096)
bare['VMHost'] = hv01['Name']
bare['VMCheckpoints'] = ''
bare['CPUType'] = '2.40 GHz Xeon (2 MB L2 cache)'
bare['OperatingSystem'] = 'Windows Server 2008 R2 Standard'
write('vm-depth0.json', bare, 'utf-8')

# The command of docs/import/scvmm.md: one file of hosts and VMs.
def select_host(h):
    s = lambda v: '' if v is None else v
    return {
        'Name': h['Name'],
        'HostCluster': s(h['HostCluster'] and h['HostCluster']['Name']),
        'ProcessorManufacturer': h['ProcessorManufacturer'],
        'ProcessorArchitecture': h['ProcessorArchitecture'],
        'PhysicalCPUCount': h['PhysicalCPUCount'],
        'LogicalProcessorCount': h['LogicalProcessorCount'],
        'TotalMemory': h['TotalMemory'],
        'AvailableMemory': h['AvailableMemory'],
        'CpuUtilization': h['CpuUtilization'],
        'VirtualizationPlatform': 'HyperV',
        'HyperVVersion': '.'.join(str(x) for x in (
            h['HyperVVersion']['Major'], h['HyperVVersion']['Minor'],
            h['HyperVVersion']['Build'], h['HyperVVersion']['Revision']) if x >= 0),
        'HyperVState': h['HyperVStateString'],
        'HyperVVersionState': 'UpToDate' if h['CommunicationState'] == 0 else 'Unknown',
        'VirtualServerVersion': '0.0',
        'VirtualServerState': h['VirtualServerStateString'],
        'VirtualServerVersionState': 'Unknown',
        'CommunicationState': 'NotResponding' if h['CommunicationState'] else 'Responding',
        'ComputerState': 'Responding' if h['ComputerState'] == 2 else 'NotResponding',
        'Status': 'Responding' if h['ComputerState'] == 2 else 'NotResponding',
        'AgentVersionState': 'UpToDate' if h['ComputerState'] == 2 else 'Unknown',
        'AvailableForPlacement': h['AvailableForPlacement'],
        'MaintenanceHost': h['MaintenanceHost'],
    }


def select_vm(v):
    return {
        'Name': v['Name'],
        'HostName': v['HostName'],
        'VirtualMachineState': v['VirtualMachineStateString'],
        'LimitCPUForMigration': v['LimitCPUForMigration'],
        'CPUCount': v['CPUCount'],
        'Memory': v['Memory'],
        'VMCheckpoints': [c['Name'] for c in v['VMCheckpoints']],
    }


write('walkthrough/vmm-fleet.json',
      {'VM': [select_vm(v) for v in vms],
       'VMHost': [select_host(h) for h in (hv01, hv02, amd, down, maint)]},
      'utf-16-le')
