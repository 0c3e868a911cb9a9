-- hyperv-features -- Hyper-V moves judged feature by feature, written in Lua.
--
-- Everything of hyperv.yaml holds (read it first): the same manufacturer
-- and architecture, the VM's configuration version supported by the target
-- (or, for a VM without one, a Hyper-V on the target no older than the
-- source's), host availability, the processor compatibility modes as
-- relaxations and remedies, and the common features of the cluster for a
-- VM in CommonClusterFeatureSet mode. What changes is the check of the
-- host's own features. hyperv.yaml requires the target
-- to list every flag the source lists, to the letter. That refuses moves
-- Hyper-V would make:
--
--   * inventories name some flags differently (SSE4.2 and sse4_2, pni and
--     sse3): names are normalized first (the `normalize` helper module);
--   * some flags describe the host and never reach a guest -- virtualization
--     extensions, power and thermal management, self-snoop: they are not
--     compared.
--
-- The rule declares the paths it reads (`uses`), so that fleet-wide
-- commands may evaluate it once per class of equal hosts.

-- Flags that describe the host's hardware and are never shown to a guest.
-- No Microsoft document lists the CPUID bits Hyper-V withholds; this list
-- holds what hypervisors do not pass through: the virtualization extensions
-- (Microsoft, "Run Hyper-V in a Virtual Machine with Nested Virtualization":
-- a guest sees them only with Set-VMProcessor -ExposeVirtualizationExtensions),
-- and power, thermal, debug-store and performance-monitoring features, which
-- Linux's KVM does not offer a guest either (arch/x86/kvm/cpuid.c,
-- kvm_set_cpu_caps, and the flag names of arch/x86/include/asm/cpufeatures.h).
local host_only = {
	"vmx", "svm", "ept", "vpid", "npt", "flexpriority", "tpr_shadow", "vnmi",
	"smx", "ss", "ht", "tm", "tm2", "est", "acpi", "dtes64", "ds_cpl",
	"monitor", "pbe", "pdcm", "dca", "xtpr", "tsc_deadline_timer", "ibs",
	"skinit", "wdt", "hw_pstate", "cpb", "arat", "pln", "pts", "dtherm",
	"ida", "epb",
}

