/* SPDX-License-Identifier: MIT */
/*
 * import_hyperv.c - the hyperv importer: hosts and VMs from what Hyper-V's
 * PowerShell prints as JSON (docs/import/hyperv.md).
 *
 * One input holds the table the documented command writes
 * (@{ VMHost = Get-VMHost; VM = Get-VM; ... } | ConvertTo-Json -Depth 4), or
 * the output of one cmdlet (one object bare, several as an array), or an
 * array mixing them. Objects are told apart by their properties, not by
 * where they stand:
 *
 *   object                  told by                          gives
 *   Get-VMProcessor         CompatibilityForMigrationEnabled  a VM's
 *   Get-VMSnapshot          SnapshotType                      a VM's
 *   Get-VM                  State, and VMName or VMId         a VM
 *   Get-VMHost              LogicalProcessorCount             a host
 *   Win32_OperatingSystem   CSName, Caption                   a host's
 *   Get-Service (vmms)      Status, and ServiceName (or Name  a host's
 *                           and MachineName)
 *   Get-ClusterNode         DrainStatus, State                a host's
 *
 * Every record is built aside and appended only when the whole input read
 * without error.
 */
#include "sources/importer.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum kind {
	K_NONE,
	K_HOST,      /* Get-VMHost */
	K_OS,        /* Win32_OperatingSystem */
	K_SERVICE,   /* Get-Service */
	K_CNODE,     /* Get-ClusterNode */
	K_VM,        /* Get-VM */
	K_PROC,      /* Get-VMProcessor */
	K_SNAP,      /* Get-VMSnapshot */
	K_COUNT
} kind;

/* The table's keys, and the cmdlet each names for messages. */
static const struct section {
	const char *key;
	kind k;
	const char *cmdlet;
} sections[] = {
	{"VMHost", K_HOST, "Get-VMHost"},
	{"OperatingSystem", K_OS, "Get-CimInstance Win32_OperatingSystem"},
	{"VMMS", K_SERVICE, "Get-Service vmms"},
	{"ClusterNode", K_CNODE, "Get-ClusterNode"},
	{"VM", K_VM, "Get-VM"},
	{"VMProcessor", K_PROC, "Get-VMProcessor"},
	{"VMSnapshot", K_SNAP, "Get-VMSnapshot"},
};

#define NSECTIONS (sizeof(sections) / sizeof(*sections))

static const char *
cmdlet_of(kind k)
{
	for (size_t i = 0; i < NSECTIONS; i++) {
		if (sections[i].k == k)
			return sections[i].cmdlet;
	}
	return "?";
}

#define EXPECTED "Hyper-V's PowerShell objects as ConvertTo-Json writes " \
	"them (Get-VM, Get-VMHost, ...; docs/import/hyperv.md)"

/* What tells each kind apart, for messages. */
#define KINDS "Get-VM (State, and VMName or VMId), Get-VMHost " \
	"(LogicalProcessorCount), Get-VMProcessor " \
	"(CompatibilityForMigrationEnabled), Get-VMSnapshot (SnapshotType), " \
	"Win32_OperatingSystem (CSName, Caption), Get-Service (ServiceName, " \
	"Status), Get-ClusterNode (DrainStatus, State)"

typedef struct nodes {
	const mc_node **v;
	size_t n, cap;
} nodes;

/* What a VM record was read with, beside the record (index as in
 * r->vms.vms). */
typedef struct vmaux {
	const char *id;              /* VMId, or NULL */
	const mc_node *parent;       /* a set ParentSnapshotId, or NULL */
	const char *parent_key;      /* which key that is */
	int64_t snapshots;
} vmaux;

typedef struct reader {
	const char *name;
	const mc_file *file;
	const mc_limits *lim;
	mc_diag *diag;
	int errors;
	bool nomem;
	nodes objs[K_COUNT];
	bool snapshot_data;         /* the input holds Get-VMSnapshot's answer */
	mc_hostlist out;            /* hosts and VMs, built aside */
	vmaux *aux;
	size_t auxcap;
} reader;

static int
nodes_add(reader *r, nodes *l, const mc_node *n)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		const mc_node **v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			r->nomem = true;
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = n;
	return 0;
}

static bool
is_null(const mc_node *n)
{
	return n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_NULL;
}

/* The value under key unless absent or null. */
static const mc_node *
get(const mc_node *obj, const char *key)
{
	const mc_node *n = mc_node_get(obj, key);

	return n && !is_null(n) ? n : NULL;
}

/* The value under key when it is text (not a number, a boolean, an object:
 * what ConvertTo-Json writes for a string), else NULL. */
