/* SPDX-License-Identifier: MIT */
/*
 * import_scvmm.c - the scvmm importer: hosts and VMs from what System
 * Center Virtual Machine Manager prints, the JSON of `Get-SCVMHost |
 * ConvertTo-Json` and `Get-SCVirtualMachine | ConvertTo-Json` (and of
 * VMM 2008's Get-VMHost and Get-VM, whose objects have the same names).
 *
 * One input holds hosts, VMs or both: one object, an array of them, or an
 * object whose VMHost and VM (or hosts and vms) members hold them -- what
 * `@{ VMHost = ...; VM = ... } | ConvertTo-Json` writes. An object is a VM
 * when it has VirtualMachineState(String), a host when it has one of VMM's
 * host properties (CommunicationState, ProcessorManufacturer, ...).
 *
 * PowerShell writes enums as integers, or as strings when the command
 * turned them into strings; objects past ConvertTo-Json's -Depth become
 * their ToString() (a VMM object's name) and arrays past it one string of
 * their items joined by spaces. A value in a form that does not say what
 * migcheck needs is left out, so that the policies fail closed on it,
 * except where leaving it out would pass for a value: a VM's checkpoints
 * (absent reads as 0) and its state are errors then. docs/import/scvmm.md
 * has the tables.
 *
 * Every record is built aside and appended only when the whole input read
 * without an error.
 */
#include "sources/importer.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/grow.h"

#define EXPECTED "the output of 'Get-SCVMHost | ConvertTo-Json' or " \
	"'Get-SCVirtualMachine | ConvertTo-Json'"

/* What is being read: the input's records, and whether anything failed. */
typedef struct scvmm_reader {
	const char *name;        /* the input's name */
	const mc_limits *lim;
	const mc_import_ctx *ctx;
	mc_diag *diag;
	int errors;
	int nomem;
	mc_hostrec **hosts;
	size_t nhosts, hcap;
	mc_vmrec **vms;
	size_t nvms, vcap;
	const mc_node **vm_hostnode;  /* per VM: where its host was named */
	size_t ncap;
} scvmm_reader;

/* ------------------------------------------------------------------------
 * Values as PowerShell writes them
 */

static bool
is_null(const mc_node *n)
{
	return !n || (n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_NULL);
}

/* n when it is a string with more than white space in it, else NULL. */
static const mc_node *
text_of(const mc_node *n)
{
	const char *s;
	size_t len;

	if (!n || n->kind != MC_NODE_SCALAR || n->type != MC_SCALAR_STR)
		return NULL;
	s = n->u.text;
	len = n->len;
	mc_import_trim(&s, &len);
	return len ? n : NULL;
}

/* The value under key when it is such a string. */
static const mc_node *
get_text(const mc_node *obj, const char *key)
{
	return text_of(mc_node_get(obj, key));
}

/* The integer under key, when it is one. */
static bool
get_int(const mc_node *obj, const char *key, int64_t *v)
{
	const mc_node *n = mc_node_get(obj, key);

	if (!n || n->kind != MC_NODE_SCALAR || n->type != MC_SCALAR_INT)
		return false;
	*v = n->num;
	return true;
}

/* A boolean: true/false, or the strings True/False that `-As [string]`
 * and Select-Object's ToString() write. */
static bool
get_bool(const mc_node *obj, const char *key, bool *v)
{
	const mc_node *n = mc_node_get(obj, key);

	if (!n || n->kind != MC_NODE_SCALAR)
		return false;
	if (n->type == MC_SCALAR_BOOL) {
		*v = n->num != 0;
		return true;
	}
	if (n->type == MC_SCALAR_STR) {
		const char *s = n->u.text;
		size_t len = n->len;

		mc_import_trim(&s, &len);
		if (len == 4 && strncasecmp(s, "true", 4) == 0) {
			*v = true;
			return true;
		}
		if (len == 5 && strncasecmp(s, "false", 5) == 0) {
			*v = false;
			return true;
		}
	}
	return false;
}

/*
 * VMM's words for states ("NotResponding", "Not Responding", "UpToDate")
 * as the inventory writes them: lower case, words joined by hyphens
 * ("not-responding", "up-to-date"). A word starts at an upper-case letter
 * after a lower-case one or a digit, or after a space, hyphen or
 * underscore. VMM's NeedsUpdate is the inventory's out-of-date. Returns
 * the length written to out (0: nothing but separators), or SIZE_MAX when
 * it does not fit in cap bytes.
 */
