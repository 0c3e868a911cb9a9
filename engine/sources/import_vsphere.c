/* SPDX-License-Identifier: MIT */
/*
 * import_vsphere.c - the vsphere importer: ESXi hosts (HostSystem) and VMs
 * (VirtualMachine) from the JSON of `govc host.info -json` and `govc
 * vm.info -json`, in both of govc's key styles (PascalCase before govmomi
 * 0.31, camelCase since), and from the same objects as pyVmomi or
 * PowerCLI's Get-View write them (one object, or an array).
 *
 * Keys are matched without regard to case, so that "Summary", "summary"
 * and PowerCLI's spellings all read. A host's processor comes from the
 * CPUID registers vSphere reports (Hardware.CpuFeature), decoded by the
 * probe's CPUID decoder; a VM names its host by the host's managed object
 * reference ("host-16"), resolved against the hosts of the same input
 * here and against those of other inputs when the imports are merged.
 */
#include "sources/importer.h"
#include "sources/probe.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EXPECTED "the output of 'govc host.info -json' or 'govc vm.info -json': " \
	"an object with hostSystems or virtualMachines, a HostSystem or " \
	"VirtualMachine object, or an array of them"

/* The CPUID leaves read for a host: vSphere reports a handful, and a
 * host with more than this is refused rather than read in part. */
#define MAX_LEAVES 256

typedef struct leaf {
	uint32_t level;
	uint32_t regs[4];  /* EAX, EBX, ECX, EDX */
} leaf;

typedef struct cpuid_table {
	leaf v[MAX_LEAVES];
	size_t n;
} cpuid_table;

typedef struct reader {
	const char *name;
	const mc_import_ctx *ctx;
	mc_limits lim;
	mc_diag *diag;
	int errors;
	bool nomem;
	mc_hostlist list;  /* what the input holds, appended when all is read */
} reader;

enum kind { KIND_NONE, KIND_HOST, KIND_VM };

/* ------------------------------------------------------------------------
 * Reading the JSON
 */

#define error_at(r, n, ...) \
	mc_node_error_counted((r)->diag, &(r)->errors, (n), __VA_ARGS__)

static bool
is_null(const mc_node *n)
{
	return n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_NULL;
}

/* The value under key in obj, null included, in either of govc's
 * spellings: the key as given (PascalCase, as older govc, PowerCLI and
 * the .NET objects write it) or with its first letter in lower case
 * (camelCase, as newer govc and pyVmomi write it); NULL when absent. */
static const mc_node *
get_raw(const mc_node *obj, const char *key, size_t len)
{
	const mc_node *n;
	char buf[64];

	if (!obj || obj->kind != MC_NODE_MAP || !len || len >= sizeof(buf))
		return NULL;
	if ((n = mc_node_getn(obj, key, len)))
		return n;
	memcpy(buf, key, len);
	buf[0] = (char)(buf[0] >= 'A' && buf[0] <= 'Z' ? buf[0] - 'A' + 'a' :
			buf[0] >= 'a' && buf[0] <= 'z' ? buf[0] - 'a' + 'A' : buf[0]);
	return mc_node_getn(obj, buf, len);
}

/* As get_raw, NULL for null too. */
static const mc_node *
get1(const mc_node *obj, const char *key, size_t len)
{
	const mc_node *n = get_raw(obj, key, len);

	return n && !is_null(n) ? n : NULL;
}

/* The value at a dotted path ("Summary.Hardware.CpuModel"), or NULL. */
static const mc_node *
get(const mc_node *obj, const char *path)
{
	const mc_node *n = obj;

	while (n && *path) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);

		n = get1(n, path, len);
		path += len + (dot != NULL);
	}
	return n;
}

/* The first of two paths that is given. */
static const mc_node *
get2(const mc_node *obj, const char *a, const char *b)
{
	const mc_node *n = get(obj, a);

	return n ? n : get(obj, b);
}

static bool
is_map(const mc_node *n)
{
	return n && n->kind == MC_NODE_MAP;
}

static bool
is_seq(const mc_node *n)
{
	return n && mc_node_is_seq(n);
}

/* A string value: NULL when absent; an error when it is not a string (a
 * mapping or a list where text belongs). */
