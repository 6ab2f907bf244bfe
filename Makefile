# The test command README gives: installs what the tests need (as root, with
# apt-get, only when something is missing), then vets and runs every test.
.PHONY: build install deps test bench fuzz

# build stamps the module version and VCS revision into the binary
# (billrun --version, manifest.json), whatever GOFLAGS says.
build:
	CGO_ENABLED=0 go build -buildvcs=auto -o billrun ./cmd/billrun

# install puts the same binary in $GOBIN (or ~/go/bin), stamped likewise: a
# plain `go install` is unstamped where GOFLAGS has -buildvcs=false.
install:
	CGO_ENABLED=0 go install -buildvcs=auto ./cmd/billrun

# deps installs, as root with apt-get, each Debian package whose tool is
# missing: RRDtool and rrdcached (the reference), python3-rrdtool (the
# benchmark's peer), poppler-utils (pdftotext, pdfdetach), the CJK font, and
# for the official e-invoice rules (../shared/einvoice/validate) nodejs,
# npm and libxml2-utils (xmllint), GNU time (the memory tests' peak of
# billrun's own process), and systemd (systemd-analyze calendar, the
# reference for billrun schedule --systemd), sqlite3 (to look into a register),
# and for validate --pdfa qpdf and PDFBox's Preflight with Java
# (default-jre-headless, libpdfbox2-java, libactivation-java,
# libjaxb-api-java), and LibreOffice Calc (libreoffice-calc-nogui), the
# spreadsheet that recalculates the workbooks' formulas. apt-get waits up to five minutes for another
# apt-get's dpkg lock rather than failing at once. Only the missing ones: a machine whose
# node came with its own npm (NodeSource) gets no Debian npm on top.
deps:
	@missing=""; \
	command -v rrdtool >/dev/null || missing="$$missing rrdtool"; \
	command -v rrdcached >/dev/null || missing="$$missing rrdcached"; \
	/usr/bin/python3 -c 'import rrdtool' 2>/dev/null || missing="$$missing python3-rrdtool"; \
	command -v pdftotext >/dev/null && command -v pdfdetach >/dev/null || missing="$$missing poppler-utils"; \
	[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || missing="$$missing fonts-droid-fallback"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v xmllint >/dev/null || missing="$$missing libxml2-utils"; \
	[ -x /usr/bin/time ] || missing="$$missing time"; \
	command -v systemd-analyze >/dev/null || missing="$$missing systemd"; \
	command -v sqlite3 >/dev/null || missing="$$missing sqlite3"; \
	command -v qpdf >/dev/null || missing="$$missing qpdf"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	[ -f /usr/share/java/preflight.jar ] || missing="$$missing libpdfbox2-java"; \
	[ -f /usr/share/java/javax.activation.jar ] || missing="$$missing libactivation-java"; \
	[ -f /usr/share/java/jaxb-api.jar ] || missing="$$missing libjaxb-api-java"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing"; \
	    apt-get -o DPkg::Lock::Timeout=300 update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing test tools; run as root or: sudo apt-get install$$missing" >&2; exit 1; \
	  fi; \
	fi
	@# LibreOffice Calc without its recommends (a desktop's worth of them)
	@command -v soffice >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing libreoffice-calc-nogui"; \
	    apt-get -o DPkg::Lock::Timeout=300 update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; \
	  else \
	    echo "missing test tools; run as root or: sudo apt-get install --no-install-recommends libreoffice-calc-nogui" >&2; exit 1; \
	  fi; }
	@# mailpit, a real SMTP server the delivery tests start on loopback
	@command -v mailpit >/dev/null || [ -x "$$(go env GOPATH)/bin/mailpit" ] || \
	  { echo "installing mailpit"; GOFLAGS= go install github.com/axllent/mailpit@v1.33.1; }

# test runs rrdfetch, the one package with unsafe code, and report, which
# reads files on several goroutines, a second time under the race detector
# (which also checks rrdfetch's pointer conversions, checkptr).
test: deps
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
	go vet ./...
	go test -count=1 -timeout 40m ./...
	go test -count=1 -race ./report ./rrdfetch

fuzz:
	go test ./rrdfetch -run '^$$' -fuzz FuzzOpen -fuzztime 60s
	go test ./internal/config -run '^$$' -fuzz FuzzParse -fuzztime 30s
	go test ./internal/config -run '^$$' -fuzz FuzzConfigWithInventory -fuzztime 30s
	go test ./export/document -run '^$$' -fuzz FuzzInvoiceText -fuzztime 60s
	go test ./export -run '^$$' -fuzz FuzzWorkbookText -fuzztime 30s
	go test ./internal/rrdcached -run '^$$' -fuzz FuzzParseFetch -fuzztime 30s
	go test ./internal/timespec -run '^$$' -fuzz FuzzResolve -fuzztime 30s

# bench: the Go benchmarks, then billrun beside its peers over demo fleets
# (SIZES, default 1000 10000; BASE=REV adds billrun built at REV, side by
# side), then memory against fleet size (docs/performance.md).
SIZES ?= 1000 10000
bench: deps
	go test ./rrdfetch ./report -run '^$$' -bench . -count 6 -benchmem
	BASE=$(BASE) bench/run.sh $(SIZES)
	SIZES="$(SIZES)" bench/memory.sh
	bench/send.sh 2000