static size_t
state_word(const char *s, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	bool sep = false;

	mc_import_trim(&s, &len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '-' || c == '_' || c == '\t') {
			sep = n > 0;
			continue;
		}
		if (isupper(c) && i > 0 &&
		    (islower((unsigned char)s[i - 1]) ||
		     isdigit((unsigned char)s[i - 1])))
			sep = n > 0;
		if (sep) {
			if (n + 1 >= cap)
				return SIZE_MAX;
			out[n++] = '-';
			sep = false;
		}
		if (n + 1 >= cap)
			return SIZE_MAX;
		out[n++] = (char)tolower(c);
	}
	out[n] = '\0';
	if (strcmp(out, "needs-update") == 0) {
		if (cap <= strlen("out-of-date"))
			return SIZE_MAX;
		strcpy(out, "out-of-date");
		n = strlen(out);
	}
	return n;
}

/* An enum's integer and the inventory's word for it. */
typedef struct scvmm_enum {
	int64_t code;
	const char *word;
} scvmm_enum;

#define NENUM(t) (sizeof(t) / sizeof(*(t)))

/* CommunicationState: 0 is Responding (real output: a host whose
 * CommunicationStateString is Responding). Other codes are not read. */
static const scvmm_enum communication_states[] = {
	{0, "responding"},
};

/* ComputerState, the VMM agent's state of the managed computer. */
static const scvmm_enum computer_states[] = {
	{0, "adding"}, {1, "removing"}, {2, "responding"},
	{3, "not-responding"}, {4, "access-denied"}, {5, "updating"},
	{6, "reassociating"}, {7, "pending"}, {8, "maintenance-mode"},
	{9, "starting"}, {10, "stopping"}, {11, "restarting"}, {12, "stopped"},
};

/* HyperVState: 3 is Running (real output, with HyperVStateString). */
static const scvmm_enum service_states[] = {
	{3, "running"},
};

/* HyperVVersionState, VirtualServerVersionState, Agent.VersionState: 0 on
 * every healthy host of real output. */
static const scvmm_enum version_states[] = {
	{0, "up-to-date"},
};

/*
 * Sets the status field at path from the string under skey or else the
 * enum under ekey (an integer by table, or a string), or from an object
 * under okey's member omember. Leaves it out when none is given, when the
 * string is empty and when the integer is not in the table.
 */
static void
set_state(scvmm_reader *r, mc_hostrec *h, const char *path,
	  const mc_node *obj, const char *skey, const char *ekey,
	  const scvmm_enum *table, size_t ntable)
{
	const mc_node *n = skey ? get_text(obj, skey) : NULL;
	char word[256];
	size_t len;
	int64_t code;

	if (!n)
		n = get_text(obj, ekey);
	if (n) {
		len = state_word(n->u.text, n->len, word, sizeof(word));
		if (len == SIZE_MAX) {
			mc_node_error_counted(r->diag, &r->errors, n, "%s '%s' "
					      "is not a state VMM writes",
					      skey ? skey : ekey, n->u.text);
			return;
		}
		/* VMM's Unknown says no more than an empty string */
		if (len && strcmp(word, "unknown") != 0 &&
		    mc_fields_str(&h->extra, path, word, len) < 0)
			r->nomem = 1;
		return;
	}
	if (!get_int(obj, ekey, &code))
		return;
	for (size_t i = 0; i < ntable; i++) {
		if (table[i].code == code) {
			if (mc_fields_str(&h->extra, path, table[i].word,
					  strlen(table[i].word)) < 0)
				r->nomem = 1;
			return;
		}
	}
}

/*
 * A version: a string ("6.3.9600.18623") or the object ConvertTo-Json
 * makes of a System.Version ({"Major": 6, "Minor": 3, "Build": 9600,
 * "Revision": 18623, ...}; -1 for the parts not given). "0.0", what a
 * host that does not respond reports, is no version. Written to out
 * (cap bytes); false when there is none.
 */
static bool
read_version(const mc_node *n, char *out, size_t cap)
{
	const char *s;
	size_t len;

	if (is_null(n))
		return false;
	if (n->kind == MC_NODE_MAP) {
		static const char *const parts[] = {"Major", "Minor", "Build",
						    "Revision"};
		int64_t v[4];
		size_t np = 0, at = 0;

		for (; np < 4; np++) {
			if (!get_int(n, parts[np], &v[np]) || v[np] < 0)
				break;
		}
		if (np < 2)
			return false;
		for (size_t i = 0; i < np; i++)
			at += (size_t)snprintf(out + at, cap - at, "%s%" PRId64,
					       i ? "." : "", v[i]);
		s = out;
	} else if (n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_STR) {
		s = n->u.text;
		len = n->len;
		mc_import_trim(&s, &len);
		if (!len || len >= cap)
			return false;
		memmove(out, s, len);
		out[len] = '\0';
	} else {
		return false;
	}
	/* all zeros: no version */
	for (s = out; *s == '0' || *s == '.'; s++)
		;
	return *s != '\0';
}

