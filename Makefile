# pidone: "make run" boots to a guest shell, "make test" runs every test.
# Both install what is missing first (QEMU, cpio, e2fsprogs and, for the
# comparison with BusyBox, busybox-static via apt-get, and a Debian kernel
# into pidone's cache).

GO      ?= go
BIN     := bin/pidone
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT     := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get
# -count=1: VM tests boot what the tree builds now, which Go's test cache
# cannot see.
TESTFLAGS ?= -timeout 20m -count=1

.PHONY: all run test deps web kernel kernel-generic kernel-tiny kernel-arm64 kernel-386 kernel-riscv64 build vet generate fuzz clean bench bench-quick bench-web suites

all: build

build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/pidone

run: deps build kernel
	$(BIN) run

# The second go test runs the networking commands' tests in the build
# that has them (-tags pidone_net, guest/cmds/networking/net_test.go).
test: deps build kernel kernel-generic kernel-tiny kernel-arm64 kernel-386 kernel-riscv64 web vet
	CGO_ENABLED=0 $(GO) test $(TESTFLAGS) ./...
	CGO_ENABLED=0 $(GO) test $(TESTFLAGS) -tags pidone_net -run '^TestNetCmd' ./guest/cmds/networking/

# The host CLI builds for macOS too (it builds images there; it boots VMs
# on Linux only), and links no guest package.
vet:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags pidone_net ./...
	GOOS=darwin GOARCH=arm64 $(GO) vet ./cmd/pidone
	@for a in arm64 riscv64 386; do \
		echo "GOARCH=$$a go vet (the guest)"; \
		GOOS=linux GOARCH=$$a CGO_ENABLED=0 $(GO) vet ./cmd/pidone-guest ./guest/... ./pkg/... || exit 1; \
		GOOS=linux GOARCH=$$a CGO_ENABLED=0 $(GO) vet -tags pidone_net ./cmd/pidone-guest ./guest/... || exit 1; \
	done
	@if $(GO) list -deps ./cmd/pidone | grep -q '^pidone.dev/guest/'; then \
		echo "the host CLI links guest code:"; $(GO) list -deps ./cmd/pidone | grep '^pidone.dev/guest/'; exit 1; fi

# The guest's command names, for the host (pkg/cmdlist; a test fails when
# they are out of date).
generate:
	$(GO) generate ./pkg/cmdlist

# Host packages: QEMU to boot (x86_64 and i386 guests: qemu-system-x86;
# arm64: qemu-system-arm; riscv64: qemu-system-misc, with OpenSBI), cpio
# and e2fsprogs for tests that check our archives and disks with the
# standard tools, and Debian's busybox-static, which guest/cmds/all's
# TestCompat compares pidone's commands with (at /bin/busybox). apt-get
# only when missing.
deps:
	@missing=""; \
	command -v qemu-system-x86_64 >/dev/null || missing="$$missing qemu-system-x86"; \
	command -v qemu-system-aarch64 >/dev/null || missing="$$missing qemu-system-arm"; \
	command -v qemu-system-riscv64 >/dev/null || missing="$$missing qemu-system-misc"; \
	[ -x /bin/busybox ] || missing="$$missing busybox-static"; \
	command -v cpio >/dev/null || missing="$$missing cpio"; \
	command -v dpkg-deb >/dev/null || missing="$$missing dpkg"; \
	PATH="$$PATH:/usr/sbin:/sbin" command -v mkfs.ext4 >/dev/null || missing="$$missing e2fsprogs"; \
	if [ -n "$$missing" ]; then \
		if ! command -v apt-get >/dev/null; then \
			echo "pidone: please install:$$missing (this Makefile installs them with apt-get on Debian/Ubuntu)"; exit 1; \
		fi; \
		echo "installing:$$missing"; \
		$(APT) update -qq && $(APT) install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# pidone web's parts: npm (for v86 and xterm.js), Debian's seabios (the
# PC firmware v86 boots a kernel with) and chromium (TestWebBrowser's
# headless browser), with apt-get when missing; then pidone web --install
# puts the pinned npm packages into pidone's cache; the page boots
# pidone's tiny i386 kernel (kernel-tiny), or Debian's 686 (kernel-386).
web: build kernel-tiny kernel-386
	@missing=""; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	[ -f /usr/share/seabios/bios.bin ] && [ -f /usr/share/seabios/vgabios-stdvga.bin ] || missing="$$missing seabios"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		if ! command -v apt-get >/dev/null; then \
			echo "pidone: please install:$$missing (this Makefile installs them with apt-get on Debian/Ubuntu)"; exit 1; \
		fi; \
		echo "installing:$$missing"; \
		$(APT) update -qq && $(APT) install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	$(BIN) web --install