static const mc_node *
str(reader *r, const mc_node *n, const char *what)
{
	if (!n)
		return NULL;
	if (n->kind != MC_NODE_SCALAR || !mc_node_is_str(n)) {
		mc_node_error_counted(r->diag, &r->errors, n,
				      "%s is %s; expected a string", what,
				      mc_node_describe(n));
		return NULL;
	}
	return n;
}

/* A string value that is not empty after trimming, or NULL. */
static const mc_node *
text(reader *r, const mc_node *n, const char *what)
{
	const char *s;
	size_t len;

	if (!(n = str(r, n, what)))
		return NULL;
	s = n->u.text;
	len = n->len;
	mc_import_trim(&s, &len);
	return len ? n : NULL;
}

/* An integer value in [min, max]; false when absent (or wrong, reported). */
static bool
integer(reader *r, const mc_node *n, const char *what, int64_t min,
	int64_t max, int64_t *out)
{
	if (!n)
		return false;
	if (n->kind != MC_NODE_SCALAR || n->type != MC_SCALAR_INT) {
		mc_node_error_counted(r->diag, &r->errors, n,
				      "%s is %s; expected an integer", what,
				      mc_node_describe(n));
		return false;
	}
	if (n->num < min || n->num > max) {
		mc_node_error_counted(r->diag, &r->errors, n,
				      "%s %" PRId64 " is out of range", what,
				      n->num);
		return false;
	}
	*out = n->num;
	return true;
}

/* A boolean value; -1 when absent (or wrong, reported). */
static int
boolean(reader *r, const mc_node *n, const char *what)
{
	if (!n)
		return -1;
	if (n->kind != MC_NODE_SCALAR || n->type != MC_SCALAR_BOOL) {
		mc_node_error_counted(r->diag, &r->errors, n,
				      "%s is %s; expected true or false", what,
				      mc_node_describe(n));
		return -1;
	}
	return n->num != 0;
}

/*
 * An enumeration's value: its name (govc, pyVmomi) or its index among
 * names (PowerShell's ConvertTo-Json writes .NET enums as integers).
 * Returns the index, or -1 when absent (or unknown, reported).
 */
static int
enumeration(reader *r, const mc_node *n, const char *what,
	    const char *const *names, size_t count)
{
	if (!n)
		return -1;
	if (n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_INT) {
		if (n->num >= 0 && (uint64_t)n->num < count)
			return (int)n->num;
	} else if (n->kind == MC_NODE_SCALAR && mc_node_is_str(n)) {
		for (size_t i = 0; i < count; i++)
			if (strcasecmp(n->u.text, names[i]) == 0)
				return (int)i;
	}
	{
		char list[128] = "";

		for (size_t i = 0; i < count; i++) {
			if (i)
				strncat(list, ", ", sizeof(list) - strlen(list) - 1);
			strncat(list, names[i], sizeof(list) - strlen(list) - 1);
		}
		mc_node_error_counted(r->diag, &r->errors, n,
				      "%s is not one vSphere has (%s, or "
				      "their indexes from 0)", what, list);
	}
	return -1;
}

static void
set_node(reader *r, char **field, const mc_node *n)
{
	if (n && mc_import_set_trimmed(field, n->u.text, n->len) < 0)
		r->nomem = true;
}

static void
extra_str(reader *r, mc_fields *f, const char *path, const char *s)
{
	if (mc_fields_str(f, path, s, strlen(s)) < 0)
		r->nomem = true;
}

static void
extra_node(reader *r, mc_fields *f, const char *path, const mc_node *n)
{
	const char *s = n->u.text;
	size_t len = n->len;

	mc_import_trim(&s, &len);
	if (mc_fields_str(f, path, s, len) < 0)
		r->nomem = true;
}

static void
extra_int(reader *r, mc_fields *f, const char *path, int64_t v)
{
	if (mc_fields_int(f, path, v) < 0)
		r->nomem = true;
}

static void
extra_bool(reader *r, mc_fields *f, const char *path, bool v)
{
	if (mc_fields_bool(f, path, v) < 0)
		r->nomem = true;
}

/* The object's own managed object reference: govc's Self and PowerCLI's
 * MoRef ({"type": "HostSystem", "value": "host-21"}), or pyVmomi's
 * _vimtype ("vim.HostSystem") and _vimid ("host-21"). Its type and value
 * nodes. */