/* ------------------------------------------------------------------------
 * Hosts
 */

/* The platform a host runs, from VirtualizationPlatform(String). */
typedef enum scvmm_platform {
	PLATFORM_NONE,
	PLATFORM_HYPERV,
	PLATFORM_VIRTUAL_SERVER,
	PLATFORM_OTHER,
} scvmm_platform;

/* s without spaces and hyphens, compared with word case-insensitively. */
static bool
same_letters(const char *s, const char *word)
{
	for (;;) {
		while (*s == ' ' || *s == '-')
			s++;
		if (!*s || !*word)
			return !*s && !*word;
		if (tolower((unsigned char)*s) != tolower((unsigned char)*word))
			return false;
		s++;
		word++;
	}
}

static scvmm_platform
host_platform(const mc_node *obj, const mc_node **text)
{
	const mc_node *n = get_text(obj, "VirtualizationPlatformString");
	int64_t code;

	if (!n)
		n = get_text(obj, "VirtualizationPlatform");
	*text = n;
	if (n) {
		if (same_letters(n->u.text, "HyperV") ||
		    same_letters(n->u.text, "MicrosoftHyperV"))
			return PLATFORM_HYPERV;
		if (same_letters(n->u.text, "VirtualServer") ||
		    same_letters(n->u.text, "MicrosoftVirtualServer"))
			return PLATFORM_VIRTUAL_SERVER;
		return PLATFORM_OTHER;
	}
	/* 2 is Hyper-V (real output, with VirtualizationPlatformString) */
	if (get_int(obj, "VirtualizationPlatform", &code) && code == 2)
		return PLATFORM_HYPERV;
	return PLATFORM_NONE;
}

/* Reports n, a value past the limit on scalars. */
static void
too_long(scvmm_reader *r, const mc_node *n)
{
	mc_import_limit_error(r->diag, n->file, n->line, n->col,
			      MC_IMPORT_TOO_LONG, n->len, "values", r->lim);
	r->errors++;
}

/* Sets a string member from n (a string node, or NULL: none), within the
 * limits. */
static void
set_text(scvmm_reader *r, char **field, const mc_node *n)
{
	int rc;

	if (!n)
		return;
	rc = mc_import_set_value(field, n->u.text, n->len, r->lim);
	if (rc == MC_IMPORT_TOO_LONG)
		too_long(r, n);
	else if (rc < 0)
		r->nomem = 1;
}

/* VMM names the manufacturer of the CPUID vendor string (Intel for
 * GenuineIntel, AMD for AuthenticAMD); the inventory holds the vendor
 * string, as every other importer writes it, so that a host's record from
 * VMM and one from win32 or probe agree. */
static void
set_vendor(scvmm_reader *r, mc_hostrec *h, const char *vendor)
{
	if (mc_hostrec_set(&h->manufacturer, vendor, strlen(vendor)) < 0)
		r->nomem = 1;
}

static void
set_extra_int(scvmm_reader *r, mc_fields *f, const char *path, int64_t v)
{
	if (mc_fields_int(f, path, v) < 0)
		r->nomem = 1;
}

/* A VMM object's name: the string it is past -Depth (its ToString(),
 * which is its name), or the first of keys it has. A type's name (what
 * ToString() gives of objects that have no better) is no name. */
static const mc_node *
object_name(const mc_node *n, const char *const *keys)
{
	static const char vmm_type[] = "Microsoft.SystemCenter.";

	if (!n || n->kind == MC_NODE_SCALAR) {
		n = text_of(n);
		return n && strncmp(n->u.text, vmm_type,
				    sizeof(vmm_type) - 1) == 0 ? NULL : n;
	}
	if (n->kind != MC_NODE_MAP)
		return NULL;
	for (; *keys; keys++) {
		const mc_node *v = get_text(n, *keys);

		if (v)
			return v;
	}
	return NULL;
}

static const char *const host_name_keys[] = {
	"Name", "FullyQualifiedDomainName", "ComputerName", NULL,
};

