# pidone: "make run" boots to a guest shell, "make test" runs every test.
# Both install what is missing first (QEMU, cpio, e2fsprogs via apt-get,
# and a Debian kernel into pidone's cache).

GO      ?= go
BIN     := bin/pidone
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT     := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get
TESTFLAGS ?= -timeout 20m

.PHONY: all run test deps kernel build vet fuzz clean bench bench-quick

all: build

build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/pidone

run: deps build kernel
	$(BIN) run

test: deps build kernel vet
	CGO_ENABLED=0 $(GO) test $(TESTFLAGS) ./...

vet:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Host packages: QEMU to boot, cpio and e2fsprogs for tests that check our
# archives and disks with the standard tools. apt-get only when missing.
deps:
	@missing=""; \
	command -v qemu-system-x86_64 >/dev/null || missing="$$missing qemu-system-x86"; \
	command -v cpio >/dev/null || missing="$$missing cpio"; \
	command -v dpkg-deb >/dev/null || missing="$$missing dpkg"; \
	if [ -n "$$missing" ]; then \
		if ! command -v apt-get >/dev/null; then \
			echo "pidone: please install:$$missing (this Makefile installs them with apt-get on Debian/Ubuntu)"; exit 1; \
		fi; \
		echo "installing:$$missing"; \
		$(APT) update -qq && $(APT) install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# A kernel in pidone's cache, unless one is found already ($$PIDONE_KERNEL,
# the cache, or a readable /boot/vmlinuz-*).
kernel: build
	@if ! $(BIN) kernel path >/dev/null 2>&1; then \
		if command -v apt-get >/dev/null && ! apt-cache show linux-image-cloud-amd64 >/dev/null 2>&1; then \
			$(APT) update -qq; \
		fi; \
		$(BIN) kernel fetch; \
	fi

# Every fuzz target in the tree, FUZZTIME each.
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; \
			$(GO) test $$pkg -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) >/dev/null || exit 1; \
		done; \
	done

clean:
	rm -rf bin initramfs.cpio*