static const mc_node *
self_ref(const mc_node *obj, const mc_node **type)
{
	const mc_node *ref = get(obj, "Self");

	if (!is_map(ref))
		ref = get(obj, "MoRef");
	if (!is_map(ref)) {
		*type = get1(obj, "_vimtype", 8);
		return get1(obj, "_vimid", 6);
	}
	*type = get(ref, "Type");
	return get(ref, "Value");
}

/* A managed object type without pyVmomi's "vim." in front. */
static const char *
type_name(const mc_node *type)
{
	const char *t = type->u.text;

	return strncmp(t, "vim.", 4) == 0 ? t + 4 : t;
}

/* The value of a reference to a host: {"type": "HostSystem", "value":
 * "host-21"} (govc, PowerCLI), or pyVmomi's "vim.HostSystem:host-21".
 * NULL when there is none (or PowerShell cut it to its type name). */
static const mc_node *
host_ref_value(reader *r, const mc_node *ref, const char **value)
{
	static const char prefix[] = "vim.HostSystem:";

	*value = NULL;
	if (is_map(ref)) {
		const mc_node *v = text(r, get(ref, "Value"),
					"the host's reference");

		if (v)
			*value = v->u.text;
		return v;
	}
	if (ref && ref->kind == MC_NODE_SCALAR && mc_node_is_str(ref) &&
	    strncmp(ref->u.text, prefix, sizeof(prefix) - 1) == 0 &&
	    ref->u.text[sizeof(prefix) - 1]) {
		*value = ref->u.text + sizeof(prefix) - 1;
		return ref;
	}
	return NULL;
}

/* ------------------------------------------------------------------------
 * Hosts
 */

/* "0000:0000:0000:0000:0000:0110:0101:0100": 32 binary digits, most
 * significant first, grouped by colons. */
static bool
parse_register(const mc_node *n, uint32_t *out)
{
	uint32_t v = 0;
	int digits = 0;

	if (!n || n->kind != MC_NODE_SCALAR || !mc_node_is_str(n))
		return false;
	for (const char *p = n->u.text; *p; p++) {
		if (*p == ':')
			continue;
		if ((*p != '0' && *p != '1') || ++digits > 32)
			return false;
		v = v << 1 | (uint32_t)(*p - '0');
	}
	*out = v;
	return digits == 32;
}

/*
 * Reads the CPUID leaves of a CpuFeature list into t. A list PowerShell
 * cut short (items as type names) is not given: false, nothing read.
 */
static bool
read_cpuid(reader *r, const mc_node *list, cpuid_table *t)
{
	static const char *const regs[4] = {"Eax", "Ebx", "Ecx", "Edx"};

	t->n = 0;
	if (!is_seq(list))
		return false;
	for (size_t i = 0; i < list->len; i++)
		if (!is_map(list->u.items[i]))
			return false;
	for (size_t i = 0; i < list->len; i++) {
		const mc_node *item = list->u.items[i], *lv = get(item, "Level");
		const mc_node *vendor = get(item, "Vendor");
		int64_t level;
		leaf *l;

		if (!lv) {
			error_at(r, item, "a CPUID leaf without its %s", "Level");
			continue;
		}
		/* The level is a signed 32-bit integer in the API: the
		 * extended leaves are negative (0x80000000 is -2147483648). */
		if (!integer(r, lv, "the CPUID level", INT32_MIN, UINT32_MAX,
			     &level))
			continue;
		/* A leaf for one vendor only is a mask, not the host's. */
		if (vendor && mc_node_is_str(vendor) && vendor->len)
			continue;
		if (t->n == MAX_LEAVES) {
			error_at(r, item, "more CPUID leaves than %s",
				 "a host has (256)");
			return false;
		}
		l = &t->v[t->n];
		l->level = (uint32_t)level;
		for (int k = 0; k < 4; k++) {
			const mc_node *v = get(item, regs[k]);

			if (!v) {
				error_at(r, item, "a CPUID leaf without its "
					 "%s register", regs[k]);
				break;
			}
			if (!parse_register(v, &l->regs[k])) {
				error_at(r, v, "a CPUID register is 32 binary "
					 "digits grouped by colons "
					 "(\"0000:0000:0000:0000:0000:0000:0000:1101\"), "
					 "not %s%s%s",
					 mc_node_is_str(v) ? "\"" : "",
					 mc_node_is_str(v) ? v->u.text :
					 mc_node_describe(v),
					 mc_node_is_str(v) ? "\"" : "");
				break;
			}
			if (k == 3)
				t->n++;
		}
	}
	return t->n > 0;
}