static const char *const cluster_name_keys[] = {
	"Name", "ClusterName", NULL,
};

/* The host of a Get-SCVMHost object. */
static void
read_host(scvmm_reader *r, const mc_node *obj)
{
	mc_hostrec *h = mc_hostrec_new();
	const mc_node *n, *ptext;
	scvmm_platform platform;
	int64_t v;
	const mc_field *f;
	bool b, has_cpu, reached;
	char ver[128];
	int before = r->errors;

	if (!h) {
		r->nomem = 1;
		return;
	}
	h->line = obj->line;
	h->col = obj->col;
	n = get_text(obj, "Name");
	if (!n)
		n = get_text(obj, "FullyQualifiedDomainName");
	if (!n)
		mc_node_error_counted(r->diag, &r->errors, obj, "a Get-SCVMHost "
				      "object without Name");
	set_text(r, &h->name, n);
	n = object_name(mc_node_get(obj, "HostCluster"), cluster_name_keys);
	set_text(r, &h->cluster, n);

	/* The processor: a host that does not respond reports none (empty
	 * strings and zeros), and then its architecture code 0 is no x86. */
	n = get_text(obj, "ProcessorManufacturer");
	has_cpu = n || (get_int(obj, "LogicalProcessorCount", &v) && v > 0);
	if (n && (n->len == 5 && strcmp(n->u.text, "Intel") == 0))
		set_vendor(r, h, "GenuineIntel");
	else if (n && n->len == 3 && strcmp(n->u.text, "AMD") == 0)
		set_vendor(r, h, "AuthenticAMD");
	else
		set_text(r, &h->manufacturer, n);
	if (has_cpu && get_int(obj, "ProcessorArchitecture", &v)) {
		const char *arch = mc_import_win32_arch(v);

		if (arch && mc_hostrec_set(&h->architecture, arch,
					   strlen(arch)) < 0)
			r->nomem = 1;
	} else if (has_cpu && (n = get_text(obj, "ProcessorArchitecture"))) {
		if (n->len > r->lim->max_scalar_bytes)
			too_long(r, n);
		else if (mc_import_set_arch(h, n->u.text, n->len) < 0)
			r->nomem = 1;
	}
	if (get_int(obj, "PhysicalCPUCount", &v) && v > 0)
		h->sockets = v;

	set_state(r, h, "status.connection", obj, "CommunicationStateString",
		  "CommunicationState", communication_states,
		  NENUM(communication_states));
	set_state(r, h, "status.agent", obj, "ComputerStateString",
		  "ComputerState", computer_states, NENUM(computer_states));
	if (!mc_fields_get(&h->extra, "status.agent"))
		set_state(r, h, "status.agent", obj, "StatusString", "Status",
			  NULL, 0);
	/* A version state as an integer is VMM's last word on a host it
	 * reached: for one that does not respond now, it is not read. */
	f = mc_fields_get(&h->extra, "status.connection");
	reached = f && f->kind == MC_FIELD_STRING &&
		  strcmp(f->text, "responding") == 0;

	platform = host_platform(obj, &ptext);
	if (platform == PLATFORM_HYPERV || platform == PLATFORM_VIRTUAL_SERVER) {
		bool hv = platform == PLATFORM_HYPERV;
		const char *product = hv ? "Microsoft Hyper-V"
					 : "Microsoft Virtual Server";

		if (mc_hostrec_set(&h->hypervisor_product, product,
				   strlen(product)) < 0)
			r->nomem = 1;
		n = get_text(obj, hv ? "HyperVVersionString"
				     : "VirtualServerVersionString");
		if (!n)
			n = mc_node_get(obj, hv ? "HyperVVersion"
						: "VirtualServerVersion");
		if (read_version(n, ver, sizeof(ver)) &&
		    mc_hostrec_set(&h->hypervisor_version, ver,
				   strlen(ver)) < 0)
			r->nomem = 1;
		set_state(r, h, "status.virtualization_service", obj,
			  hv ? "HyperVStateString" : "VirtualServerStateString",
			  hv ? "HyperVState" : "VirtualServerState",
			  hv ? service_states : NULL, hv ? NENUM(service_states) : 0);
		set_state(r, h, "status.virtualization_service_version", obj,
			  hv ? "HyperVVersionStateString"
			     : "VirtualServerVersionStateString",
			  hv ? "HyperVVersionState" : "VirtualServerVersionState",
			  reached && h->hypervisor_version ? version_states : NULL,
			  reached && h->hypervisor_version ? NENUM(version_states) : 0);
	} else if (platform == PLATFORM_OTHER) {
		set_text(r, &h->hypervisor_product, ptext);
	}

	n = mc_node_get(obj, "Agent");
	if (get_text(obj, "AgentVersionState") ||
	    get_int(obj, "AgentVersionState", &v))
		set_state(r, h, "status.agent_version", obj, NULL,
			  "AgentVersionState", reached ? version_states : NULL,
			  reached ? NENUM(version_states) : 0);
	else if (n && n->kind == MC_NODE_MAP)
		set_state(r, h, "status.agent_version", n, NULL, "VersionState",
			  reached ? version_states : NULL,
			  reached ? NENUM(version_states) : 0);
	if (get_bool(obj, "AvailableForPlacement", &b) &&
	    mc_fields_bool(&h->extra, "status.available_for_placement", b) < 0)
		r->nomem = 1;
	if (get_bool(obj, "MaintenanceHost", &b) &&
	    mc_fields_bool(&h->extra, "status.maintenance", b) < 0)
		r->nomem = 1;

	if (get_int(obj, "LogicalProcessorCount", &v) && v > 0)
		set_extra_int(r, &h->extra, "resources.cpus", v);
	if (get_int(obj, "TotalMemory", &v) && v > 0) {
		int64_t total = v / (1024 * 1024);

		set_extra_int(r, &h->extra, "resources.memory_mb", total);
		/* AvailableMemory is in MB; what is not available is in use.
		 * VMM's figures of a host it does not reach are not current,
		 * and a figure past the total says nothing: left out. */
		if (reached && get_int(obj, "AvailableMemory", &v) && v >= 0 &&
		    v <= total)
			set_extra_int(r, &h->extra, "usage.memory_mb", total - v);
	}
	/* CpuUtilization: the percentage of all the host's logical
	 * processors in use, as VMM's performance refresher last measured
	 * it */
	if (reached && get_int(obj, "CpuUtilization", &v) && v >= 0 && v <= 100)
		set_extra_int(r, &h->extra, "usage.cpu_percent", v);

	if (!r->nomem && mc_import_set_source(h, "scvmm", r->name) < 0)
		r->nomem = 1;
	if (r->nomem || r->errors != before) {
		mc_hostrec_free(h);
		return;
	}
	if (MC_GROW(r->hosts, r->hcap, r->nhosts + 1) < 0) {
		mc_hostrec_free(h);
		r->nomem = 1;
		return;
	}
	r->hosts[r->nhosts++] = h;
}

