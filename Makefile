# sdc: set-up, demo and tests on a fresh machine. `make demo` and `make test` are all you need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EGL_PACKAGES := libegl1 libegl-mesa0 libgl1-mesa-dri libgbm1

.PHONY: demo test fuzz check-egl bench bench-memory clean

demo: $(VENV)/.installed check-egl
	$(BIN)/sdc build examples/the-bridge.play -o build/the-bridge.mp4
	@echo "open build/the-bridge.mp4 (subtitles: build/the-bridge.srt)"

test: $(VENV)/.installed-dev check-egl
	$(BIN)/python -m pytest -q

# A long fuzzing run: grammar-generated scripts, shuffled statements and raw bytes (see tests/test_fuzz.py).
fuzz: $(VENV)/.installed-dev
	SDC_FUZZ_EXAMPLES=$${SDC_FUZZ_EXAMPLES:-5000} $(BIN)/python -m pytest -q tests/test_fuzz.py

bench: $(VENV)/.installed check-egl
	$(BIN)/python bench/render_fps.py
	$(BIN)/python bench/incremental.py
	$(BIN)/python bench/check_speed.py

# Peak RSS of a long 1080p build under /usr/bin/time -v (slow: MINUTES=10 renders 18000 frames).
bench-memory: $(VENV)/.installed check-egl
	$(BIN)/python bench/memory.py --minutes $${MINUTES:-2}
	$(BIN)/python bench/memory.py --minutes $${MINUTES:-10} --audio-only

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

# The renderer draws offscreen through Mesa's EGL (llvmpipe on machines without a GPU).
check-egl: | $(BIN)/python
	@if ! ldconfig -p | grep -q 'libEGL.so.1 ' || ! ldconfig -p | grep -q 'libEGL_mesa.so'; then \
	  echo "sdc renders offscreen with Mesa's EGL, which is not installed. Install it with:"; \
	  echo "  sudo apt-get install -y $(EGL_PACKAGES)"; exit 1; fi
	@if [ -f $(VENV)/.installed ] && ! $(BIN)/python -c "import moderngl; moderngl.create_standalone_context(backend='egl', libegl='libEGL.so.1').release()" 2>/dev/null; then \
	  echo "Mesa's EGL is installed but no OpenGL 3.3 context could be created. Try:"; \
	  echo "  sudo apt-get install -y $(EGL_PACKAGES)"; exit 1; fi

clean:
	rm -rf build .sdc-cache .pytest_cache
