# The test command README gives: installs what the tests need (as root, with
# apt-get, only when something is missing), then vets and runs every test.
.PHONY: build deps test bench fuzz

# build stamps the module version and VCS revision into the binary
# (billrun --version, manifest.json), whatever GOFLAGS says.
build:
	CGO_ENABLED=0 go build -buildvcs=auto -o billrun ./cmd/billrun

DEBS = rrdtool rrdcached python3-rrdtool poppler-utils fonts-droid-fallback

deps:
	@if ! (command -v rrdtool && command -v rrdcached && command -v pdftotext && \
	       [ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] && \
	       /usr/bin/python3 -c 'import rrdtool') >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing $(DEBS)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBS) >/dev/null; \
	  else \
	    echo "missing test tools; run as root or: sudo apt-get install $(DEBS)" >&2; exit 1; \
	  fi; \
	fi

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
	go test ./export -run '^$$' -fuzz FuzzInvoiceText -fuzztime 60s
	go test ./internal/rrdcached -run '^$$' -fuzz FuzzParseFetch -fuzztime 30s
	go test ./internal/timespec -run '^$$' -fuzz FuzzResolve -fuzztime 30s

bench: deps
	go test ./rrdfetch ./fleet -run '^$$' -bench . -count 6 -benchmem
	bench/run.sh
	bench/memory.sh