/* The probe's CPUID callback, answered from the registers vSphere
 * reported: only subleaf 0 of each leaf. */
static bool
table_cpuid(void *ctx, uint32_t level, uint32_t subleaf, uint32_t regs[4])
{
	const cpuid_table *t = ctx;

	if (subleaf != 0)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].level == level) {
			memcpy(regs, t->v[i].regs, sizeof(t->v[i].regs));
			return true;
		}
	}
	return false;
}

/* HostCpuPackage.vendor, in lower case, as the CPUID vendor string. */
static const char *
package_vendor(const char *v)
{
	if (strcasecmp(v, "intel") == 0)
		return "GenuineIntel";
	if (strcasecmp(v, "amd") == 0)
		return "AuthenticAMD";
	if (strcasecmp(v, "hygon") == 0)
		return "HygonGenuine";
	return NULL;
}

static const char *const conn_names[] = {"connected", "notResponding",
					  "disconnected"};
static const char *const conn_words[] = {"responding", "not-responding",
					  "disconnected"};
static const char *const hpower_names[] = {"poweredOn", "poweredOff",
					   "standBy", "unknown"};

static void
read_host_status(reader *r, mc_hostrec *h, const mc_node *obj)
{
	const mc_node *rt = get(obj, "Runtime");
	int conn, maint, power;

	if (!is_map(rt))
		rt = get(obj, "Summary.Runtime");
	if (!is_map(rt))
		return;
	conn = enumeration(r, get(rt, "ConnectionState"),
			   "the connection state", conn_names, 3);
	maint = boolean(r, get(rt, "InMaintenanceMode"),
			"InMaintenanceMode");
	power = enumeration(r, get(rt, "PowerState"), "the power state",
			    hpower_names, 4);
	if (conn >= 0)
		extra_str(r, &h->extra, "status.connection", conn_words[conn]);
	/* vCenter (or the host itself) talks to hostd: a connected host's
	 * management service is running, unless the host is powered off or
	 * in standby; otherwise it is not known. */
	if (conn == 0 && power <= 0)
		extra_str(r, &h->extra, "status.virtualization_service",
			  "running");
	if (maint >= 0)
		extra_bool(r, &h->extra, "status.maintenance", maint);
	if ((conn > 0) || maint == 1 || power > 0)
		extra_bool(r, &h->extra, "status.available_for_placement",
			   false);
	else if (conn == 0 && maint == 0)
		extra_bool(r, &h->extra, "status.available_for_placement",
			   true);
}

/*
 * The host's processor capacity in Hz, as the API defines it: "the total
 * CPU speed of the box is defined as hz * numCpuCores" (HostCpuInfo), from
 * Hardware.CpuInfo, else Summary.Hardware's CpuMhz and NumCpuCores (whose
 * product the API calls approximately that sum). False when not given, or
 * zero (a host vCenter does not reach reports zeros); a value of the wrong
 * type or out of range is reported.
 */
static bool
cpu_capacity(reader *r, const mc_node *obj, int64_t *hz_total)
{
	int64_t hz = 0, mhz = 0, cores = 0;
	bool info;

	info = integer(r, get(obj, "Hardware.CpuInfo.Hz"), "the CPU speed (Hz)",
		       0, INT64_MAX, &hz) &&
	       integer(r, get(obj, "Hardware.CpuInfo.NumCpuCores"),
		       "the number of processor cores", 0, INT16_MAX, &cores);
	if (!info || !hz || !cores) {
		if (!integer(r, get(obj, "Summary.Hardware.CpuMhz"),
			     "the CPU speed (MHz)", 0, INT32_MAX, &mhz) ||
		    !integer(r, get(obj, "Summary.Hardware.NumCpuCores"),
			     "the number of processor cores", 0, INT16_MAX,
			     &cores))
			return false;
		hz = mhz * 1000000;
	}
	if (!hz || !cores)
		return false;
	if (hz > INT64_MAX / cores) {
		error_at(r, obj, "the CPU capacity, %" PRId64 " Hz times %" PRId64
			 " cores, is past 64 bits", hz, cores);
		return false;
	}
	*hz_total = hz * cores;
	return true;
}

