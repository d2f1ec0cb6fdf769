# SPDX-License-Identifier: BSD-3-Clause
# Thin wrapper around CMake: `make` builds build/dynzoned and build/dynzone,
# `make test` runs every test.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all test check unit system clean

all: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

unit: all
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

system: all
	DZ_BUILD=$(abspath $(BUILD)) /usr/bin/python3 -m pytest -q tests/system

test: unit system

check: test

clean:
	rm -rf $(BUILD)