/* ------------------------------------------------------------------------
 * VMs
 */

/* VirtualMachineState (VMComputerSystemState): the names of its codes, and
 * the inventory's state for the four a VM rests in. */
static const struct {
	int64_t code;
	const char *name;
	const char *state;
} vm_states[] = {
	{0, "Running", "running"}, {1, "PowerOff", "stopped"},
	{2, "PoweringOff", NULL}, {3, "Saved", "saved"}, {4, "Saving", NULL},
	{5, "Restoring", NULL}, {6, "Paused", "paused"},
	{10, "DiscardSavedState", NULL}, {11, "Starting", NULL},
	{12, "MergingDrives", NULL}, {13, "Deleting", NULL},
	{14, "Reset", NULL}, {80, "DiscardingDrives", NULL},
	{81, "Pausing", NULL}, {100, "UnderCreation", NULL},
	{101, "CreationFailed", NULL}, {102, "Stored", NULL},
	{103, "UnderTemplateCreation", NULL},
	{104, "TemplateCreationFailed", NULL},
	{105, "CustomizationFailed", NULL}, {106, "UnderUpdate", NULL},
	{107, "UpdateFailed", NULL}, {108, "ReplacementFailed", NULL},
	{109, "UnderReplacement", NULL}, {200, "UnderMigration", NULL},
	{201, "MigrationFailed", NULL}, {210, "CreatingCheckpoint", NULL},
	{211, "DeletingCheckpoint", NULL}, {212, "RecoveringCheckpoint", NULL},
	{213, "CheckpointFailed", NULL},
	{214, "InitializingCheckpointOperation", NULL},
	{215, "FinishingCheckpointOperation", NULL}, {220, "Missing", NULL},
	{221, "HostNotResponding", NULL}, {222, "Unsupported", NULL},
	{223, "IncompleteVMConfig", NULL}, {224, "UnsupportedSharedFiles", NULL},
	{225, "UnsupportedCluster", NULL}, {226, "UnderLiveCloning", NULL},
	{227, "DbOnly", NULL}, {240, "P2VCreationFailed", NULL},
	{250, "V2VCreationFailed", NULL},
};