static const mc_node *
get_str(const mc_node *obj, const char *key)
{
	const mc_node *n = get(obj, key);

	return n && n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_STR
	       ? n : NULL;
}

static bool
has(const mc_node *obj, const char *key)
{
	return mc_node_get(obj, key) != NULL;
}

/* What kind of object obj is, by its properties. */
static kind
classify(const mc_node *obj)
{
	if (obj->kind != MC_NODE_MAP)
		return K_NONE;
	if (has(obj, "CompatibilityForMigrationEnabled"))
		return K_PROC;
	/* not CheckpointType: a VM has one too, its checkpoint setting */
	if (has(obj, "SnapshotType") && (has(obj, "VMName") || has(obj, "VMId")))
		return K_SNAP;
	if (has(obj, "State") && (has(obj, "VMId") || has(obj, "VMName")))
		return K_VM;
	if (has(obj, "LogicalProcessorCount"))
		return K_HOST;
	if (has(obj, "CSName") && has(obj, "Caption"))
		return K_OS;
	if ((has(obj, "ServiceName") || (has(obj, "Name") &&
					 has(obj, "MachineName"))) &&
	    has(obj, "Status"))
		return K_SERVICE;
	if (has(obj, "DrainStatus") && has(obj, "State"))
		return K_CNODE;
	return K_NONE;
}

static int
error_at(reader *r, const mc_node *n, const char *fmt, ...) MC_PRINTF(3, 4);

static int
error_at(reader *r, const mc_node *n, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mc_node_error_counted(r->diag, &r->errors, n, "%s", msg);
}

/* ASCII case-insensitive equality: Windows names and GUIDs are printed in
 * either case. */
