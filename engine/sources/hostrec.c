/*
 * hostrec.c - host records and their inventory YAML.
 */
#include "sources/hostrec.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

mc_hostrec *
mc_hostrec_new(void)
{
	return calloc(1, sizeof(mc_hostrec));
}

void
mc_hostrec_free(mc_hostrec *h)
{
	if (!h)
		return;
	free(h->name);
	free(h->cluster);
	free(h->manufacturer);
	free(h->architecture);
	free(h->signature);
	free(h->cpu_name);
	free(h->model_name);
	for (size_t i = 0; i < h->nfeatures; i++)
		free(h->features[i]);
	free(h->features);
	free(h->hypervisor_product);
	free(h->hypervisor_version);
	mc_strlist_free(&h->cpu_models);
	mc_strlist_free(&h->migratable_features);
	free(h->running_under);
	free(h->source);
	free(h);
}

int
mc_hostrec_set(char **field, const char *s, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	free(*field);
	*field = copy;
	return 0;
}

int
mc_hostrec_add_feature(mc_hostrec *h, const char *s, size_t len)
{
	char **f = realloc(h->features, (h->nfeatures + 1) * sizeof(*f));

	if (!f)
		return -1;
	h->features = f;
	h->features[h->nfeatures] = NULL;
	if (mc_hostrec_set(&h->features[h->nfeatures], s, len) < 0)
		return -1;
	h->nfeatures++;
	return 0;
}

/* True for a character YAML does not take raw in a double-quoted scalar,
 * or would read as a line break (and fold): C0 controls, DEL, C1 controls
 * (NEL among them), U+2028, U+2029, U+FFFE and U+FFFF. */
static bool
yaml_escaped(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 ||
	       c == 0x2029 || c == 0xFFFE || c == 0xFFFF;
}

void
mc_yaml_quote(mc_buf *out, const char *s)
{
	size_t len = strlen(s), n;
	uint32_t c;

	mc_buf_addc(out, '"');
	for (size_t i = 0; i < len; i += n ? n : 1) {
		n = mc_utf8_char(s + i, len - i, &c);
		if (!n)
			mc_buf_adds(out, "\xEF\xBF\xBD");  /* not UTF-8: U+FFFD */
		else if (c == '"' || c == '\\')
			mc_buf_addf(out, "\\%c", (char)c);
		else if (yaml_escaped(c) && c <= 0xFF)
			mc_buf_addf(out, "\\x%02x", (unsigned)c);
		else if (yaml_escaped(c))
			mc_buf_addf(out, "\\u%04x", (unsigned)c);
		else
			mc_buf_add(out, s + i, n);
	}
	mc_buf_addc(out, '"');
}

static void
key_str(mc_buf *out, const char *indent, const char *key, const char *v)
{
	if (!v)
		return;
	mc_buf_addf(out, "%s%s: ", indent, key);
	mc_yaml_quote(out, v);
	mc_buf_addc(out, '\n');
}

static void
key_int(mc_buf *out, const char *indent, const char *key, bool has, int64_t v)
{
	if (has)
		mc_buf_addf(out, "%s%s: %" PRId64 "\n", indent, key, v);
}

void
mc_yaml_list(mc_buf *out, const char *key, char *const *v, size_t n)
{
	mc_buf_addf(out, "      %s: [", key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			mc_buf_adds(out, ", ");
		mc_yaml_quote(out, v[i]);
	}
	mc_buf_adds(out, "]\n");
}

void
mc_hostrec_yaml(mc_buf *out, mc_hostrec *const *hosts, size_t n)
{
	mc_buf_adds(out, "hosts:\n");
	for (size_t i = 0; i < n; i++) {
		const mc_hostrec *h = hosts[i];

		if (h->source) {
			/* A comment ends at a line break: the source is written
			 * on one line, escaped. */
			mc_buf_adds(out, "  # from ");
			mc_buf_add_printable(out, h->source, strlen(h->source), false);
			mc_buf_addc(out, '\n');
		}
		mc_buf_adds(out, "  - name: ");
		mc_yaml_quote(out, h->name ? h->name : "unnamed");
		mc_buf_addc(out, '\n');
		key_str(out, "    ", "cluster", h->cluster);
		mc_buf_adds(out, "    cpu:\n");
		key_str(out, "      ", "manufacturer", h->manufacturer);
		key_str(out, "      ", "architecture", h->architecture);
		key_int(out, "      ", "family", h->has_family, h->family);
		key_int(out, "      ", "model", h->has_model, h->model);
		key_int(out, "      ", "stepping", h->has_stepping, h->stepping);
		key_str(out, "      ", "signature", h->signature);
		key_str(out, "      ", "name", h->cpu_name);
		key_str(out, "      ", "model_name", h->model_name);
		if (h->model_unexpanded)
			mc_buf_adds(out, "      model_expanded: false\n");
		key_int(out, "      ", "sockets", h->sockets > 0, h->sockets);
		if (h->nfeatures || h->has_features)
			mc_yaml_list(out, "features", h->features, h->nfeatures);
		if (h->has_migratable)
			mc_yaml_list(out, "migratable_features",
				 h->migratable_features.v,
				 h->migratable_features.n);
		if (h->hypervisor_product || h->hypervisor_version ||
		    h->has_cpu_models) {
			mc_buf_adds(out, "    hypervisor:\n");
			key_str(out, "      ", "product", h->hypervisor_product);
			key_str(out, "      ", "version", h->hypervisor_version);
			if (h->has_cpu_models)
				mc_yaml_list(out, "cpu_models", h->cpu_models.v,
					 h->cpu_models.n);
		}
		if (h->has_virt || h->running_under) {
			mc_buf_adds(out, "    virtualization:\n");
			if (h->has_virt)
				mc_buf_addf(out, "      supported: %s\n",
					    h->virt_supported ? "true" : "false");
			key_str(out, "      ", "running_under", h->running_under);
		}
	}
}