#define NVMSTATES (sizeof(vm_states) / sizeof(*vm_states))

/* The inventory's state of a VM, or NULL after reporting. */
static const char *
read_vm_state(scvmm_reader *r, const mc_node *obj)
{
	const mc_node *n = mc_node_get(obj, "VirtualMachineState");
	size_t i;

	if (is_null(n) || (n->kind == MC_NODE_SCALAR &&
			   n->type == MC_SCALAR_STR && !text_of(n)))
		n = mc_node_get(obj, "VirtualMachineStateString");
	if (is_null(n) || n->kind != MC_NODE_SCALAR ||
	    (n->type != MC_SCALAR_INT && n->type != MC_SCALAR_STR)) {
		mc_node_error_counted(r->diag, &r->errors, is_null(n) ? obj : n,
				      "a VM without VirtualMachineState: "
				      "migcheck needs to know whether it "
				      "runs, is saved or is off");
		return NULL;
	}
	for (i = 0; i < NVMSTATES; i++) {
		if (n->type == MC_SCALAR_INT ? vm_states[i].code == n->num
					     : same_letters(n->u.text,
							    vm_states[i].name))
			break;
	}
	if (i == NVMSTATES) {
		mc_node_error_counted(r->diag, &r->errors, n, "unknown "
				      "VirtualMachineState %s (known: 0 Running, "
				      "1 PowerOff, 3 Saved, 6 Paused, and VMM's "
				      "transitions and failures)", n->u.text);
		return NULL;
	}
	if (!vm_states[i].state) {
		mc_node_error_counted(r->diag, &r->errors, n, "the VM is %s "
				      "(VirtualMachineState %" PRId64 "): "
				      "migcheck checks VMs that are Running, "
				      "PowerOff, Saved or Paused; export it "
				      "again once it is, or leave it out",
				      vm_states[i].name, vm_states[i].code);
		return NULL;
	}
	return vm_states[i].state;
}

static void
vm_set(scvmm_reader *r, char **field, const char *s)
{
	if (mc_hostrec_set(field, s, strlen(s)) < 0)
		r->nomem = 1;
}

/* The checkpoints of a VM: VMCheckpoints, an array; "" past -Depth when
 * empty. Anything else is an error: left out, the count would read as 0. */
static void
read_checkpoints(scvmm_reader *r, mc_vmrec *vm, const mc_node *obj)
{
	const mc_node *n = mc_node_get(obj, "VMCheckpoints");

	if (n && n->kind == MC_NODE_SEQ) {
		set_extra_int(r, &vm->extra, "checkpoints", (int64_t)n->len);
	} else if (n && n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_STR &&
		   !get_text(obj, "VMCheckpoints")) {
		set_extra_int(r, &vm->extra, "checkpoints", 0);
	} else if (n && n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_STR) {
		mc_node_error_counted(r->diag, &r->errors, n, "VMCheckpoints "
				      "is one string, an array cut by "
				      "ConvertTo-Json's -Depth: the number of "
				      "checkpoints is lost (give -Depth 3, or "
				      "the Select-Object of docs/import/scvmm.md)");
	} else {
		mc_node_error_counted(r->diag, &r->errors, n ? n : obj,
				      "a VM without VMCheckpoints%s: migcheck "
				      "needs to know whether it has checkpoints",
				      n ? " as an array" : "");
	}
}