/*
 * Current use, from Summary.QuickStats: OverallMemoryUsage (MB) as
 * usage.memory_mb, OverallCpuUsage (MHz) as a percentage of the capacity
 * (cpu_capacity), rounded to the nearest whole percent, halves up; above
 * 100 when the cores run past their nominal speed. Only of a host vCenter
 * is connected to: the statistics of another are not current.
 */
static void
read_host_usage(reader *r, mc_hostrec *h, const mc_node *obj)
{
	const mc_node *qs = get(obj, "Summary.QuickStats");
	const mc_field *c = mc_fields_get(&h->extra, "status.connection");
	bool connected = c && c->kind == MC_FIELD_STRING &&
			 strcmp(c->text, "responding") == 0;
	int64_t mb = 0, mhz = 0, hz = 0;
	bool has_mb, has_mhz, has_hz;

	if (!is_map(qs))
		return;
	has_hz = cpu_capacity(r, obj, &hz);
	has_mhz = integer(r, get(qs, "OverallCpuUsage"), "the CPU usage (MHz)",
			  0, INT32_MAX, &mhz);
	has_mb = integer(r, get(qs, "OverallMemoryUsage"), "the memory usage "
			 "(MB)", 0, INT32_MAX, &mb);
	if (has_mb && connected)
		extra_int(r, &h->extra, "usage.memory_mb", mb);
	if (has_mhz && has_hz && connected) {
		/* mhz * 10^8 < 2^31 * 10^8 < 2^63 */
		int64_t num = mhz * 100000000, pct = num / hz, rem = num % hz;

		if (rem >= hz - rem)
			pct++;
		extra_int(r, &h->extra, "usage.cpu_percent", pct);
	}
}

static void
read_host(reader *r, const mc_node *obj)
{
	const mc_node *type, *ref = self_ref(obj, &type);
	const mc_node *name, *n, *cpufeat, *pkg = NULL, *pkgs;
	mc_hostrec *h;
	cpuid_table t;
	int64_t v;
	int e = r->errors;

	if (!(h = mc_hostrec_new())) {
		r->nomem = true;
		return;
	}
	h->line = obj->line;
	h->col = obj->col;
	name = text(r, get(obj, "Name"), "Name");
	if (!name)
		name = text(r, get(obj, "Summary.Config.Name"),
			    "Summary.Config.Name");
	if (!name && r->errors == e)
		error_at(r, obj, "a HostSystem without a name (Name or "
			 "Summary.Config.Name)");
	set_node(r, &h->name, name);
	set_node(r, &h->ref, text(r, ref, "the host's reference"));

	/* The processor: CPUID first, as the probe decodes it. */
	pkgs = get(obj, "Hardware.CpuPkg");
	if (is_seq(pkgs) && pkgs->len && is_map(pkgs->u.items[0]))
		pkg = pkgs->u.items[0];
	cpufeat = get(obj, "Hardware.CpuFeature");
	if (!cpufeat && pkg)
		cpufeat = get(pkg, "CpuFeature");
	if (read_cpuid(r, cpufeat, &t) && r->errors == e &&
	    mc_probe_cpuid(h, table_cpuid, &t) < 0)
		r->nomem = true;
	if (!h->manufacturer && pkg &&
	    (n = text(r, get(pkg, "Vendor"), "the package vendor"))) {
		const char *vendor = package_vendor(n->u.text);

		if (vendor && mc_hostrec_set(&h->manufacturer, vendor,
					     strlen(vendor)) < 0)
			r->nomem = true;
	}
	n = text(r, get(obj, "Summary.Hardware.CpuModel"), "CpuModel");
	if (!n && pkg)
		n = text(r, get(pkg, "Description"), "the package description");
	set_node(r, &h->cpu_name, n);
	if (integer(r, get2(obj, "Hardware.CpuInfo.NumCpuPackages",
			    "Summary.Hardware.NumCpuPkgs"),
		    "the number of processor packages", 1, INT32_MAX, &v))
		h->sockets = v;
	if (integer(r, get2(obj, "Hardware.CpuInfo.NumCpuThreads",
			    "Summary.Hardware.NumCpuThreads"),
		    "the number of processor threads", 1, INT32_MAX, &v))
		extra_int(r, &h->extra, "resources.cpus", v);
	if (integer(r, get2(obj, "Hardware.MemorySize",
			    "Summary.Hardware.MemorySize"),
		    "the memory size", 0, INT64_MAX, &v))
		extra_int(r, &h->extra, "resources.memory_mb", v / 1048576);

	/* The hypervisor. */
	n = get(obj, "Config.Product");
	if (!is_map(n))
		n = get(obj, "Summary.Config.Product");
	if (is_map(n)) {
		set_node(r, &h->hypervisor_product,
			 text(r, get(n, "Name"), "the product name"));
		set_node(r, &h->hypervisor_version,
			 text(r, get(n, "Version"), "the product version"));
	}
	if ((n = text(r, get(obj, "Summary.MaxEVCModeKey"), "MaxEVCModeKey")))
		extra_node(r, &h->extra, "hypervisor.max_evc_mode", n);
	read_host_status(r, h, obj);
	read_host_usage(r, h, obj);

	if (!r->nomem && mc_import_set_source(h, "vsphere", r->name) < 0)
		r->nomem = true;
	if (r->nomem || r->errors != e) {
		mc_hostrec_free(h);
		return;
	}
	if (mc_hostlist_add(&r->list, h) < 0)
		r->nomem = true;
}