# A kernel in pidone's cache, unless one is found already ($$PIDONE_KERNEL,
# the cache, or a readable /boot/vmlinuz-*).
kernel: build
	@if ! $(BIN) kernel path >/dev/null 2>&1; then \
		if command -v apt-get >/dev/null && ! apt-cache show linux-image-cloud-amd64 >/dev/null 2>&1; then \
			$(APT) update -qq; \
		fi; \
		$(BIN) kernel fetch; \
	fi

# Debian's generic kernel as well, for the tests of 9p shares: the cloud
# kernel has no 9p. Only make test needs it; pidone run boots the cloud one.
kernel-generic: build
	@if command -v apt-get >/dev/null && ! $(BIN) kernel list 2>/dev/null | grep -q ' generic '; then \
		if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then \
			$(APT) update -qq; \
		fi; \
		$(BIN) kernel fetch --flavour generic; \
	fi

# pidone's own small kernels (pidone kernel build: tinyconfig and the
# fragments in host/kernel/configs, from Debian's linux-source-6.1, with
# what building needs installed by apt-get). Minutes on 2 cores the first
# time; then pidone finds them in its cache at once. make test boots the
# amd64 one (--kernel tiny) and pidone web the i386 one (v86 boots it in
# a few seconds where Debian's 686 kernel takes most of a minute);
# riscv64 has no Debian kernel to fetch.
KBUILDFLAGS ?=
kernel-tiny: build
	$(BIN) kernel build --arch amd64 $(KBUILDFLAGS)
	$(BIN) kernel build --arch 386 $(KBUILDFLAGS)

# Debian's kernels for the other architectures' boot tests: arm64's
# linux-image-arm64 and i386's linux-image-686, through dpkg's foreign
# architectures (added, and apt's lists updated, when missing). 386 is
# Debian's i386.
kernel-arm64 kernel-386: kernel-%: build
	@if ! $(BIN) kernel path --arch $* >/dev/null 2>&1; then \
		deb=$$(echo $* | sed 's/^386$$/i386/'); \
		if command -v dpkg >/dev/null && [ "$$(dpkg --print-architecture)" != "$$deb" ] && \
			! dpkg --print-foreign-architectures | grep -qx "$$deb"; then \
			$(SUDO) dpkg --add-architecture $$deb; \
			$(APT) update -qq; \
		fi; \
		$(BIN) kernel fetch --arch $* || { $(APT) update -qq; $(BIN) kernel fetch --arch $*; }; \
	fi

# Debian has no riscv64 kernel: pidone kernel build makes one. When it
# cannot, the riscv64 boot test fails and says how to get one.
kernel-riscv64: build
	@if ! $(BIN) kernel path --arch riscv64 >/dev/null 2>&1; then \
		$(BIN) kernel build --arch riscv64 || echo "pidone: no riscv64 kernel; TestArches/riscv64 will fail"; \
	fi

# Real kernel-facing suites under pidone test, with the README's command
# lines (netlink, u-root's mount and loop, containerd's cgroup2): a few
# minutes, and the Go module proxy to fetch them.
suites: deps build kernel
	CGO_ENABLED=0 $(GO) test -count=1 -tags suites -run '^TestSuites$$' -v -timeout 60m ./cmd/pidone/

# Every fuzz target in the tree, FUZZTIME each.
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; \
			$(GO) test $$pkg -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) >/dev/null || exit 1; \
		done; \
	done

# The benchmark against u-root v0.16.0 core and a do-nothing Go /init,
# on Debian's cloud kernel and pidone's tiny one, and on the other
# architectures (bench/main.go says what it measures). BENCHFLAGS passes
# flags, e.g. BENCHFLAGS="-n 3" or "-skip-build -skip-mem -skip-arches".
BENCHFLAGS ?=
bench: deps build kernel kernel-tiny kernel-arm64 kernel-386 kernel-riscv64 web
	CGO_ENABLED=0 $(GO) run ./bench $(BENCHFLAGS)

# The browser's row alone (pidone web in headless Chromium), 3 boots.
bench-web: web
	CGO_ENABLED=0 $(GO) run ./bench -web-only $(BENCHFLAGS)

# pidone against the floor only, on the cloud and the tiny kernel, 3
# boots each: about a minute.
bench-quick: deps build kernel kernel-tiny
	CGO_ENABLED=0 $(GO) run ./bench -quick $(BENCHFLAGS)

clean:
	rm -rf bin initramfs.cpio*