/* The VM of a Get-SCVirtualMachine object. */
static void
read_vm(scvmm_reader *r, const mc_node *obj)
{
	mc_vmrec *vm = mc_vmrec_new();
	const mc_node *n, *hn = NULL, *vh;
	const char *state = NULL;
	int64_t v;
	bool b;
	int before = r->errors;

	if (!vm) {
		r->nomem = 1;
		return;
	}
	vm->line = obj->line;
	vm->col = obj->col;
	n = get_text(obj, "Name");
	if (!n)
		mc_node_error_counted(r->diag, &r->errors, obj, "a "
				      "Get-SCVirtualMachine object without Name");
	set_text(r, &vm->name, n);

	if (r->ctx->vm_host) {
		vm_set(r, &vm->host, r->ctx->vm_host);
	} else {
		hn = get_text(obj, "HostName");
		vh = object_name(mc_node_get(obj, "VMHost"), host_name_keys);
		if (hn && vh && strcasecmp(hn->u.text, vh->u.text) != 0)
			mc_node_error_counted(r->diag, &r->errors, vh, "VMHost "
					      "'%s' is not HostName '%s'",
					      vh->u.text, hn->u.text);
		if (!hn)
			hn = vh;
		if (!hn)
			mc_node_error_counted(r->diag, &r->errors, obj, "a VM "
					      "on no host: HostName and VMHost "
					      "are empty (a VM stored in the "
					      "library is not placed)");
		set_text(r, &vm->host, hn);
	}
	if (r->ctx->vm_state)
		vm_set(r, &vm->state, r->ctx->vm_state);
	else if ((state = read_vm_state(r, obj)))
		vm_set(r, &vm->state, state);
	read_checkpoints(r, vm, obj);
	if (get_bool(obj, "LimitCPUForMigration", &b) &&
	    mc_fields_bool(&vm->extra, "processor_compatibility", b) < 0)
		r->nomem = 1;
	if (get_int(obj, "CPUCount", &v) && v > 0)
		set_extra_int(r, &vm->extra, "resources.vcpus", v);
	if (get_int(obj, "Memory", &v) && v > 0)
		set_extra_int(r, &vm->extra, "resources.memory_mb", v);
	if (!r->nomem) {
		size_t len = strlen("scvmm ") + strlen(r->name) + 1;

		if (!(vm->source = malloc(len)))
			r->nomem = 1;
		else
			snprintf(vm->source, len, "scvmm %s", r->name);
	}
	if (r->nomem || r->errors != before) {
		mc_vmrec_free(vm);
		return;
	}
	if (MC_GROW(r->vms, r->vcap, r->nvms + 1) < 0 ||
	    MC_GROW(r->vm_hostnode, r->ncap, r->nvms + 1) < 0) {
		mc_vmrec_free(vm);
		r->nomem = 1;
		return;
	}
	r->vm_hostnode[r->nvms] = hn;
	r->vms[r->nvms++] = vm;
}

/* ------------------------------------------------------------------------
 * The input
 */

static bool
has_any(const mc_node *obj, const char *const *keys)
{
	for (; *keys; keys++) {
		if (mc_node_get(obj, *keys))
			return true;
	}
	return false;
}

static const char *const vm_keys[] = {
	"VirtualMachineState", "VirtualMachineStateString", NULL,
};

static const char *const host_keys[] = {
	"CommunicationState", "CommunicationStateString", "ComputerState",
	"OverallState", "ProcessorManufacturer", "LogicalProcessorCount",
	"PhysicalCPUCount", "HyperVState", "HyperVStateString",
	"VirtualServerState", "VirtualServerStateString", "AvailableForPlacement",
	"MaintenanceHost", NULL,
};

/* The members of a wrapping object that hold hosts and VMs. */
static const char *const wrap_keys[] = {"VMHost", "VM", "hosts", "vms", NULL};

static void
read_object(scvmm_reader *r, const mc_node *obj)
{
	if (obj->kind != MC_NODE_MAP) {
		mc_node_error_counted(r->diag, &r->errors, obj, "expected a VMM "
				      "host or VM object, not %s",
				      mc_node_describe(obj));
	} else if (has_any(obj, vm_keys)) {
		read_vm(r, obj);
	} else if (has_any(obj, host_keys)) {
		read_host(r, obj);
	} else {
		mc_node_error_counted(r->diag, &r->errors, obj, "expected %s: "
				      "an object with VirtualMachineState (a VM) "
				      "or CommunicationState (a host), or an "
				      "array of them", EXPECTED);
	}
}

static void
read_items(scvmm_reader *r, const mc_node *n)
{
	if (n->kind == MC_NODE_SEQ) {
		for (size_t i = 0; i < n->len && !r->nomem; i++)
			read_object(r, n->u.items[i]);
	} else {
		read_object(r, n);
	}
}

/* A wrapping object: no host or VM itself, and one of wrap_keys holding
 * an object or an array. */
static bool
is_wrapper(const mc_node *root)
{
	if (root->kind != MC_NODE_MAP || has_any(root, vm_keys) ||
	    has_any(root, host_keys))
		return false;
	for (const char *const *k = wrap_keys; *k; k++) {
		const mc_node *n = mc_node_get(root, *k);

		if (n && (n->kind == MC_NODE_MAP || n->kind == MC_NODE_SEQ))
			return true;
	}
	return false;
}