/* ------------------------------------------------------------------------
 * VMs
 */

static const char *const vpower_names[] = {"poweredOff", "poweredOn",
					   "suspended"};
static const char *const vpower_states[] = {"stopped", "running", "saved"};

/* The snapshots of a tree of VirtualMachineSnapshotTree: each node and
 * its ChildSnapshotList. -1 when a level is cut short (not a list of
 * objects). */
static int64_t
count_snapshots(const mc_node *list)
{
	int64_t n = 0;

	if (!list)
		return 0;
	if (!is_seq(list))
		return -1;
	for (size_t i = 0; i < list->len; i++) {
		const mc_node *item = list->u.items[i];
		int64_t sub;

		if (!is_map(item))
			return -1;
		if ((sub = count_snapshots(get(item, "ChildSnapshotList"))) < 0)
			return -1;
		n += 1 + sub;
	}
	return n;
}

static void
read_checkpoints(reader *r, mc_vmrec *vm, const mc_node *obj)
{
	const mc_node *snap = get(obj, "Snapshot"), *layout = get(obj, "LayoutEx");
	int64_t n = -1;

	if (is_map(snap)) {
		n = count_snapshots(get(snap, "RootSnapshotList"));
	} else if (!snap && is_map(layout)) {
		/* govc leaves out a VM's snapshot when it has none; its file
		 * layout (always there) lists the snapshots it has. */
		const mc_node *l = get(layout, "Snapshot");

		if (!l)
			n = 0;
		else if (is_seq(l))
			n = (int64_t)l->len;
	}
	if (n >= 0)
		extra_int(r, &vm->extra, "checkpoints", n);
}

