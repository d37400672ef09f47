# SPDX-License-Identifier: GPL-2.0
#
# tcplens top-level Makefile.
#
#   make                   build the modules for the running kernel
#   make KDIR=<build dir>  ... or for another kernel
#   sudo make install      modules_install (extra/) + depmod
#   sudo make dkms-install register with DKMS (rebuilt for new kernels)
#   sudo make tools-install the tcplens command into /usr/local/sbin
#   make deb               tcplens-dkms_<version>_all.deb (DKMS) in .build/deb
#   make demo              boot a VM, load everything, show it working
#   make check             every test: KUnit + selftests on 3 kernels
#   make kunit | selftests | style | bench
#   make stress            slab-heavy load in the 6.12 VM, 10 boots (vm-stress)
#
# See README for the details of each target.

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
INSTALL_MOD_DIR ?= extra
MODULES := tcplens tcp_lens tcplens_observer
DEPMOD_BASE := $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH))

# Debian's headers set CONFIG_MODULE_SIG_ALL but ship no signing key:
# sign at install time only where the key is really there.
SIG_KEY := $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"/\1/p' $(KDIR)/.config 2>/dev/null)
SIG_OPT := $(if $(wildcard $(KDIR)/$(SIG_KEY) $(SIG_KEY)),,CONFIG_MODULE_SIG_ALL=)

# Per-test selection for check/kunit/selftests, e.g.
#   make selftests KERNELS=debian-6.1 TESTS=tcplens_smoke.sh
KERNELS ?=
TESTS ?=

CHECK_ARGS := $(if $(KERNELS),--kernels "$(KERNELS)") $(if $(TESTS),--tests "$(TESTS)")

VERSION := $(shell git describe --tags --always 2>/dev/null || echo 0.1)
DKMS_SRC := /usr/src/tcplens-$(VERSION)

.PHONY: all modules install uninstall clean demo check kunit selftests style bench setup \
	dkms-install dkms-uninstall tools-install stress deb

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# Secure Boot: without the kernel's own key, sign with a key enrolled in
# MOK; by default the pair DKMS creates (README, "Secure Boot").
MOK_KEY ?= /var/lib/dkms/mok.key
MOK_CERT ?= /var/lib/dkms/mok.pub
SIGN_FILE = $(KDIR)/scripts/sign-file
BUILT_KOS = $(wildcard $(addsuffix .ko,$(MODULES)) module/*/tests/*.ko)
SIG_MAGIC := ~Module signature appended~

# Installs what `make` built; it does not rebuild (run make first).
# One depmod, ours: kbuild's own (DEPMOD=true skips it) would walk the whole
# module tree a second time.
install:
	@if [ -z "$(SIG_OPT)" ]; then \
		echo "tcplens: signing with the kernel's key ($(SIG_KEY))"; \
	elif [ -r "$(MOK_KEY)" ] && [ -r "$(MOK_CERT)" ]; then \
		for m in $(BUILT_KOS); do \
			tail -c 28 $$m | grep -qF '$(SIG_MAGIC)' || \
			$(SIGN_FILE) sha256 $(MOK_KEY) $(MOK_CERT) $$m || exit 1; \
		done; \
		echo "tcplens: signed with $(MOK_KEY); $(MOK_CERT) must be enrolled (mokutil --import)"; \
	else \
		echo "tcplens: NOT signed: $(KDIR) has no signing key and there is no MOK key at $(MOK_KEY);" \
		     "where Secure Boot enforces signatures the modules will not load (README, \"Secure Boot\")"; \
	fi
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) $(SIG_OPT) \
		DEPMOD=true modules_install
	depmod -a $(DEPMOD_BASE) $(KERNELRELEASE)

# Removes what install put there: the three modules and, where the kernel
# has CONFIG_KUNIT, the KUnit suites under module/*/tests.
EXTRA_DIR = $(INSTALL_MOD_PATH)/lib/modules/$(KERNELRELEASE)/$(INSTALL_MOD_DIR)
KUNIT_MODULES := $(basename $(wildcard module/*/tests/*_kunit.c))
KUNIT_DIRS := $(sort $(dir $(KUNIT_MODULES)))
uninstall:
	rm -f $(foreach m,$(MODULES),$(wildcard $(EXTRA_DIR)/$(m).ko*)) \
		$(foreach m,$(KUNIT_MODULES),$(wildcard $(EXTRA_DIR)/$(m).ko*))
	for d in $(KUNIT_DIRS:%/=%); do \
		rmdir $(EXTRA_DIR)/$$d $(EXTRA_DIR)/$${d%/tests} 2>/dev/null || true; \
	done
	rmdir $(EXTRA_DIR)/module 2>/dev/null || true
	depmod -a $(DEPMOD_BASE) $(KERNELRELEASE)

# DKMS: the sources (no tests) under /usr/src, rebuilt for each new kernel.
dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -r Kbuild include module $(DKMS_SRC)/
	rm -rf $(DKMS_SRC)/module/*/tests
	sed 's/@VERSION@/$(VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf
	dkms add -m tcplens -v $(VERSION)
	dkms build -m tcplens -v $(VERSION)
	dkms install -m tcplens -v $(VERSION)

# The tcplens command (scripts/tcplens).
PREFIX ?= /usr/local
# The command, its man page, the exporter's systemd service and timer,
# and the Prometheus alert rules.
SYSTEMD_UNITS := tcplens-export.service tcplens-export.timer
SYSTEMD_DIR ?= $(PREFIX)/lib/systemd/system
tools-install:
	install -D -m 0755 scripts/tcplens $(DESTDIR)$(PREFIX)/sbin/tcplens
	install -D -m 0644 scripts/tcplens.8 $(DESTDIR)$(PREFIX)/share/man/man8/tcplens.8
	for u in $(SYSTEMD_UNITS); do \
		sed 's|@SBINDIR@|$(PREFIX)/sbin|' scripts/systemd/$$u | \
		install -D -m 0644 /dev/stdin $(DESTDIR)$(SYSTEMD_DIR)/$$u || exit 1; \
	done
	install -D -m 0644 scripts/prometheus/tcplens-alerts.yml \
		$(DESTDIR)$(PREFIX)/share/tcplens/prometheus/tcplens-alerts.yml
	# boot-time examples (all commented out); an edited copy is kept
	for f in modules-load.d/tcplens.conf sysctl.d/60-tcplens.conf; do \
		[ -e $(DESTDIR)/etc/$$f ] || \
		install -D -m 0644 scripts/etc/$$(echo $$f | tr / -) $(DESTDIR)/etc/$$f || exit 1; \
	done

# The Debian package: tcplens-dkms_<version>_all.deb in DEB_DIR, built
# by debhelper and dh-dkms from a staged copy (scripts/mkdeb).
DEB_DIR ?= $(CURDIR)/.build/deb
deb:
	scripts/mkdeb -o $(DEB_DIR) $(if $(DEB_VERSION),-v $(DEB_VERSION))

dkms-uninstall:
	dkms remove -m tcplens -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf .build

setup:
	scripts/setup

demo:
	scripts/demo

check:
	scripts/check $(CHECK_ARGS)

kunit:
	scripts/check --only kunit $(CHECK_ARGS)

selftests:
	scripts/check --only selftests $(CHECK_ARGS)

style:
	scripts/check --only style $(CHECK_ARGS)

bench:
	scripts/bench

STRESS_KERNEL ?= debian-6.12
STRESS_SECONDS ?= 180
STRESS_RUNS ?= 10
stress:
	scripts/vm-stress -k $(STRESS_KERNEL) -s $(STRESS_SECONDS) -n $(STRESS_RUNS)