static int
by_name_caseless(const void *a, const void *b)
{
	const mc_hostrec *const *x = a, *const *y = b;

	return strcasecmp((*x)->name, (*y)->name);
}

/* A VM's host named as a host of the same input spells it, whatever the
 * case: Windows names are not case-sensitive. The hosts are sorted by
 * name, so that a fleet of many hosts and VMs is matched in n log n. */
static void
match_hosts(scvmm_reader *r)
{
	mc_hostrec **sorted;

	if (!r->nhosts || !r->nvms)
		return;
	if (!(sorted = malloc(r->nhosts * sizeof(*sorted)))) {
		r->nomem = 1;
		return;
	}
	memcpy(sorted, r->hosts, r->nhosts * sizeof(*sorted));
	qsort(sorted, r->nhosts, sizeof(*sorted), by_name_caseless);
	for (size_t i = 0; i < r->nvms && !r->nomem; i++) {
		mc_vmrec *vm = r->vms[i];
		mc_hostrec key = {0}, *kp = &key, **found;

		if (!r->vm_hostnode[i])
			continue;
		key.name = vm->host;
		found = bsearch(&kp, sorted, r->nhosts, sizeof(*sorted),
				by_name_caseless);
		if (found && strcmp((*found)->name, vm->host) != 0)
			vm_set(r, &vm->host, (*found)->name);
	}
	free(sorted);
}

/* Appends every record to out, all or none. */
static int
append_all(scvmm_reader *r, mc_hostlist *out)
{
	if (r->nhosts && out->count + r->nhosts > out->cap) {
		mc_hostrec **p = realloc(out->hosts, (out->count + r->nhosts) *
					 sizeof(*p));

		if (!p)
			return MC_ENOMEM;
		out->hosts = p;
		out->cap = out->count + r->nhosts;
	}
	if (r->nvms && out->nvms + r->nvms > out->vcap) {
		mc_vmrec **p = realloc(out->vms, (out->nvms + r->nvms) *
				       sizeof(*p));

		if (!p)
			return MC_ENOMEM;
		out->vms = p;
		out->vcap = out->nvms + r->nvms;
	}
	for (size_t i = 0; i < r->nhosts; i++)
		out->hosts[out->count++] = r->hosts[i];
	for (size_t i = 0; i < r->nvms; i++)
		out->vms[out->nvms++] = r->vms[i];
	r->nhosts = r->nvms = 0;
	return MC_OK;
}

int
mc_import_scvmm(mc_hostlist *out, const char *name, const char *data,
		size_t len, const mc_import_ctx *ctx, mc_diag *diag)
{
	mc_doc *doc = NULL;
	mc_limits lim;
	scvmm_reader r = {0};
	const mc_node *root;
	int rc;

	mc_import_limits(&lim, ctx->limits);
	r.name = name;
	r.lim = &lim;
	r.ctx = ctx;
	r.diag = diag;
	rc = mc_json_load_buffer(&doc, name, data, len, ctx->limits, diag);
	if (rc != MC_OK)
		return rc;
	root = doc->root;
	if (!root) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &doc->file, 1, 1,
			     "the file is empty; expected %s", EXPECTED);
		rc = MC_EINPUT;
		goto out;
	}
	if (is_wrapper(root)) {
		for (const char *const *k = wrap_keys; *k && !r.nomem; k++) {
			const mc_node *n = mc_node_get(root, *k);

			if (!is_null(n))
				read_items(&r, n);
		}
	} else if (root->kind == MC_NODE_SEQ || root->kind == MC_NODE_MAP) {
		read_items(&r, root);
	} else {
		mc_node_error_counted(diag, &r.errors, root, "expected %s, not "
				      "%s", EXPECTED, mc_node_describe(root));
	}
	if (!r.nomem && !r.errors && !r.nhosts && !r.nvms)
		mc_node_error_counted(diag, &r.errors, root, "no host and no VM: "
				      "expected %s", EXPECTED);
	if (!r.nomem && !r.errors)
		match_hosts(&r);
	rc = r.nomem ? MC_ENOMEM : r.errors ? MC_EINPUT : append_all(&r, out);
out:
	for (size_t i = 0; i < r.nhosts; i++)
		mc_hostrec_free(r.hosts[i]);
	for (size_t i = 0; i < r.nvms; i++)
		mc_vmrec_free(r.vms[i]);
	free(r.hosts);
	free(r.vms);
	free(r.vm_hostnode);
	mc_doc_free(doc);
	return rc;
}
