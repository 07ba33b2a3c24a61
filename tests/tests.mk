# Tests: host unit tests (tests/unit/unit.mk), QEMU scenarios (tests/scenarios/*.scn) and the ring-3
# programs compared natively and in the appliance (tests/ring3/), all run by tests/run-tests.sh,
# whose last line is "N passed, N failed".
#   make test                          deps, build everything, run everything
#   make scenario-test [SCENARIO=pat]  QEMU scenarios only (shell glob on the name)
#   make ring3-test [RING3=pat]        ring-3 programs only (appliance/tests/*.c; glob on the name)
#   make mutation-test [MUTANT=pat]    every mutant of tests/mutation/mutants.txt must be killed
#   make fuzz-test [FUZZ_CALLS=n] [FUZZ_SEED=n] [SYSFUZZ_CALLS=n] [SYSFUZZ_SEED=n]  both fuzzers' scenarios, longer or replayed
#   make check                         clang-format and cppcheck over our C sources

include tests/unit/unit.mk
include tests/fuzz/fuzz.mk

SCENARIO ?=
TEST_ENV := BUILD=$(BUILD) ACCEL=$(ACCEL)

# ISOs with other command lines, for scenarios that cannot boot with QEMU's -kernel (Bochs). The
# sub-make's ISO rule (image/image.mk) builds each; no rule here may name the same file, or the
# sub-make would run this recipe again instead.
.PHONY: test-isos
test-isos: $(HV_ELF) $(GUEST_ELF) $(INITRAMFS)
	$(Q)$(MAKE) --no-print-directory iso ISO=$(BUILD)/tests/iso/seglimits.iso HV_ARGS="console=com1" \
		GUEST_ARGS="test=seglimits"
	$(Q)$(MAKE) --no-print-directory iso ISO=$(BUILD)/tests/iso/segments.iso HV_ARGS="console=com1" \
		GUEST_ARGS="init=/tests/t_segments"
	$(Q)$(MAKE) --no-print-directory iso ISO=$(BUILD)/tests/iso/upcall-ssbase.iso \
		HV_ARGS="console=com1 oncrash=poweroff crashdelay=0" GUEST_ARGS="test=mmu-review-upcall-ssbase"
	$(Q)$(MAKE) --no-print-directory iso ISO=$(BUILD)/tests/iso/netif.iso HV_ARGS="console=com1 exit=debug" \
		GUEST_ARGS="test=netif"

# deps first; the recursive make keeps apt-get out of a parallel build.
.PHONY: test-build mutation-test
test: deps
	$(Q)$(MAKE) --no-print-directory test-build
	$(Q)$(TEST_ENV) UNIT_TESTS="$(UNIT_TESTS)" bash tests/run-tests.sh

# Everything make test runs (also what tests/mutation/run.sh rebuilds after each mutant).
test-build: iso initramfs test-isos image-files $(UNIT_TESTS) $(TEST_TOOLS)

# The full mutation run (make test runs the mutants marked "fast"); see docs/testing.md.
MUTANT ?=
mutation-test: deps
	$(Q)$(MAKE) --no-print-directory test-build
	$(Q)$(TEST_ENV) bash tests/mutation/run.sh $(MUTANT)

# The fuzzers' scenarios read FUZZ_CALLS, FUZZ_SEED, SYSFUZZ_CALLS, SYSFUZZ_SEED, SYSFUZZ_ARGS from the environment (a make variable on
# the command line is exported to the recipe).
.PHONY: fuzz-test
fuzz-test: deps
	$(Q)$(MAKE) --no-print-directory scenario-test SCENARIO='fuzz-hypercalls fuzz-hypercalls-fresh fuzz-syscalls fuzz-syscalls-fresh'

scenario-test: iso test-isos $(TEST_TOOLS)
	$(Q)$(TEST_ENV) bash tests/run-tests.sh --scenarios $(SCENARIO)

# The MMU and trap scenarios again on a DEBUG=1 build (ASSERTs compiled in), in its own build
# directory; CI runs it after make test.
.PHONY: debug-test
debug-test: deps
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/debug DEBUG=1 scenario-test SCENARIO='mmu-* traps-*'

# The soak (tests/net/soak.sh; make test runs it too, in the background): SOAK_SECONDS of mixed load.
SOAK_SECONDS ?= 120
.PHONY: soak
soak: $(HV_ELF) $(GUEST_ELF) $(INITRAMFS) $(TEST_TOOLS)
	$(Q)$(TEST_ENV) bash tests/net/soak.sh '$(SOAK_SECONDS)'

# Fault injection: the appliance served with faults= at FAULT_RATE (1%) on every point
# (tests/net/faults.sh; make test runs it at 1%). FAULTS_SEED and FAULTS_REQUESTS from the environment.
FAULT_RATE ?= 1%
.PHONY: fault-test
fault-test: $(HV_ELF) $(GUEST_ELF) $(INITRAMFS) $(TEST_TOOLS)
	$(Q)$(TEST_ENV) bash tests/net/faults.sh '$(FAULT_RATE)'

# The network end to end on each card model (tests/net/e2e.sh), then hostile frames from the wire
# (tests/net/hostile.sh) on HOSTILE_NICS (virtio-net-pci; make test runs both the same way), then
# connection-per-request load (tests/net/churn.sh).
HOSTILE_NICS ?= virtio-net-pci
export HOSTILE_NICS
.PHONY: net-test
net-test: $(HV_ELF) $(GUEST_ELF) $(INITRAMFS) $(TEST_TOOLS)
	$(Q)fail=0; for nic in virtio-net-pci e1000 e1000e; do $(TEST_ENV) bash tests/net/e2e.sh $$nic || fail=1; done; \
	for nic in $(HOSTILE_NICS); do $(TEST_ENV) bash tests/net/hostile.sh $$nic || fail=1; done; \
	$(TEST_ENV) bash tests/net/churn.sh virtio-net-pci || fail=1; exit $$fail

# The initramfs build stages $(BUILD)/appliance/rootfs, the native runs' root.
RING3 ?=
.PHONY: ring3-test
ring3-test: $(HV_ELF) $(GUEST_ELF) $(INITRAMFS)
	$(Q)$(TEST_ENV) bash tests/run-tests.sh --ring3 $(RING3)

CHECK_SRCS = $(shell find hypervisor guest appliance tests -name '*.[ch]' 2>/dev/null | LC_ALL=C sort)
# comparePointers: walking a linker-defined section (__start[] .. __end[]) is the kernel idiom it flags.
CPPCHECK_FLAGS := --enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
	--quiet --std=c11 --platform=unix32 -D__GNUC__ --suppress=missingIncludeSystem \
	--suppress=unmatchedSuppression --suppress=comparePointers

check:
	$(Q)clang-format --dry-run -Werror $(CHECK_SRCS)
	$(Q)cppcheck $(CPPCHECK_FLAGS) $(CHECK_SRCS)

# Benchmarks (BENCH lines), under QEMU TCG; see tests/bench/all.sh. The initramfs carries
# /bin/lmbench for our side of the lmbench comparison; tests/bench/linux-vm.sh fetches the Linux
# kernel of the other side into $(BUILD)/linux-vm/ on first use; tests/tools/netbench is the host's
# client of the network figures.
bench: deps
	$(Q)$(MAKE) --no-print-directory hypervisor guest initramfs iso $(BUILD)/tests/tools/netbench \
		$(BUILD)/tests/tools/netclient $(FUZZ_HC_ELF)
	$(Q)BUILD=$(BUILD) bash tests/bench/all.sh