return {
	policy = "hyperv-features",
	description = "Hyper-V moves as hyperv.yaml, with processor features "
		.. "compared by their normalized names and without the flags that "
		.. "never reach a guest.",
	format = 1,
	extends = "hyperv.yaml",

	-- The host's features are checked by the rule below instead of the
	-- base's exact superset; the cluster's common features and the Hyper-V
	-- version are still compared as the base does.
	compare = {
		live = {
			{ field = "cluster-features", op = "superset",
			  message = "{target.name} lacks processor features common to the cluster of {source.name}, which {vm.name} runs with (CommonClusterFeatureSet)." },
			{ field = "hypervisor", op = "ge",
			  message = "{target.name} runs Hyper-V {target_value}, older than {source_value} on {source.name}." },
		},
		["saved-state"] = {
			{ field = "cluster-features", op = "superset",
			  message = "{target.name} lacks processor features common to the cluster of {source.name}, which {vm.name} was saved with (CommonClusterFeatureSet)." },
			{ field = "hypervisor", op = "ge",
			  message = "{target.name} runs Hyper-V {target_value}, older than {source_value} on {source.name}." },
		},
	},

	rules = {
		{
			id = "guest-features",
			kinds = { "live", "saved-state" },
			description = "The target offers every processor feature a guest "
				.. "can see that the VM was started with.",
			uses = {
				"vm.name", "vm.processor_compatibility",
				"source.cpu.features", "target.name", "target.cpu.features",
			},
			lua = function(vm, source, target)
				-- With processor compatibility on, the guest sees a
				-- reduced set: the minimal one every host of the
				-- manufacturer has, or its cluster's common features,
				-- which compare.cluster-features checks.
				if vm.processor_compatibility then
					return true
				end
				local visible = sets.difference(
					normalize.features(source.cpu.features), host_only)
				local missing = sets.missing(
					normalize.features(target.cpu.features), visible)
				if #missing == 0 then
					return true
				end
				return false, target.name .. " lacks processor features that "
					.. vm.name .. " was started with: "
					.. table.concat(missing, ", ") .. "."
			end,
		},
	},

	tests = {
		{
			name = "A newer Intel host takes a running VM",
			inventory = "../examples/fleet.yaml",
			vm = "web-01",
			to = "hv-east-02",
			expect = { allowed = true, rating = 5 },
		},
		{
			name = "An older Intel host lacks AVX-512",
			inventory = "../examples/fleet.yaml",
			vm = "web-01",
			to = "hv-east-07",
			expect = {
				allowed = false,
				violations = { "rule.guest-features" },
				remedies = { "processor-compatibility", "shut-down" },
			},
		},
		{
			name = "Processor compatibility hides the features the older host lacks",
			inventory = "../examples/fleet.yaml",
			vm = "web-02",
			to = "hv-east-07",
			expect = { allowed = true, rating = 5 },
		},
		{
			name = "No setting lets a running VM cross from Intel to AMD",
			inventory = "../examples/fleet.yaml",
			vm = "web-01",
			to = "hv-west-01",
			expect = {
				allowed = false,
				violations = { "match.manufacturer", "rule.guest-features" },
				remedies = { "shut-down" },
			},
		},
		{
			name = "A running x64 VM cannot go to an arm64 host",
			inventory = "../examples/fleet.yaml",
			vm = "web-01",
			to = "hv-lab-07",
			expect = {
				allowed = false,
				violations = { "match.manufacturer", "match.architecture", "rule.guest-features" },
				remedies = { "shut-down" },
			},
		},
		{
			name = "A running VM cannot go to an older Hyper-V",
			inventory = "../examples/fleet.yaml",
			vm = "sql-01",
			to = "hv-east-01",
			expect = {
				allowed = false,
				violations = { "compare.hypervisor", "rule.guest-features" },
				remedies = { "shut-down" },
			},
		},
		{
			name = "A paused VM needs every guest-visible feature it was saved with",
			inventory = "../examples/fleet.yaml",
			vm = "app-01",
			to = "hv-east-02",
			kind = "saved-state",
			expect = {
				allowed = false,
				violations = { "rule.guest-features" },
				remedies = { "processor-compatibility", "shut-down" },
			},
		},
		{
			name = "A paused VM cannot go to an older Hyper-V",
			inventory = "../examples/fleet.yaml",
			vm = "app-01",
			to = "hv-east-01",
			expect = {
				allowed = false,
				violations = { "compare.hypervisor", "rule.guest-features" },
				remedies = { "shut-down" },
			},
		},
		{
			name = "A paused VM cannot cross from Intel to AMD",
			inventory = "../examples/fleet.yaml",
			vm = "app-01",
			to = "hv-west-04",
			expect = {
				allowed = false,
				violations = { "match.manufacturer", "rule.guest-features" },
				remedies = { "shut-down" },
			},
		},
		{
			name = "A paused x64 VM cannot go to an arm64 host",
			inventory = "../examples/fleet.yaml",
			vm = "app-01",
			to = "hv-lab-07",
			expect = { allowed = false, violations = { "match.manufacturer", "match.architecture", "rule.guest-features" } },
		},
		{
			name = "A paused VM moves to a newer processor generation",
			inventory = "../examples/fleet.yaml",
			vm = "app-01",
			to = "hv-east-08",
			expect = { allowed = true, rating = 5 },
		},
		{
			name = "Windows Server 2025 runs no version-7.0 VM",
			inventory = "../examples/fleet.yaml",
			vm = "old-web-01",
			to = "hv-north-01",
			expect = {
				allowed = false,
				violations = { "rule.configuration-version" },
				remedies = {},
			},
		},
		{
			name = "CommonClusterFeatureSet moves a VM within its cluster of mixed generations",
			inventory = "../examples/fleet.yaml",
			vm = "erp-01",
			to = "hv-north-02",
			expect = { allowed = true, rating = 5 },
		},
		{
			name = "A cluster of older processors needs MinimumFeatureSet",
			inventory = "../examples/fleet.yaml",
			vm = "erp-01",
			to = "hv-east-02",
			expect = {
				allowed = false,
				violations = { "compare.cluster-features" },
				remedies = { "minimum-feature-set", "shut-down" },
			},
		},
		{
			name = "A VM saved with its cluster's common features resumes only where they all are",
			inventory = "../examples/fleet.yaml",
			vm = "erp-05",
			to = "hv-east-02",
			expect = {
				allowed = false,
				violations = { "compare.cluster-features" },
				remedies = { "minimum-feature-set", "shut-down" },
			},
		},
		{
			name = "A host that does not respond takes nothing",
			inventory = "../examples/fleet.yaml",
			vm = "backup-01",
			to = "hv-east-09",
			expect = {
				allowed = false,
				violations = { "host.1" },
				remedies = {},
			},
		},
		{
			name = "A host whose virtualization service is stopped takes nothing",
			inventory = "../examples/fleet.yaml",
			vm = "backup-01",
			to = "hv-west-06",
			expect = {
				allowed = false,
				violations = { "host.2" },
				remedies = {},
			},
		},
		{
			name = "A host closed for placement takes nothing",
			inventory = "../examples/fleet.yaml",
			vm = "backup-01",
			to = "hv-east-06",
			expect = {
				allowed = false,
				violations = { "host.3" },
				remedies = {},
			},
		},
	},
}