static bool
same_name(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

/* Sets *field to n's trimmed text within the limits; false after an error
 * (reported, or memory). An empty text leaves *field NULL. */
static bool
set_text(reader *r, char **field, const mc_node *n)
{
	int rc = mc_import_set_value(field, n->u.text, n->len, r->lim);

	if (rc < 0) {
		r->nomem = true;
		return false;
	}
	if (rc == MC_IMPORT_TOO_LONG) {
		mc_import_limit_error(r->diag, r->file, n->line, n->col, rc, n->len,
				      "values", r->lim);
		r->errors++;
		return false;
	}
	return true;
}

static bool
put_str(reader *r, mc_fields *f, const char *path, const char *s)
{
	if (mc_fields_str(f, path, s, strlen(s)) < 0) {
		r->nomem = true;
		return false;
	}
	return true;
}

static bool
put_text(reader *r, mc_fields *f, const char *path, const mc_node *n)
{
	char *s = NULL;
	bool ok = set_text(r, &s, n);

	if (ok && s)
		ok = put_str(r, f, path, s);
	free(s);
	return ok;
}

static bool
put_int(reader *r, mc_fields *f, const char *path, int64_t v)
{
	if (mc_fields_int(f, path, v) < 0) {
		r->nomem = true;
		return false;
	}
	return true;
}

/*
 * A count or a size: absent and null are "not given" (0), an integer not
 * below zero is 1 with *v set, anything else an error (-1).
 */
static int
get_count(reader *r, const mc_node *obj, const char *key, int64_t *v)
{
	const mc_node *n = get(obj, key);

	if (!n)
		return 0;
	if (n->kind != MC_NODE_SCALAR || n->type != MC_SCALAR_INT) {
		error_at(r, n, "%s should be a number, not %s", key,
			 mc_node_describe(n));
		return -1;
	}
	if (n->num < 0) {
		error_at(r, n, "%s is negative (%" PRId64 ")", key, n->num);
		return -1;
	}
	*v = n->num;
	return 1;
}

/* An enumeration: an integer, or its name when the value went through
 * ToString(). *code is set for an integer, *text for a name. */
static bool
get_enum(reader *r, const mc_node *n, const char *key, int64_t *code,
	 const char **text)
{
	*text = NULL;
	if (n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_INT) {
		*code = n->num;
		return true;
	}
	if (n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_STR) {
		*text = n->u.text;
		return true;
	}
	error_at(r, n, "%s should be a number or its name, not %s", key,
		 mc_node_describe(n));
	return false;
}

static char *
source_of(reader *r)
{
	size_t n = strlen("hyperv ") + strlen(r->name) + 1;
	char *s = malloc(n);

	if (!s) {
		r->nomem = true;
		return NULL;
	}
	snprintf(s, n, "hyperv %s", r->name);
	return s;
}

/* ------------------------------------------------------------------------
 * Hosts
 */

static mc_hostrec *
find_host(reader *r, const char *name)
{
	for (size_t i = 0; i < r->out.count; i++) {
		if (same_name(r->out.hosts[i]->name, name))
			return r->out.hosts[i];
	}
	return NULL;
}

/* A new host record named by n (its text), at obj's place. */
static mc_hostrec *
new_host(reader *r, const mc_node *obj, const mc_node *n)
{
	mc_hostrec *h = mc_hostrec_new();

	if (!h) {
		r->nomem = true;
		return NULL;
	}
	h->line = obj->line;
	h->col = obj->col;
	if (!set_text(r, &h->name, n) || !(h->source = source_of(r))) {
		mc_hostrec_free(h);
		return NULL;
	}
	if (!h->name) {
		error_at(r, n, "the host's name is empty");
		mc_hostrec_free(h);
		return NULL;
	}
	if (mc_hostlist_add(&r->out, h) < 0) {
		r->nomem = true;
		return NULL;
	}
	return h;
}

/* The host record named by n, made when the input has none yet. */
static mc_hostrec *
host_named(reader *r, const mc_node *obj, const mc_node *n)
{
	char *name = NULL;
	mc_hostrec *h;

	if (!set_text(r, &name, n))
		return NULL;
	h = name ? find_host(r, name) : NULL;
	free(name);
	return h ? h : new_host(r, obj, n);
}

/* The name of a host object: key1, else key2; an error when neither. */
static const mc_node *
host_name_node(reader *r, const mc_node *obj, const char *key1,
	       const char *key2, kind k)
{
	const mc_node *n = get_str(obj, key1);

	if (!n && key2)
		n = get_str(obj, key2);
	if (!n)
		error_at(r, obj, "a %s object without %s%s%s", cmdlet_of(k), key1,
			 key2 ? " or " : "", key2 ? key2 : "");
	return n;
}

static void
read_vmhost(reader *r, const mc_node *obj)
{
	const mc_node *n = host_name_node(r, obj, "Name", "ComputerName", K_HOST);
	mc_hostrec *h;
	int64_t v;
	int rc;

	if (!n)
		return;
	if (!(h = new_host(r, obj, n)))
		return;
	if ((rc = get_count(r, obj, "LogicalProcessorCount", &v)) > 0)
		put_int(r, &h->extra, "resources.cpus", v);
	if ((rc = get_count(r, obj, "MemoryCapacity", &v)) > 0)
		put_int(r, &h->extra, "resources.memory_mb", v / 1048576);
}

/* "Microsoft Windows Server 2019 Datacenter" -> "Windows Server 2019
 * Hyper-V": the product without its vendor and edition, as Hyper-V. */
static int
product_of(char *out, size_t size, const char *caption)
{
	const char *s = caption, *year;
	size_t len;

	if (strncmp(s, "Microsoft ", 10) == 0)
		s += 10;
	if (strstr(s, "Hyper-V"))
		return snprintf(out, size, "%s", s);
	if (strncmp(s, "Windows Server ", 15) == 0) {
		year = s + 15;
		len = 0;
		while (year[len] >= '0' && year[len] <= '9')
			len++;
		if (len == 4) {
			len += 15;
			if (strncmp(s + len, " R2", 3) == 0 &&
			    (s[len + 3] == ' ' || s[len + 3] == '\0'))
				len += 3;
			return snprintf(out, size, "%.*s Hyper-V", (int)len, s);
		}
	}
	return snprintf(out, size, "%s Hyper-V", s);
}

static void
read_os(reader *r, const mc_node *obj)
{
	const mc_node *n = host_name_node(r, obj, "CSName", NULL, K_OS);
	const mc_node *cap = get_str(obj, "Caption");
	const mc_node *ver = get_str(obj, "Version");
	mc_hostrec *h;

	if (!n || !(h = host_named(r, obj, n)))
		return;
	if (cap) {
		char *c = NULL;

		if (set_text(r, &c, cap) && c) {
			size_t size = strlen(c) + sizeof(" Hyper-V");
			char *p = malloc(size);

			if (!p) {
				r->nomem = true;
			} else {
				product_of(p, size, c);
				free(h->hypervisor_product);
				h->hypervisor_product = p;
			}
		}
		free(c);
	}
	if (ver)
		set_text(r, &h->hypervisor_version, ver);
}

/* System.ServiceProcess.ServiceControllerStatus */
static const struct named_code {
	int64_t code;
	const char *name;
	const char *value;
} service_states[] = {
	{1, "Stopped", "stopped"},
	{2, "StartPending", "start-pending"},
	{3, "StopPending", "stop-pending"},
	{4, "Running", "running"},
	{5, "ContinuePending", "continue-pending"},
	{6, "PausePending", "pause-pending"},
	{7, "Paused", "paused"},
};

/* Microsoft.FailoverClusters.PowerShell.ClusterNodeState */
static const struct named_code cnode_states[] = {
	{0, "Up", "up"},
	{1, "Down", "down"},
	{2, "Paused", "paused"},
	{3, "Joining", "joining"},
};

static const struct named_code *
find_code(const struct named_code *t, size_t n, int64_t code, const char *text)
{
	for (size_t i = 0; i < n; i++) {
		if (text ? strcasecmp(t[i].name, text) == 0 : t[i].code == code)
			return &t[i];
	}
	return NULL;
}

static void
unknown_code(reader *r, const mc_node *n, const char *what, int64_t code,
	     const char *text, const char *known)
{
	if (text)
		error_at(r, n, "unknown %s '%s' (known: %s)", what, text, known);
	else
		error_at(r, n, "unknown %s %" PRId64 " (known: %s)", what, code,
			 known);
}

static void
read_service(reader *r, const mc_node *obj)
{
	const mc_node *svc = get_str(obj, "ServiceName");
	const mc_node *m = get_str(obj, "MachineName");
	const mc_node *st = get(obj, "Status");
	const struct named_code *c;
	mc_hostrec *h;
	int64_t code = 0;
	const char *text;

	if (!svc)
		svc = get_str(obj, "Name");
	if (!svc || strcasecmp(svc->u.text, "vmms") != 0)
		return;  /* another service: not Hyper-V's */
	if (!st) {
		error_at(r, obj, "a Get-Service vmms object without Status");
		return;
	}
	if (!get_enum(r, st, "Status", &code, &text))
		return;
	if (!(c = find_code(service_states, sizeof(service_states) /
			    sizeof(*service_states), code, text))) {
		unknown_code(r, st, "service Status", code, text, "1 Stopped, "
			     "2 StartPending, 3 StopPending, 4 Running, "
			     "5 ContinuePending, 6 PausePending, 7 Paused");
		return;
	}
	/* "." is the computer the command ran on: Invoke-Command names it in
	 * PSComputerName */
	if (m && strcmp(m->u.text, ".") == 0 && get_str(obj, "PSComputerName"))
		m = get_str(obj, "PSComputerName");
	if (!m || strcmp(m->u.text, ".") == 0) {
		/* this computer: the one host the input names */
		if (r->out.count != 1) {
			error_at(r, m ? m : obj, "the vmms service of the computer "
				 "the command ran on (MachineName '.'), and the input "
				 "names %zu hosts, not one: put that host's "
				 "Get-VMHost in the file, or run Get-Service "
				 "-ComputerName", r->out.count);
			return;
		}
		h = r->out.hosts[0];
	} else if (!(h = host_named(r, obj, m))) {
		return;
	}
	put_str(r, &h->extra, "status.virtualization_service", c->value);
}

static void
read_cnode(reader *r, const mc_node *obj)
{
	const mc_node *n = host_name_node(r, obj, "Name", NULL, K_CNODE);
	const mc_node *st = get(obj, "State");
	const mc_node *cl = get(obj, "Cluster");
	const struct named_code *c;
	mc_hostrec *h;
	int64_t code = 0;
	const char *text;

	if (!n)
		return;
	if (!st) {
		error_at(r, obj, "a Get-ClusterNode object without State");
		return;
	}
	if (!get_enum(r, st, "State", &code, &text))
		return;
	if (!(c = find_code(cnode_states, sizeof(cnode_states) /
			    sizeof(*cnode_states), code, text))) {
		unknown_code(r, st, "cluster node State", code, text,
			     "0 Up, 1 Down, 2 Paused, 3 Joining");
		return;
	}
	if (!(h = host_named(r, obj, n)))
		return;
	/* Down: the cluster does not hear from the node. Paused (drained):
	 * it answers, and takes no roles. Joining: not yet a member. */
	put_str(r, &h->extra, "status.connection",
		c->code == 1 ? "not-responding" : "responding");
	if (mc_fields_bool(&h->extra, "status.available_for_placement",
			   c->code == 0) < 0)
		r->nomem = true;
	/* The cluster as an object (past -Depth it is text, which is read as
	 * nothing: a type's name and a cluster's cannot be told apart). */
	if (cl && cl->kind == MC_NODE_MAP) {
		const mc_node *cn = get_str(cl, "Name");

		if (cn)
			set_text(r, &h->cluster, cn);
	}
}

/* ------------------------------------------------------------------------
 * VMs
 */

/* Microsoft.HyperV.PowerShell.VMState: what each is in the inventory, or
 * why it is refused. */
#define TRANSITION "is between two states; export again once it is " \
	"running, off, saved or paused"
#define CRITICAL "is in a critical state (Hyper-V cannot reach its " \
	"storage); migcheck judges no move of it"

static const struct vm_state {
	int64_t code;        /* 0: known by name only */
	const char *name;
	const char *state;   /* NULL: refused, for why */
	const char *why;
} vm_states[] = {
	{1, "Other", NULL, "has a state Hyper-V does not know"},
	{2, "Running", "running", NULL},
	{3, "Off", "stopped", NULL},
	{4, "Stopping", NULL, TRANSITION},
	{6, "Saved", "saved", NULL},
	{9, "Paused", "paused", NULL},
	{10, "Starting", NULL, TRANSITION},
	{11, "Reset", NULL, TRANSITION},
	{32773, "Saving", NULL, TRANSITION},
	{32776, "Pausing", NULL, TRANSITION},
	{32777, "Resuming", NULL, TRANSITION},
	{32779, "FastSaved", "saved", NULL},
	{32780, "FastSaving", NULL, TRANSITION},
	{32781, "ForceShutdown", NULL, TRANSITION},
	{32782, "ForceReboot", NULL, TRANSITION},
	{32783, "RunningCritical", NULL, CRITICAL},
	{32784, "OffCritical", NULL, CRITICAL},
	{32785, "StoppingCritical", NULL, CRITICAL},
	{32786, "SavedCritical", NULL, CRITICAL},
	{32787, "PausedCritical", NULL, CRITICAL},
	{32788, "StartingCritical", NULL, CRITICAL},
	{32789, "ResetCritical", NULL, CRITICAL},
	{32790, "SavingCritical", NULL, CRITICAL},
	{32791, "PausingCritical", NULL, CRITICAL},
	{32792, "ResumingCritical", NULL, CRITICAL},
	{32793, "FastSavedCritical", NULL, CRITICAL},
	{32794, "FastSavingCritical", NULL, CRITICAL},
	{0, "Hibernated", NULL, "is hibernated, a state migcheck does not "
	 "judge moves from"},
	{0, "ComponentServicing", NULL, TRANSITION},
};

#define NVMSTATES (sizeof(vm_states) / sizeof(*vm_states))

/* The enumeration's members that are read, for messages. */
#define VM_STATES_KNOWN "2 Running, 3 Off, 6 Saved, 9 Paused, 32779 FastSaved"

static const char *
vm_state(reader *r, const mc_node *obj, const char *vmname)
{
	const mc_node *n = get(obj, "State");
	int64_t code = 0;
	const char *text;

	if (!n) {
		error_at(r, obj, "VM '%s' has no State", vmname);
		return NULL;
	}
	if (!get_enum(r, n, "State", &code, &text))
		return NULL;
	for (size_t i = 0; i < NVMSTATES; i++) {
		const struct vm_state *s = &vm_states[i];

		if (text ? strcasecmp(s->name, text) != 0
			 : !s->code || s->code != code)
			continue;
		if (s->state)
			return s->state;
		if (s->code)
			error_at(r, n, "VM '%s' is %s (State %" PRId64 ") and %s",
				 vmname, s->name, s->code, s->why);
		else
			error_at(r, n, "VM '%s' is %s and %s", vmname, s->name,
				 s->why);
		return NULL;
	}
	if (text)
		error_at(r, n, "VM '%s' has an unknown State '%s' (read: %s)",
			 vmname, text, VM_STATES_KNOWN);
	else
		error_at(r, n, "VM '%s' has an unknown State %" PRId64 " (read: %s)",
			 vmname, code, VM_STATES_KNOWN);
	return NULL;
}

static mc_vmrec *
new_vm(reader *r, const mc_node *obj, const mc_node *name, const mc_node *id)
{
	mc_vmrec *vm = mc_vmrec_new();
	vmaux *a;

	if (!vm) {
		r->nomem = true;
		return NULL;
	}
	vm->line = obj->line;
	vm->col = obj->col;
	if (!set_text(r, &vm->name, name) || !(vm->source = source_of(r))) {
		mc_vmrec_free(vm);
		return NULL;
	}
	if (!vm->name) {
		error_at(r, name, "the VM's name is empty");
		mc_vmrec_free(vm);
		return NULL;
	}
	if (r->out.nvms == r->auxcap) {
		size_t cap = r->auxcap ? 2 * r->auxcap : 8;

		if (!(a = realloc(r->aux, cap * sizeof(*a)))) {
			mc_vmrec_free(vm);
			r->nomem = true;
			return NULL;
		}
		r->aux = a;
		r->auxcap = cap;
	}
	if (mc_hostlist_add_vm(&r->out, vm) < 0) {
		r->nomem = true;
		return NULL;
	}
	a = &r->aux[r->out.nvms - 1];
	*a = (vmaux){0};
	a->id = id ? id->u.text : NULL;
	return vm;
}

/* The VM's host: the spelling of a host record of the input whose name
 * differs only in case, else the name as given. */
static bool
set_vm_host(reader *r, mc_vmrec *vm, const mc_node *n)
{
	mc_hostrec *h;

	if (!set_text(r, &vm->host, n))
		return false;
	if (vm->host && (h = find_host(r, vm->host)) &&
	    strcmp(h->name, vm->host) != 0) {
		free(vm->host);
		vm->host = NULL;
		if (mc_hostrec_set(&vm->host, h->name, strlen(h->name)) < 0) {
			r->nomem = true;
			return false;
		}
	}
	return true;
}

static const mc_node *
vm_name_node(reader *r, const mc_node *obj, kind k)
{
	const mc_node *n = get_str(obj, "VMName");

	if (!n && k == K_VM)
		n = get_str(obj, "Name");
	if (!n)
		error_at(r, obj, "a %s object without VMName%s", cmdlet_of(k),
			 k == K_VM ? " or Name" : "");
	return n;
}

static bool
is_zero_guid(const char *s)
{
	for (; *s; s++) {
		if (*s != '0' && *s != '-' && *s != '{' && *s != '}')
			return false;
	}
	return true;
}

static void
read_vm(reader *r, const mc_node *obj)
{
	const mc_node *name = vm_name_node(r, obj, K_VM);
	const mc_node *id = get_str(obj, "VMId");
	const mc_node *host = get_str(obj, "ComputerName");
	const mc_node *ver, *parent;
	const char *state, *pkey;
	mc_vmrec *vm;
	int64_t v;

	if (!id)
		id = get_str(obj, "Id");
	if (!name)
		return;
	if (!host) {
		error_at(r, obj, "VM '%s' has no ComputerName (its host)",
			 name->u.text);
		return;
	}
	if (!(state = vm_state(r, obj, name->u.text)))
		return;
	if (!(vm = new_vm(r, obj, name, id)) || !set_vm_host(r, vm, host))
		return;
	if (mc_hostrec_set(&vm->state, state, strlen(state)) < 0) {
		r->nomem = true;
		return;
	}
	if ((ver = get(obj, "Version"))) {
		if (ver->kind == MC_NODE_SCALAR && ver->type == MC_SCALAR_STR)
			put_text(r, &vm->extra, "configuration_version", ver);
		else
			error_at(r, ver, "Version should be text such as \"9.0\", "
				 "not %s", mc_node_describe(ver));
	}
	if (get_count(r, obj, "ProcessorCount", &v) > 0)
		put_int(r, &vm->extra, "resources.vcpus", v);
	if (get_count(r, obj, "MemoryStartup", &v) > 0)
		put_int(r, &vm->extra, "resources.memory_mb", v / 1048576);
	pkey = "ParentSnapshotId";
	if (!(parent = get(obj, pkey)))
		parent = get(obj, pkey = "ParentCheckpointId");
	if (parent && !(parent->kind == MC_NODE_SCALAR &&
			parent->type == MC_SCALAR_STR &&
			is_zero_guid(parent->u.text))) {
		r->aux[r->out.nvms - 1].parent = parent;
		r->aux[r->out.nvms - 1].parent_key = pkey;
	}
}

/* The VM a Get-VMProcessor or Get-VMSnapshot object belongs to: by VMId,
 * else by VMName and ComputerName; made (named, on its host) when the
 * input has no Get-VM object for it. Its index in r->out.vms, or -1. */
static ptrdiff_t
vm_of(reader *r, const mc_node *obj, kind k)
{
	const mc_node *name = vm_name_node(r, obj, k);
	const mc_node *id = get_str(obj, "VMId");
	const mc_node *host = get_str(obj, "ComputerName");
	mc_vmrec *vm;

	if (!name)
		return -1;
	for (size_t i = 0; i < r->out.nvms; i++) {
		const mc_vmrec *o = r->out.vms[i];
		const char *oid = r->aux[i].id;

		if (id && oid) {
			if (same_name(id->u.text, oid))
				return (ptrdiff_t)i;
			continue;
		}
		if (same_name(o->name, name->u.text) &&
		    (!host || !o->host || same_name(o->host, host->u.text)))
			return (ptrdiff_t)i;
	}
	if (!(vm = new_vm(r, obj, name, id)))
		return -1;
	if (host && !set_vm_host(r, vm, host))
		return -1;
	return (ptrdiff_t)r->out.nvms - 1;
}

/* Microsoft.HyperV.PowerShell.CompatibilityForMigrationMode (Windows
 * Server 2025; the WMI LimitProcessorFeaturesMode). */
static const struct named_code compat_modes[] = {
	{0, "MinimumFeatureSet", "MinimumFeatureSet"},
	{1, "CommonClusterFeatureSet", "CommonClusterFeatureSet"},
};

static void
read_proc(reader *r, const mc_node *obj)
{
	const mc_node *en = get(obj, "CompatibilityForMigrationEnabled");
	const mc_node *mode = get(obj, "CompatibilityForMigrationMode");
	ptrdiff_t i;
	mc_vmrec *vm;
	int64_t v;
	int rc;

	if (en && (en->kind != MC_NODE_SCALAR || en->type != MC_SCALAR_BOOL)) {
		error_at(r, en, "CompatibilityForMigrationEnabled should be true "
			 "or false, not %s", mc_node_describe(en));
		return;
	}
	if ((i = vm_of(r, obj, K_PROC)) < 0)
		return;
	vm = r->out.vms[i];
	if (en && mc_fields_bool(&vm->extra, "processor_compatibility",
				 en->num != 0) < 0) {
		r->nomem = true;
		return;
	}
	if (mode) {
		const struct named_code *c;
		int64_t code = 0;
		const char *text;

		if (!get_enum(r, mode, "CompatibilityForMigrationMode", &code,
			      &text))
			return;
		if (!(c = find_code(compat_modes, 2, code, text))) {
			unknown_code(r, mode, "CompatibilityForMigrationMode", code,
				     text, "0 MinimumFeatureSet, "
				     "1 CommonClusterFeatureSet");
			return;
		}
		put_str(r, &vm->extra, "processor_compatibility_mode", c->value);
	}
	if ((rc = get_count(r, obj, "Count", &v)) > 0) {
		const mc_field *f = mc_fields_get(&vm->extra, "resources.vcpus");

		if (!f)
			put_int(r, &vm->extra, "resources.vcpus", v);
		else if (f->num != v)
			error_at(r, get(obj, "Count"), "VM '%s' has %" PRId64
				 " processors here but ProcessorCount %" PRId64
				 " in Get-VM", vm->name, v, f->num);
	}
}

static void
read_snap(reader *r, const mc_node *obj)
{
	ptrdiff_t i = vm_of(r, obj, K_SNAP);

	if (i >= 0)
		r->aux[i].snapshots++;
}

/* ------------------------------------------------------------------------
 * The input's shapes
 */

/* Collects an object that must be of kind want (K_NONE: any). */
static void
collect(reader *r, const mc_node *obj, kind want, const char *section)
{
	kind k = classify(obj);

	if (obj->kind != MC_NODE_MAP) {
		/* text where an object should be: what ConvertTo-Json writes
		 * for an object past its -Depth */
		const char *hint = mc_node_is_str(obj) ? " (ConvertTo-Json "
			"writes an object past its -Depth as its type name: give "
			"-Depth 4)" : "";

		if (section)
			error_at(r, obj, "expected %s objects in %s, not %s%s",
				 cmdlet_of(want), section, mc_node_describe(obj),
				 hint);
		else
			error_at(r, obj, "expected an object of %s, not %s%s",
				 KINDS, mc_node_describe(obj), hint);
		return;
	}
	if (k == K_NONE) {
		if (section)
			error_at(r, obj, "this object in %s is not one of %s's "
				 "(none of the properties that tell it apart)",
				 section, cmdlet_of(want));
		else
			error_at(r, obj, "an object of none of the kinds the "
				 "hyperv format reads: %s", KINDS);
		return;
	}
	if (want != K_NONE && k != want) {
		error_at(r, obj, "this object in %s is one of %s's, not %s's",
			 section, cmdlet_of(k), cmdlet_of(want));
		return;
	}
	if (k == K_SNAP)
		r->snapshot_data = true;
	nodes_add(r, &r->objs[k], obj);
}

static void
collect_all(reader *r, const mc_node *n, kind want, const char *section)
{
	if (n->kind == MC_NODE_SEQ) {
		for (size_t i = 0; i < n->len && !r->nomem; i++) {
			if (!is_null(n->u.items[i]))
				collect(r, n->u.items[i], want, section);
		}
	} else {
		collect(r, n, want, section);
	}
}

/* The documented command's table: a mapping of the section keys. */
static bool
is_table(const mc_node *root)
{
	if (root->kind != MC_NODE_MAP || classify(root) != K_NONE)
		return false;
	for (size_t i = 0; i < NSECTIONS; i++) {
		if (has(root, sections[i].key))
			return true;
	}
	return false;
}

static void
read_table(reader *r, const mc_node *root)
{
	for (size_t i = 0; i < NSECTIONS && !r->nomem; i++) {
		const struct section *s = &sections[i];
		const mc_node *n = mc_node_get(root, s->key);

		if (!n)
			continue;
		if (s->k == K_SNAP)
			r->snapshot_data = true;  /* null: none */
		if (is_null(n))
			continue;
		if (n->kind == MC_NODE_SCALAR) {
			error_at(r, n, "%s is %s, not %s's objects: ConvertTo-Json "
				 "cut them short at its -Depth (give -Depth 4)",
				 s->key, mc_node_describe(n), s->cmdlet);
			continue;
		}
		collect_all(r, n, s->k, s->key);
	}
}

static void
read_all(reader *r)
{
	/* hosts first, so that every other object finds them */
	for (size_t i = 0; i < r->objs[K_HOST].n && !r->nomem; i++)
		read_vmhost(r, r->objs[K_HOST].v[i]);
	for (size_t i = 0; i < r->objs[K_OS].n && !r->nomem; i++)
		read_os(r, r->objs[K_OS].v[i]);
	for (size_t i = 0; i < r->objs[K_CNODE].n && !r->nomem; i++)
		read_cnode(r, r->objs[K_CNODE].v[i]);
	for (size_t i = 0; i < r->objs[K_SERVICE].n && !r->nomem; i++)
		read_service(r, r->objs[K_SERVICE].v[i]);
	for (size_t i = 0; i < r->objs[K_VM].n && !r->nomem; i++)
		read_vm(r, r->objs[K_VM].v[i]);
	for (size_t i = 0; i < r->objs[K_PROC].n && !r->nomem; i++)
		read_proc(r, r->objs[K_PROC].v[i]);
	for (size_t i = 0; i < r->objs[K_SNAP].n && !r->nomem; i++)
		read_snap(r, r->objs[K_SNAP].v[i]);
	/*
	 * Checkpoints are counted where Get-VMSnapshot answered. Without it,
	 * nothing is written -- unless Get-VM shows a checkpoint the count
	 * would then miss: the inventory's default (none) would be wrong.
	 */
	for (size_t i = 0; i < r->out.nvms && !r->nomem; i++) {
		const vmaux *a = &r->aux[i];

		if (r->snapshot_data)
			put_int(r, &r->out.vms[i]->extra, "checkpoints",
				a->snapshots);
		else if (a->parent)
			error_at(r, a->parent, "VM '%s' has checkpoints (%s is "
				 "set) but the input does not count them: put "
				 "Get-VMSnapshot's objects in the same file "
				 "(VMSnapshot = Get-VM | Get-VMSnapshot)",
				 r->out.vms[i]->name, a->parent_key);
	}
}

int
mc_import_hyperv(mc_hostlist *out, const char *name, const char *data,
		 size_t len, const mc_import_ctx *ctx, mc_diag *diag)
{
	mc_doc *doc = NULL;
	mc_limits lim;
	reader r = {0};
	int rc;

	mc_import_limits(&lim, ctx ? ctx->limits : NULL);
	rc = mc_json_load_buffer(&doc, name, data, len, ctx ? ctx->limits : NULL,
				diag);
	if (rc != MC_OK)
		return rc;
	r.name = name;
	r.file = &doc->file;
	r.lim = &lim;
	r.diag = diag;
	if (!doc->root) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &doc->file, 1, 1,
			     "the file is empty; expected %s", EXPECTED);
		r.errors++;
	} else if (is_table(doc->root)) {
		read_table(&r, doc->root);
	} else if (doc->root->kind == MC_NODE_SEQ && doc->root->len == 0) {
		mc_node_error_counted(diag, &r.errors, doc->root, "an empty array; "
				      "expected %s", EXPECTED);
	} else if (doc->root->kind == MC_NODE_SCALAR) {
		mc_node_error_counted(diag, &r.errors, doc->root, "expected %s, "
				      "not %s", EXPECTED,
				      mc_node_describe(doc->root));
	} else {
		collect_all(&r, doc->root, K_NONE, NULL);
	}
	if (!r.errors && !r.nomem) {
		read_all(&r);
		if (!r.errors && !r.nomem && !r.out.count && !r.out.nvms)
			mc_node_error_counted(diag, &r.errors, doc->root, "nothing "
					      "to import: no host and no VM (%s)",
					      KINDS);
	}
	if (r.nomem)
		rc = MC_ENOMEM;
	else if (r.errors)
		rc = MC_EINPUT;
	else
		rc = mc_hostlist_move(out, &r.out) < 0 ? MC_ENOMEM : MC_OK;
	mc_hostlist_free(&r.out);
	for (size_t k = 0; k < K_COUNT; k++)
		free(r.objs[k].v);
	free(r.aux);
	mc_doc_free(doc);
	return rc;
}