static void
read_vm(reader *r, const mc_node *obj)
{
	const mc_node *type, *ref = self_ref(obj, &type);
	const mc_node *name, *rt, *n;
	const char *hv;
	mc_vmrec *vm;
	int64_t v;
	int e = r->errors, power;

	(void)ref;
	if (!(vm = mc_vmrec_new())) {
		r->nomem = true;
		return;
	}
	vm->line = obj->line;
	vm->col = obj->col;
	name = text(r, get(obj, "Name"), "Name");
	if (!name)
		name = text(r, get(obj, "Config.Name"), "Config.Name");
	if (!name)
		name = text(r, get(obj, "Summary.Config.Name"),
			    "Summary.Config.Name");
	if (!name && r->errors == e)
		error_at(r, obj, "a VirtualMachine without a name (Name, "
			 "Config.Name or Summary.Config.Name)");
	set_node(r, &vm->name, name);

	rt = get(obj, "Runtime");
	if (!is_map(rt))
		rt = get(obj, "Summary.Runtime");
	power = enumeration(r, get(rt, "PowerState"), "the power state",
			    vpower_names, 3);
	if (power >= 0) {
		const char *state = vpower_states[power];

		if (power == 1 && boolean(r, get(rt, "Paused"), "Paused") == 1)
			state = "paused";
		if (mc_hostrec_set(&vm->state, state, strlen(state)) < 0)
			r->nomem = true;
	}
	if (host_ref_value(r, get(rt, "Host"), &hv) &&
	    mc_hostrec_set(&vm->host_ref, hv, strlen(hv)) < 0)
		r->nomem = true;

	/* EVC: the mode the VM runs with, and whether it is the VM's own
	 * (per-VM EVC masks its features) or its cluster's. */
	if ((n = text(r, get(rt, "MinRequiredEVCModeKey"),
		      "MinRequiredEVCModeKey"))) {
		const mc_node *masks = get(rt, "FeatureMask");

		extra_node(r, &vm->extra, "evc_mode", n);
		extra_str(r, &vm->extra, "evc_scope",
			  is_seq(masks) && masks->len ? "per-vm" : "cluster");
	}

	if ((n = text(r, get(obj, "Config.Version"), "Config.Version"))) {
		const char *s = n->u.text;

		if (strncmp(s, "vmx-", 4) != 0 ||
		    mc_import_parse_int(s + 4, strlen(s + 4), &v) < 0 ||
		    v < 1 || s[4] == ' ' || s[4] == '+' || s[4] == '-')
			error_at(r, n, "the hardware version is \"%s\"; "
				 "expected vmx-N", s);
		else
			extra_int(r, &vm->extra, "hardware_version", v);
	}
	read_checkpoints(r, vm, obj);
	if (integer(r, get2(obj, "Config.Hardware.NumCPU",
			    "Summary.Config.NumCpu"),
		    "the number of virtual processors", 0, INT32_MAX, &v))
		extra_int(r, &vm->extra, "resources.vcpus", v);
	if (integer(r, get2(obj, "Config.Hardware.MemoryMB",
			    "Summary.Config.MemorySizeMB"),
		    "the memory size", 0, INT64_MAX, &v))
		extra_int(r, &vm->extra, "resources.memory_mb", v);

	if (!r->nomem && r->ctx->vm_state &&
	    mc_hostrec_set(&vm->state, r->ctx->vm_state,
			   strlen(r->ctx->vm_state)) < 0)
		r->nomem = true;
	if (!r->nomem && r->ctx->vm_host &&
	    mc_hostrec_set(&vm->host, r->ctx->vm_host,
			   strlen(r->ctx->vm_host)) < 0)
		r->nomem = true;
	if (!r->nomem) {
		size_t len = strlen("vsphere ") + strlen(r->name) + 1;

		if (!(vm->source = malloc(len)))
			r->nomem = true;
		else
			snprintf(vm->source, len, "vsphere %s", r->name);
	}
	if (r->nomem || r->errors != e) {
		mc_vmrec_free(vm);
		return;
	}
	if (mc_hostlist_add_vm(&r->list, vm) < 0)
		r->nomem = true;
}

/* ------------------------------------------------------------------------
 * The input's shape
 */

/* What an object is: its reference's type, or else what it holds. */
static enum kind
kind_of(reader *r, const mc_node *obj, enum kind want)
{
	const mc_node *type;
	enum kind k = KIND_NONE;

	self_ref(obj, &type);
	if (type && mc_node_is_str(type)) {
		if (strcmp(type_name(type), "HostSystem") == 0)
			k = KIND_HOST;
		else if (strcmp(type_name(type), "VirtualMachine") == 0)
			k = KIND_VM;
		else {
			error_at(r, type, "a %s object, not a HostSystem or "
				 "VirtualMachine", type->u.text);
			return KIND_NONE;
		}
	} else if (want != KIND_NONE) {
		k = want;
	} else if (get(obj, "Config.Hardware") || get(obj, "Runtime.Host") ||
		   get(obj, "Summary.Vm") || get(obj, "Config.Version")) {
		k = KIND_VM;
	} else if (get(obj, "Hardware.CpuInfo") || get(obj, "Hardware.CpuPkg") ||
		   get(obj, "Summary.Hardware.CpuModel") ||
		   get(obj, "Config.Product") || get(obj, "Summary.Host")) {
		k = KIND_HOST;
	}
	if (k == KIND_NONE) {
		error_at(r, obj, "expected %s", EXPECTED);
	} else if (want != KIND_NONE && k != want) {
		error_at(r, obj, "%s", k == KIND_HOST ?
			 "a HostSystem in the list of virtualMachines" :
			 "a VirtualMachine in the list of hostSystems");
	}
	return k;
}

