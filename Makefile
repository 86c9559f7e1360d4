# The README's two commands are `make run` and `make test`; both are idempotent.
.PHONY: run test test-services bench screenshots

run:
	scripts/bootstrap.sh
	.venv/bin/python manage.py migrate --noinput
	.venv/bin/python manage.py demo
	.venv/bin/python manage.py runserver 127.0.0.1:8000

test:
	scripts/bootstrap.sh test
	.venv/bin/python -m pytest

# The same suite against PostgreSQL and Redis with a real worker process (used by .ci/run).
test-services:
	scripts/bootstrap.sh test
	scripts/test-services.sh

bench:
	scripts/bootstrap.sh test
	.venv/bin/python benchmarks/quality.py
	.venv/bin/python benchmarks/render_bench.py
	.venv/bin/python -m benchmarks.detect_bench
	.venv/bin/python -m benchmarks.clutter_bench
	.venv/bin/python -m benchmarks.recover_preview_bench
	.venv/bin/python -m benchmarks.path_bench

# Screenshots of the main pages in real Chromium (Debian's package) into docs/screenshots/.
screenshots:
	scripts/bootstrap.sh test
	.venv/bin/python scripts/screenshots.py
