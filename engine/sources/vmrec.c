/*
 * vmrec.c - VM records and their inventory YAML.
 */
#include "sources/vmrec.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sources/hostrec.h"
#include "util/grow.h"

int
mc_strlist_add(mc_strlist *l, const char *s, size_t len)
{
	char **v = mc_grow(l->v, &l->cap, l->n + 1, sizeof(*v));

	if (!v)
		return -1;
	l->v = v;
	l->v[l->n] = NULL;
	if (mc_hostrec_set(&l->v[l->n], s, len) < 0)
		return -1;
	l->n++;
	return 0;
}

bool
mc_strlist_has(const mc_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

void
mc_strlist_free(mc_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (mc_strlist){0};
}

mc_vmrec *
mc_vmrec_new(void)
{
	return calloc(1, sizeof(mc_vmrec));
}

void
mc_vmrec_free(mc_vmrec *vm)
{
	if (!vm)
		return;
	free(vm->name);
	free(vm->host);
	free(vm->state);
	free(vm->cpu_architecture);
	free(vm->cpu_mode);
	free(vm->cpu_match);
	free(vm->cpu_check);
	free(vm->cpu_migratable);
	free(vm->cpu_model);
	free(vm->cpu_fallback);
	free(vm->cpu_vendor);
	mc_strlist_free(&vm->cpu_features);
	mc_strlist_free(&vm->cpu_force);
	mc_strlist_free(&vm->cpu_optional);
	mc_strlist_free(&vm->cpu_disable);
	mc_strlist_free(&vm->cpu_forbid);
	free(vm->source);
	free(vm);
}

static void
key_str(mc_buf *out, const char *key, const char *v)
{
	if (!v)
		return;
	mc_buf_addf(out, "      %s: ", key);
	mc_yaml_quote(out, v);
	mc_buf_addc(out, '\n');
}

/* A set, in flow style; an empty one only when always. */
static void
key_set(mc_buf *out, const char *key, const mc_strlist *l, bool always)
{
	if (l->n || always)
		mc_yaml_list(out, key, l->v, l->n);
}

static bool
has_cpu(const mc_vmrec *vm)
{
	return vm->cpu_architecture || vm->cpu_mode || vm->cpu_match ||
	       vm->cpu_check || vm->cpu_migratable || vm->cpu_model ||
	       vm->cpu_fallback || vm->cpu_vendor || vm->has_cpu_features ||
	       vm->cpu_force.n || vm->cpu_optional.n || vm->cpu_disable.n ||
	       vm->cpu_forbid.n || vm->model_unexpanded;
}

void
mc_vmrec_yaml(mc_buf *out, mc_vmrec *const *vms, size_t n)
{
	mc_buf_adds(out, "vms:\n");
	for (size_t i = 0; i < n; i++) {
		const mc_vmrec *vm = vms[i];

		if (vm->source) {
			mc_buf_adds(out, "  # from ");
			mc_buf_add_printable(out, vm->source, strlen(vm->source),
					     false);
			mc_buf_addc(out, '\n');
		}
		mc_buf_adds(out, "  - name: ");
		mc_yaml_quote(out, vm->name ? vm->name : "unnamed");
		mc_buf_adds(out, "\n    host: ");
		mc_yaml_quote(out, vm->host ? vm->host : "");
		mc_buf_adds(out, "\n    state: ");
		mc_yaml_quote(out, vm->state ? vm->state : "stopped");
		mc_buf_addc(out, '\n');
		if (vm->tsc_frequency > 0)
			mc_buf_addf(out, "    clock:\n      tsc_frequency: %" PRId64
				    "\n", vm->tsc_frequency);
		if (!has_cpu(vm))
			continue;
		mc_buf_adds(out, "    cpu:\n");
		key_str(out, "architecture", vm->cpu_architecture);
		key_str(out, "mode", vm->cpu_mode);
		key_str(out, "match", vm->cpu_match);
		key_str(out, "check", vm->cpu_check);
		key_str(out, "migratable", vm->cpu_migratable);
		key_str(out, "model", vm->cpu_model);
		key_str(out, "fallback", vm->cpu_fallback);
		key_str(out, "vendor", vm->cpu_vendor);
		if (vm->model_unexpanded)
			mc_buf_adds(out, "      model_expanded: false\n");
		if (vm->has_cpu_features)
			key_set(out, "features", &vm->cpu_features, true);
		key_set(out, "force", &vm->cpu_force, false);
		key_set(out, "optional", &vm->cpu_optional, false);
		key_set(out, "disable", &vm->cpu_disable, false);
		key_set(out, "forbid", &vm->cpu_forbid, false);
	}
}