static void
read_object(reader *r, const mc_node *obj, enum kind want)
{
	int e = r->errors;
	enum kind k;

	if (!is_map(obj)) {
		error_at(r, obj, "%s; expected a HostSystem or VirtualMachine "
			 "object", mc_node_describe(obj));
		return;
	}
	k = kind_of(r, obj, want);
	if (r->errors != e)
		return;
	if (k == KIND_HOST)
		read_host(r, obj);
	else
		read_vm(r, obj);
}

static void
read_list(reader *r, const mc_node *list, enum kind want)
{
	for (size_t i = 0; i < list->len && !r->nomem; i++)
		read_object(r, list->u.items[i], want);
}

/* govc's wrapper: {"hostSystems": [...]} / {"virtualMachines": [...]}. */
static bool
read_wrapper(reader *r, const mc_node *root)
{
	static const struct {
		const char *key;
		enum kind kind;
	} lists[] = {{"HostSystems", KIND_HOST}, {"VirtualMachines", KIND_VM}};
	bool found = false;

	for (size_t i = 0; i < 2; i++) {
		const mc_node *n = get_raw(root, lists[i].key,
					   strlen(lists[i].key));

		if (!n)
			continue;
		found = true;
		if (is_null(n))
			continue;  /* none matched */
		if (!is_seq(n)) {
			error_at(r, n, "%s is not a list", lists[i].key);
			continue;
		}
		read_list(r, n, lists[i].kind);
	}
	return found;
}

static int
by_ref(const void *a, const void *b)
{
	const mc_hostrec *x = *(const mc_hostrec *const *)a;
	const mc_hostrec *y = *(const mc_hostrec *const *)b;

	return strcmp(x->ref, y->ref);
}

static int
ref_is(const void *key, const void *elem)
{
	return strcmp(key, (*(const mc_hostrec *const *)elem)->ref);
}

/* Names the VMs' hosts that are in the same input (by their references,
 * sorted: an input may hold many of both). */
static void
resolve_hosts(reader *r)
{
	const mc_hostrec **hosts;
	size_t n = 0;

	if (!r->list.nvms || !r->list.count)
		return;
	if (!(hosts = malloc(r->list.count * sizeof(*hosts)))) {
		r->nomem = true;
		return;
	}
	for (size_t j = 0; j < r->list.count; j++)
		if (r->list.hosts[j]->ref && r->list.hosts[j]->name)
			hosts[n++] = r->list.hosts[j];
	qsort(hosts, n, sizeof(*hosts), by_ref);
	for (size_t i = 0; i < r->list.nvms && !r->nomem; i++) {
		mc_vmrec *vm = r->list.vms[i];
		const mc_hostrec *const *h;

		if (vm->host || !vm->host_ref)
			continue;
		h = bsearch(vm->host_ref, hosts, n, sizeof(*hosts), ref_is);
		if (h && mc_hostrec_set(&vm->host, (*h)->name,
					strlen((*h)->name)) < 0)
			r->nomem = true;
	}
	free(hosts);
}

int
mc_import_vsphere(mc_hostlist *out, const char *name, const char *data,
		size_t len, const mc_import_ctx *ctx, mc_diag *diag)
{
	reader r = {.name = name, .ctx = ctx, .diag = diag};
	mc_doc *doc = NULL;
	const mc_node *root;
	int rc;

	mc_import_limits(&r.lim, ctx->limits);
	rc = mc_json_load_buffer(&doc, name, data, len, ctx->limits, diag);
	if (rc != MC_OK)
		return rc;
	root = doc->root;
	if (!root) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &doc->file, 1, 1,
			     "the file is empty; expected %s", EXPECTED);
		r.errors++;
	} else if (is_seq(root)) {
		read_list(&r, root, KIND_NONE);
	} else if (is_map(root)) {
		if (!read_wrapper(&r, root))
			read_object(&r, root, KIND_NONE);
	} else {
		error_at(&r, root, "%s; expected " EXPECTED,
			 mc_node_describe(root));
	}
	if (!r.nomem && !r.errors)
		resolve_hosts(&r);
	if (r.nomem)
		rc = MC_ENOMEM;
	else if (r.errors)
		rc = MC_EINPUT;
	else
		rc = mc_hostlist_move(out, &r.list) < 0 ? MC_ENOMEM : MC_OK;
	mc_hostlist_free(&r.list);
	mc_doc_free(doc);
	return rc;
}
